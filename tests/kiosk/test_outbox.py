"""The outbox keeps what the server must hear across a killed process and a dead network."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from kiosk.errors import ServerRefused, ServerUnavailable
from kiosk.outbox import Outbox


class FlakyServer:
    def __init__(self, failures: int = 0, refuse: bool = False) -> None:
        self.failures, self.refuse, self.received = failures, refuse, []

    def __call__(self, kind, payload):
        if self.refuse:
            raise ServerRefused(404, "unknown_job", "no such job", {})
        if self.failures:
            self.failures -= 1
            raise ServerUnavailable("connection refused")
        self.received.append((kind, payload))


def test_a_message_survives_a_killed_process(tmp_path):
    path = tmp_path / "outbox.sqlite3"
    script = textwrap.dedent(f"""
        import os
        from kiosk.outbox import Outbox
        from pathlib import Path
        box = Outbox(Path({str(path)!r}), lambda k, p: None)
        box.put("print_result", "print_result:job1", {{"job_id": "job1", "outcome": "printed"}})
        os.kill(os.getpid(), 9)
    """)
    result = subprocess.run([sys.executable, "-c", script], timeout=30)
    assert result.returncode == -9
    server = FlakyServer()
    box = Outbox(path, server)
    assert box.deliver_due() == 0
    assert server.received == [("print_result", {"job_id": "job1", "outcome": "printed"})]
    box.close()


def test_the_same_key_is_queued_once(tmp_path):
    server = FlakyServer()
    box = Outbox(tmp_path / "o.sqlite3", server)
    assert box.put("print_result", "k1", {"n": 1})
    assert not box.put("print_result", "k1", {"n": 2})
    box.deliver_due()
    assert server.received == [("print_result", {"n": 1})]
    box.close()


def test_an_unreachable_server_keeps_messages_in_order_until_it_answers(tmp_path):
    server = FlakyServer(failures=1)
    box = Outbox(tmp_path / "o.sqlite3", server, max_backoff=0.0)
    box.put("print_result", "a", {"n": 1})
    box.put("print_result", "b", {"n": 2})
    assert box.deliver_due() == 2  # first attempt failed; nothing overtook it
    assert box.deliver_due() == 0
    assert [p["n"] for _, p in server.received] == [1, 2]
    box.close()


def test_a_message_the_server_refuses_for_good_stops_being_retried(tmp_path):
    server = FlakyServer(refuse=True)
    box = Outbox(tmp_path / "o.sqlite3", server)
    box.put("print_result", "a", {"n": 1})
    assert box.deliver_due() == 0
    assert box.pending() == []
    box.close()


def test_the_delivery_thread_delivers_without_being_asked(tmp_path):
    server = FlakyServer()
    box = Outbox(tmp_path / "o.sqlite3", server)
    box.start()
    box.put("print_result", "a", {"n": 1})
    assert box.wait_idle(5)
    assert server.received == [("print_result", {"n": 1})]
    box.close()
