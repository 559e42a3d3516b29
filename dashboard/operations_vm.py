"""The functions behind operator mode and the alerts page: refresh with news, alerts,
acknowledgements and the shift log.

Writes act as the signed-in `Actor`; `geodata.operations` checks the role and the scope
and picks the room, so nothing here (or in the browser) chooses where a write goes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from dashboard import texts
from dashboard import viewmodels as vm
from dashboard.view import View
from geodata import operations, records
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.alerts import AlertFilter, alert_territories, shift_start
from geodata.permissions import Action, Actor, PermissionDenied
from geodata.settings import Settings
from geodata.territory import path_labels, resolve


def operator_note(on, seconds: int) -> str:
    """The confirmation that operator mode is on (the room and /operador), or ''."""
    return texts.OPERATOR_ON.format(seconds=seconds) if on else ""


def start_marker(engine: Engine) -> dict:
    """Where operator mode starts counting news from: the database's clock, now."""
    with engine.connect() as conn:
        return {"since": records.database_now(conn).isoformat()}


def _clock(iso: str) -> str:
    return dt.datetime.fromisoformat(iso).strftime("%H:%M:%S")


@dataclass
class Refresh:
    room: vm.Room
    items: list[str]
    headline: str
    has_news: bool
    marker: dict
    counts: dict


def news_lines(counts: dict[str, int]) -> list[str]:
    return [texts.NEWS_ITEMS[k].format(n=n) for k, n in counts.items() if n and k in texts.NEWS_ITEMS]


def refresh(
    engine: Engine, view: View, marker: dict | None, scope: Scope = NATIONAL, settings: Settings | None = None, base_url: str = ""
) -> Refresh:
    """The same view, recomputed, plus what arrived since the last refresh (`marker`)."""
    with engine.connect() as conn:
        now = records.database_now(conn)
        since = _since(marker, now)
        try:
            place = shown = vm.locate(conn, view.territory, scope)
        except ScopeError:  # a view of another room: the news of the user's own (vm.room says why)
            place, shown = vm.locate(conn, None, scope), None
        counts = records.news_since(conn, since, place, scope)
    room = vm.room(engine, view, scope, settings, base_url=base_url, place=shown)
    lines = news_lines(counts)
    headline = (texts.NEWS_SOME if lines else texts.NEWS_NONE).format(time=_clock(since.isoformat()))
    return Refresh(room, lines, headline, bool(lines), {"since": now.isoformat()}, counts)


def _since(marker, now: dt.datetime) -> dt.datetime:
    """When the last refresh was, from the page's store (now, for anything unreadable)."""
    try:
        since = dt.datetime.fromisoformat(marker["since"])
    except (TypeError, KeyError, ValueError):
        return now
    return since if since.tzinfo is not None else now


def thousands(n) -> str:
    """A count with the Spanish thousands separator (1.234)."""
    return f"{int(n):,}".replace(",", ".")


def local_time(value, zone: ZoneInfo) -> str:
    """A stored time (ISO text or datetime) as the room's local `dd/mm/aaaa hh:mm`."""
    try:
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:  # stored times are UTC
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(zone).strftime("%d/%m/%Y %H:%M")


def local_date(iso: str | None) -> str:
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


# The page's filters in its URL (Spanish names, like the room's `operador=1`):
# `/operador?territory=15&tipo=case_overdue,clap_no_delivery&gravedad=high&pagina=3&operador=1`.
URL_KINDS, URL_SEVERITIES, URL_PAGE = "tipo", "gravedad", "pagina"


def alerts_state(query: dict) -> dict:
    """The page's store (territory, kinds, severities, offset) from its URL; anything
    unknown dropped (the territory is scope-checked when read)."""
    def listed(name: str) -> list[str]:
        raw = query.get(name)
        return [part.strip() for part in str(raw).split(",") if part.strip()][:10] if raw else []

    try:
        page = max(1, min(int(str(query.get(URL_PAGE) or 1)), 10**6))
    except ValueError:
        page = 1
    filters = AlertFilter(tuple(listed(URL_KINDS)), tuple(listed(URL_SEVERITIES))).clean()
    territory = str(query.get("territory") or "")[:32] or None
    return {"territory": territory, "kinds": list(filters.kinds), "severities": list(filters.severities),
            "offset": (page - 1) * filters.limit}


