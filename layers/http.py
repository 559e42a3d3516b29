"""Reading a request and shaping the answer, for the routes of `layers.web`: the layer
parameters of a query string, JSON errors with the status of their class, downloads
streamed from a folder of their own, and vector-tile answers (gzip kept by hash, ETag, 304,
private cache)."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from flask import Response, jsonify, request

from geodata import errors as sala_errors
from geodata.access import Scope
from layers import ogc
from layers.lru import LRUCache
from layers.parsing import parse_date
from layers.registry import LayerError, LayerParams

# Query keys that are not layer filters.
RESERVED = {"territory", "from", "to", "round", "paper", "title", "crs", "f", "bbox", "limit", "offset", "datetime", "labels"}
TILE_MAX_AGE = 60
CHUNK = 256 * 1024


def date_arg(name: str) -> dt.date | None:
    value = request.args.get(name)
    if not value:
        return None
    return parse_date(value, name)


def params_from_request(scope: Scope) -> LayerParams:
    filters: dict[str, list[str]] = {}
    for key in request.args:
        if key in RESERVED:
            continue
        for value in request.args.getlist(key):
            filters.setdefault(key, []).extend(v for v in value.split(",") if v)
    date_from, date_to = date_arg("from"), date_arg("to")
    if request.args.get("datetime"):
        date_from, date_to = ogc.parse_datetime(request.args["datetime"])
    return LayerParams(
        territory=request.args.get("territory") or None,
        date_from=date_from,
        date_to=date_to,
        consultation_round=request.args.get("round") or None,
        filters=filters or None,
        scope=scope,
        bbox=ogc.parse_bbox(request.args.get("bbox")),
    )


def error_response(status: int, message: str, *, ogc_style: bool = False) -> Response:
    body = {"code": str(status), "description": message} if ogc_style else {"error": message}
    response = jsonify(body)
    response.status_code = status
    return response


def status_for(exc: Exception) -> int:
    """The status of an error is its class's (geodata.errors): one mapping for every route."""
    return sala_errors.describe(exc)[0]


def stream_file(path: Path, folder: Path) -> Iterable[bytes]:
    """Send the finished file in chunks, then remove its temporary folder."""
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def build_download(prefix: str, make: Callable[[Path], tuple[str, str]]) -> Response:
    """Build a file in a folder of its own and stream it; on any failure the folder goes."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        filename, media_type = make(folder)
    except LayerError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return error_response(status_for(exc), str(exc))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return download(folder / filename, folder, filename, media_type)


def download(path: Path, folder: Path, filename: str, media_type: str) -> Response:
    response = Response(stream_file(path, folder), mimetype=media_type.split(";")[0], direct_passthrough=True)
    if "charset" in media_type:
        response.headers["Content-Type"] = media_type
    response.headers["Content-Length"] = str(path.stat().st_size)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


TILE_MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
# Compressing the same tile again for every room watching it is wasted CPU: the gzip
# bodies are kept by the hash of the tile, which is also its ETag (never stale).
_GZIPPED = LRUCache(256)


def gzip_body(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def tile_headers() -> dict[str, str]:
    # Scoped content: browsers may cache, shared caches must not mix users.
    return {"Cache-Control": f"private, max-age={TILE_MAX_AGE}", "Vary": "Accept-Encoding, Cookie"}


def held_etag(digest: str) -> str | None:
    """The ETag (gzip or plain representation of this content) the client says it holds."""
    for etag in (f"{digest}-gz", digest):
        if request.if_none_match.contains_weak(etag):
            return etag
    return None


def tile_not_modified(etag: str) -> Response:
    response = Response(status=304, headers=tile_headers())
    response.set_etag(etag)
    return response


def tile_response(data: bytes, stamp: str | None = None) -> Response:
    """The tile's answer: gzip when the client accepts it (Flask-Compress does not know the
    MVT media type), an ETag per representation (from the tile's stamp when it has one,
    else from the hash of its bytes), a short private cache, 304 when the client holds it."""
    digest = stamp or hashlib.sha1(data).hexdigest()
    if held := held_etag(digest):
        return tile_not_modified(held)
    compressed = bool(data) and request.accept_encodings["gzip"] > 0
    body = _GZIPPED.get_or_build(digest, lambda: gzip_body(data)) if compressed else data
    response = Response(body, mimetype=TILE_MEDIA_TYPE, headers=tile_headers())
    if compressed:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(f"{digest}-gz" if compressed else digest)
    return response
