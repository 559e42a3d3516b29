"""The follow-up team of a municipality's cabinet (`/equipo?territory=<municipality>`):
who holds each seat (liaisons, the governor's and the mayor's office, the spokespersons of
the three areas, and each working table's rapporteur, secretary and systematizer), and,
for an administrator, a form to add, change or remove a member."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import ids, session, texts
from dashboard import solutions_vm as svm
from dashboard import team_vm as tvm
from dashboard.components.team import form, table
from dashboard.view import parse

dash.register_page(__name__, path="/equipo", title=f"{texts.NAV_TEAM} · {texts.APP_TITLE}", name=texts.NAV_TEAM)


def layout(**query) -> html.Div:
    view = parse(query)
    engine, actor = session.engine(), session.actor()
    page = tvm.team_page(engine, actor, view.territory)
    picker = html.Div(
        [html.Label(texts.TEAM_PICKER, htmlFor=ids.TEAM_PICKER),
         dcc.Dropdown(id=ids.TEAM_PICKER, options=svm.municipality_options(engine, actor.scope), value=page["code"],
                      placeholder=texts.TEAM_CHOOSE, clearable=False, labels=texts.DROPDOWN_LABELS)],
        className="control sol-picker",
    )
    head = [html.H2(page["title"], className="room-title")]
    if page["demo"]:
        head.append(html.Span(texts.DEMO_BADGE, className="badge badge-demo"))
    body = [picker, html.Div(head, className="case-head")]
    if page["error"]:
        body.append(html.P(page["error"], className="error", role="alert"))
    if page["code"]:
        body.append(dcc.Store(id=ids.TEAM_MUNICIPALITY, data={"code": page["code"], "members": page["members"]}))
        main = [html.Div(table(page["rows"]), id=ids.TEAM_TABLE, className="team-main")]
        side = form(page) if page["may_edit"] else html.P(texts.TEAM_READ_ONLY, className="muted")
        body.append(html.Div([*main, html.Aside(side, className="team-side")], className="team-layout"))
    return html.Div(body, className="team-page")
