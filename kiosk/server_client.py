"""The kiosk's side of the HTTP API, authenticated with the kiosk's own credential."""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import requests

from devices.io_guard import check_io
from kiosk.errors import ServerRefused, ServerUnavailable
from kiosk.request_signing import KioskAuth

log = logging.getLogger(__name__)

# A claim that got no answer is asked again after these waits, all within CLAIM_RETRY_SECONDS:
# long enough to ride out a reset connection, short enough for a citizen standing there.
CLAIM_RETRY_WAITS = (0.5, 1.0, 2.0)
CLAIM_RETRY_SECONDS = 10.0


@dataclass(frozen=True)
class JobDocument:
    id: str
    doc_type: str
    number: str
    holder_masked: str
    download_path: str


@dataclass(frozen=True)
class PrintJob:
    id: str
    receipt_number: str
    status: str
    documents: list[JobDocument]


class ServerClient:
    """Signed calls with timeouts; failures become ServerUnavailable or ServerRefused."""

    def __init__(
        self, base_url: str, credential: str, timeout: float = 10.0, verify: str = ""
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = (min(3.05, timeout), timeout)
        self._session = requests.Session()
        self._auth = KioskAuth(credential)
        self._session.auth = self._auth
        self._session.headers["User-Agent"] = "adm-kiosk/0.1"
        if verify:
            self._session.verify = verify

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        check_io(f"server {method} {path}")
        kwargs.setdefault("timeout", self.timeout)
        try:
            response = self._session.request(method, self.base_url + path, **kwargs)
        except requests.RequestException as exc:
            raise ServerUnavailable(f"{method} {path}: {type(exc).__name__}") from exc
        self._auth.learn_clock(response)
        return response

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        response = self._send(method, path, **kwargs)
        if response.status_code == 401 and _reason(response) == "clock_skew":
            # Our clock is off (no RTC battery, no NTP): sign again on the server's time.
            log.warning(
                "kiosk clock is %.0f s off the server's; following the server",
                -self._auth.clock_offset,
            )
            response = self._send(method, path, **kwargs)
        if response.status_code >= 500:
            raise ServerUnavailable(f"{method} {path}: HTTP {response.status_code}")
        if response.status_code >= 400:
            detail: dict[str, Any] = {}
            try:
                body = response.json()
                detail = body.get("detail", {}) if isinstance(body, dict) else {}
            except ValueError:
                pass
            if not isinstance(detail, dict):
                detail = {"message": str(detail)}
            raise ServerRefused(
                response.status_code,
                str(detail.get("reason", "http_error")),
                str(detail.get("message", response.reason)),
                {k: str(v) for k, v in detail.items() if k not in ("reason", "message")},
            )
        return response

    def _json(self, method: str, path: str, kind: type, **kwargs: Any) -> Any:
        """The JSON answer, of the type our API gives; else ServerUnavailable, so a captive
        portal or proxy answering in our server's place never ends the caller's thread."""
        response = self._call(method, path, **kwargs)
        try:
            answer = response.json()
        except ValueError:
            raise ServerUnavailable(f"{method} {path}: the answer is not JSON") from None
        if not isinstance(answer, kind):
            raise ServerUnavailable(f"{method} {path}: the answer is not a JSON {kind.__name__}")
        return answer

    def whoami(self) -> dict[str, Any]:
        result: dict[str, Any] = self._json("GET", "/api/v1/kiosk/me", dict)
        return result

    def heartbeat(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Deliver a heartbeat; the answer says which configuration version is current."""
        ack: dict[str, Any] = self._json("POST", "/api/v1/kiosk/heartbeat", dict, json=payload)
        return ack

    def fetch_config(self) -> dict[str, Any]:
        """The configuration the office set for this kiosk (location, hours, services)."""
        config: dict[str, Any] = self._json("GET", "/api/v1/kiosk/config", dict)
        if not isinstance(config.get("version"), int):
            raise ServerUnavailable("kiosk configuration came back without a version")
        return config

    def claim(self, pickup_code: str, key: str | None = None) -> PrintJob:
        """Claim a scanned code; ``key`` names the citizen's attempt (see :meth:`_claim`)."""
        return self._claim({"pickup_code": pickup_code}, key)

    def claim_with_pin(
        self, registration_number: str, pin: str, key: str | None = None
    ) -> PrintJob:
        """Claim by the registration number and 6-digit PIN a citizen typed."""
        return self._claim({"registration_number": registration_number, "pin": pin}, key)

    def _claim(self, payload: dict[str, str], key: str | None) -> PrintJob:
        """Claim, asking again with the same ``key`` when no answer came back.

        A claim whose answer is lost (connection reset, timeout) may have been made on the
        server: asked again with the same idempotency key, the server gives this kiosk that
        same job back instead of "in progress". An answer cut short (not JSON, a gateway's
        error) is no answer either. Each try is a new signed request (a fresh nonce); all of
        them together stay within CLAIM_RETRY_SECONDS. A refusal (4xx) is final. Without a
        ``key`` this call is one attempt with a key of its own.
        """
        body = {**payload, "idempotency_key": key or new_claim_key()}
        deadline = time.monotonic() + CLAIM_RETRY_SECONDS
        for wait in (*CLAIM_RETRY_WAITS, None):
            read = max(0.5, min(self.timeout[1], deadline - time.monotonic()))
            try:
                answer = self._json(
                    "POST",
                    "/api/v1/kiosk/print-jobs",
                    dict,
                    json=body,
                    timeout=(self.timeout[0], read),
                )
                return _job(answer)
            except ServerUnavailable as exc:  # no answer, or one cut short: ask again
                if wait is None or deadline - time.monotonic() - wait < 1.0:
                    raise
                log.warning("claim got no answer (%s); asking again in %.1f s", exc, wait)
                time.sleep(wait)
        raise AssertionError("unreachable: the last try returns or raises")

    def resolve(self, pickup_code: str) -> dict[str, Any]:
        """What a code would print (status and documents, holder masked); claims nothing."""
        answer: dict[str, Any] = self._json(
            "POST", "/api/v1/kiosk/pickup-codes/resolve", dict, json={"pickup_code": pickup_code}
        )
        return answer

    def application_status(self, ticket: str) -> dict[str, Any]:
        """Where an application is and what is missing, for the check-status screen."""
        path = "/api/v1/kiosk/applications/" + quote(ticket.strip(), safe="")
        answer: dict[str, Any] = self._json("GET", path, dict)
        return answer

    def locations(self) -> list[dict[str, Any]]:
        """Every kiosk location with its opening hours (public)."""
        answer: list[dict[str, Any]] = self._json("GET", "/api/v1/public/locations", list)
        return answer

    def services(self) -> dict[str, Any]:
        """The catalogue of services with their requirements (public)."""
        answer: dict[str, Any] = self._json("GET", "/api/v1/public/services", dict)
        return answer

    def submit_complaint(self, key: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Deliver a complaint once per key (the outbox's key); the answer holds its ticket."""
        answer: dict[str, Any] = self._json(
            "POST", "/api/v1/kiosk/complaints", dict, json=payload, headers={"Idempotency-Key": key}
        )
        return answer

    def submit_survey(self, key: str, payload: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = self._json(
            "POST", "/api/v1/kiosk/surveys", dict, json=payload, headers={"Idempotency-Key": key}
        )
        return answer

    def submit_application(self, key: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Deliver an application once per key (the draft's); the answer holds its ticket."""
        answer: dict[str, Any] = self._json(
            "POST",
            "/api/v1/kiosk/applications",
            dict,
            json=payload,
            headers={"Idempotency-Key": key},
        )
        return answer

    def download(self, document: JobDocument) -> bytes:
        response = self._call("GET", document.download_path)
        if response.headers.get("content-type", "").split(";")[0] != "application/pdf":
            raise ServerUnavailable(f"document {document.id} did not come back as a PDF")
        return response.content

    def report_result(self, job_id: str, outcome: str, stage: str | None, detail: str) -> None:
        self._call(
            "POST",
            f"/api/v1/kiosk/print-jobs/{job_id}/result",
            json={"outcome": outcome, "stage": stage, "detail": detail[:500]},
        )

    def report_health_check(self, request_id: int, checks: list[dict[str, Any]]) -> None:
        """A technician's remote health check: the result per device (no personal data)."""
        self._call(
            "POST", f"/api/v1/kiosk/health-checks/{request_id}/result", json={"checks": checks}
        )


def new_claim_key() -> str:
    """The idempotency key of one citizen's claim: the same on the kiosk's retries of it."""
    return "claim-" + secrets.token_hex(16)


def _reason(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    detail = body.get("detail") if isinstance(body, dict) else None
    return str(detail.get("reason", "")) if isinstance(detail, dict) else ""


def _job(data: dict[str, Any]) -> PrintJob:
    try:
        return PrintJob(
            id=str(data["id"]),
            receipt_number=str(data["receipt_number"]),
            status=str(data["status"]),
            documents=[
                JobDocument(
                    id=str(d["id"]),
                    doc_type=str(d["doc_type"]),
                    number=str(d["number"]),
                    holder_masked=str(d["holder_masked"]),
                    download_path=str(d["download_path"]),
                )
                for d in data["documents"]
            ],
        )
    except (KeyError, TypeError) as exc:
        raise ServerUnavailable(f"print job answer is malformed: {exc}") from exc
