"""The promises ADM makes under fire, each checked on what the parts recorded.

Every check returns a list of violations, each a sentence a reader can act on; an empty list
means the promise held. The evidence is what a peer observes: the server's database (read
only), the files the cups-pdf queue wrote, the receipts the simulated printer received, and the
kiosk's own files on disk.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from devices.simulators.escpos_parser import ParsedReceipt

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")


def applications_exactly_once(
    db: sqlite3.Connection, kiosk_id: str, queued: Iterable[str], started: Iterable[str]
) -> list[str]:
    """Queued at the kiosk: on the server exactly once; only started: at most once."""
    rows = db.execute(
        "SELECT idempotency_key, COUNT(*) FROM applications WHERE kiosk_id = ? "
        "GROUP BY idempotency_key",
        (kiosk_id,),
    ).fetchall()
    on_server = {key: count for key, count in rows}
    problems = []
    queued = set(queued)
    for key in sorted(queued):
        count = on_server.get(key, 0)
        if count != 1:
            problems.append(
                f"application {key} was queued at the kiosk but is on the server "
                f"{count} times (must be exactly once)"
            )
    for key in sorted(set(started) - queued):
        if on_server.get(key, 0) > 1:
            problems.append(
                f"application {key} (killed before queued) arrived {on_server[key]} times"
            )
    for key, count in sorted(on_server.items()):
        if key not in queued and key not in set(started):
            problems.append(f"application {key} is on the server but the kiosk never began it")
        elif count > 1 and key in queued:
            pass  # told above
    return problems


def a4_outputs(pdf_dir: Path, receipt_numbers: Iterable[str], since: float) -> Counter[str]:
    """How many cups-pdf files the A4 queue wrote for each receipt number, since ``since``."""
    wanted = {n.lower(): n for n in receipt_numbers}
    found: Counter[str] = Counter()
    for path in pdf_dir.glob("*.pdf"):
        try:
            if path.stat().st_mtime < since - 1:
                continue
        except OSError:
            continue
        name = path.name.lower()
        for low, number in wanted.items():
            if low in name:
                found[number] += 1
    return found


def receipt_outputs(receipts: list[ParsedReceipt]) -> tuple[Counter[str], Counter[str]]:
    """Complete and torn-off (incomplete) pickup receipts, by the receipt number they carry."""
    complete: Counter[str] = Counter()
    torn: Counter[str] = Counter()
    for receipt in receipts:
        # A receipt cut off by a power cut has no QR code (it comes last) and no cut; the next
        # receipt's bytes may follow it on the same paper, so only its QR code says it is whole.
        whole = set(receipt.qr_codes) if receipt.cut and not receipt.incomplete else set()
        for number in whole:
            if number.startswith("R-"):
                complete[number] += 1
        for line in receipt.lines:
            if line.startswith("No.") and ":" in line:
                number = line.split(":", 1)[1].strip()
                if number.startswith("R-") and number not in whole:
                    torn[number] += 1
    return complete, torn


def print_jobs(db: sqlite3.Connection, kiosk_id: str) -> list[tuple[str, int, str, str, int]]:
    """(job id, pickup code id, receipt number, status, documents) of this kiosk's jobs."""
    return db.execute(
        "SELECT j.id, j.pickup_code_id, j.receipt_number, j.status, "
        "(SELECT COUNT(*) FROM pickup_code_documents d WHERE d.pickup_code_id = j.pickup_code_id) "
        "FROM print_jobs j WHERE j.kiosk_id = ? ORDER BY j.claimed_at",
        (kiosk_id,),
    ).fetchall()


def counted_only_when_both_printed(
    jobs: list[tuple[str, int, str, str, int]], a4: Counter[str], receipts: Counter[str]
) -> list[str]:
    """A job the server counts printed had every A4 page written and its receipt printed."""
    problems = []
    for job_id, _code, number, status, documents in jobs:
        if status != "printed":
            continue
        if a4[number] < documents:
            problems.append(
                f"job {job_id} ({number}) counted printed with {a4[number]} of "
                f"{documents} A4 documents written by the printer"
            )
        if receipts[number] < 1:
            problems.append(f"job {job_id} ({number}) counted printed without a complete receipt")
    return problems


