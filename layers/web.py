"""HTTP routes on the dashboard's Flask server: vector tiles, exports, the planning pack
and OGC API – Features; plus the URL helpers the dashboard's download control uses.

`register(server, engine_getter, actor_getter=None)` adds

- `/tiles/<layer>/<z>/<x>/<y>.pbf` — MVT, gzipped when accepted, with a private
  `Cache-Control`, an `ETag` and 304 on `If-None-Match`;
- `/export/<layer>.<fmt>?territory=&from=&to=&round=&<filter>=…` — the file, streamed;
  or, for a slow format (pdf, png, xlsx, kml), more than `SALA_EXPORT_JOB_THRESHOLD`
  features, or a POST, a job (`layers.jobs`): 202 with the job as JSON;
- `/export/pack/<code>.zip?from=&to=&round=` (GET or POST) — the municipality's planning
  pack, always a job (202);
- `/export/minutes/<code>.<fmt>?date=` — the final minutes of agreements of the
  municipality's cabinet session on that date (pdf, csv, xlsx; `layers.minutes`), made
  there and then (a few dozen agreements);
- `/export/advice/<code>.<fmt>` — the advice for the next consultation of a commune or
  communal circuit (pdf, csv, xlsx; `layers.advice`), made there and then;
- `/export/jobs/<id>` — the job's state as JSON (phase, percent, message, file URL);
  `/export/jobs/<id>/file` — its file once done (409 before). A job is seen only by the
  user and scope that started it (404 for anyone else);
- `/ogc`, `/ogc/conformance`, `/ogc/collections[/<id>[/items[/<fid>]]]`.

Every route acts as the `Actor` returned by `actor_getter()` (the logged-in user; the
dashboard passes it in, since layers may not import the dashboard): its role must allow
the route's action (`geodata.permissions`: reading for tiles and OGC, exporting for
/export) or the answer is a 403 with a Spanish message, and its scope applies to what is
read. An unknown layer or territory (or one outside the scope) is a 404; bad parameters
a 400; an export over the size cap a 413.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, jsonify, request, send_file
from sqlalchemy import Engine

from geodata import errors as sala_errors
from geodata.access import Scope
from geodata.permissions import OPEN_ACCESS, Action, Actor, PermissionDenied
from layers import ogc
from layers.exports import FORMATS, ExportError, check_labels, export_layer
from layers.jobs import JobNotFound, JobNotReady, JobQueue, describe, export_filename, layer_request, needs_job, pack_request
from layers.lru import LRUCache
from layers.registry import LayerError, LayerParams, get_layer
from layers.tiles import open_tile

# Query keys that are not layer filters.
RESERVED = {"territory", "from", "to", "round", "paper", "title", "crs", "f", "bbox", "limit", "offset", "datetime", "labels"}
TILE_MAX_AGE = 60
CHUNK = 256 * 1024


# --------------------------------------------------------------------------- URL helpers


def _period_args(period) -> list[tuple[str, str]]:
    """A period as query arguments: None, (from, to), or any object with date_from/date_to/consultation_round."""
    if period is None:
        return []
    if isinstance(period, tuple | list):
        date_from, date_to = (list(period) + [None, None])[:2]
        consultation_round = None
    else:
        date_from = getattr(period, "date_from", None)
        date_to = getattr(period, "date_to", None)
        consultation_round = getattr(period, "consultation_round", None)
    args = []
    if date_from:
        args.append(("from", date_from.isoformat() if hasattr(date_from, "isoformat") else str(date_from)))
    if date_to:
        args.append(("to", date_to.isoformat() if hasattr(date_to, "isoformat") else str(date_to)))
    if consultation_round:
        args.append(("round", consultation_round))
    return args


def _query(territory: str | None, period, filters: dict[str, list[str]] | None, extra: Iterable[tuple[str, str]] = ()) -> str:
    args: list[tuple[str, str]] = []
    if territory:
        args.append(("territory", territory))
    args += _period_args(period)
    for name, values in sorted((filters or {}).items()):
        for value in values if isinstance(values, list | tuple) else [values]:
            args.append((name, str(value)))
    args += list(extra)
    return ("?" + urlencode(args)) if args else ""


def export_url(layer_id: str, fmt: str, territory: str | None = None, period=None, filters: dict[str, list[str]] | None = None,
               *, paper: str | None = None, labels: str | None = None) -> str:
    """The download URL of exactly what is on screen (layer, territory, period, filters)."""
    if fmt not in FORMATS:
        raise ExportError(f"Formato desconocido: «{fmt}».")
    extra = [("paper", paper)] if paper else []
    if labels:
        extra.append(("labels", labels))
    return f"/export/{layer_id}.{fmt}" + _query(territory, period, filters, extra)


def pack_url(code: str, period=None) -> str:
    """The planning pack download of a municipality for the period on screen."""
    return f"/export/pack/{code}.zip" + _query(None, period, None)


def advice_url(code: str, fmt: str) -> str:
    """The advice for the next consultation of a commune or circuit (`layers.advice`) as pdf, csv or xlsx."""
    return f"/export/advice/{code}.{fmt}"


def minutes_url(code: str, cabinet_date, fmt: str) -> str:
    """The SINCO minutes of a municipality's cabinet session (`layers.minutes`) as pdf, csv or xlsx."""
    day = cabinet_date.isoformat() if hasattr(cabinet_date, "isoformat") else str(cabinet_date)
    return f"/export/minutes/{code}.{fmt}?" + urlencode([("date", day)])


