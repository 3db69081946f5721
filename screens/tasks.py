"""Run a blocking call (server, device) off the UI thread; hear back on the UI thread.

    in_background(lambda: core.server.resolve(code), on_done=show_documents, on_error=show_error)

Both callbacks run on the Kivy thread through the clock, so they may touch widgets. One worker
thread serves all calls in order: a citizen does one thing at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from kivy.clock import Clock

log = logging.getLogger("screens")

R = TypeVar("R")

_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ui-task")


def in_background(
    call: Callable[[], R],
    on_done: Callable[[R], Any],
    on_error: Callable[[Exception], Any],
) -> Future[R]:
    future = _pool.submit(call)

    def finished(done: Future[R]) -> None:
        error = done.exception()
        if error is None:
            result = done.result()
            Clock.schedule_once(lambda dt: on_done(result), 0)
        else:
            if not isinstance(error, Exception):
                raise error
            log.warning("background call failed: %s", error)
            Clock.schedule_once(lambda dt: on_error(error), 0)

    future.add_done_callback(finished)
    return future
