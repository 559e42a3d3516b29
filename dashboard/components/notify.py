"""The notifications section of /operador: the form that subscribes the room, its
subscriptions (each removable) and the latest deliveries with their state and error."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids, texts
from dashboard import notify_vm as nvm


def listing(data: dict) -> list:
    subs = [
        html.Li(
            [html.Div([html.Strong(s["what"]), " · ", s["where"]]),
             html.Div(s["to"], className="notify-to"),
             html.Div([s["counts"], " · ", s["by"]], className="muted"),
             html.Button(texts.NOTIFY_REMOVE, id={"type": ids.NOTIFY_REMOVE, "id": s["id"]}, n_clicks=0,
                         className="button button-secondary button-small") if data["may_write"] else None],
            className="notify-sub",
        )
        for s in data["subscriptions"]
    ] or [html.Li(texts.NOTIFY_NONE, className="muted")]
    sent = [
        html.Li([html.Span(d["when"], className="timeline-date"), " — ", html.Span(d["label"], title=d["key"]), " · ",
                 html.Span(d["status"], className=f"notify-status notify-{d['status_code']}"),
                 " · " + texts.NOTIFY_ATTEMPTS.format(n=d["attempts"]) + " ",
                 html.Span(d["error"], className="notify-error") if d["error"] else None],
                className="notify-delivery")
        for d in data["deliveries"]
    ] or [html.Li(texts.NOTIFY_NO_DELIVERIES, className="muted")]
    return [html.Ul(subs, className="notify-subs"), html.H4(texts.NOTIFY_DELIVERIES), html.Ul(sent, className="notify-deliveries")]


def section(data: dict, territories: list[dict], room_code: str | None) -> html.Section:
    form = []
    if data["may_write"]:
        form = [
            html.P(texts.NOTIFY_HINT, className="muted notify-hint"),
            html.Div(html.Label([html.Span(texts.NOTIFY_KINDS, className="follow-label"),
                                 dcc.Dropdown(id=ids.NOTIFY_KINDS, options=nvm.kind_options(), value=[], multi=True,
                                              placeholder=texts.NOTIFY_ALL_KINDS, labels=texts.DROPDOWN_LABELS)]),
                     className="follow-field"),
            html.Div(html.Label([html.Span(texts.NOTIFY_TERRITORY, className="follow-label"),
                                 dcc.Dropdown(id=ids.NOTIFY_TERRITORY, options=territories, value=room_code, clearable=True,
                                              placeholder=texts.OPS_ROOM_NATIONAL)]), className="follow-field"),
            html.Div(html.Label([html.Span(texts.NOTIFY_CHANNEL, className="follow-label"),
                                 dcc.Dropdown(id=ids.NOTIFY_CHANNEL, options=nvm.channel_options(), value="webhook",
                                              clearable=False, searchable=False)]), className="follow-field"),
            html.Div(html.Label([html.Span(texts.NOTIFY_TARGET, className="follow-label"),
                                 dcc.Input(id=ids.NOTIFY_TARGET, maxLength=500, placeholder=texts.NOTIFY_TARGET_PLACEHOLDER,
                                           className="follow-input")]), className="follow-field"),
            html.Button(texts.NOTIFY_SUBSCRIBE, id=ids.NOTIFY_SUBSCRIBE, n_clicks=0, className="button"),
        ]
    else:
        form = [html.P(texts.NOTIFY_READ_ONLY, className="muted")]
    return html.Section(
        [html.H3(texts.NOTIFY_TITLE), html.Div(id=ids.NOTIFY_MESSAGE, role="status", className="follow-message"), *form,
         html.Div(listing(data), id=ids.NOTIFY_LIST)],
        className="ops-col notify",
    )
