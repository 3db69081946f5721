"""The kiosk core: devices from configuration, a worker thread for every blocking step, events.

A face (the touchscreen app, or the headless event log) listens for events and may submit
codes; everything that touches a device or the network runs on the core's worker thread.

A face that can show documents before printing calls :meth:`KioskCore.ask_before_printing`:
a scanned code is then only resolved (``DocumentsReady``), and printing waits for
:meth:`KioskCore.print_confirmed`. A typed number + PIN always waits for it (``submit_pin``).
At most one citizen's documents are held at a time; :meth:`KioskCore.cancel_pending` (back,
home, idle timeout) forgets them and releases a claim, and a later answer for a session that
ended is released instead of shown.

A face that asks the citizen for a NIK calls :meth:`KioskCore.set_scan_mode` with
``ScanMode.NIK`` while it does: a scanned line is then read as a NIK (``NikScanned``) or refused
where the citizen is (``ScanRefused``), and never starts a print. The mode goes back to
``ScanMode.PICKUP`` when the face says so, or when the session ends.
"""

from __future__ import annotations

import logging
import queue
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from devices.a4 import A4Printer
from devices.camera import Camera
from devices.contract import Device, DeviceState, HealthLevel, StatusEvent
from devices.counters import CounterStore
from devices.errors import DeviceError, DeviceNotReady
from devices.receipt import ReceiptPrinter
from devices.registry import create_device
from devices.scanner import Scanner
from devices.scanner.camera_scanner import CameraScanner
from kiosk.apply import mask_nik
from kiosk.apply_desk import KIND as APPLICATION
from kiosk.apply_desk import ApplicationDesk
from kiosk.codes import Refusal, ScanMode, nik_from_scan
from kiosk.config import KioskConfig
from kiosk.device_checks import RemoteHealthChecks
from kiosk.errors import ConfigError, ServerRefused, ServerUnavailable
from kiosk.events import (
    DocumentsReady,
    EventListener,
    FeedbackDelivered,
    KioskEvent,
    NikScanned,
    PrintFailed,
    Ready,
    ScanRefused,
)
from kiosk.outbox import Outbox
from kiosk.pickup import PickupPrinting, shown_documents
from kiosk.remote_config import ConfigApplied, RemoteConfig
from kiosk.server_client import PrintJob, ServerClient
from kiosk.service_state import Facts, ServiceState, decide
from kiosk.vision.qr import QrReader

log = logging.getLogger(__name__)

APP_VERSION = "0.1.0"


@dataclass(frozen=True)
class _Held:
    """Documents shown to a citizen, waiting for "Print": a resolved code or a claimed job."""

    code: str | None = None
    job: PrintJob | None = None


Job = Callable[[], None]


