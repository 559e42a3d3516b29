"""The follow-up form of a record's card (a case's or a project's in the room, an
agreement's on /acuerdo): save, then show the card again as stored.

It passes the signed-in actor and what was typed; `geodata.followup` checks the role,
resolves the record to its territory against the actor's scope and compares the version
the card was read at, so a second operator's save over a changed record is refused with
the conflict message (the card then shows what the other operator did, the typed note kept).
"""

from __future__ import annotations

from dash import Input, Output, State, no_update

from dashboard import agreement_vm as avm
from dashboard import followup_vm as fvm
from dashboard import ids, inputs, session
from dashboard.components.followup import case_card

# The card each kind of record re-renders after a save.
CARDS = {"case": fvm.case_card, "agreement": avm.agreement_card, "project": fvm.project_card}


def register(app) -> None:
    @app.callback(
        Output(ids.CASE_CARD, "children"),
        Input(ids.FOLLOW_SAVE, "n_clicks"),
        State(ids.FOLLOW_RECORD, "data"),
        State(ids.FOLLOW_INSTITUTION, "value"),
        State(ids.FOLLOW_ASSIGNEE, "value"),
        State(ids.FOLLOW_DUE, "date"),
        State(ids.FOLLOW_STATUS, "value"),
        State(ids.FOLLOW_NOTE, "value"),
        State(ids.FOLLOW_LINK, "value"),
        prevent_initial_call=True,
    )
    def save(clicks, record, institution, assignee, due, status, note, link):
        if not inputs.count(clicks):
            return no_update
        record = inputs.mapping(record)
        code = inputs.text(record.get("code"), limit=40)
        kind = record.get("kind") if isinstance(record.get("kind"), str) and record.get("kind") in CARDS else None
        if not code or kind is None:
            return no_update
        version = record.get("version")
        status = inputs.text(status, limit=20)
        # The status the card showed, sent back unchanged, is no change of the room's.
        if status == inputs.text(record.get("status"), limit=20):
            status = None
        actor, engine = session.actor(), session.engine()
        # What was typed goes as sent (an empty control as empty): geodata refuses a value of
        # the wrong type or length with a message, rather than this guessing what was meant.
        saved, message = fvm.save_case(
            engine, actor, code, version, institution="" if institution is None else institution,
            assignee="" if assignee is None else assignee, due_date=due, status=status, note=note, kind=kind,
            link=link,
        )
        data = CARDS[kind](engine, actor, code, message=message, error=not saved,
                           kept_note=None if saved else inputs.text(note, limit=4000))
        return case_card(data).children
