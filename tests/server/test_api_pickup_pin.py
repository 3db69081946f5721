"""Typing a registration number and PIN instead of scanning, and why guessing PINs fails."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from server.codes import hash_secret, normalise_pickup_code
from server.models import PickupCode
from server.pickup_pin import KIOSK_FAILURES_PER_WINDOW, MAX_FAILURES, attach_pin


def give_pin(server, family: int = 0) -> tuple[str, str, int]:
    """Attach a registration number + PIN to a demo family's pickup code, as issuing does."""
    with server.db() as session:
        code = session.scalar(
            select(PickupCode).where(
                PickupCode.code_hash == hash_secret(normalise_pickup_code(server.code(family)))
            )
        )
        pin = attach_pin(code)
        return pin.registration_number, pin.pin, code.id


def claim(server, number: str, pin: str, headers=None):
    return server.client.post(
        "/api/v1/kiosk/print-jobs",
        json={"registration_number": number, "pin": pin},
        headers=headers or server.kiosk_headers(),
    )


def wrong(pin: str) -> str:
    return f"{(int(pin) + 1) % 10**6:06d}"


def test_the_right_number_and_pin_claim_the_documents(server):
    number, pin, _ = give_pin(server)
    response = claim(server, f"{number[:4]}-{number[4:8]}-{number[8:]}", pin)
    assert response.status_code == 201
    assert response.json()["documents"][0]["number"] == server.kk(0)


def test_a_wrong_pin_is_refused_without_saying_which_part_was_wrong(server):
    number, pin, _ = give_pin(server)
    response = claim(server, number, wrong(pin))
    assert response.status_code == 404 and server.reason(response) == "wrong_pin"
    unknown = claim(server, "000000000000", pin)
    assert unknown.status_code == 404 and server.reason(unknown) == "wrong_pin"


def test_too_many_wrong_pins_lock_the_number_even_for_the_right_pin(server):
    number, pin, code_id = give_pin(server)
    for _ in range(MAX_FAILURES):
        assert claim(server, number, wrong(pin)).status_code == 404
    locked = claim(server, number, pin)
    assert locked.status_code == 423 and server.reason(locked) == "pin_locked"
    assert locked.json()["detail"]["locked_until"]

    with server.db() as session:  # the lock runs out
        session.get(PickupCode, code_id).locked_until = datetime.now() - timedelta(seconds=1)
    assert claim(server, number, pin).status_code == 201


def test_the_qr_code_still_works_while_the_pin_is_locked(server):
    number, pin, _ = give_pin(server)
    for _ in range(MAX_FAILURES):
        claim(server, number, wrong(pin))
    response = server.client.post(
        "/api/v1/kiosk/print-jobs",
        json={"pickup_code": server.code(0)},
        headers=server.kiosk_headers(),
    )
    assert response.status_code == 201


def test_a_kiosk_guessing_across_many_numbers_is_slowed_down(server):
    number, pin, _ = give_pin(server)
    for i in range(KIOSK_FAILURES_PER_WINDOW):
        claim(server, f"{i:012d}", "123456")
    response = claim(server, number, pin)  # even a right PIN waits out the window
    assert response.status_code == 429 and server.reason(response) == "too_many_attempts"
    other = server.add_kiosk()  # another kiosk is not punished for this one
    assert claim(server, number, pin, server.kiosk_headers(other)).status_code == 201


def test_a_claim_needs_a_code_or_a_number_with_a_pin(server):
    for body in (
        {},
        {"registration_number": "123456789012"},
        {"pin": "123456"},
        {"pickup_code": "X", "registration_number": "1", "pin": "1"},
    ):
        response = server.client.post(
            "/api/v1/kiosk/print-jobs", json=body, headers=server.kiosk_headers()
        )
        assert response.status_code == 422 and server.reason(response) == "invalid_request"
