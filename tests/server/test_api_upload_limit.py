"""Photographed papers may be large; every other request stays small."""

from __future__ import annotations

import json


def test_an_application_of_a_few_megabytes_is_not_refused_for_its_size(server):
    body = json.dumps({"service": "akta_kelahiran", "padding": "x" * 3_000_000})
    response = server.client.post(
        "/api/v1/kiosk/applications",
        content=body,
        headers={
            **server.kiosk_headers(),
            "Content-Type": "application/json",
            "Idempotency-Key": "upload-limit-1",
        },
    )
    assert response.status_code != 413
    assert server.reason(response) != "too_large"


def test_any_other_request_of_that_size_is_refused(server):
    body = json.dumps({"devices": [], "padding": "x" * 3_000_000})
    response = server.client.post(
        "/api/v1/kiosk/heartbeat",
        content=body,
        headers={**server.kiosk_headers(), "Content-Type": "application/json"},
    )
    assert response.status_code == 413 and server.reason(response) == "too_large"


def test_an_application_over_the_upload_limit_is_refused(server):
    body = "x" * (server.settings.max_upload_request_bytes + 1)
    response = server.client.post(
        "/api/v1/kiosk/applications",
        content=body,
        headers={
            **server.kiosk_headers(),
            "Content-Type": "application/json",
            "Idempotency-Key": "upload-limit-2",
        },
    )
    assert response.status_code == 413
