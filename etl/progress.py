"""What a load shows and hears while it runs: a progress bar on the terminal (read,
validate, load), and Ctrl-C or SIGTERM turned into an interruption that rolls it back."""

from __future__ import annotations

import contextlib
import signal
import threading

from etl.errors import Interrupted


@contextlib.contextmanager
def signals_interrupt():
    """Ctrl-C and SIGTERM (a service stop, `kill`) interrupt the load: it rolls back, ends its
    workers and records the run as interrupted. Yields the signals received, by name. Only
    the main thread may set handlers; elsewhere Ctrl-C is Python's KeyboardInterrupt."""
    received: list[str] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def interrupt(signum, frame):
        name = "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name
        received.append(name)
        raise Interrupted(name)

    previous = {signum: signal.signal(signum, interrupt) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class Progress:
    """A rich progress bar (read, validate, load) when asked for and on a terminal."""

    def __init__(self, enabled: bool, total: int | None, name: str):
        self.enabled, self.total, self.name = enabled, total, name
        self.progress = None
        self.tasks: dict[str, int] = {}

    def __enter__(self):
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            console = Console(stderr=True)
            if console.is_terminal:
                self.progress = Progress(
                    TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=True,
                )
                self.progress.start()
                for phase in ("leer", "validar", "cargar"):
                    total = self.total if phase != "cargar" else 1
                    self.tasks[phase] = self.progress.add_task(f"{phase} {self.name}", total=total)
        return self

    def advance(self, phase: str, rows: int) -> None:
        if self.progress is not None:
            self.progress.advance(self.tasks[phase], rows)

    def phase(self, phase: str) -> None:
        if self.progress is not None and phase == "cargar":
            self.progress.update(self.tasks["validar"], completed=self.total or 0)

    def __exit__(self, *exc):
        if self.progress is not None:
            self.progress.update(self.tasks["cargar"], completed=1)
            self.progress.stop()
        return False