def alerts_query(state: dict, operator: bool = False) -> str:
    """The query string (with '?', or '') that reopens the page on `state` (its store)."""
    from urllib.parse import urlencode

    filters = alert_filter(state)
    params = {}
    if state.get("territory"):
        params["territory"] = str(state["territory"])
    if filters.kinds:
        params[URL_KINDS] = ",".join(filters.kinds)
    if filters.severities:
        params[URL_SEVERITIES] = ",".join(filters.severities)
    if filters.offset:
        params[URL_PAGE] = str(filters.offset // filters.limit + 1)
    if operator:
        params["operador"] = "1"
    return "?" + urlencode(params, safe=",") if params else ""


def alert_filter(view) -> AlertFilter:
    """The kinds, severities and page kept in the page's store (unknown values dropped)."""
    view = view if isinstance(view, dict) else {}

    def strings(value) -> tuple[str, ...]:
        return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()

    offset = view.get("offset")
    offset = offset if isinstance(offset, int) and not isinstance(offset, bool) and 0 <= offset <= 10**9 else 0
    return AlertFilter(strings(view.get("kinds")), strings(view.get("severities")), offset).clean()


def alerts_view(
    engine: Engine,
    code: str | None,
    scope: Scope = NATIONAL,
    today: dt.date | None = None,
    filters: AlertFilter | None = None,
    settings: Settings | None = None,
    now: dt.datetime | None = None,
    pinned: str | None = None,
) -> dict:
    """One page of the alerts of a territory, with Spanish labels, local times and counts,
    for the alerts page. A territory unknown or outside the scope gives the scope's own
    alerts and `error`. `today` and the shift's start are the room's local ones
    (SALA_TIMEZONE, SALA_SHIFT_HOURS)."""
    settings = settings or Settings(_env_file=None)
    zone = settings.zone
    now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(zone)
    today = today or now.date()
    filters = (filters or AlertFilter()).clean()
    started = shift_start(now, settings.shift_start_hours)
    error = None
    with engine.connect() as conn:
        try:
            data = operations.alerts(conn, code, scope, today, filters=filters, shift_started=started, pinned=pinned)
        except ScopeError:
            error = texts.NOT_FOUND.format(code=code)
            code = scope.territory_code
            data = operations.alerts(conn, code, scope, today, filters=filters, shift_started=started, pinned=pinned)
        if not data["items"] and data["total"] and filters.offset:
            # A page past the end (an old link, or fewer alerts since): the last page instead.
            filters = AlertFilter(filters.kinds, filters.severities, (data["total"] - 1) // filters.limit * filters.limit,
                                  filters.limit)
            data = operations.alerts(conn, code, scope, today, filters=filters, shift_started=started, pinned=pinned)
    data["territory"], data["error"], data["kinds"], data["severities_chosen"] = code, error, list(filters.kinds), list(filters.severities)
    data["shift_start"] = started.strftime("%d/%m/%Y %H:%M")
    for item in data["items"]:
        item["kind_label"] = texts.ALERT_KINDS[item["kind"]]
        item["severity_label"] = texts.ALERT_SEVERITIES[item["severity"]]
        item["map_href"] = f"/?territory={item['territory_code']}"
        item["days_text"] = texts.OPS_DAYS.format(days=thousands(item["days"])) if item["days"] is not None else ""
        item["since_text"] = texts.OPS_SINCE[item["kind"]].format(date=local_date(item["since"])) if item["since"] else ""
        ack = item["ack"]
        item["ack_text"] = (
            texts.OPS_ACKED.format(user=ack["username"] or "—", at=local_time(ack["at"], zone), note=ack["note"]) if ack else ""
        )
    data["summary"] = [{"kind": k, "label": texts.ALERT_KINDS[k], "count": n, "count_text": thousands(n)} for k, n in data["counts"].items()]
    total, first = data["total"], data["offset"] + 1
    last = data["offset"] + len(data["items"])
    data["range_text"] = texts.OPS_RANGE.format(first=thousands(first), last=thousands(last), total=thousands(total)) if data["items"] else ""
    data["pending_text"] = texts.OPS_PENDING.format(pending=thousands(data["pending"]), carried=thousands(data["carried"]), since=data["shift_start"])
    data["has_previous"] = data["offset"] > 0
    data["has_next"] = last < total
    return data


def alert_territory_options(engine: Engine, scope: Scope = NATIONAL, current: str | None = None) -> list[dict]:
    """The territory filter's choices (the scope's own and two levels below), each labelled
    with its path; the page's territory is added when it is deeper."""
    with engine.connect() as conn:
        places = alert_territories(conn, scope)
        if current and current not in {p["code"] for p in places}:
            node = resolve(conn, current)
            if node is not None and scope.allows(node.path):
                places += list(path_labels(conn, [current]).values())
    return [{"label": p["path"], "value": p["code"]} for p in places]


def shift_time(notes: list[dict], settings: Settings | None = None) -> list[dict]:
    """The log's notes with their times in the room's local time."""
    zone = (settings or Settings(_env_file=None)).zone
    return [{**n, "at_text": local_time(n["at"], zone)} for n in notes]


def _save(engine: Engine, write, *args) -> str | None:
    """Run one of `operations`' writes in its own transaction; its refusal as the screen's message, or None."""
    try:
        with engine.begin() as conn:
            write(conn, *args)
    except (operations.OperationError, PermissionDenied) as exc:
        return str(exc)
    return None


def acknowledge(engine: Engine, actor: Actor, key, note) -> str | None:
    """Save an acknowledgement; returns an error message for the screen, or None."""
    return _save(engine, operations.acknowledge, actor, key, note)


def add_shift_note(engine: Engine, actor: Actor, note) -> str | None:
    """Add a note to the log of the actor's room; returns an error message for the screen, or None."""
    return _save(engine, operations.add_shift_note, actor, note)


def shift_notes(engine: Engine, scope: Scope = NATIONAL, settings: Settings | None = None) -> list[dict]:
    """The log of the scope's room, its times in the room's local time."""
    with engine.connect() as conn:
        return shift_time(operations.shift_notes(conn, scope), settings)


def controls(actor: Actor) -> dict:
    """Which of the page's write controls the actor's role has (the writes check again)."""
    return {"acknowledge": actor.may(Action.ACKNOWLEDGE), "shift_log": actor.may(Action.SHIFT_LOG)}


def territory_name(engine: Engine, code: str) -> str:
    with engine.connect() as conn:
        node = resolve(conn, code)
    return node.name if node else code
