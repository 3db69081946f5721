"""Ed25519 document tokens: ADM1.<fields joined by ~>.<signature>, and the keys on disk."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from server.signing import BadSignature, Signer, encode_payload, verify_token

PAYLOAD = {
    "i": "0123456789abcdef",
    "t": "KK",
    "n": "7307061203150001",
    "d": "2026-11-22",
    "h": "0" * 24,
}


def public_keys(signer: Signer) -> dict[str, Ed25519PublicKey]:
    """What an offline verifier builds from /api/v1/public/signing-keys."""
    return {
        kid: Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(raw + "="))
        for kid, raw in signer.public_keys().items()
    }


def test_token_names_its_fields_in_order_and_its_key(tmp_path):
    signer = Signer(tmp_path)

    token = signer.sign(PAYLOAD)

    prefix, fields, _signature = token.split(".")
    assert prefix == "ADM1"
    assert (
        fields
        == f"1~0123456789abcdef~KK~7307061203150001~2026-11-22~{'0' * 24}~{signer.current_key_id}"
    )


def test_signed_token_verifies_to_its_payload(tmp_path):
    signer = Signer(tmp_path)

    payload = signer.verify(signer.sign(PAYLOAD))

    assert payload == {**PAYLOAD, "v": "1", "k": signer.current_key_id}


def test_token_verifies_with_the_public_keys_alone(tmp_path):
    signer = Signer(tmp_path)
    token = signer.sign(PAYLOAD)

    assert verify_token(token, public_keys(signer))["n"] == PAYLOAD["n"]


def test_token_of_another_servers_key_does_not_verify(tmp_path):
    ours, theirs = Signer(tmp_path / "ours"), Signer(tmp_path / "theirs")

    with pytest.raises(BadSignature):
        ours.verify(theirs.sign(PAYLOAD))


@pytest.mark.parametrize("value", ["a~b", "a.b", "a b", "", "ü", "x" * 41])
def test_payload_field_a_token_cannot_carry_is_refused_when_signing(value):
    with pytest.raises(ValueError):
        encode_payload({**PAYLOAD, "v": "1", "k": "abcd1234", "n": value})


def test_rotation_keeps_old_keys_and_signs_with_the_new_one(tmp_path):
    signer = Signer(tmp_path)
    old = signer.current_key_id
    old_token = signer.sign(PAYLOAD)

    new = signer.rotate()

    assert new != old
    assert set(signer.public_keys()) == {old, new}
    assert signer.sign(PAYLOAD).split(".")[1].endswith(f"~{new}")
    assert signer.verify(old_token)["k"] == old


def test_restarted_signer_signs_with_the_newest_key(tmp_path):
    signer = Signer(tmp_path)
    newest = [signer.rotate() for _ in range(3)][-1]

    assert Signer(tmp_path).current_key_id == newest


def test_key_made_after_an_older_key_was_retired_still_signs_after_restart(tmp_path):
    # Whether the bug shows depends on the random key ids, so try several key histories:
    # a correct signer passes all of them, a wrong one fails one of 20 with p = 1 - 2**-20.
    for attempt in range(20):
        keys_dir = tmp_path / str(attempt)
        signer = Signer(keys_dir)
        signer.rotate()
        min(keys_dir.glob("signing-*.pem")).unlink()  # the office retires its oldest key
        newest = signer.rotate()

        assert Signer(keys_dir).current_key_id == newest
