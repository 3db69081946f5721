"""An application goes through the durable outbox: kept across a stopped kiosk and a dead
network, delivered once, its receipt printed, and then gone from the kiosk's disk.

Real parts: the server process (`adm-server serve`), the kiosk core with its SQLite outbox, the
simulated receipt printer on a pty.
"""

from __future__ import annotations

import base64
import queue
from datetime import datetime

import cv2
import numpy as np
from support import write_kiosk_config
from ui.test_feedback_flows import start_server_again

from kiosk.apply import ApplicationDraft
from kiosk.apply_desk import (
    ApplicationDelivered,
    ApplicationReceiptPrinted,
    ApplicationRefused,
    Queued,
)
from kiosk.config import load_config
from kiosk.core import KioskCore
from proof.sample_bodies import FATHER, birth_application

OFFICER = "/api/v1/officer/applications"


def page_jpeg(label: str) -> bytes:
    """A real JPEG of a white page with a label on it, as a flattened photo would be."""
    image = np.full((700, 500, 3), 250, np.uint8)
    cv2.putText(image, label, (30, 80), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (20, 20, 20), 2)
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return bytes(jpeg.tobytes())


def birth_draft(core: KioskCore) -> ApplicationDraft:
    services = core.applications.services()
    draft = ApplicationDraft(kiosk_id=core.config.kiosk_id)
    draft.start(next(s for s in services if s["code"] == "akta_kelahiran"))
    for paper in draft.paper_specs():
        if paper["required"]:
            draft.keep_paper(paper["code"], page_jpeg(paper["code"].upper()))
    draft.nik = FATHER
    draft.phone = "081244556677"
    draft.fields = dict(birth_application()["fields"])
    return draft


def on_disk(data_dir, needle: bytes) -> bool:
    """Whether ``needle`` is in any of the outbox's files (database, write-ahead log)."""
    return any(needle in p.read_bytes() for p in data_dir.glob("outbox.sqlite3*"))


def photo_on_disk(data_dir, photo: bytes) -> bool:
    """Whether pieces of the photo (as the outbox stores it, base64) are in its files; pieces,
    because a large row is spread over several SQLite pages."""
    text = base64.b64encode(photo)
    return any(on_disk(data_dir, text[i : i + 200]) for i in range(0, len(text) - 200, 3000))


def kiosk_applications(server) -> list[dict]:
    found = server.staff_get(OFFICER + "?channel=kiosk&service=akta_kelahiran")
    assert found.ok, found.text
    return [a for a in found.json() if a["kiosk_id"] == "ADM-7307-01"]


def test_an_application_waits_out_a_dead_server_and_a_restart_then_arrives_once(
    tmp_path, server, sim, request
):
    config = load_config(write_kiosk_config(tmp_path, server, sim))
    before = kiosk_applications(server)
    core = KioskCore(config)
    draft = birth_draft(core)  # the catalogue, while the server is there
    photo = bytes(draft.papers["ktp_ayah"])
    key = draft.key
    server.proc.terminate()
    server.proc.wait(timeout=10)

    core.start()
    try:
        queued = core.applications.queue(draft, "Akta Kelahiran")
        assert draft.empty  # the screens' copy is gone once the outbox has it
        assert queued.key == key and queued.phone_masked == "0812 **** 6677"
        assert [k for k, kind, _ in core.outbox.pending()] == [key]
    finally:
        core.stop()  # the kiosk goes down before the network comes back
    assert on_disk(config.data_dir, FATHER.encode())  # kept on disk, NIK and photos
    assert photo_on_disk(config.data_dir, photo)

    again = start_server_again(server)
    request.addfinalizer(lambda: (again.terminate(), again.wait(timeout=10)))
    core = KioskCore(config)
    events: queue.Queue = queue.Queue()
    core.add_listener(lambda e: events.put(e) if isinstance(e, ApplicationDelivered) else None)
    core.start()
    try:
        delivered = events.get(timeout=30)
        assert core.outbox.wait_idle(10)
    finally:
        core.stop()

    assert delivered.key == key
    new = [a for a in kiosk_applications(server) if a not in before]
    assert [a["ticket"] for a in new] == [delivered.ticket]  # exactly once
    detail = server.staff_get(f"{OFFICER}/{delivered.ticket}").json()
    papers = {p["requirement"]: p for p in detail["papers"]}
    assert sorted(papers) == ["kk_lama", "ktp_ayah", "ktp_ibu", "surat_keterangan_lahir"]
    assert all(p["content_type"] == "image/jpeg" for p in papers.values())
    stored = server.staff_get(papers["ktp_ayah"]["download_path"]).content
    assert stored == photo  # the photo the citizen chose, byte for byte

    # delivered: nothing of the citizen is left in the kiosk's files
    assert not on_disk(config.data_dir, FATHER.encode())
    assert not photo_on_disk(config.data_dir, photo)


