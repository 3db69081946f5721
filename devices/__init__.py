"""Kiosk hardware: one contract per device class, real drivers and simulators that are real peers.

Nothing here knows about the kiosk's flows; ``kiosk/`` builds on this package, never the reverse.
"""
