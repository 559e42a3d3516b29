"""Prebuilt files of dashboard/static, served as they are kept: each beside its brotli form
made once at the strongest setting, so nothing is compressed per request (the plotly.js
partial bundle, MapLibre GL's script and style)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from flask import Response, request

YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class Prebuilt:
    path: Path
    mimetype: str

    @cached_property
    def plain(self) -> bytes:
        return self.path.read_bytes()

    @cached_property
    def brotli(self) -> bytes:
        return self.path.with_name(self.path.name + ".br").read_bytes()

    @cached_property
    def version(self) -> str:
        """The content's hash: the ETag, and the `?v=` of an address that is cached a year."""
        return hashlib.sha1(self.plain).hexdigest()[:16]

    def response(self, immutable: bool = False) -> Response:
        """The file for this request: brotli when the browser takes it, 304 when its copy is
        current; cached a year when the address carries this version, else revalidated."""
        if self.version in request.if_none_match:
            response = Response(status=304)
        elif any(coding.strip().split(";")[0] == "br" for coding in request.headers.get("Accept-Encoding", "").split(",")):
            response = Response(self.brotli, mimetype=self.mimetype)
            response.headers["Content-Encoding"] = "br"
        else:
            response = Response(self.plain, mimetype=self.mimetype)
        response.set_etag(self.version)
        response.headers["Vary"] = "Accept-Encoding"
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable" if immutable else "public, no-cache"
        return response
