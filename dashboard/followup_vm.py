"""The case card with its follow-up: what `components.followup.case_card` shows, and the
save behind its form. Plain data in Spanish; `geodata.followup` checks role, scope and
version, so nothing here (or in the browser) decides whether a write may happen."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from dashboard import records_vm, texts
from dashboard import viewmodels as vm
from dashboard.classify import format_date
from geodata import followup, record_cards, records
from geodata.access import ScopeError
from geodata.models import Case, Territory
from geodata.permissions import Action, Actor, PermissionDenied
from geodata.team import members_of
from geodata.vocab import CASE_STATUSES, PROJECT_STAGES



def _moment(value: dt.datetime) -> str:
    return value.astimezone().strftime("%d/%m/%Y %H:%M")


def _entry_text(entry: dict, statuses: dict[str, str] = CASE_STATUSES, people: dict[str, str] | None = None) -> str:
    """`Enrutado a Hidrocapital`, `Estado: Resuelto`, …: what one follow-up entry did
    (`people`: the labels of the codes an agreement is assigned to)."""
    value = entry["value"]
    if entry["action"] == "status":
        value = statuses.get(value, value)
    elif entry["action"] == "assign" and value and entry.get("label"):
        value = entry["label"]  # the member as they read then (a later seat change rewrites no history)
    elif entry["action"] == "assign" and people and value:
        value = people.get(value, value)
    elif entry["action"] == "due_date" and value:
        value = format_date(dt.date.fromisoformat(value))
    template = texts.FOLLOW_ACTIONS[entry["action"]] if value is not None else texts.FOLLOW_CLEARED[entry["action"]]
    return template.format(value=value)


def history(timeline: list[tuple[str, dt.date]], entries: list[dict], statuses: dict[str, str] = CASE_STATUSES,
            people: dict[str, str] | None = None) -> list[dict]:
    """The loads' status changes and the room's entries in one list, oldest first (on one
    day the load's first: its date has no time of day)."""
    return merged_history([(day, statuses.get(status, status)) for status, day in timeline], entries, statuses, people)


def merged_history(loaded: list[tuple[dt.date, str]], entries: list[dict], statuses: dict[str, str],
                   people: dict[str, str] | None = None) -> list[dict]:
    """What loads observed, as (date, text) — a status change, a project's deposit — and the
    room's entries in one list, oldest first (on one day the load's first)."""
    items = [
        {"sort": (day, 0, None), "when": format_date(day), "source": texts.FOLLOW_SOURCE_LOAD, "what": what,
         "who": None, "note": None, "room": False}
        for day, what in loaded
    ]
    for e in entries:
        at = e["at"]
        items.append(
            {"sort": (at.astimezone().date(), 1, at), "when": _moment(at), "source": texts.FOLLOW_SOURCE_ROOM,
             "what": _entry_text(e, statuses, people), "who": e["username"] or "—", "note": e["note"], "room": True}
        )
    items.sort(key=lambda i: (i["sort"][0], i["sort"][1], i["sort"][2] or dt.datetime.min.replace(tzinfo=dt.UTC)))
    for item in items:
        del item["sort"]
    return items


def status_shown(sides: dict, statuses: dict[str, str] = CASE_STATUSES) -> str:
    """The status a card shows; when the load and the room disagree, both with their dates."""
    shown = statuses.get(sides["effective"], sides["effective"])
    if sides["disagree"]:
        loaded, room = sides["loaded"], sides["room"]
        shown = texts.FOLLOW_STATUS_BOTH.format(
            shown=shown,
            room=statuses.get(room[0], room[0]), room_day=format_date(room[1]),
            loaded=statuses.get(loaded[0], loaded[0]), loaded_day=format_date(loaded[1]),
            winner=texts.FOLLOW_WINNER[sides["winner"]],
        )
    return shown


def _suggestion(conn, code: str) -> str | None:
    from sqlalchemy import select

    row = conn.execute(
        select(Case.category, Territory.path).join(Territory, Territory.id == Case.territory_id).where(Case.code == code)
    ).one()
    return followup.suggest_institution(conn, row.category, row.path)


def case_card(engine: Engine, actor: Actor, code: str | None, today: dt.date | None = None, *,
              message: str | None = None, error: bool = False, kept_note: str | None = None) -> dict:
    """The case panel's data (`viewmodels.case_panel`) with the status both sides gave it,
    the history of loads and room together, and the follow-up form: its current values, the
    routing table's suggestion, the version it was read at, and whether the actor may save."""
    if not code:
        return {"code": code, "error": texts.CASE_NOT_FOUND.format(code="")}
    card = vm.case_panel(engine, code, actor.scope, today)
    if card.get("error"):
        return card
    with engine.connect() as conn:
        try:
            timeline = records.case_history(conn, code, actor.scope)
            state = followup.state(conn, "case", code, actor.scope)
        except (ScopeError, followup.FollowUpError):
            return {"code": code, "error": texts.CASE_NOT_FOUND.format(code=code)}
        suggestion = _suggestion(conn, code)
    sides = followup.status_sides(timeline[-1], state)
    status_label = texts.CASE_FIELDS["status"]
    shown = status_shown(sides)
    card["fields"] = [(label, shown if label == status_label else value) for label, value in card["fields"]]
    if state["institution"]:
        card["fields"] = [
            (label, f"{state['institution']} ({texts.FOLLOW_SOURCE_ROOM.lower()})" if label == texts.CASE_FIELDS["institution"]
             else value)
            for label, value in card["fields"]
        ]
    card["history"] = history(timeline, state["entries"])
    card["follow_up"] = {
        "kind": "case",
        "code": code,
        "version": state["version"],
        "may_write": actor.may(Action.FOLLOW_UP),
        "institution": state["institution"] or suggestion or "",
        "suggested": suggestion if not state["institution"] and suggestion else None,
        "assignee": state["assignee"] or "",
        **form_state(state, sides, CASE_STATUSES, kept_note=kept_note, message=message, error=error),
    }
    return card


def form_state(state: dict, sides: dict, statuses: dict[str, str], *, kept_note, message, error) -> dict:
    """What every record's follow-up form shows of its stored state: due date, status and
    its choices, the last change, the note being written and the message of the last save."""
    return {
        "due_date": state["due_date"].isoformat() if state["due_date"] else None,
        "status": sides["effective"],
        "statuses": [{"label": label, "value": value} for value, label in statuses.items()],
        "updated": texts.FOLLOW_UPDATED.format(user=state["updated_by"] or "—", at=_moment(state["updated_at"]))
        if state["updated_at"] else None,
        "note": kept_note or "",
        "message": message,
        "error": error,
    }


def save_case(engine: Engine, actor: Actor, code, version, *, institution, assignee, due_date, status, note,
              kind: str = "case", link=None) -> tuple[bool, str]:
    """Save the follow-up form of a case (or of another `kind` of record) in its own
    transaction: (saved, the message to show)."""
    try:
        with engine.begin() as conn:
            followup.save(conn, actor, kind, code, version, institution=institution, assignee=assignee,
                          due_date=due_date, status=status, note=note, link=link)
    except (followup.FollowUpError, followup.FollowUpConflict, PermissionDenied) as exc:
        return False, str(exc)
    return True, texts.FOLLOW_SAVED


def project_card(engine: Engine, actor: Actor, code: str | None, today: dt.date | None = None, *,
                 message: str | None = None, error: bool = False, kept_note: str | None = None) -> dict:
    """A project's card (`records_vm.project_card_data`) with the stage both sides gave it, its
    money trail and the room's entries in one history, and the follow-up form: a member of
    its municipality's team, due date, stage with a note, the agreement it answers, comments."""
    if not code:
        return {"kind": "projects", "code": code, "error": texts.RECORD_NOT_FOUND["projects"].format(code="")}
    with engine.connect() as conn:
        try:
            p = record_cards.project_detail(conn, code, actor.scope)
            state = followup.state(conn, "project", code, actor.scope)
        except (ScopeError, followup.FollowUpError):
            return {"kind": "projects", "code": code, "error": texts.RECORD_NOT_FOUND["projects"].format(code=code)}
        team = members_of(conn, p["municipality_id"]) if p["municipality_id"] is not None else {}
    card = records_vm.project_card_data(p)
    sides = followup.status_sides(p["loaded"], state)
    stage_label = texts.PROJECT_FIELDS["stage"]
    shown = status_shown(sides, PROJECT_STAGES)
    card["fields"] = [(label, shown if label == stage_label else value) for label, value in card["fields"]]
    if state["assignee"]:
        card["fields"].append((texts.FOLLOW_ASSIGNEE, team.get(state["assignee"], state["assignee"])))
    if state["due_date"]:
        card["fields"].append((texts.FOLLOW_DUE, format_date(state["due_date"])))
    loaded = [(e["date"], records_vm.trail_text(e)) for e in p["trail"]]
    card["follow_history"] = merged_history(loaded, state["entries"], PROJECT_STAGES, team)
    card["follow_up"] = {
        "kind": "project",
        "code": p["code"],
        "version": state["version"],
        "may_write": actor.may(Action.FOLLOW_UP),
        "assignee": state["assignee"] or None,
        "assignees": [{"label": label, "value": member} for member, label in team.items()],
        "assignees_none": texts.AGREEMENT_NO_TEAM if not team else None,
        "links": [{"label": f"{a['code']}: {a['text'][:80]}", "value": a["code"]} for a in p["agreement_choices"]],
        **form_state(state, sides, PROJECT_STAGES, kept_note=kept_note, message=message, error=error),
    }
    return card
