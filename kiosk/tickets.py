"""Application ticket numbers as a citizen types them: ADM-7307-2611-7KQ2, or any near form.

The ticket is printed on the application receipt and sent by WhatsApp; people type it in lower
case, with spaces instead of dashes, without the ADM, or with O for 0. The kiosk puts it into
the server's form before asking, and says "incomplete" itself when it can be no ticket at all.
"""

from __future__ import annotations

import re

# Crockford's base32, as the server draws the last four characters from: no I, L, O, U.
_TAIL = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_COMPACT = re.compile(rf"^([0-9]{{4}})([0-9]{{4}})([{_TAIL}]{{4}})$")
_LOOKALIKES = str.maketrans("OIL", "011")
MAX_TYPED = 40


def parse_ticket(text: str) -> str | None:
    """The ticket in the server's form (ADM-7307-2611-7KQ2), or None when it cannot be one."""
    if len(text) > MAX_TYPED:
        return None
    compact = re.sub(r"[\s\-./,_]", "", text.upper())
    if compact.startswith("ADM"):
        compact = compact[3:]
    match = _COMPACT.match(compact.translate(_LOOKALIKES))
    if match is None:
        return None
    return "ADM-" + "-".join(match.groups())
