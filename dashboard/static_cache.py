"""Static bundles compressed once: Flask-Compress's cache, used only for what never changes
between two requests (fingerprinted component suites and assets), so a bundle is brotli-
or gzip-compressed on its first request and then served from memory; dynamic answers
(callbacks, data, pages) are compressed as before and never stored."""

from __future__ import annotations

import threading

from flask import Request

_STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
_DYNAMIC = "dynamic"
# Every bundle of the app, compressed, is a few MB: a bound only guards against surprises.
MAX_ENTRIES = 256


def cache_key(request: Request) -> str:
    if request.method == "GET" and request.path.startswith(_STATIC_PREFIXES):
        return "static:" + request.full_path
    return _DYNAMIC


class StaticCompressedCache:
    """The COMPRESS_CACHE_BACKEND: a bounded in-memory store of compressed static bundles."""

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _static(key: str) -> bool:
        return key.split(";", 1)[-1].startswith("static:")

    def get(self, key: str) -> bytes | None:
        if not self._static(key):
            return None
        return self._data.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not self._static(key):
            return
        with self._lock:
            if key not in self._data and len(self._data) >= MAX_ENTRIES:
                return
            self._data[key] = value

    def __len__(self) -> int:
        return len(self._data)
