"""Hostile input (proof/hostile.py) against a real server: lying uploads, and injection strings
in every text field the OpenAPI document declares, every path and query parameter, every
console form."""

from __future__ import annotations

from proof import hostile


def test_hostile_uploads_and_strings_are_refused_cleanly_or_shown_escaped():
    figures = hostile.run("short")
    problems = "\n".join(figures["problems"] + figures["upload_not_clean"])

    # Uploads: every one refused with our error body, nothing stored, the server unharmed.
    assert figures["upload_refused_cleanly"] == figures["upload_cases"] >= 15, problems
    assert "image_too_large" in figures["upload_reasons"]
    assert "broken_image" in figures["upload_reasons"]
    assert figures["upload_rows_added"] == 0
    assert figures["upload_files_added"] == 0
    assert figures["server_alive_after_uploads"] and figures["server_alive_after_strings"]
    growth = figures["server_rss_kib_after_uploads"] - figures["server_rss_kib_before_uploads"]
    assert growth < 150_000, f"the server grew by {growth} KiB on refused uploads"

    # Strings: never a 5xx, never a dirty answer, nothing escapes where it is shown.
    assert figures["server_errors_5xx"] == 0, problems
    assert figures["not_clean"] == 0, problems
    assert figures["passwd_leaks"] == 0
    assert figures["unescaped_renderings"] == 0, problems
    assert figures["files_created_outside"] == 0
    assert figures["unmasked_niks_in_logs"] == 0
    assert figures["forged_log_lines"] == 0
    # What was accepted is kept as sent (the answer gives it back unchanged).
    assert figures["accepted_values_echoed"] >= 20
    assert figures["accepted_values_echoed_altered"] == 0, figures["altered"]

    # It really ran: many fields, every string, both outcomes, pages that showed the script.
    assert figures["body_fields_tested"] >= 50 and figures["operations_with_bodies"] >= 15
    assert figures["fields_tested"] >= 100
    assert figures["strings_per_field"] == len(hostile.STRINGS) >= 10
    assert figures["requests"] >= figures["fields_tested"] * 10
    assert figures["accepted"] >= 100 and figures["refused_4xx"] >= 500
    assert figures["pages_showing_script_as_text"] >= 3
    assert figures["log_bytes_checked"] > 0
