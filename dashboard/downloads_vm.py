"""The download control as plain data: what each button does, and the line that follows
a job (the planning pack, a slow or large export) until its file is ready.

A quick export is a link (`/export/<layer>.<fmt>`); the pack and the exports that
`layers.jobs.needs_job` sends off the request threads are a button that starts a job;
the page then polls `follow` (a `dcc.Interval`) for «Preparando el paquete de
planificación… 40 %» and, when it is done, the link to the file (or the reason it failed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from dashboard import texts
from dashboard.cache import cached_read
from dashboard.view import View
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.permissions import OPEN_ACCESS, Action, Actor, PermissionDenied
from layers.jobs import JobNotFound, JobQueue, layer_request, needs_job, pack_request
from layers.registry import LayerError, LayerParams

PACK, EXPORT = "pack", "export"
_WORDS = {
    PACK: (texts.PACK_PREPARING, texts.PACK_READY_NOTE, texts.PACK_FAILED),
    EXPORT: (texts.EXPORT_PREPARING, texts.EXPORT_READY_NOTE, texts.EXPORT_FAILED),
}


@dataclass(frozen=True)
class JobLine:
    """What the control shows for a job: the line, the file once ready, whether to poll."""

    job: str | None = None
    text: str = ""
    href: str | None = None
    polling: bool = False
    failed: bool = False


IDLE = JobLine()


def view_params(view: View, layer_id: str | None = None, scope: Scope = NATIONAL) -> LayerParams:
    period = view.period
    return LayerParams(
        territory=view.territory,
        date_from=period.date_from,
        date_to=period.date_to,
        consultation_round=period.consultation_round,
        filters=(view.filters_for(layer_id) or None) if layer_id else None,
        scope=scope,
    )


def pack_code(engine: Engine, view: View, scope: Scope) -> str | None:
    """The municipality whose pack the view offers (None above a municipality)."""
    from geodata.solutions import NotAMunicipality, municipality_of

    if not view.territory:
        return None
    with engine.connect() as conn:
        try:
            mun = municipality_of(conn, view.territory, scope)
        except (NotAMunicipality, ScopeError):
            return None
    return mun.code if mun is not None else None


def export_is_job(engine: Engine, jobs: JobQueue, view: View, layer_id: str, fmt: str, scope: Scope) -> bool:
    """True when this export runs as a job (slow format, or more features than the threshold)."""
    try:
        with engine.connect() as conn:
            return needs_job(conn, layer_id, fmt, view_params(view, layer_id, scope), jobs.threshold)
    except LayerError:
        return False  # the link then answers with the error itself


def start(engine: Engine, jobs: JobQueue, kind: str, view: View, *, layer_id: str | None = None, fmt: str | None = None,
          actor: Actor = OPEN_ACCESS) -> JobLine:
    """Start the pack of the municipality in view (`PACK`) or the export of `layer_id` in
    `fmt` (`EXPORT`) as `actor`; a refusal (the role, too large, not a municipality…) is the line's text."""
    scope, username = actor.scope, actor.username
    try:
        actor.require(Action.EXPORT)
        if kind == PACK:
            code = pack_code(engine, view, scope)
            if code is None:
                return JobLine(text=texts.PACK_NONE, failed=True)
            request = pack_request(code, view_params(view, None, scope))
        else:
            if not layer_id or not fmt:
                return JobLine(text=texts.EXPORT_UNKNOWN, failed=True)
            # Spanish headers for the XLSX a person opens (as `viewmodels.download_links`).
            request = layer_request(layer_id, fmt, view_params(view, layer_id, scope), labels="es" if fmt == "xlsx" else None)
        job = jobs.submit(request, username=username, scope=scope)
    except (LayerError, PermissionDenied) as exc:
        return JobLine(text=_WORDS[kind][2].format(message=str(exc)), failed=True)
    return JobLine(job=job.id, text=texts.JOB_QUEUED, polling=True)


def follow(jobs: JobQueue, kind: str, job_id: str | None, *, actor: Actor = OPEN_ACCESS) -> JobLine:
    """The line for a job being followed: queued, «… 40 %», ready (with the file), failed."""
    if not job_id or not isinstance(job_id, str):
        return IDLE
    scope, username = actor.scope, actor.username
    preparing, ready, failed = _WORDS[kind]
    try:
        job = jobs.status(job_id, username=username, scope=scope)
    except JobNotFound as exc:
        return JobLine(text=failed.format(message=str(exc)), failed=True)
    if job.state == "queued":
        return JobLine(job=job.id, text=texts.JOB_QUEUED, polling=True)
    if job.state == "running":
        return JobLine(job=job.id, text=texts.JOB_PROGRESS.format(preparing=preparing, percent=job.percent, phase=job.phase),
                       polling=True)
    if job.state == "done":
        return JobLine(job=job.id, text=ready, href=f"/export/jobs/{job.id}/file")
    return JobLine(job=job.id, text=failed.format(message=job.message or ""), failed=True)


