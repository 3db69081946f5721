"""For a face of the kiosk (the touchscreen app): declare its UI thread, where nothing may block.

After ``this_is_the_ui_thread()``, a device or server call from that thread is logged with its
stack, or refused under ADM_STRICT_THREADS=1 (see devices/io_guard.py, which enforces it).
"""

from __future__ import annotations

from devices.io_guard import forbid_io_on_this_thread


def this_is_the_ui_thread() -> None:
    forbid_io_on_this_thread()
