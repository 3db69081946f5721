"""A complaint left at the kiosk goes through the durable outbox and reaches the office once."""

from __future__ import annotations

import queue

from support import write_kiosk_config

from kiosk.config import load_config
from kiosk.core import KioskCore
from kiosk.events import FeedbackDelivered


def test_a_queued_complaint_is_delivered_with_its_ticket(tmp_path, server, sim):
    core = KioskCore(load_config(write_kiosk_config(tmp_path, server, sim)))
    events: queue.Queue = queue.Queue()
    core.add_listener(lambda e: events.put(e) if isinstance(e, FeedbackDelivered) else None)
    core.start()
    try:
        key = core.queue_feedback("complaint", {"category": "layanan", "text": "Antre lama."})
        delivered = events.get(timeout=30)
        assert core.outbox.pending() == []
    finally:
        core.stop()

    assert (delivered.what, delivered.key) == ("complaint", key)
    assert delivered.ticket.startswith("PGD-7307-")
    listed = server.staff_get("/api/v1/staff/complaints").json()
    assert [c["ticket"] for c in listed] == [delivered.ticket]
