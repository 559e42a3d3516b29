"""Chunks validated and serialised beside the main thread, which sends them to the database.

A long file goes to forked worker processes, anything shorter to one producer thread; both
keep the file's order and a bounded number of chunks in memory. A worker process dies
with its parent, however the parent ends (kill -9 included), and lets go at once of the
database sockets it inherited: a copy of the parent's socket would keep the parent's
session, and its locks, open for as long as the worker lived.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import multiprocessing as mp
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1  # linux/prctl.h
_DONE = object()
_SERIALISE: Callable | None = None  # a worker process's job, inherited through the fork


def chunks_in_processes(chunks: Iterator, serialise: Callable, read: Callable[[int], None], workers: int):
    """The main thread reads; `workers` forked processes run `serialise` on each chunk; at most
    one chunk per worker plus one waits, so memory stays bounded. Forked (not spawned):
    nothing to import again, and `serialise` needs no pickling."""
    pool = ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"), initializer=_start_worker,
                               initargs=(os.getpid(), serialise))
    pending: collections.deque = collections.deque()
    try:
        for chunk in chunks:
            read(len(chunk.frame))
            pending.append(pool.submit(_serialise_in_worker, chunk))
            while len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _start_worker(parent: int, serialise: Callable) -> None:
    global _SERIALISE
    _die_with_parent(parent)
    _release_inherited_sockets()
    _SERIALISE = serialise
    # Ctrl-C and SIGTERM are the parent's to handle: it rolls the load back and ends the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _serialise_in_worker(chunk):
    return _SERIALISE(chunk)


def _die_with_parent(parent: int) -> None:
    """A worker must not outlive its parent: blocked on its queue, it would live on forever.
    Linux kills it for us (the parent-death signal); elsewhere a thread watches for the
    parent to go."""
    armed = False
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(parent,), name="etl-parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _release_inherited_sockets() -> None:
    """Let go of every socket a forked worker inherited, the parent's database sessions among them.

    A worker needs none (its chunks come and go through pipes). Each is pointed at /dev/null
    rather than closed: the parent's socket is untouched (only this process's descriptor
    changes), nothing is sent on it, and the descriptor number stays taken, so nothing here
    can later write into a reused one. Where there is no /proc, the parent-death signal or
    watch is what ends the copies.
    """
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in fds:
            if fd <= 2 or fd == null:
                continue
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                    os.dup2(null, fd, inheritable=False)
    finally:
        os.close(null)


def chunks_in_thread(chunks: Iterator, serialise: Callable, read: Callable[[int], None]):
    """`serialise`d chunks from a producer thread; its errors re-raised here, in order."""
    ready: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()

    def produce():
        try:
            for chunk in chunks:
                if stop.is_set():
                    return
                read(len(chunk.frame))
                item = serialise(chunk)
                while not stop.is_set():
                    try:
                        ready.put(item, timeout=0.2)
                        break
                    except queue.Full:
                        continue
            ready.put(_DONE)
        except BaseException as exc:  # handed to the consumer, which raises it
            ready.put(exc)

    worker = threading.Thread(target=produce, name="etl-reader", daemon=True)
    worker.start()
    try:
        while True:
            item = ready.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        # Unblock a producer waiting on a full queue, then let it end.
        while worker.is_alive():
            try:
                ready.get(timeout=0.1)
            except queue.Empty:
                pass
