"""A record's card with its follow-up (a case's, an agreement's, a project's): its fields,
its history (loads and room together) and the follow-up form (for a role that may follow
up). One form for every kind: the controls a kind has no use for (a project's institution,
a case's agreement to link) are there hidden, so the save callback reads the same states."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids, texts
from dashboard.components import room as parts


def _history(items: list[dict]) -> html.Ol:
    rows = []
    for item in items:
        parts_ = [html.Span(item["when"], className="timeline-date"), " — ",
                  html.Span(item["source"], className="timeline-source"), " · ",
                  html.Span(item["what"], className="timeline-status")]
        if item["who"]:
            parts_.append(html.Span(f" ({item['who']})", className="timeline-who"))
        if item["note"]:
            parts_.append(html.Div(item["note"], className="timeline-note"))
        rows.append(html.Li(parts_, className="timeline-room" if item["room"] else "timeline-load"))
    return html.Ol(rows, className="timeline")


def _field(label: str, control, hint=None) -> html.Div:
    return html.Div([html.Label([html.Span(label, className="follow-label"), control]), hint], className="follow-field")


def _hidden(id_: str) -> dcc.Input:
    return dcc.Input(id=id_, type="hidden", value=None)


def _form(data: dict) -> list:
    store = dcc.Store(id=ids.FOLLOW_RECORD, data={"kind": data["kind"], "code": data["code"], "version": data["version"],
                                                 "status": data["status"]})
    message = html.Div(
        data["message"] or "", id=ids.FOLLOW_MESSAGE, role="alert" if data["error"] else "status",
        className="follow-message" + (" follow-error" if data["error"] else ""),
    )
    updated = html.P(data["updated"], className="muted follow-updated") if data["updated"] else None
    if not data["may_write"]:
        return [store, updated, html.P(texts.FOLLOW_READ_ONLY, className="muted")]
    hint_text = texts.FOLLOW_SUGGESTED.format(institution=data["suggested"]) if data.get("suggested") else data.get("hint")
    hint = html.Small(hint_text, className="muted follow-hint") if hint_text else None
    if "assignees" in data:  # an agreement: one of its municipality's follow-up team
        assignee = dcc.Dropdown(id=ids.FOLLOW_ASSIGNEE, options=data["assignees"], value=data["assignee"], clearable=True,
                                placeholder=data["assignees_none"] or texts.AGREEMENT_CHOOSE_MEMBER, className="follow-status")
    else:
        assignee = dcc.Input(id=ids.FOLLOW_ASSIGNEE, value=data["assignee"], maxLength=120, className="follow-input")
    if "institution" in data:
        institution = _field(texts.FOLLOW_INSTITUTION, dcc.Input(id=ids.FOLLOW_INSTITUTION, value=data["institution"],
                                                                 maxLength=200, className="follow-input"), hint)
    else:  # a project is not routed: it is the answer
        institution = _hidden(ids.FOLLOW_INSTITUTION)
    if "links" in data:  # a project: one of its municipality's agreements it answers
        link = _field(texts.FOLLOW_LINK, dcc.Dropdown(
            id=ids.FOLLOW_LINK, options=data["links"], value=None, clearable=True, className="follow-status",
            placeholder=texts.FOLLOW_LINK_CHOOSE if data["links"] else texts.FOLLOW_LINK_NONE))
    else:
        link = _hidden(ids.FOLLOW_LINK)
    # The message first: a conflict must be seen without scrolling the card.
    return [
        store,
        message,
        updated,
        institution,
        _field(texts.FOLLOW_ASSIGNEE, assignee),
        # Dash's own picker, not the browser's date input: it reads dd/mm/aaaa and speaks
        # Spanish whatever the browser's language (a deadline may be in the future).
        _field(texts.FOLLOW_DUE, dcc.DatePickerSingle(
            id=ids.FOLLOW_DUE, date=data["due_date"], display_format=texts.DATE_DISPLAY_FORMAT,
            month_format=texts.DATE_MONTH_FORMAT, first_day_of_week=1, placeholder=texts.DATE_PLACEHOLDER,
            clearable=True, className="follow-input")),
        _field(texts.FOLLOW_STATUS,
               dcc.Dropdown(id=ids.FOLLOW_STATUS, options=data["statuses"], value=data["status"], clearable=False,
                            className="follow-status")),
        link,
        _field(texts.FOLLOW_NOTE,
               dcc.Textarea(id=ids.FOLLOW_NOTE, value=data["note"], placeholder=texts.FOLLOW_NOTE_PLACEHOLDER,
                            maxLength=2000, className="follow-note")),
        html.Button(texts.FOLLOW_SAVE, id=ids.FOLLOW_SAVE, n_clicks=0, className="button"),
    ]


def case_card(data: dict) -> html.Div:
    """The whole card (a case's, an agreement's or a project's), in the container a follow-up
    save re-renders."""
    if data.get("error"):
        return html.Div(parts.case_panel(data), id=ids.CASE_CARD)
    if data.get("kind") == "projects":
        # The project's card; its money trail gives way to the trail and the room's entries together.
        body = parts.record_panel({**data, "history": []})
        body = body[:-3] + [html.H4(data["history_title"]), _history(data["follow_history"]), html.H4(texts.FOLLOW_TITLE),
                            html.Div(_form(data["follow_up"]), className="follow-up"), body[-1]]
        return html.Div(body, id=ids.CASE_CARD, className="case-card")
    body = parts.case_panel({**data, "timeline": []})
    # The plain timeline of `case_panel` gives way to the history of loads and room together.
    body = body[:-2] + [html.H4(texts.CASE_HISTORY), _history(data["history"]),
                        html.H4(texts.FOLLOW_TITLE), html.Div(_form(data["follow_up"]), className="follow-up")]
    return html.Div(body, id=ids.CASE_CARD, className="case-card")
