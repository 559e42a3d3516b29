"""The alerts of /operador: what is late under a territory, filtered by kind and severity,
ordered for a shift and read one page at a time.

An alert is derived from the records, never stored (see geodata.operations). The
kinds are one UNION ALL of narrow rows (kind, key, territory, the day the delay is
counted from); the filters, the counts and the page's order and offset run on it in
PostGIS, so the 64,000 alerts of the national room are never read into Python: a page
reads its 50 rows, then the details of those 50.

The order is the hand-over's: alerts nobody acknowledged first, and among them those
already late before the current shift started (carried over from earlier shifts), then
the longest late; acknowledged ones last.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, Date, and_, case, cast, false, func, literal, select, union_all
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import aliased

from geodata.access import NATIONAL, Scope, ScopeError
from geodata.models import Agreement, AlertAck, Case, Clap, ClapDelivery, Deposit, IndicatorSnapshot, Project, Territory
from geodata.rules import (
    CLAP_GAP_DAYS,
    agreement_overdue,
    case_due_date,
    case_overdue,
    clap_without_recent_delivery,
    project_advanced_without_deposit,
    silence_days,
)
from geodata.place import Where, code_of, node_of
from geodata.territory import path_labels
from geodata.vocab import CASE_CATEGORIES, PROJECT_STAGES

# A funded project is "not moving" this many days after its first deposit.
PROJECT_STILL_DAYS = 30
ALERT_KINDS = ("case_overdue", "agreement_overdue", "clap_no_delivery", "project_not_moving", "project_no_deposit",
               "council_silent")
SEVERITIES = ("high", "medium", "low")
# Days late from which an alert is of high / medium severity (a CLAP that never got a
# delivery is high).
SEVERITY_DAYS = {"high": 30, "medium": 7}
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class AlertFilter:
    """Which alerts to list: kinds and severities (empty: all), and the page."""

    kinds: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    offset: int = 0
    limit: int = PAGE_SIZE

    def clean(self) -> AlertFilter:
        """The same filter with unknown kinds and severities dropped and the page bounded."""
        return AlertFilter(
            tuple(k for k in ALERT_KINDS if k in self.kinds),
            tuple(s for s in SEVERITIES if s in self.severities),
            max(0, int(self.offset)),
            min(MAX_PAGE_SIZE, max(1, int(self.limit))),
        )


def shift_start(now: dt.datetime, hours: tuple[int, ...]) -> dt.datetime:
    """When the current shift started: the latest of the shift-change hours at or before
    `now` (a local, timezone-aware time), yesterday's last one before the first today."""
    starts = [now.replace(hour=h, minute=0, second=0, microsecond=0) for h in sorted(hours)]
    before = [s for s in starts if s <= now]
    if before:
        return before[-1]
    return starts[-1] - dt.timedelta(days=1)


def _subtree(conn: Connection, t, code: Where, scope: Scope) -> list:
    """The scope and the subtree of `code` (a Place, a node or a code; None: all the scope shows)."""
    clauses = [scope.condition(t.path)]
    node = node_of(conn, code or None, scope)
    if node is not None:
        if not (scope.allows(node.path) or scope.ancestor_visible(node.path)):
            raise ScopeError(code_of(code))
        clauses.append(t.path.startswith(node.path, autoescape=True))
    return clauses


def _last_delivery(today: dt.date):
    return (
        select(ClapDelivery.clap_id, func.max(ClapDelivery.delivery_date).label("last_day"))
        .where(ClapDelivery.delivery_date <= today)
        .group_by(ClapDelivery.clap_id)
        .subquery()
    )


def _first_deposit():
    return select(Deposit.project_id, func.min(Deposit.deposit_date).label("first_day")).group_by(Deposit.project_id).subquery()


def project_not_moving():
    """Money arrived, and the project is stalled or has not moved since."""
    return (Project.stage == "stalled") | (Project.stage.in_(("funded", "in_progress")) & (Project.progress == 0))