class KioskCore:
    """Owns the devices, the server client and the outbox of one kiosk."""

    def __init__(self, config: KioskConfig) -> None:
        self.config = config
        self._listeners: list[EventListener] = []
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._confirm_first = False  # a face shows the documents and waits for "Print"
        self._held_lock = threading.Lock()
        self._held: _Held | None = None
        self._session = 0  # bumped by cancel_pending: answers for an older session are dropped
        self._worker: threading.Thread | None = None
        self._busy = threading.Event()
        self._stopped = False
        self._stop_heartbeat = threading.Event()
        self._devices_in_use = threading.Lock()  # a print job, or a heartbeat's health check
        self._last_detail: dict[str, str] = {}
        self._code_diversion: Callable[[str], None] | None = None  # a technician's test scan
        self._scan_mode = ScanMode.PICKUP
        self.qr_reader: QrReader | None = None  # set when the scanner is a camera
        self.kiosk_name = config.kiosk_id
        self.server = ServerClient(
            config.server_url, config.credential(), config.server_timeout, config.ca_bundle
        )
        self.devices: dict[str, Device] = {}
        for role, spec in config.devices.items():
            try:
                self.devices[role] = create_device(role, spec.driver, spec.options)
            except DeviceError as exc:
                raise ConfigError(str(exc)) from exc
        self.counters = CounterStore(config.data_dir / "counters.json")
        for device in self.devices.values():
            self.counters.attach(device)
        self.scanner = self._typed("scanner", Scanner)
        self.receipt = self._typed("receipt", ReceiptPrinter)
        self.a4 = self._typed("a4", A4Printer)
        self.outbox = Outbox(config.data_dir / "outbox.sqlite3", self._send)
        self.remote_config = RemoteConfig(config.data_dir / "server-config.json")
        self.remote_config.add_listener(self._config_applied)
        self.server_reachable = True  # until a heartbeat says otherwise
        self.remote_checks = RemoteHealthChecks(self.server)  # a technician's, via heartbeats
        self._in_session = False  # a citizen is being served: a remote check waits
        self.pickup = PickupPrinting(
            self.server, self.a4, self.receipt, self.outbox, self._emit, lambda: self.kiosk_name
        )
        camera = self.devices.get("camera")
        self.camera: Camera | None = camera if isinstance(camera, Camera) else None
        self.applications = ApplicationDesk(
            self.server,
            self.outbox,
            self.receipt,
            self._emit,
            lambda: self.kiosk_name,
            config.data_dir / "catalogue.json",
        )

    def _typed(self, role: str, kind: type[Any]) -> Any:
        device = self.devices[role]
        if not isinstance(device, kind):
            raise ConfigError(f"[devices.{role}] driver is not a {kind.__name__}")
        return device

    # -- faces ------------------------------------------------------------------------------
    def add_listener(self, listener: EventListener) -> None:
        self._listeners.append(listener)

    def _emit(self, event: KioskEvent) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a broken face must not stop printing
                log.exception("event listener failed on %s", event.kind)

    def ask_before_printing(self) -> None:
        """From now on a scanned code is shown (DocumentsReady) and printed only when confirmed."""
        self._confirm_first = True

    def submit_code(self, code: str) -> None:
        """Handle a scanned or typed code; ignored while a job runs, so nothing prints twice."""
        diversion = self._code_diversion
        if diversion is not None:
            diversion(code)
            return
        if self._scan_mode is ScanMode.NIK:
            self._nik_scanned(code)
            return
        if self._busy.is_set():
            log.info("code ignored: a print job is running")
            return
        if not self._jobs.empty():
            log.info("code ignored: another job is waiting")
            return
        if self._confirm_first:
            session = self._session
            self._jobs.put(lambda: self._preview_code(code, session))
        else:
            self._jobs.put(lambda: self.pickup.run(code))

    def set_scan_mode(self, mode: ScanMode) -> None:
        """What a scanned line is for from now on (the face's NIK screen, or printing)."""
        if mode is not self._scan_mode:
            log.info("scans are for %s now", mode.value)
        self._scan_mode = mode

    def _nik_scanned(self, text: str) -> None:
        """A line read on the NIK screen: the NIK, or why not; no device, no server, no print.

        Runs on the scanner's thread: reading the line is quick, and a print job that may be
        running on the worker must not keep the citizen waiting for the answer.
        """
        found = nik_from_scan(text)
        if isinstance(found, Refusal):
            log.info(
                "scan refused on the NIK screen: %s (%d characters)", found.reason, found.length
            )
            self._emit(
                ScanRefused(mode=ScanMode.NIK.value, reason=found.reason, message=found.reason)
            )
            return
        log.info("NIK scanned: %s", mask_nik(found))
        self._emit(NikScanned(nik=found))

    def submit_pin(self, registration_number: str, pin: str) -> None:
        """Check a typed number + PIN by claiming; DocumentsReady or PinRefused follows."""
        session = self._session
        self._jobs.put(lambda: self._claim_by_pin(registration_number, pin, session))

    def print_confirmed(self) -> bool:
        """The citizen pressed "Print" for the documents shown; False if none are held."""
        with self._held_lock:
            held, self._held = self._held, None
        if held is None:
            log.info("print confirmed, but no documents are waiting")
            return False
        if held.job is not None:
            job = held.job
            self._jobs.put(lambda: self.pickup.print_claimed(job))
        elif held.code is not None:
            code = held.code
            self._jobs.put(lambda: self.pickup.run(code))
        return True

    def cancel_pending(self) -> None:
        """The citizen went back or left: forget what was shown, release a claim, end answers."""
        with self._held_lock:
            self._session += 1
            held, self._held = self._held, None
        if held is not None and held.job is not None:
            job = held.job
            self._jobs.put(lambda: self.pickup.release(job))

    def _hold(self, held: _Held, session: int) -> bool:
        """Keep ``held`` for the citizen of ``session``; False (and released) if they left."""
        with self._held_lock:
            current = session == self._session
            if current:
                dropped, self._held = self._held, held
            else:
                dropped = held
        if dropped is not None and dropped.job is not None:
            self.pickup.release(dropped.job)
        return current

    def _drop_held(self, session: int) -> None:
        """A new scan or PIN takes the screen: what was shown before is no longer wanted."""
        with self._held_lock:
            dropped = self._held if session == self._session else None
            if dropped is not None:
                self._held = None
        if dropped is not None and dropped.job is not None:
            self.pickup.release(dropped.job)

    def _preview_code(self, code: str, session: int) -> None:
        self._drop_held(session)
        found = self.pickup.preview(code)
        if found is None:
            return
        canonical, documents = found
        if self._hold(_Held(code=canonical), session):
            self._emit(DocumentsReady(source="code", documents=documents))
        else:
            log.info("resolved code not shown: the citizen has left")

    def _claim_by_pin(self, registration_number: str, pin: str, session: int) -> None:
        self._drop_held(session)
        job = self.pickup.claim_by_pin(registration_number, pin)
        if job is None:
            return
        if self._hold(_Held(job=job), session):
            self._emit(DocumentsReady(source="pin", documents=shown_documents(job.documents)))
        else:
            log.info("claimed job %s not shown: the citizen has left", job.id)

    # -- technician ------------------------------------------------------------------------
    def divert_codes(self, listener: Callable[[str], None] | None) -> None:
        """While set, scanned codes go to ``listener`` (a test scan) instead of printing."""
        self._code_diversion = listener

    def device_details(self) -> dict[str, str]:
        """The last status event of each device, by device name."""
        return dict(self._last_detail)

    @contextmanager
    def devices_held(self, timeout: float = 60.0) -> Iterator[None]:
        """The devices to one caller (a technician's check), after a running print job."""
        if not self._devices_in_use.acquire(timeout=timeout):
            raise DeviceNotReady(f"the devices stayed busy for {timeout:g} s")
        try:
            yield
        finally:
            self._devices_in_use.release()

    # -- life cycle -------------------------------------------------------------------------
    def start(self) -> None:
        """Start the worker; opening devices and greeting the server happen on it."""
        self.outbox.start()
        self.counters.start()
        self._worker = threading.Thread(target=self._run, name="kiosk-core", daemon=True)
        self._worker.start()
        threading.Thread(target=self._heartbeats, name="heartbeat", daemon=True).start()

    def stop(self) -> None:
        """Finish the current job, close devices and the outbox; safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        self._stop_heartbeat.set()
        self._jobs.put(None)
        if self._worker is not None:
            self._worker.join(timeout=10)  # the worker closes the devices as it ends
            if self._worker.is_alive():
                log.error("kiosk core worker did not end within 10 s; devices left open")
        else:
            self._close_devices()
        self.counters.close()
        self.outbox.close()

    def _close_devices(self) -> None:
        """On the worker (never the UI thread): closing may wait on a printer."""
        for device in self.devices.values():
            try:
                device.close()
            except DeviceError:
                log.warning("closing %s failed", device.name, exc_info=True)

    def _open_devices(self) -> None:
        # The callback comes first: a citizen may scan while the kiosk is still starting.
        self.scanner.set_code_callback(self.submit_code)
        if isinstance(self.scanner, CameraScanner):
            self.qr_reader = QrReader()  # the screens ask it for hints (QrReader.hint)
            self.scanner.set_decoder(self.qr_reader.decode)
        for role, device in self.devices.items():
            device.add_listener(self._device_event)
            try:
                device.open()
            except DeviceError as exc:
                log.error("device %s could not be opened: %s", role, exc)

    def _greet_server(self) -> None:
        try:
            me = self.server.whoami()
            self.kiosk_name = str(me.get("name", self.config.kiosk_id))
            log.info("authenticated to the server as %s (%s)", me.get("id"), self.kiosk_name)
        except (ServerUnavailable, ServerRefused) as exc:
            log.error("server greeting failed: %s", exc)

    def _device_event(self, event: StatusEvent) -> None:
        log.info("device %s: %s %s", event.device, event.kind.value, event.detail)
        self._last_detail[event.device] = f"{event.kind.value} {event.detail}".strip()

    def health_payload(self) -> dict[str, Any]:
        """What the heartbeat tells the office about this kiosk's devices."""
        return {
            "app_version": APP_VERSION,
            "config_version": self.remote_config.version,
            "outbox_pending": len(self.outbox.pending()),
            "devices": [
                {
                    "name": role,
                    "kind": device.kind,
                    "state": device.state.value,
                    "detail": self._last_detail.get(device.name, "")[:300],
                    "counters": device.counter_snapshot(),
                }
                for role, device in self.devices.items()
            ],
        }

    def _refresh_printers(self) -> None:
        """Ask the printers how they are while idle, so paper out is known before a citizen."""
        if not self._devices_in_use.acquire(blocking=False):
            return  # a print job is running: its own checks are fresher
        try:
            for device in (self.receipt, self.a4):
                try:
                    device.check_health(HealthLevel.INTERNAL)
                except DeviceError as exc:
                    log.warning("health check of %s failed: %s", device.name, exc)
        finally:
            self._devices_in_use.release()

    def _heartbeats(self) -> None:
        """Every heartbeat_interval: alive, device states, counters; failures only logged."""
        while True:
            self._refresh_printers()
            try:
                ack = self.server.heartbeat(self.health_payload())
                self._reachable(True)
                if ack.get("config_version") != self.remote_config.newest_version:
                    self._fetch_config()
                self._health_check_asked(ack.get("health_check_request"))
                if self.remote_config.locations_stale():
                    self.remote_config.set_locations(self.server.locations())
            except ServerUnavailable as exc:
                self._reachable(False)
                log.warning("heartbeat not delivered: %s", exc)
            except ServerRefused as exc:
                log.warning("heartbeat not delivered: %s", exc)
            if self._stop_heartbeat.wait(self.config.heartbeat_interval):
                return

    def _health_check_asked(self, order: Any) -> None:
        """A technician's remote check: run on the worker between citizens, then reported."""
        queued = self.remote_checks.offer(order, busy_with_citizen=self._in_session)
        if queued is None:
            return
        request_id, level = queued

        def check() -> None:  # on the worker, the devices held (no print runs meanwhile)
            if self._in_session:  # a citizen came first: the next heartbeat offers it again
                self.remote_checks.cancel(request_id)
                return
            self.remote_checks.run(request_id, level, self.devices)

        log.info("health check %s (%s) requested by the office", request_id, level)
        self.run_on_worker(check)

    def _fetch_config(self) -> None:
        """Take the configuration the office set, between sessions; then its locations list."""
        config = self.server.fetch_config()
        self.remote_config.offer(config)
        self.remote_config.set_locations(self.server.locations())

    def _reachable(self, reachable: bool) -> None:
        if reachable != self.server_reachable:
            log.info("server %s", "reachable again" if reachable else "unreachable")
        self.server_reachable = reachable

    def _config_applied(self, config: dict[str, Any]) -> None:
        self.kiosk_name = str(config.get("kiosk_name") or self.kiosk_name)
        place = config.get("location")
        name = str(place.get("name", "")) if isinstance(place, dict) else ""
        self._emit(ConfigApplied(version=int(config.get("version", 0)), location_name=name))

    # -- sessions and what is offered (see kiosk/service_state.py) ---------------------------
    def session_started(self) -> None:
        """A citizen is using the kiosk: configuration changes wait until they are done."""
        self._in_session = True
        self.remote_config.begin_session()

    def session_ended(self) -> None:
        """The citizen left: a configuration that waited takes effect now."""
        self._in_session = False
        self._scan_mode = ScanMode.PICKUP  # whatever screen the citizen left on
        self.remote_config.end_session()

    def enabled_services(self) -> list[dict[str, Any]]:
        """The services citizens may apply for at this kiosk now (code, name_id, name_en)."""
        return self.remote_config.services()

    def service_state(self, now: datetime | None = None) -> ServiceState:
        """What the kiosk offers now; cheap and without I/O, so a face may ask on its UI thread."""
        printers = {"a4": self.a4, "receipt": self.receipt}
        location = self.remote_config.get("location")
        facts = Facts(
            now=now or datetime.now(UTC),
            server_reachable=self.server_reachable,
            printer_problems=tuple(
                role
                for role, printer in printers.items()
                if printer.state in (DeviceState.ERROR, DeviceState.OFFLINE)
            ),
            location=location if isinstance(location, dict) else None,
            enabled_services=tuple(self.remote_config.service_codes()),
            config_known=self.remote_config.version > 0,
            locations=self.remote_config.locations,
            follow_hours=self.config.follow_opening_hours,
        )
        return decide(facts)

    def _run(self) -> None:
        # Held while opening: the heartbeat's printer check on the same port would otherwise
        # interleave its status query with the open's, and the open fail at every start.
        with self._devices_in_use:
            self._open_devices()
        self._greet_server()
        self._emit(Ready())
        while True:
            job = self._jobs.get()
            if job is None:
                self._release_held()
                self._close_devices()
                return
            self._busy.set()
            try:
                with self._devices_in_use:
                    job()
            except Exception:  # the kiosk must keep serving the next citizen
                log.exception("print flow crashed")
                self._emit(PrintFailed(reason="server", message="failed.server"))
            finally:
                self._busy.clear()
            self._emit(Ready())

    def _release_held(self) -> None:
        """The kiosk stops: a claim nobody will print goes back to the server (via the outbox)."""
        with self._held_lock:
            held, self._held = self._held, None
        if held is not None and held.job is not None:
            self.pickup.release(held.job, "not printed: the kiosk stopped")

    def queue_feedback(self, kind: str, payload: dict[str, Any]) -> str:
        """Keep a complaint or survey in the durable outbox; returns its key (a fresh one)."""
        if kind not in ("complaint", "survey"):
            raise ValueError(f"not a feedback kind: {kind}")
        key = f"{kind}-{self.config.kiosk_id}-{uuid.uuid4().hex}"
        self.outbox.put(kind, key, {"key": key, "body": payload})
        return key

    def run_on_worker(self, job: Job) -> None:
        """Run ``job`` on the core's worker, where device work is serialised (never raises)."""
        self._jobs.put(job)

    def _send(self, kind: str, payload: dict[str, Any]) -> None:
        if kind == APPLICATION:
            self.applications.deliver(payload)
        elif kind == "print_result":
            self.server.report_result(
                payload["job_id"], payload["outcome"], payload.get("stage"), payload["detail"]
            )
        elif kind == "complaint":
            answer = self.server.submit_complaint(payload["key"], payload["body"])
            ticket = str(answer.get("ticket", ""))
            self._emit(FeedbackDelivered(what="complaint", key=payload["key"], ticket=ticket))
        elif kind == "survey":
            self.server.submit_survey(payload["key"], payload["body"])
            self._emit(FeedbackDelivered(what="survey", key=payload["key"]))
        else:
            raise ServerRefused(0, "unknown_kind", f"outbox message kind {kind!r}", {})
