"""No device or network call on the UI thread: a touchscreen that waits on a printer freezes.

The app marks its UI thread once (``forbid_io_on_this_thread``); every blocking device method
(wrapped by :class:`devices.contract.Device` for all drivers) and every server call checks
``check_io`` first. A call from the marked thread is logged with its stack, for a technician;
with ``ADM_STRICT_THREADS=1`` (the tests) it raises :class:`IoOnUiThread` instead, so a
regression fails loudly.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

_forbidden: int | None = None  # the ident of the UI thread, once the app has marked it


class IoOnUiThread(RuntimeError):
    """A blocking device or network call was made on the UI thread."""


def forbid_io_on_this_thread() -> None:
    """Called by the app on its UI thread, before it starts anything."""
    global _forbidden
    _forbidden = threading.get_ident()


def allow_io_on_every_thread() -> None:
    global _forbidden
    _forbidden = None


def strict() -> bool:
    return os.environ.get("ADM_STRICT_THREADS") == "1"


def check_io(what: str) -> None:
    """Complain (or, in strict mode, refuse) when ``what`` would block the UI thread."""
    if _forbidden is None or threading.get_ident() != _forbidden:
        return
    if strict():
        raise IoOnUiThread(f"{what} called on the UI thread")
    log.error("blocking call on the UI thread: %s", what, stack_info=True)


def io_method(func: F, owner: str) -> F:
    """``func`` with a check_io before every call (applied to driver methods)."""

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        check_io(f"{owner}.{func.__name__}")
        return func(*args, **kwargs)

    guarded.__io_guarded__ = True  # type: ignore[attr-defined]
    return guarded  # type: ignore[return-value]
