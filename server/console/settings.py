"""How long console sessions live and how hard failed logins are slowed, from ADM_CONSOLE_*."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class ConsoleSettings(BaseSettings):
    """Defaults for an office; tests shorten them through the environment of the server."""

    model_config = SettingsConfigDict(env_prefix="ADM_CONSOLE_", env_file=".env", extra="ignore")

    session_idle_seconds: int = 30 * 60  # logged out after this long without a page
    session_max_seconds: int = 12 * 3600  # and after a working day, whatever happens
    # Failed logins, counted per username and per client address within the window:
    login_free_failures: int = 2  # typos: no wait before the next try (per username)
    login_ip_free_failures: int = 10  # per address: an office behind one router makes typos too
    login_delay_seconds: float = 2.0  # then the wait doubles with each failure, up to 60 s
    login_lock_failures: int = 5  # per username: locked for login_lock_seconds
    login_ip_lock_failures: int = 20  # per address (one person guessing many usernames)
    login_lock_seconds: int = 15 * 60
    login_window_seconds: int = 15 * 60  # failures older than this are forgotten
    # The technician's history (server/kiosk_health.py): one copy per kiosk this often.
    health_sample_seconds: float = 5 * 60