def _sources(t, today: dt.date, where: list, kinds: tuple[str, ...]):
    """One narrow select per kind asked for: kind, code, key, territory code, `since` (the
    day the delay is counted from) and `late_since` (the last day it was not yet late;
    None for a CLAP never delivered to)."""

    def row(kind: str, code, since, grace: int):
        late_since = since + literal(grace) if grace else since
        return (
            literal(kind).label("kind"),
            code.label("code"),
            (literal(kind + ":") + code).label("key"),
            t.code.label("territory_code"),
            since.label("since"),
            late_since.label("late_since"),
        )

    selects = []
    if "case_overdue" in kinds:
        selects.append(
            select(*row("case_overdue", Case.code, case_due_date(), 0))
            .join(t, t.id == Case.territory_id)
            .where(case_overdue(today), *where)
        )
    if "agreement_overdue" in kinds:
        selects.append(
            select(*row("agreement_overdue", Agreement.code, Agreement.due_date, 0))
            .join(t, t.id == Agreement.municipality_id)
            .where(agreement_overdue(today), *where)
        )
    if "clap_no_delivery" in kinds:
        last = _last_delivery(today)
        selects.append(
            select(*row("clap_no_delivery", Clap.code, last.c.last_day, CLAP_GAP_DAYS))
            .join(t, t.id == Clap.territory_id)
            .outerjoin(last, last.c.clap_id == Clap.id)
            .where(clap_without_recent_delivery(last.c.last_day, today), *where)
        )
    if "project_not_moving" in kinds:
        first = _first_deposit()
        selects.append(
            select(*row("project_not_moving", Project.code, first.c.first_day, PROJECT_STILL_DAYS))
            .join(t, t.id == Project.territory_id)
            .join(first, first.c.project_id == Project.id)
            .where(project_not_moving(), first.c.first_day < today - dt.timedelta(days=PROJECT_STILL_DAYS), *where)
        )
    if "project_no_deposit" in kinds:
        count = select(Deposit.project_id, func.count().label("n")).group_by(Deposit.project_id).subquery()
        since = func.coalesce(Project.start_date, cast(Project.updated_at, Date))
        selects.append(
            select(*row("project_no_deposit", Project.code, since, 0))
            .join(t, t.id == Project.territory_id)
            .outerjoin(count, count.c.project_id == Project.id)
            .where(project_advanced_without_deposit(Project, count.c.n), *where)
        )
    if "council_silent" in kinds:
        # Judged by the indicator refresh (the snapshot, geodata.rules.LAST_REPORT_SQL):
        # a council's own row says whether it is silent and when it last reported.
        s = IndicatorSnapshot
        selects.append(
            select(*row("council_silent", t.code, s.council_last_report, silence_days()))
            .join(s, s.territory_id == t.id)
            .where(t.level == "council", s.councils_silent > 0, *where)
        )
    return union_all(*selects).subquery("alert")


def alert_rows(t, today: dt.date, where: list, kinds: tuple[str, ...] = ALERT_KINDS):
    """The alerts of `kinds` as a subquery of narrow rows (kind, code, key, territory_code,
    since, late_since), `where` applied to territory alias `t`."""
    return _sources(t, today, where, kinds)


def current(t, path: str | None, kinds: tuple[str, ...], today: dt.date):
    """The alerts under the territory with `path` (None: the country) of `kinds`, as a
    subquery of (kind, code, key, territory_code, since, late_since) over the aliased
    territory `t`: what the notifications compare with those already sent."""
    where = [t.path.startswith(path, autoescape=True)] if path else []
    return _sources(t, today, where, tuple(k for k in ALERT_KINDS if k in kinds) or ALERT_KINDS)


def labels(conn: Connection, keys: list[str]) -> dict[str, str]:
    """Spanish one-line descriptions of alerts, by key (`case_overdue:K1`)."""
    codes: dict[str, list[str]] = {}
    for key in keys:
        kind, _, code = key.partition(":")
        codes.setdefault(kind, []).append(code)
    return _labels(conn, codes)


def _annotated(conn: Connection, code: str | None, scope: Scope, today: dt.date, shift_from: dt.date | None, kinds):
    """The alerts as a subquery with `severity`, `acked` and `carried` added."""
    t = aliased(Territory)
    u = _sources(t, today, _subtree(conn, t, code, scope), kinds)
    acked_keys = select(AlertAck.alert_key).group_by(AlertAck.alert_key).subquery()
    days_late = literal(today) - u.c.late_since
    severity = case(
        (u.c.late_since.is_(None), "high"),
        (days_late >= SEVERITY_DAYS["high"], "high"),
        (days_late >= SEVERITY_DAYS["medium"], "medium"),
        else_="low",
    )
    acked = acked_keys.c.alert_key.isnot(None)
    # Late before the shift began (its first late day started before the shift did).
    if shift_from is None:
        carried = false()
    else:
        carried = and_(~acked, u.c.late_since.is_(None) | (u.c.late_since + literal(1) < shift_from))
    return (
        select(u, severity.label("severity"), acked.label("acked"), carried.label("carried"))
        .select_from(u.outerjoin(acked_keys, acked_keys.c.alert_key == u.c.key))
        .subquery("annotated")
    )