def tile_url(layer_id: str, territory: str | None = None, period=None, filters: dict[str, list[str]] | None = None) -> str:
    """The `{z}/{x}/{y}` URL template of a layer's vector tiles, with the on-screen parameters."""
    return f"/tiles/{layer_id}/{{z}}/{{x}}/{{y}}.pbf" + _query(territory, period, filters)


# --------------------------------------------------------------------------- request parsing


def _date_arg(name: str) -> dt.date | None:
    value = request.args.get(name)
    if not value:
        return None
    from layers.parsing import parse_date

    return parse_date(value, name)


def params_from_request(scope: Scope) -> LayerParams:
    filters: dict[str, list[str]] = {}
    for key in request.args:
        if key in RESERVED:
            continue
        for value in request.args.getlist(key):
            filters.setdefault(key, []).extend(v for v in value.split(",") if v)
    date_from, date_to = _date_arg("from"), _date_arg("to")
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


def _error(status: int, message: str, *, ogc_style: bool = False) -> Response:
    body = {"code": str(status), "description": message} if ogc_style else {"error": message}
    response = jsonify(body)
    response.status_code = status
    return response


def _status_for(exc: Exception) -> int:
    """The status of an error is its class's (geodata.errors): one mapping for every route."""
    return sala_errors.describe(exc)[0]


