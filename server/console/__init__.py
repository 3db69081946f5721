"""The web console: staff log in and work in their browser, in Bahasa Indonesia or English.

Server-rendered pages (Jinja2 templates in templates/, texts in texts/*.toml), one module per
area: auth.py (login, sessions, CSRF, throttling), admin.py (locations and kiosks),
technician.py (fleet health), and officer.py / public.py where present. app.py mounts them.
"""
