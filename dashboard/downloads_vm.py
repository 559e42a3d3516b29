"""The download control as plain data: what each button does, and the line that follows
a job (the planning pack, a slow or large export) until its file is ready.

A quick export is a link (`/export/<layer>.<fmt>`); the pack and the exports that
`layers.jobs.needs_job` sends off the request threads are a button that starts a job;
the page then polls `follow` (a `dcc.Interval`) for «Preparando el paquete de
planificación… 40 %» and, when it is done, the link to the file (or the reason it failed).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from dashboard import texts
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
