"""Pieces of the alerts page: the alert list with its acknowledge controls, the shift log."""

from __future__ import annotations

from urllib.parse import quote

from dash import dcc, html

from dashboard import ids, texts


def alert_list(data: dict, controls: dict) -> list:
    """The summary and the alerts; the acknowledge controls only for a role that may use them."""
    summary = html.Ul(
        [html.Li([html.Strong(f"{s['count']:n} "), s["label"]], className="alert-count") for s in data["summary"]],
        className="alert-summary",
    )
    if not data["items"]:
        return [summary, html.P(texts.OPS_NO_ALERTS)]
    rows = []
    for item in data["items"]:
        days = f" · {item['days']} días" if item["days"] is not None else ""
        rows.append(
            html.Li(
                [
                    html.Div([html.Span(item["kind_label"], className="alert-kind"), html.Span(item["label"], className="alert-label")]),
                    html.Div(f"{item['territory_name']}{days}", className="alert-meta"),
                    html.Div(item["ack_text"], className="alert-ack-text") if item["ack_text"] else None,
                    # A case's alert opens its card in the room, where it is followed up.
                    dcc.Link(texts.FOLLOW_OPEN, href=f"/?caso={quote(item['code'], safe='')}", className="alert-open")
                    if item["kind"] == "case_overdue" else None,
                    html.Div(
                        [
                            dcc.Input(
                                id={"type": ids.ALERT_NOTE, "key": item["key"]},
                                placeholder=texts.OPS_ACK_NOTE,
                                debounce=False,
                                className="alert-note",
                            ),
                            html.Button(texts.OPS_ACK, id={"type": ids.ALERT_ACK, "key": item["key"]}, n_clicks=0, className="button"),
                        ],
                        className="alert-actions",
                    )
                    if controls["acknowledge"]
                    else None,
                ],
                className="alert-item" + (" alert-acked" if item["ack"] else ""),
            )
        )
    return [summary, html.Ul(rows, className="alert-items")]


def shift_list(notes: list[dict]) -> list:
    return [
        html.Li([html.Span(n["at"].replace("T", " "), className="shift-at"), html.Span(f" {n['username'] or '—'}: ", className="shift-user"), n["note"]])
        for n in notes
    ]
