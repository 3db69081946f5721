"""Mount the console on the server: its page modules, its static files, its error pages.

Page modules are server.console.<name> for each name in PAGE_MODULES that exists, each with a
`router`; a module added later (officer.py, public.py) is mounted by being there.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from server.console.i18n import texts
from server.console.pages import ConsoleRefused, LoginRequired, login_redirect, refused_page
from server.console.settings import ConsoleSettings
from server.kiosk_health import HealthCheckInbox, install_sampler

STATIC = Path(__file__).parent / "static"
PAGE_MODULES = ("auth", "admin", "technician", "officer", "public")


def install(app: FastAPI, settings: ConsoleSettings | None = None) -> None:
    """Add the console's pages to the app; a broken texts file stops the start here."""
    texts()
    settings = settings or ConsoleSettings()
    app.state.console_settings = settings
    install_sampler(app, settings.health_sample_seconds)
    # Read by the heartbeat route (server/api/routes/kiosk.py): a technician's request goes out
    # with the answer to the kiosk's next heartbeat.
    app.state.health_checks = HealthCheckInbox(app.state.sessions)
    app.mount("/console/static", StaticFiles(directory=STATIC), name="console-static")
    for name in PAGE_MODULES:
        module_name = f"server.console.{name}"
        if find_spec(module_name) is not None:
            app.include_router(import_module(module_name).router)
    app.add_exception_handler(ConsoleRefused, refused_page)
    app.add_exception_handler(LoginRequired, login_redirect)
