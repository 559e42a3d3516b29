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

This module holds the routes; reading a request and shaping an answer (parameters, errors,
streamed downloads, tile caching headers) are in `layers.http`, the URL helpers in
`layers.urls` (re-exported here).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from flask import Blueprint, Flask, Response, jsonify, request, send_file
from sqlalchemy import Engine

from geodata.permissions import OPEN_ACCESS, Action, Actor, PermissionDenied
from layers import ogc
from layers.exports import FORMATS, ExportError, check_labels, export_layer
from layers.http import (
    build_download,
    date_arg,
    error_response,
    held_etag,
    params_from_request,
    status_for,
    tile_not_modified,
    tile_response,
)
from layers.jobs import JobNotFound, JobNotReady, JobQueue, describe, export_filename, layer_request, needs_job, pack_request
from layers.registry import LayerError, LayerParams, get_layer
from layers.tiles import open_tile
from layers.urls import advice_url, export_url, minutes_url, pack_url, tile_url

__all__ = ["advice_url", "export_url", "minutes_url", "pack_url", "register", "tile_url"]


def _audit(engine: Engine, username: str | None, target: str, count: int) -> None:
    """Every download is recorded in `audit_log` (who exported what, with which parameters)."""
    from geodata.users import audit

    with engine.begin() as conn:
        audit(conn, username, "export", target, via="web", count=count, query=request.args.to_dict(flat=False))


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
            return error_response(403, str(exc), ogc_style=request.path.startswith("/ogc"))
        return None

    @bp.route("/tiles/<layer_id>/<int:z>/<int:x>/<int:y>.pbf")
    def tile(layer_id: str, z: int, x: int, y: int):
        try:
            params = params_from_request(scope_of())
            with reads().connect() as conn:
                tile_request = open_tile(conn, layer_id, z, x, y, params)
                if tile_request.stamp is not None and (held := held_etag(tile_request.stamp)):
                    return tile_not_modified(held)  # known unchanged: not even rendered
                data = tile_request.body()
        except LayerError as exc:
            return error_response(status_for(exc), str(exc))
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
            return error_response(status_for(exc), str(exc))

        def make(folder: Path):
            filename = export_filename(layer, form.id, params)
            with reads().connect() as conn:
                result = export_layer(conn, layer, params, form.id, folder / filename, crs=crs, paper=paper, title=title,
                                      labels=labels)
            _audit(engine_getter(), user_of(), f"{layer.id}.{form.id}", result.count)
            return filename, form.media_type

        return build_download("sala-export-", make)

    @bp.route("/print/map.<fmt>")
    def print_room_view(fmt: str):
        """The room's view printed: the same URL parameters as `/` (territory, indicator,
        layers, period, filters), as one PDF or PNG page."""
        from layers.print_theme import print_view
        from layers.thematic import parse_view

        try:
            if fmt not in ("pdf", "png"):
                raise ExportError(f"Formato de impresión desconocido: «{fmt}» (pdf o png).")
            view = parse_view(request.args.to_dict(flat=False))
            paper = request.args.get("paper", "A4")
        except LayerError as exc:
            return error_response(status_for(exc), str(exc))

        def make(folder: Path):
            filename = f"mapa_{view.territory or 'venezuela'}.{fmt}"
            with reads().connect() as conn:
                print_view(conn, view, scope_of(), folder / filename, fmt=fmt, paper=paper)
            _audit(engine_getter(), user_of(), f"print/{view.territory or 'venezuela'}", 1)
            return filename, FORMATS[fmt].media_type

        return build_download("sala-print-", make)

    @bp.route("/export/pack/<code>.zip", methods=["GET", "POST"])
    def pack(code: str):
        try:
            params = replace(params_from_request(scope_of()), filters=None, bbox=None)
            return submitted(pack_request(code, params, paper=request.args.get("paper", "A4"),
                                          query=request.args.to_dict(flat=False)))
        except LayerError as exc:
            return error_response(status_for(exc), str(exc))

    @bp.route("/export/minutes/<code>.<fmt>")
    def minutes(code: str, fmt: str):
        from layers.minutes import FORMATS as MINUTES_FORMATS
        from layers.minutes import export_minutes, minutes_filename

        try:
            if fmt.lower() not in MINUTES_FORMATS:
                raise ExportError(f"El acta se descarga en PDF, CSV o XLSX, no en «{fmt}».")
            day = date_arg("date")
        except LayerError as exc:
            return error_response(status_for(exc), str(exc))

        def make(folder: Path):
            with reads().connect() as conn:
                result = export_minutes(conn, code, day, fmt.lower(), folder / "acta", scope=scope_of())
            filename = minutes_filename(code, result.cabinet_date, result.format)
            (folder / "acta").rename(folder / filename)
            _audit(engine_getter(), user_of(), f"minutes/{code}/{result.cabinet_date.isoformat()}.{result.format}", result.count)
            return filename, MINUTES_FORMATS[result.format]

        return build_download("sala-minutes-", make)

    @bp.route("/export/advice/<code>.<fmt>")
    def advice(code: str, fmt: str):
        from layers.advice import FORMATS as ADVICE_FORMATS
        from layers.advice import advice_filename, export_advice

        if fmt.lower() not in ADVICE_FORMATS:
            return error_response(400, f"La asesoría se descarga en PDF, CSV o XLSX, no en «{fmt}».")

        def make(folder: Path):
            with engine_getter().connect() as conn:
                result = export_advice(conn, code, fmt.lower(), folder / "asesoria", scope=scope_of())
            filename = advice_filename(code, result.format)
            (folder / "asesoria").rename(folder / filename)
            _audit(engine_getter(), user_of(), f"advice/{code}.{result.format}", result.count)
            return filename, ADVICE_FORMATS[result.format]

        return build_download("sala-advice-", make)

    @bp.route("/export/jobs/<job_id>")
    def job_status(job_id: str):
        try:
            job = jobs.status(job_id, username=user_of(), scope=scope_of())
        except JobNotFound as exc:
            return error_response(404, str(exc))
        response = jsonify(describe(job))
        response.headers["Cache-Control"] = "no-store"
        return response

    @bp.route("/export/jobs/<job_id>/file")
    def job_file(job_id: str):
        try:
            path, job = jobs.file(job_id, username=user_of(), scope=scope_of())
        except JobNotFound as exc:
            return error_response(404, str(exc))
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
            return error_response(status_for(exc), str(exc), ogc_style=True)
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
            return error_response(status_for(exc), str(exc), ogc_style=True)
        return ogc_json(document, ogc.GEOJSON)

    @bp.route("/ogc/collections/<collection_id>/items/<fid>")
    def ogc_item(collection_id: str, fid: str):
        try:
            layer = get_layer(collection_id)
            params = params_from_request(scope_of())
            with reads().connect() as conn:
                document = ogc.item(conn, layer, params, fid, base=base())
        except (LayerError, ogc.NotFound) as exc:
            return error_response(status_for(exc), str(exc), ogc_style=True)
        return ogc_json(document, ogc.GEOJSON)

    server.register_blueprint(bp)
    return bp
