"""The follow-up team page's parts: the members' table and the administrator's form."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids, texts
from dashboard import team_vm as tvm


def table(rows: list[dict]) -> html.Div:
    if not rows:
        return html.P(texts.TEAM_NONE, className="muted")
    cols = list(texts.TEAM_COLUMNS)
    return html.Table(
        [html.Thead(html.Tr([html.Th(texts.TEAM_COLUMNS[c], scope="col") for c in cols])),
         html.Tbody([html.Tr([html.Td(r[c]) for c in cols], **{"data-code": r["code"]}) for r in rows])],
        className="team-table",
    )


def _input(label: str, control) -> html.Div:
    return html.Div(html.Label([html.Span(label, className="follow-label"), control]), className="follow-field")


def form(page: dict) -> html.Div:
    f = texts.TEAM_FIELDS
    return html.Div(
        [
            html.H3(texts.TEAM_FORM),
            html.Div(id=ids.TEAM_MESSAGE, role="status", className="follow-message"),
            _input(texts.TEAM_MEMBER, dcc.Dropdown(id=ids.TEAM_MEMBER, options=page["member_options"], value="", clearable=False)),
            _input(f["role"], dcc.Dropdown(id=ids.TEAM_ROLE, options=tvm.role_options(), value="liaison", clearable=False)),
            _input(f["name"], dcc.Input(id=ids.TEAM_NAME, maxLength=200, className="follow-input")),
            _input(f["institution"], dcc.Input(id=ids.TEAM_INSTITUTION, maxLength=200, className="follow-input")),
            _input(f["area"], dcc.Dropdown(id=ids.TEAM_AREA, options=tvm.area_options(), clearable=True)),
            _input(f["working_table"], dcc.Input(id=ids.TEAM_TABLE_NAME, maxLength=200, className="follow-input")),
            _input(f["phone"], dcc.Input(id=ids.TEAM_PHONE, maxLength=40, className="follow-input")),
            _input(f["email"], dcc.Input(id=ids.TEAM_EMAIL, maxLength=200, className="follow-input")),
            html.Div([html.Button(texts.TEAM_SAVE, id=ids.TEAM_SAVE, n_clicks=0, className="button"),
                      html.Button(texts.TEAM_DELETE, id=ids.TEAM_DELETE, n_clicks=0, className="button button-secondary")],
                     className="team-buttons"),
        ],
        className="follow-up team-form",
    )
