"""The case panel of the map room (a click on a case point, or `?caso=K123`): a case's
fields, linked solutions and history, in Spanish."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from dashboard import texts
from dashboard.classify import format_date
from geodata import records
from geodata.access import NATIONAL, Scope, ScopeError
from geodata.rules import CASE_SLA_DAYS
from geodata.vocab import AGREEMENT_STATUSES, AREAS, CASE_CATEGORIES, CASE_STATUSES, PROJECT_STAGES



def case_panel(engine: Engine, code: str, scope: Scope = NATIONAL, today: dt.date | None = None) -> dict:
    """What the case panel shows, in Spanish: title, «vencido», labelled fields, linked
    solutions and the «Historial» (date — status, oldest first). An unknown case or one
    outside the scope gives only `error` (the same words either way)."""
    with engine.connect() as conn:
        try:
            case = records.case_detail(conn, code, scope, today=today)
        except ScopeError:
            return {"code": code, "error": texts.CASE_NOT_FOUND.format(code=code)}
    labels = texts.CASE_FIELDS
    due = format_date(case["due_by"])
    if case["due_date"] is None:
        due = texts.CASE_DUE_DEFAULT.format(date=due, days=CASE_SLA_DAYS)
    place = " › ".join(name for _code, name in case["breadcrumb"][1:]) or case["territory_name"]
    fields = [
        (labels["status"], CASE_STATUSES.get(case["status"], case["status"])),
        (labels["category"], CASE_CATEGORIES.get(case["category"], case["category"])),
        (labels["area"], AREAS.get(case["area"], case["area"])),
        (labels["institution"], case["institution"] or "—"),
        (labels["territory"], f"{place} ({case['territory_code']})"),
        (labels["reported_date"], format_date(case["reported_date"])),
        (labels["due_by"], due),
    ]
    if case["resolved_date"]:
        fields.append((labels["resolved_date"], format_date(case["resolved_date"])))
    status_labels = {"project": PROJECT_STAGES, "agreement": AGREEMENT_STATUSES}
    return {
        "code": case["code"],
        "error": None,
        "title": texts.CASE_TITLE.format(code=case["code"]),
        "overdue": case["overdue"],
        "fields": fields,
        "description": case["description"] or "",
        "solutions": [
            {
                "kind": texts.SOLUTION_KINDS[s["kind"]],
                "code": s["code"],
                "label": s["label"],
                "status": status_labels[s["kind"]].get(s["status"], s["status"]),
            }
            for s in case["solutions"]
        ],
        "timeline": [(format_date(day), CASE_STATUSES.get(status, status)) for status, day in case["timeline"]],
    }
