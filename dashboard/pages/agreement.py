"""An agreement's card (`/acuerdo?codigo=<code>`): what the cabinet agreed, its status as
the load and the room see it, its history and its follow-up (institution, a member of the
municipality's follow-up team, due date, status with a note, comments), and that team."""

from __future__ import annotations

from urllib.parse import quote

import dash
from dash import dcc, html

from dashboard import session, texts
from dashboard import agreement_vm as avm
from dashboard.components.followup import case_card
from geodata.permissions import Action

dash.register_page(__name__, path="/acuerdo", title=f"{texts.NAV_AGREEMENT} · {texts.APP_TITLE}", name=texts.NAV_AGREEMENT)


def layout(codigo=None, **_query) -> html.Div:
    actor = session.actor()
    code = codigo if isinstance(codigo, str) and 0 < len(codigo.strip()) <= 40 else None
    data = avm.agreement_card(session.engine(), actor, code.strip() if code else None)
    side = []
    if not data.get("error"):
        team = [html.Li(label) for label in data["team"].values()] or [html.Li(texts.AGREEMENT_NO_TEAM, className="muted")]
        side = [html.H3(texts.AGREEMENT_TEAM), html.Ul(team, className="team-list")]
        if actor.may(Action.MANAGE_TEAM):
            side.append(dcc.Link(texts.AGREEMENT_TEAM_EDIT, href=f"/equipo?territory={quote(data['municipality_code'])}",
                                 className="button-link"))
        side.append(dcc.Link(texts.NAV_SOLUTIONS, href=f"/soluciones?territory={quote(data['municipality_code'])}",
                             className="button-link"))
    return html.Div(
        [html.Div(case_card(data), className="agreement-main"), html.Aside(side, className="agreement-side")],
        className="agreement-page",
    )
