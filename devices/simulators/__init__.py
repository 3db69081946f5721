"""Simulated devices that are real peers: they sit on the far end of a pty or socket."""