def test_the_same_application_sent_twice_is_one_application(tmp_path, server, sim):
    core = KioskCore(load_config(write_kiosk_config(tmp_path, server, sim)))
    draft = birth_draft(core)
    key, body = draft.key, draft.body()
    first = core.server.submit_application(key, body)
    second = core.server.submit_application(key, body)  # an outbox retry after a lost answer
    core.stop()
    assert first["ticket"] == second["ticket"]
    assert [a["ticket"] for a in kiosk_applications(server)].count(first["ticket"]) == 1


def test_the_receipt_carries_the_ticket_as_a_qr_or_says_it_is_not_sent_yet(tmp_path, server, sim):
    core = KioskCore(load_config(write_kiosk_config(tmp_path, server, sim)))
    events: queue.Queue = queue.Queue()
    core.add_listener(lambda e: events.put(e) if isinstance(e, ApplicationReceiptPrinted) else None)
    core.start()
    try:
        queued = Queued("app-key-1", "7KQ2-AB12", "Akta Kelahiran", "0812 **** 6677")
        core.run_on_worker(lambda: core.applications.print_receipt(queued, "ADM-7307-2611-7KQ2"))
        assert events.get(timeout=20).ok
        core.run_on_worker(lambda: core.applications.print_receipt(queued, ""))
        assert events.get(timeout=20).ok
        online, offline = sim.printer.wait_for_receipts(2, timeout=20)
    finally:
        core.stop()
    assert online.qr_codes == ["ADM-7307-2611-7KQ2"]
    text = "\n".join(online.lines)
    assert "TANDA TERIMA PENGAJUAN" in text and "ADM-7307-2611-7KQ2" in text
    assert "0812 **** 6677" in text and "7KQ2-AB12" in text
    assert offline.qr_codes == []
    text = "\n".join(offline.lines)
    assert "BELUM TERKIRIM" in text and "7KQ2-AB12" in text and "ADM-7307-2611" not in text
    assert datetime.now().strftime("%d-%m-%Y") in text


def test_an_application_the_server_refuses_is_told_and_its_data_leaves_the_disk(
    tmp_path, server, sim
):
    config = load_config(write_kiosk_config(tmp_path, server, sim))
    core = KioskCore(config)
    events: queue.Queue = queue.Queue()
    core.add_listener(lambda e: events.put(e) if isinstance(e, ApplicationRefused) else None)
    draft = birth_draft(core)
    body = draft.body()
    body["applicant_nik"] = "7307051405800000"  # serial 0000: past a kiosk that did not check
    core.start()
    try:
        core.outbox.put("application", draft.key, {"key": draft.key, "body": body})
        refused = events.get(timeout=30)
        assert core.outbox.wait_idle(10)
    finally:
        core.stop()
    assert (refused.key, refused.reason) == (draft.key, "invalid_nik")
    assert kiosk_applications(server) == []
    assert not on_disk(config.data_dir, b"7307051405800000")
    assert not photo_on_disk(config.data_dir, bytes(draft.papers["kk_lama"]))
