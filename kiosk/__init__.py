"""The kiosk's brain without UI: configuration, server client, print orchestration, events.

Imports ``devices``; never ``screens``.
"""
