"""Receipt printers: a receipt is data (lines, a QR code); the driver turns it into ESC/POS."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

from devices.contract import Device


@dataclass(frozen=True)
class ReceiptLine:
    text: str
    bold: bool = False
    align: str = "left"  # left | center | right
    double: bool = False


@dataclass(frozen=True)
class Receipt:
    """What a receipt says; the printer profile decides how it looks."""

    lines: list[ReceiptLine] = field(default_factory=list)
    qr: str | None = None  # printed with the printer's native QR command where supported
    footer: list[ReceiptLine] = field(default_factory=list)


class ReceiptPrinter(Device):
    """Contract: :meth:`print_receipt` returns only when the printer took the whole receipt."""

    kind = "receipt_printer"

    @abstractmethod
    def print_receipt(self, receipt: Receipt, on_sent: Callable[[], None] | None = None) -> None:
        """Implemented by each transport.

        ``on_sent`` is called once the whole receipt, cut included, has gone to the printer and
        before its status is read back: from then on the paper is in the citizen's hand unless
        the roll ended under it, which the printer then reports and this raises.
        """
