"""A4 document printers: a PDF goes in, the call returns when the job completed or failed."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

from devices.contract import Device

ProgressCallback = Callable[[str], None]


@dataclass(frozen=True)
class PrintResult:
    """A completed A4 job as the printer system reports it."""

    job_id: str
    pages: int | None
    state: str  # "completed" on success


class A4Printer(Device):
    """Contract: :meth:`print_pdf` blocks until the job completed, or raises a DeviceError."""

    kind = "a4_printer"

    @abstractmethod
    def print_pdf(
        self,
        pdf: bytes,
        title: str,
        timeout: float = 120.0,
        on_progress: ProgressCallback | None = None,
    ) -> PrintResult:
        """Implemented by each transport."""