def _stream_file(path: Path, folder: Path) -> Iterable[bytes]:
    """Send the finished file in chunks, then remove its temporary folder."""
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _build_download(prefix: str, make: Callable[[Path], tuple[str, str]]) -> Response:
    """Build a file in a folder of its own and stream it; on any failure the folder goes."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        filename, media_type = make(folder)
    except LayerError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return _error(_status_for(exc), str(exc))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return _download(folder / filename, folder, filename, media_type)


def _download(path: Path, folder: Path, filename: str, media_type: str) -> Response:
    response = Response(_stream_file(path, folder), mimetype=media_type.split(";")[0], direct_passthrough=True)
    if "charset" in media_type:
        response.headers["Content-Type"] = media_type
    response.headers["Content-Length"] = str(path.stat().st_size)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# --------------------------------------------------------------------------- registration


def _audit(engine: Engine, username: str | None, target: str, count: int) -> None:
    """Every download is recorded in `audit_log` (who exported what, with which parameters)."""
    from geodata.users import audit

    with engine.begin() as conn:
        audit(conn, username, "export", target, via="web", count=count, query=request.args.to_dict(flat=False))


TILE_MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
# Compressing the same tile again for every room watching it is wasted CPU: the gzip
# bodies are kept by the hash of the tile, which is also its ETag (never stale).
_GZIPPED = LRUCache(256)


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def _tile_headers() -> dict[str, str]:
    # Scoped content: browsers may cache, shared caches must not mix users.
    return {"Cache-Control": f"private, max-age={TILE_MAX_AGE}", "Vary": "Accept-Encoding, Cookie"}


def _held_etag(digest: str) -> str | None:
    """The ETag (gzip or plain representation of this content) the client says it holds."""
    for etag in (f"{digest}-gz", digest):
        if request.if_none_match.contains_weak(etag):
            return etag
    return None


def tile_not_modified(etag: str) -> Response:
    response = Response(status=304, headers=_tile_headers())
    response.set_etag(etag)
    return response


def tile_response(data: bytes, stamp: str | None = None) -> Response:
    """The tile's answer: gzip when the client accepts it (Flask-Compress does not know the
    MVT media type), an ETag per representation (from the tile's stamp when it has one,
    else from the hash of its bytes), a short private cache, 304 when the client holds it."""
    digest = stamp or hashlib.sha1(data).hexdigest()
    if held := _held_etag(digest):
        return tile_not_modified(held)
    compressed = bool(data) and request.accept_encodings["gzip"] > 0
    body = _GZIPPED.get_or_build(digest, lambda: _gzip(data)) if compressed else data
    response = Response(body, mimetype=TILE_MEDIA_TYPE, headers=_tile_headers())
    if compressed:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(f"{digest}-gz" if compressed else digest)
    return response


def register(
    server: Flask,
    engine_getter: Callable[[], Engine],
    actor_getter: Callable[[], Actor] | None = None,
    jobs: JobQueue | None = None,
    read_engine_getter: Callable[[], Engine] | None = None,
) -> Blueprint:
    """Add the tile, export and OGC API routes to the dashboard's Flask server.

    `actor_getter` gives who makes the request (default: the open-access administrator);
    `jobs` runs the long exports (default: a queue from the settings, files in the data folder);
    `read_engine_getter` answers the reads (default `engine_getter`; the app gives the
    standbys'), while the audit and the jobs' own records are written through `engine_getter`.
    """
    from geodata.settings import get_settings

    actor_of = actor_getter or (lambda: OPEN_ACCESS)

    def scope_of():
        return actor_of().scope

    def user_of():
        return actor_of().username

    reads = read_engine_getter or engine_getter
    jobs = jobs or JobQueue.from_settings(engine_getter, get_settings())
    server.config["SALA_JOBS"] = jobs
    bp = Blueprint("sala_layers", __name__)

    @bp.before_request
    def check_role():
        action = Action.EXPORT if request.path.startswith("/export/") else Action.READ
        try:
            actor_of().require(action)
        except PermissionDenied as exc:
            return _error(403, str(exc), ogc_style=request.path.startswith("/ogc"))
        return None

    @bp.route("/tiles/<layer_id>/<int:z>/<int:x>/<int:y>.pbf")
    def tile(layer_id: str, z: int, x: int, y: int):
        try:
            params = params_from_request(scope_of())
            with reads().connect() as conn:
                tile_request = open_tile(conn, layer_id, z, x, y, params)
                if tile_request.stamp is not None and (held := _held_etag(tile_request.stamp)):
                    return tile_not_modified(held)  # known unchanged: not even rendered
                data = tile_request.body()
        except LayerError as exc:
            return _error(_status_for(exc), str(exc))
        return tile_response(data, tile_request.stamp)

    def submitted(export_request: dict) -> Response:
        """The job just queued for this request: 202, its state, where to poll."""
        job = jobs.submit(export_request, username=user_of(), scope=scope_of())
        response = jsonify(describe(job))
        response.status_code = 202
        response.headers["Location"] = f"/export/jobs/{job.id}"
        response.headers["Cache-Control"] = "no-store"
        return response

    @bp.route("/export/<layer_id>.<fmt>", methods=["GET", "POST"])
    def export(layer_id: str, fmt: str):
        try:
            layer = get_layer(layer_id)
            form = FORMATS.get(fmt.lower())
            if form is None:
                raise ExportError(f"Formato desconocido: «{fmt}». Formatos: {', '.join(FORMATS)}.")
            params = params_from_request(scope_of())
            crs = int(request.args.get("crs", 4326)) if str(request.args.get("crs", "4326")).isdigit() else 0
            if crs == 0:
                raise ExportError("crs inválido: use un código EPSG, p. ej. 4326.")
            paper, title = request.args.get("paper", "A4"), request.args.get("title") or None
            labels = request.args.get("labels") or None
            check_labels(labels)
            with reads().connect() as conn:
                as_job = request.method == "POST" or needs_job(conn, layer.id, form.id, params, jobs.threshold)
            if as_job:
                return submitted(layer_request(layer.id, form.id, params, crs=crs, paper=paper, title=title,
                                               query=request.args.to_dict(flat=False), labels=labels))
        except LayerError as exc:
            return _error(_status_for(exc), str(exc))

        def make(folder: Path):
            filename = export_filename(layer, form.id, params)
            with reads().connect() as conn:
                result = export_layer(conn, layer, params, form.id, folder / filename, crs=crs, paper=paper, title=title,
                                      labels=labels)
            _audit(engine_getter(), user_of(), f"{layer.id}.{form.id}", result.count)
            return filename, form.media_type

        return _build_download("sala-export-", make)

    @bp.route("/print/map.<fmt>")
    def print_room_view(fmt: str):
        """The room's view printed: the same URL parameters as `/` (territory, indicator,
        layers, period, filters), as one PDF or PNG page."""
        from layers.printing import print_view
        from layers.thematic import parse_view

        try:
            if fmt not in ("pdf", "png"):
                raise ExportError(f"Formato de impresión desconocido: «{fmt}» (pdf o png).")
            view = parse_view(request.args.to_dict(flat=False))
            paper = request.args.get("paper", "A4")
        except LayerError as exc:
            return _error(_status_for(exc), str(exc))

        def make(folder: Path):
            filename = f"mapa_{view.territory or 'venezuela'}.{fmt}"
            with reads().connect() as conn:
                print_view(conn, view, scope_of(), folder / filename, fmt=fmt, paper=paper)
            _audit(engine_getter(), user_of(), f"print/{view.territory or 'venezuela'}", 1)
            return filename, FORMATS[fmt].media_type

        return _build_download("sala-print-", make)

    @bp.route("/export/pack/<code>.zip", methods=["GET", "POST"])
    def pack(code: str):
        try:
            params = replace(params_from_request(scope_of()), filters=None, bbox=None)
            return submitted(pack_request(code, params, paper=request.args.get("paper", "A4"),
                                          query=request.args.to_dict(flat=False)))
        except LayerError as exc:
            return _error(_status_for(exc), str(exc))

    @bp.route("/export/minutes/<code>.<fmt>")
    def minutes(code: str, fmt: str):
        from layers.minutes import FORMATS as MINUTES_FORMATS
        from layers.minutes import export_minutes, minutes_filename

        try:
            if fmt.lower() not in MINUTES_FORMATS:
                raise ExportError(f"El acta se descarga en PDF, CSV o XLSX, no en «{fmt}».")
            day = _date_arg("date")
        except LayerError as exc:
            return _error(_status_for(exc), str(exc))

        def make(folder: Path):
            with reads().connect() as conn:
                result = export_minutes(conn, code, day, fmt.lower(), folder / "acta", scope=scope_of())
            filename = minutes_filename(code, result.cabinet_date, result.format)
            (folder / "acta").rename(folder / filename)
            _audit(engine_getter(), user_of(), f"minutes/{code}/{result.cabinet_date.isoformat()}.{result.format}", result.count)
            return filename, MINUTES_FORMATS[result.format]

        return _build_download("sala-minutes-", make)

    @bp.route("/export/advice/<code>.<fmt>")
    def advice(code: str, fmt: str):
        from layers.advice import FORMATS as ADVICE_FORMATS
        from layers.advice import advice_filename, export_advice

        if fmt.lower() not in ADVICE_FORMATS:
            return _error(400, f"La asesoría se descarga en PDF, CSV o XLSX, no en «{fmt}».")

        def make(folder: Path):
            with engine_getter().connect() as conn:
                result = export_advice(conn, code, fmt.lower(), folder / "asesoria", scope=scope_of())
            filename = advice_filename(code, result.format)
            (folder / "asesoria").rename(folder / filename)
            _audit(engine_getter(), user_of(), f"advice/{code}.{result.format}", result.count)
            return filename, ADVICE_FORMATS[result.format]

        return _build_download("sala-advice-", make)

    @bp.route("/export/jobs/<job_id>")
    def job_status(job_id: str):
        try:
            job = jobs.status(job_id, username=user_of(), scope=scope_of())
        except JobNotFound as exc:
            return _error(404, str(exc))
        response = jsonify(describe(job))
        response.headers["Cache-Control"] = "no-store"
        return response

    @bp.route("/export/jobs/<job_id>/file")
    def job_file(job_id: str):
        try:
            path, job = jobs.file(job_id, username=user_of(), scope=scope_of())
        except JobNotFound as exc:
            return _error(404, str(exc))
        except JobNotReady as exc:
            response = jsonify({"error": str(exc), **describe(exc.job)})
            response.status_code = 409
            return response
        response = send_file(path, mimetype=job.media_type.split(";")[0], as_attachment=True, download_name=job.filename,
                             max_age=0, conditional=True)
        response.headers["Cache-Control"] = "no-store"
        return response

    def base() -> str:
        return request.host_url.rstrip("/") + "/ogc"

    def ogc_json(document: dict, media_type: str = ogc.JSON) -> Response:
        response = jsonify(document)
        response.mimetype = media_type
        return response

    @bp.route("/ogc")
    @bp.route("/ogc/")
    def ogc_landing():
        return ogc_json(ogc.landing(base()))

    @bp.route("/ogc/conformance")
    def ogc_conformance():
        return ogc_json(ogc.conformance())

    @bp.route("/ogc/collections")
    def ogc_collections():
        with reads().connect() as conn:
            return ogc_json(ogc.collections(conn, base(), LayerParams(scope=scope_of())))

    @bp.route("/ogc/collections/<collection_id>")
    def ogc_collection(collection_id: str):
        try:
            layer = get_layer(collection_id)
            with reads().connect() as conn:
                bbox = ogc.scope_extent(conn, LayerParams(scope=scope_of()))
        except LayerError as exc:
            return _error(_status_for(exc), str(exc), ogc_style=True)
        return ogc_json(ogc.collection(layer, base(), bbox))

    @bp.route("/ogc/collections/<collection_id>/items")
    def ogc_items(collection_id: str):
        try:
            layer = get_layer(collection_id)
            params = params_from_request(scope_of())
            limit = ogc.parse_limit(request.args.get("limit"))
            offset = ogc.parse_offset(request.args.get("offset"))
            with reads().connect() as conn:
                document = ogc.items(conn, layer, params, base=base(), limit=limit, offset=offset,
                                     query=list(request.args.items(multi=True)))
        except LayerError as exc:
            return _error(_status_for(exc), str(exc), ogc_style=True)
        return ogc_json(document, ogc.GEOJSON)

    @bp.route("/ogc/collections/<collection_id>/items/<fid>")
    def ogc_item(collection_id: str, fid: str):
        try:
            layer = get_layer(collection_id)
            params = params_from_request(scope_of())
            with reads().connect() as conn:
                document = ogc.item(conn, layer, params, fid, base=base())
        except (LayerError, ogc.NotFound) as exc:
            return _error(_status_for(exc), str(exc), ogc_style=True)
        return ogc_json(document, ogc.GEOJSON)

    server.register_blueprint(bp)
    return bp
