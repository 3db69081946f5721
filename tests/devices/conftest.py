"""Fixtures for device tests that use the real cupsd and its cups-pdf queues."""

from __future__ import annotations

import os
import re
import socket
import stat
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fpdf import FPDF

from devices.contract import StatusEvent

ROOT = Path(__file__).resolve().parents[2]
A4_QUEUE = os.environ.get("ADM_A4_QUEUE", "ADM-A4")
SPOOL = Path(os.environ.get("ADM_PDF_DIR", "/var/spool/adm-pdf"))
CUPS_PDF_PPD = "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"


def run(*cmd: str) -> subprocess.CompletedProcess[str]:
    """Run a CUPS command line tool and fail the test with its stderr if it fails."""
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    if done.returncode:
        pytest.fail(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.strip()}")
    return done


@pytest.fixture(scope="session")
def cups_queue() -> str:
    """The ADM-A4 queue, set up by scripts/cups-queue.sh when lpstat does not know it."""
    probe = subprocess.run(["lpstat", "-p", A4_QUEUE], capture_output=True, timeout=10)
    if probe.returncode:
        run("bash", str(ROOT / "scripts" / "cups-queue.sh"))
    mode = SPOOL.stat().st_mode
    if not mode & stat.S_IWOTH:
        pytest.fail(
            f"{SPOOL} is not writable by cups-pdf's anonymous user (nobody): jobs from a user "
            "without a local account, like adm-kiosk, 'complete' in CUPS but no PDF is written. "
            f"Fix: chmod 1777 {SPOOL} (in scripts/cups-queue.sh)."
        )
    return A4_QUEUE


@pytest.fixture
def spool_pdf(cups_queue: str) -> Callable[[str], Path]:
    """Find the PDF cups-pdf wrote for a CUPS job id (file name ends in job_<id>.pdf).

    Only files written during this test count: a cupsd that was killed (as at the end of a
    session) forgets its last job id and hands the same ids out again.
    """
    since = time.time() - 1.0

    def find(job_id: str) -> Path:
        pattern = re.compile(rf"job_{re.escape(job_id)}\.pdf$")
        deadline = time.monotonic() + 3.0
        while True:
            found = [
                p for p in SPOOL.iterdir() if pattern.search(p.name) and p.stat().st_mtime >= since
            ]
            if found or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert len(found) == 1, f"no single PDF for job {job_id} in {SPOOL}: {found}"
        return found[0]

    return find


@pytest.fixture
def pdf_text() -> Callable[[Path], str]:
    """The text of a PDF as pdftotext reads it, i.e. what a person would see on paper."""

    def read(path: Path) -> str:
        return run("pdftotext", "-layout", str(path), "-").stdout

    return read


@pytest.fixture
def make_pdf() -> Callable[..., bytes]:
    """Build a small PDF with fpdf2: one line of text per page."""

    def build(*lines: str, page_format: str = "A4") -> bytes:
        pdf = FPDF(format=page_format)
        pdf.set_font("helvetica", size=18)
        for line in lines:
            pdf.add_page()
            pdf.cell(text=line)
        return bytes(pdf.output())

    return build


@pytest.fixture
def throwaway_queue(cups_queue: str) -> Iterator[Callable[..., str]]:
    """Create extra cups-pdf queues for one test (lpadmin options allowed); delete them after."""
    created: list[str] = []

    def create(label: str, *options: str) -> str:
        name = f"ADM-TEST-{label}-{os.getpid()}"
        args = [item for option in options for item in ("-o", option)]
        run("lpadmin", "-p", name, "-v", "cups-pdf:/adm", "-P", CUPS_PDF_PPD, "-E", *args)
        created.append(name)
        return name

    yield create
    for name in created:
        subprocess.run(["lpadmin", "-x", name], capture_output=True, timeout=30)


@pytest.fixture
def events() -> list[StatusEvent]:
    """A list a device listener appends to, to see what a peer would observe."""
    return []


@pytest.fixture
def free_port() -> int:
    """A localhost TCP port nobody listens on, to play an unreachable cupsd."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
