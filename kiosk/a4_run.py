"""One job's documents on their way to the A4 printer, in the background.

The receipt need not wait for a laser printer's pages: once the printer system has *accepted*
every document, the receipt prints while the pages come out. Whether the job counts as printed
is still decided only when every A4 job *completed* (:meth:`A4Run.finish`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from devices.a4 import A4Printer
from devices.errors import DeviceError
from kiosk.errors import ServerRefused, ServerUnavailable
from kiosk.server_client import JobDocument, ServerClient

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class A4Failure:
    stage: str  # "download" or "a4"
    detail: str
    reason: str  # the PrintFailed reason: "server" or "a4_printer"


class A4Run:
    """Downloads and prints ``documents`` one after the other on a thread of its own."""

    def __init__(
        self,
        server: ServerClient,
        a4: A4Printer,
        documents: list[JobDocument],
        title: Callable[[JobDocument], str],
        progress: Callable[[str, str], None],
    ) -> None:
        self._server = server
        self._a4 = a4
        self._documents = documents
        self._title = title
        self._progress = progress
        self._accepted = threading.Event()  # every document accepted, or the run ended
        self.failure: A4Failure | None = None
        self._thread = threading.Thread(target=self._run, name="a4-run", daemon=True)

    def start(self) -> A4Run:
        self._thread.start()
        return self

    def all_accepted(self) -> bool:
        """Wait until the printer system took every document (True) or the run failed (False)."""
        self._accepted.wait()
        return self.failure is None

    def finish(self) -> A4Failure | None:
        """Wait until every A4 job completed; the failure, if one did not."""
        self._thread.join()
        return self.failure

    def _run(self) -> None:
        try:
            self._print_all()
        except Exception as exc:  # the flow must hear of it, not a dead thread
            log.exception("A4 printing crashed")
            self.failure = A4Failure("a4", f"crashed: {exc}", "a4_printer")
        finally:
            self._accepted.set()

    def _print_all(self) -> None:
        total = len(self._documents)
        for index, document in enumerate(self._documents):
            self._progress("download", document.doc_type)
            try:
                pdf = self._server.download(document)
            except (ServerUnavailable, ServerRefused) as exc:
                self.failure = A4Failure("download", str(exc), "server")
                return
            self._progress("a4", document.doc_type)
            last = index == total - 1

            def accepted(step: str, number: int = index + 1, last: bool = last) -> None:
                if step == "submitted":
                    log.info("A4 job for document %d accepted by the printer system", number)
                    if last:
                        self._accepted.set()

            try:
                result = self._a4.print_pdf(pdf, title=self._title(document), on_progress=accepted)
            except DeviceError as exc:
                self.failure = A4Failure("a4", f"document {index + 1}/{total}: {exc}", "a4_printer")
                return
            finally:
                del pdf  # the document leaves the kiosk's memory as soon as it is printed
            log.info("A4 job %s completed for document %d", result.job_id, index + 1)
