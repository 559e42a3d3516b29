"""The planning pack's PDF drawn in a child process, beside the files the parent writes.

Drawing the plan's pages (matplotlib, pure Python and CPU) takes as long as streaming the
full lists to the GeoPackage and the CSVs (PostGIS, GDAL), and both hold the GIL: in one
process they add up, in two they overlap on the machine's cores. The parent reads what
the pages need (`layers.pack_data`, no database in the child), hands it to a child
forked from a forkserver that has matplotlib and the pack's modules imported already
(a child is ready in milliseconds, and the forkserver is a clean single-threaded process,
so forking it is safe where forking the threaded web server would not be), and goes on
writing files while the child tells it each page drawn.

`start(...)` returns a `Render`: `result()` waits for the page count (raising what the
child raised), `stop()` ends the child if the parent gives up. `warm()` starts the
forkserver early, so its imports overlap the parent's reading.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
import traceback
from collections.abc import Callable
from multiprocessing import forkserver
from pathlib import Path

from layers.output import ExportError

log = logging.getLogger(__name__)

PRELOAD = ["layers.pack_pdf"]
OnPage = Callable[[int, int, str], None]

_context = None
_lock = threading.Lock()


def _ctx():
    global _context
    with _lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _context = context
        return _context


def warm() -> None:
    """Start the forkserver (it imports matplotlib and the pack's modules) without waiting for it."""
    try:
        _ctx()
        forkserver.ensure_running()
    except (OSError, ValueError):  # no forkserver here: `start` will say so and the parent draws itself
        log.warning("no forkserver for the pack's PDF", exc_info=True)


def _child(pipe, payload: dict, path: str) -> None:
    """In the child: plan and draw the pages, telling the parent each one."""
    from layers import pack_pdf

    try:
        count = pack_pdf.draw(payload, Path(path), lambda done, total, title: pipe.send(("page", done, total, title)))
        pipe.send(("done", count, time.process_time(), time.time()))
    except BaseException as exc:  # everything goes back to the parent, which decides
        pipe.send(("error", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
    finally:
        pipe.close()


class Render:
    """A PDF being drawn in a child process."""

    def __init__(self, process, pipe, on_page: OnPage | None):
        self.process, self.pipe, self.on_page = process, pipe, on_page
        self.count: int | None = None
        self.cpu: float | None = None  # the child's CPU seconds
        self.finished: float | None = None  # when it was done (time.time())
        self.error: str | None = None
        self.thread = threading.Thread(target=self._listen, name="sala-pack-pdf", daemon=True)
        self.thread.start()

    def _listen(self) -> None:
        try:
            while True:
                message = self.pipe.recv()
                if message[0] == "page":
                    if self.on_page is not None:
                        self.on_page(*message[1:])
                elif message[0] == "done":
                    self.count, self.cpu, self.finished = message[1], message[2], message[3]
                    return
                else:
                    self.error = message[1]
                    log.error("pack PDF child failed: %s", message[2])
                    return
        except (EOFError, OSError):
            self.error = self.error or "el proceso que dibuja el PDF terminó sin terminarlo"
        except Exception as exc:  # e.g. the progress callback failed: the child is stopped
            self.error = f"{type(exc).__name__}: {exc}"
            self.stop()
        finally:
            self.pipe.close()

    def result(self) -> int:
        """Wait for the child; its page count, or ExportError with what went wrong."""
        self.thread.join()
        self.process.join()
        if self.count is None:
            raise ExportError(f"No se pudo dibujar el PDF del paquete ({self.error or 'sin detalle'}).")
        return self.count

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=5)


def start(payload: dict, path: Path, on_page: OnPage | None = None) -> Render:
    """Draw the plan (`payload`: the arguments of `pack_pdf.plan_pages`, plus `frame` and
    `title`) to `path` in a child process. Raises OSError if no child can be started."""
    context = _ctx()
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, payload, str(path)), name="sala-pack-pdf", daemon=True)
    try:
        process.start()
    finally:
        send.close()
    return Render(process, receive, on_page)
