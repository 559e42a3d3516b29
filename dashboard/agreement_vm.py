"""The card of a cabinet agreement (`/acuerdo?codigo=A1`) with its follow-up: what
`components.followup.case_card` shows (the same card as a case's), with the history of
the load and the room together and a form whose «responsable» is chosen among the
municipality's follow-up team. `geodata.followup` checks role, scope, version and that
the member belongs to the team; nothing here decides whether a write may happen."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from dashboard import texts
from dashboard.classify import format_date
from dashboard.followup_vm import form_state, history, status_shown
from geodata import followup
from geodata.access import ScopeError
from geodata.agreement_card import agreement_detail
from geodata.permissions import Action, Actor
from geodata.vocab import AGREEMENT_STATUSES, AREAS, CASE_CATEGORIES, CASE_STATUSES, PROJECT_STAGES


def _path(crumbs: list[tuple]) -> str:
    return " › ".join(name for _code, name in crumbs[1:])


def agreement_card(engine: Engine, actor: Actor, code: str | None, today: dt.date | None = None, *,
                   message: str | None = None, error: bool = False, kept_note: str | None = None) -> dict:
    not_found = {"code": code, "error": texts.AGREEMENT_NOT_FOUND.format(code=code or "")}
    if not code:
        return not_found
    with engine.connect() as conn:
        try:
            a = agreement_detail(conn, code, actor.scope, today)
            state = followup.state(conn, "agreement", code, actor.scope)
        except (ScopeError, followup.FollowUpError):
            return not_found
    sides = followup.status_sides(a["loaded"], state)
    labels = texts.AGREEMENT_FIELDS
    due = state["due_date"] or a["due_date"]
    team = a["team"]
    fields = [
        (labels["status"], status_shown(sides, AGREEMENT_STATUSES)),
        (labels["municipality"], f"{_path(a['breadcrumb']) or a['municipality_name']} ({a['municipality_code']})"),
        (labels["cabinet_date"], format_date(a["cabinet_date"])),
        (labels["area"], AREAS.get(a["area"], a["area"])),
        (labels["working_table"], a["working_table"] or "—"),
        (labels["institution"], f"{state['institution']} ({texts.FOLLOW_SOURCE_ROOM.lower()})" if state["institution"]
         else a["institution"]),
        (labels["assignee"], team.get(state["assignee"], state["assignee"]) if state["assignee"] else "—"),
        (labels["due_date"], format_date(due)),
    ]
    solutions = [{"kind": "Caso", "code": c["code"], "label": CASE_CATEGORIES.get(c["category"], c["category"]),
                  "status": CASE_STATUSES.get(c["status"], c["status"])} for c in a["cases"]]
    solutions += [{"kind": "Proyecto", "code": p["code"], "label": p["name"], "status": PROJECT_STAGES.get(p["stage"], p["stage"])}
                  for p in a["projects"]]
    overdue = sides["effective"] != "done" and due is not None and due < (today or dt.date.today())
    return {
        "code": a["code"],
        "error": None,
        "title": texts.AGREEMENT_TITLE.format(code=a["code"]),
        "demo": a["is_demo"],
        "overdue": overdue,
        "fields": fields,
        "description": a["text"],
        "solutions": solutions,
        "solutions_title": texts.AGREEMENT_ANSWERS,
        "timeline": [],
        "municipality_code": a["municipality_code"],
        "team": team,
        "history": history([a["loaded"]], state["entries"], AGREEMENT_STATUSES, team),
        "follow_up": {
            "kind": "agreement",
            "code": a["code"],
            "version": state["version"],
            "may_write": actor.may(Action.FOLLOW_UP),
            "institution": state["institution"] or "",
            "suggested": None,
            "hint": texts.AGREEMENT_LOADED_INSTITUTION.format(institution=a["institution"]) if not state["institution"] else None,
            "assignee": state["assignee"] or None,
            "assignees": [{"label": label, "value": member} for member, label in team.items()],
            "assignees_none": texts.AGREEMENT_NO_TEAM if not team else None,
            **form_state(state, sides, AGREEMENT_STATUSES, kept_note=kept_note, message=message, error=error),
        },
    }