def printed_once_per_approval(
    jobs: list[tuple[str, int, str, str, int]], a4: Counter[str], receipts: Counter[str]
) -> list[str]:
    """Each pickup code (one approval: the first issue, or an officer's reprint) prints once.

    Counted per code over all its jobs: complete receipts, printed jobs, and full sets (every
    A4 page and a complete receipt of one job, what a citizen walks away with).
    """
    problems = []
    by_code: dict[int, list[tuple[str, int, str, str, int]]] = {}
    for job in jobs:
        by_code.setdefault(job[1], []).append(job)
    for code, its_jobs in sorted(by_code.items()):
        numbers = [j[2] for j in its_jobs]
        counted = sum(1 for j in its_jobs if j[3] == "printed")
        complete = sum(receipts[n] for n in numbers)
        full_sets = sum(1 for j in its_jobs if a4[j[2]] >= j[4] and receipts[j[2]] >= 1)
        if counted > 1:
            problems.append(f"pickup code #{code} counted printed {counted} times")
        if complete > 1:
            problems.append(f"pickup code #{code} gave {complete} complete receipts ({numbers})")
        if full_sets > 1:
            problems.append(
                f"pickup code #{code} printed its documents and receipt "
                f"{full_sets} times ({numbers})"
            )
    return problems


def no_claim_beyond_lease(db: sqlite3.Connection, kiosk_id: str, lease_seconds: int) -> list[str]:
    """No code is held longer than one lease; once the lease passed, the code is free again.

    Run after a lease has passed since the kiosk's last claim.
    """
    problems = []
    held = db.execute(
        "SELECT c.id, c.claim_expires_at FROM pickup_codes c JOIN print_jobs j "
        "ON j.id = c.claimed_job_id WHERE j.kiosk_id = ? AND c.used_at IS NULL "
        "AND c.claim_expires_at > datetime('now', 'localtime')",
        (kiosk_id,),
    ).fetchall()
    for code, until in held:
        problems.append(f"pickup code #{code} is still claimed (until {until}) after its lease")
    longer = db.execute(
        "SELECT id, claimed_at, lease_expires_at FROM print_jobs WHERE kiosk_id = ? AND "
        "(julianday(lease_expires_at) - julianday(claimed_at)) * 86400 > ?",
        (kiosk_id, lease_seconds + 1),
    ).fetchall()
    for job_id, claimed, until in longer:
        problems.append(
            f"job {job_id} claimed at {claimed} holds its lease until {until}, "
            f"longer than {lease_seconds}s"
        )
    return problems


def store_consistent(data_dir: Path) -> list[str]:
    """The kiosk's files after a restart: databases intact, JSON readable, no stray photos."""
    problems: list[str] = []
    if not data_dir.is_dir():
        return problems
    for path in sorted(data_dir.rglob("*.sqlite3")) + sorted(data_dir.rglob("*.db")):
        try:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
            try:
                verdict = [row[0] for row in con.execute("PRAGMA integrity_check")]
            finally:
                con.close()
        except sqlite3.DatabaseError as exc:
            problems.append(f"{path.name}: cannot be read: {exc}")
            continue
        if verdict != ["ok"]:
            problems.append(f"{path.name}: integrity_check says {verdict[:3]}")
    for path in sorted(data_dir.rglob("*.json")):
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(f"{path.name}: not readable JSON after the restart: {exc}")
    for path in sorted(data_dir.rglob("*")):
        if path.suffix.lower() in PHOTO_SUFFIXES:
            problems.append(
                f"{path.relative_to(data_dir)}: a photo file on the kiosk's disk "
                f"(photos live only in outbox rows)"
            )
    return problems


def outbox_waiting(data_dir: Path) -> int:
    """Messages still waiting in the kiosk's outbox (read while the kiosk runs: WAL)."""
    path = data_dir / "outbox.sqlite3"
    if not path.exists():
        return 0
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        (count,) = con.execute(
            "SELECT COUNT(*) FROM outbox WHERE delivered IS NULL AND rejected IS NULL"
        ).fetchone()
    finally:
        con.close()
    return int(count)


def no_delivered_personal_data(data_dir: Path, secrets: Iterable[bytes]) -> list[str]:
    """Once the outbox is empty, nothing of the citizens is left in the kiosk's files."""
    problems = []
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        if path.suffix == ".log" or path.parent.name == "logs":
            continue  # logs are checked for masking elsewhere; they keep no NIK in clear
        data = path.read_bytes()
        for secret in secrets:
            if secret in data:
                problems.append(
                    f"{path.relative_to(data_dir)} still holds delivered personal "
                    f"data ({secret[:4].decode(errors='replace')}...)"
                )
    return problems