def _first_late_day_cutoff(start: dt.datetime | None) -> dt.date | None:
    """Days whose first late day is before this date were late before the shift began."""
    if start is None:
        return None
    midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
    return start.date() + dt.timedelta(days=1) if start > midnight else start.date()


def alerts(
    conn: Connection,
    code: str | None,
    scope: Scope = NATIONAL,
    today: dt.date | None = None,
    limit: int = PAGE_SIZE,
    *,
    filters: AlertFilter | None = None,
    shift_started: dt.datetime | None = None,
    pinned: str | None = None,
) -> dict:
    """What is late under `code` (within `scope`), one page of it.

    Returns `counts` per kind (under the severity filter), `severities` per severity (under
    the kind filter), `total`, `pending` (not acknowledged) and `carried` (pending since
    before `shift_started`) of the filtered alerts, and the page's `items`, each with its
    key, Spanish label, territory (code, name and full path), days, severity, whether it
    was carried over, and last acknowledgement. `pinned` (the alert just acknowledged)
    heads the page, so the screen shows the note it saved."""
    today = today or dt.date.today()
    filters = (filters or AlertFilter(limit=limit)).clean()
    cutoff = _first_late_day_cutoff(shift_started)
    a = _annotated(conn, code, scope, today, cutoff, ALERT_KINDS)

    grouped = conn.execute(
        select(a.c.kind, a.c.severity, a.c.acked, a.c.carried, func.count().label("n")).group_by(
            a.c.kind, a.c.severity, a.c.acked, a.c.carried
        )
    ).all()
    kinds, severities = filters.kinds or ALERT_KINDS, filters.severities or SEVERITIES
    counts = {k: 0 for k in ALERT_KINDS}
    by_severity = {s: 0 for s in SEVERITIES}
    total = pending = carried = 0
    for r in grouped:
        if r.severity in severities:
            counts[r.kind] += r.n
        if r.kind in kinds:
            by_severity[r.severity] += r.n
        if r.kind in kinds and r.severity in severities:
            total += r.n
            pending += 0 if r.acked else r.n
            carried += r.n if r.carried else 0

    page = conn.execute(
        select(a)
        .where(a.c.kind.in_(kinds), a.c.severity.in_(severities))
        .order_by((a.c.key == (pinned or "")).desc(), a.c.acked, a.c.carried.desc(), a.c.late_since.asc().nulls_first(), a.c.kind, a.c.code)
        .offset(filters.offset)
        .limit(filters.limit)
    ).mappings().all()
    items = _items(conn, page, today)
    return {
        "counts": counts,
        "severities": by_severity,
        "total": total,
        "pending": pending,
        "carried": carried,
        "offset": filters.offset,
        "limit": filters.limit,
        "items": items,
    }


def _thousands(n) -> str:
    return f"{int(n):,}".replace(",", ".")


def _items(conn: Connection, page, today: dt.date) -> list[dict]:
    """The page's rows with their labels, territory paths and acknowledgements."""
    codes: dict[str, list[str]] = {}
    for r in page:
        codes.setdefault(r["kind"], []).append(r["code"])
    labels = _labels(conn, codes)
    places = path_labels(conn, {r["territory_code"] for r in page})
    acks = latest_acks(conn, [r["key"] for r in page])
    items = []
    for r in page:
        since, place = r["since"], places.get(r["territory_code"], {})
        items.append(
            {
                "key": r["key"],
                "kind": r["kind"],
                "code": r["code"],
                "label": labels.get(r["key"], r["code"]),
                "territory_code": r["territory_code"],
                "territory_name": place.get("name", r["territory_code"]),
                "territory_path": place.get("path", ""),
                "since": since.isoformat() if since else None,
                "days": (today - since).days if since else None,
                "days_late": (today - r["late_since"]).days if r["late_since"] else None,
                "severity": r["severity"],
                "carried": bool(r["carried"]),
                "ack": acks.get(r["key"]),
            }
        )
    return items


