"""Kivy touchscreen face of the ADM kiosk: the app and its screens."""