@dataclass(frozen=True)
class MinutesOffer:
    """The SINCO minutes the view offers: the municipality's cabinet dates (newest first),
    the one chosen and its download links by format; nothing above a municipality."""

    code: str | None = None
    dates: tuple[str, ...] = ()
    chosen: str | None = None
    links: dict | None = None


def minutes_offer(engine: Engine, view: View, chosen: str | None = None, actor: Actor = OPEN_ACCESS) -> MinutesOffer:
    """The cabinet sessions of the municipality in view and the links of `chosen` (or the latest)."""
    from layers.minutes import FORMATS, cabinet_dates
    from layers.web import minutes_url

    if not actor.may(Action.EXPORT):
        return MinutesOffer()
    code = pack_code(engine, view, actor.scope)
    if code is None:
        return MinutesOffer()
    try:
        with engine.connect() as conn:
            dates = tuple(d.isoformat() for d in cabinet_dates(conn, code, actor.scope))
    except LayerError:
        return MinutesOffer()
    if not dates:
        return MinutesOffer(code)
    day = chosen if chosen in dates else dates[0]
    return MinutesOffer(code, dates, day, {fmt: minutes_url(code, day, fmt) for fmt in FORMATS})


DEFAULT_EXPORT_LAYER = "cases"
DEFAULT_EXPORT_FORMAT = "geojson"


def export_options(engine: Engine | None = None, view: View | None = None, scope=NATIONAL) -> tuple[list[dict], list[dict]]:
    """The layers and formats the download control offers (from the layer registry); given
    the view, only the layers with something in its territory and period (a municipality is
    not offered «Estados», which would export nothing)."""
    from layers.exports import FORMATS
    from layers.features import layers_with_features
    from layers.registry import LayerError, list_layers

    offered = list_layers()
    if engine is not None and view is not None:
        params = view_params(view, None, scope)
        try:
            with engine.connect() as conn:
                # Every view's page and drill asks (18 layers' queries built and tested: ~100 ms);
                # which layers have something changes only with a load, and every load refreshes.
                offered = cached_read(conn, ("export_offer", params, dt.date.today()),
                                      lambda: layers_with_features(conn, params))
        except LayerError:
            offered = []
    layers = [{"label": layer.title, "value": layer.id} for layer in offered]
    formats = [{"label": f.label, "value": f.id} for f in FORMATS.values()]
    return layers, formats


def export_picker(engine: Engine, view: View, current, scope=NATIONAL) -> tuple[list[dict], str | None, str]:
    """The layer picker for the view: its options, the layer chosen (kept if it is still
    offered, else the default or the first one) and a note when nothing has elements."""
    layers, _ = export_options(engine, view, scope)
    values = [o["value"] for o in layers]
    if not values:
        return [], None, texts.EXPORT_EMPTY
    chosen = current if current in values else (DEFAULT_EXPORT_LAYER if DEFAULT_EXPORT_LAYER in values else values[0])
    return layers, chosen, ""


def download_links(engine: Engine, view: View, layer_id, fmt, actor: Actor = OPEN_ACCESS, jobs=None) -> dict:
    """The download URL of exactly what is on screen (territory, period and the filters that
    apply to the layer) for a layer and format, whether that export runs as a job (a slow
    format, or more features than `jobs.threshold`), and the URL that starts the planning
    pack of the municipality in view (None above a municipality). A role that may not
    export gets no links and `message`; so does a layer or format the registry does not know."""
    from dashboard import downloads_vm
    from layers import web
    from layers.exports import FORMATS
    from layers.jobs import SLOW_FORMATS
    from layers.registry import list_layers

    none = {"export_href": None, "export_job": False, "pack_href": None}
    if not actor.may(Action.EXPORT):
        return {**none, "message": texts.EXPORT_NOT_ALLOWED}
    layer_id = DEFAULT_EXPORT_LAYER if layer_id is None else layer_id
    fmt = DEFAULT_EXPORT_FORMAT if fmt is None else fmt
    known = isinstance(layer_id, str) and layer_id in {layer.id for layer in list_layers()}
    if not known or not isinstance(fmt, str) or fmt not in FORMATS:
        return {**none, "message": texts.EXPORT_UNKNOWN}
    # An XLSX is opened by a person: its header row in Spanish (the `campos` sheet maps it
    # back for `sala load`). A CSV goes into other systems and scripts: field names.
    labels = "es" if fmt == "xlsx" else None
    export_href = web.export_url(layer_id, fmt, view.territory, view.period, view.filters_for(layer_id), labels=labels)
    code = downloads_vm.pack_code(engine, view, actor.scope)
    as_job = downloads_vm.export_is_job(engine, jobs, view, layer_id, fmt, actor.scope) if jobs else fmt in SLOW_FORMATS
    return {"export_href": export_href, "export_job": as_job, "pack_href": web.pack_url(code, view.period) if code else None,
            "message": None}