def _labels(conn: Connection, codes: dict[str, list[str]]) -> dict[str, str]:
    """Spanish one-line descriptions of the page's records, by alert key."""
    out: dict[str, str] = {}
    if codes.get("case_overdue"):
        for r in conn.execute(select(Case.code, Case.category, Case.institution).where(Case.code.in_(codes["case_overdue"]))):
            out[f"case_overdue:{r.code}"] = f"Caso {r.code} ({CASE_CATEGORIES.get(r.category, r.category)})" + (
                f" · {r.institution}" if r.institution else ""
            )
    if codes.get("agreement_overdue"):
        query = select(Agreement.code, Agreement.text, Agreement.institution).where(Agreement.code.in_(codes["agreement_overdue"]))
        for r in conn.execute(query):
            out[f"agreement_overdue:{r.code}"] = f"Acuerdo {r.code}: {r.text[:120]} · {r.institution}"
    if codes.get("clap_no_delivery"):
        last = select(ClapDelivery.clap_id, func.max(ClapDelivery.delivery_date).label("last_day")).group_by(ClapDelivery.clap_id).subquery()
        query = (
            select(Clap.code, Clap.name, Clap.households, last.c.last_day)
            .outerjoin(last, last.c.clap_id == Clap.id)
            .where(Clap.code.in_(codes["clap_no_delivery"]))
        )
        for r in conn.execute(query):
            out[f"clap_no_delivery:{r.code}"] = f"{r.name} ({_thousands(r.households or 0)} familias): " + (
                f"última entrega {r.last_day.strftime('%d/%m/%Y')}" if r.last_day else "sin entregas registradas"
            )
    if codes.get("project_not_moving"):
        query = select(Project.code, Project.name, Project.stage, Project.progress).where(Project.code.in_(codes["project_not_moving"]))
        for r in conn.execute(query):
            stage = PROJECT_STAGES.get(r.stage, r.stage)
            out[f"project_not_moving:{r.code}"] = f"{r.name} ({stage}, {float(r.progress):.0f} % de avance)"
    if codes.get("project_no_deposit"):
        query = select(Project.code, Project.name, Project.stage, Project.progress).where(Project.code.in_(codes["project_no_deposit"]))
        for r in conn.execute(query):
            stage = PROJECT_STAGES.get(r.stage, r.stage)
            out[f"project_no_deposit:{r.code}"] = f"{r.name} ({stage}, {float(r.progress):.0f} % de avance) sin depósitos registrados"
    if codes.get("council_silent"):
        s = IndicatorSnapshot
        query = (
            select(Territory.code, Territory.name, s.council_last_report, s.clap_count)
            .outerjoin(s, s.territory_id == Territory.id)
            .where(Territory.code.in_(codes["council_silent"]))
        )
        for r in conn.execute(query):
            out[f"council_silent:{r.code}"] = f"{r.name}: " + (
                f"último reporte {r.council_last_report.strftime('%d/%m/%Y')}" if r.council_last_report else "nunca ha reportado"
            ) + f" ({_thousands(r.clap_count or 0)} CLAP)"
    return out


def latest_acks(conn: Connection, keys: list[str]) -> dict[str, dict]:
    if not keys:
        return {}
    rows = conn.execute(
        select(AlertAck.alert_key, AlertAck.username, AlertAck.note, AlertAck.at)
        .where(AlertAck.alert_key.in_(keys))
        .order_by(AlertAck.alert_key, AlertAck.at.desc())
        .ext(distinct_on(AlertAck.alert_key))
    ).mappings()
    return {r["alert_key"]: {"username": r["username"], "note": r["note"], "at": r["at"].isoformat(timespec="minutes")} for r in rows}


def alert_territories(conn: Connection, scope: Scope = NATIONAL, levels: int = 2) -> list[dict]:
    """The territories the alerts may be filtered by: the scope's own and `levels` below it
    (the country: states and municipalities), each with its path label, in path order."""
    t = Territory.__table__
    top = -1 if scope.national else conn.execute(select(t.c.depth).where(t.c.code == scope.territory_code)).scalar()
    if top is None:
        return []
    rows = conn.execute(
        select(t.c.code)
        .where(scope.condition(t.c.path), t.c.depth >= max(top, 0), t.c.depth <= top + levels, t.c.level != "circuit")
        .order_by(t.c.path)
    ).scalars().all()
    labels = path_labels(conn, rows)
    return [labels[c] for c in rows if c in labels]

