"""What a scanned line may be: the kiosk checks the form before it asks the server anything."""

from __future__ import annotations

import re

PICKUP_QR_PREFIX = "ADMP:"
_PICKUP = re.compile(r"^[0-9A-HJKMNP-TV-Z]{12}$")


def parse_pickup_code(text: str) -> str | None:
    """The pickup code in canonical grouped form (7KQ2-M9XD-4TRA), or None for anything else."""
    if len(text) > 64:
        return None
    if text.upper().startswith(PICKUP_QR_PREFIX):
        text = text[len(PICKUP_QR_PREFIX) :]
    compact = re.sub(r"[\s-]", "", text.upper()).translate(str.maketrans("OIL", "011"))
    if not _PICKUP.match(compact):
        return None
    return f"{compact[0:4]}-{compact[4:8]}-{compact[8:12]}"


def mask_code(code: str) -> str:
    return code[:4] + "-****-****"
