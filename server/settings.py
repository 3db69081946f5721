"""Server settings, read from ADM_* environment variables (and a .env file when present)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything an operator may set; the defaults run the demo on SQLite under ./var/server."""

    model_config = SettingsConfigDict(env_prefix="ADM_", env_file=".env", extra="ignore")

    data_dir: Path = Path("var/server")
    database_url: str = ""  # empty: SQLite in data_dir
    public_url: str = "http://localhost:8000"  # where printed QR codes point for verification
    host: str = "127.0.0.1"
    port: int = 8000
    staff_token: str = ""  # bootstrap staff admin, for the first accounts (api/staff_auth.py)
    pickup_code_days: int = 30
    claim_lease_seconds: int = 600
    kiosk_heartbeat_seconds: int = 30  # handed to kiosks in their configuration
    # At most this many requests inside the app at once (server/api/admission.py); the database
    # pool holds as many connections. Others wait up to admission_wait_seconds, then get 503.
    max_concurrent_requests: int = 16
    admission_wait_seconds: float = 10.0
    # Heartbeats (server/heartbeats.py): written in batches this often; kiosks' credentials
    # cached in memory (server/kiosk_cache.py) and trusted this long, the most another server
    # process takes to refuse a kiosk revoked through this one.
    heartbeat_flush_seconds: float = 1.0
    kiosk_cache_seconds: float = 5.0
    max_request_bytes: int = 1_000_000
    max_upload_request_bytes: int = 11_000_000  # an application with its photographed papers

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'adm.db'}"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"
