"""Pieces of the alerts page: the filters, the alert list with its acknowledge controls
and pager, the shift log."""

from __future__ import annotations

from urllib.parse import quote

from dash import dcc, html

from dashboard import ids, texts


def alert_filters(data: dict, territories: list[dict]) -> html.Div:
    """Kind, severity and territory; the list below follows them (a page at a time)."""

    def labelled(label: str, control) -> html.Label:
        return html.Label([html.Span(label, className="ops-filter-label"), control], className="ops-filter")

    return html.Div(
        [
            labelled(texts.OPS_FILTER_KIND, dcc.Dropdown(
                id=ids.ALERTS_KIND, multi=True, value=data["kinds"], placeholder=texts.OPS_FILTER_ALL,
                options=[{"label": label, "value": kind} for kind, label in texts.ALERT_KINDS.items()],
            )),
            labelled(texts.OPS_FILTER_SEVERITY, dcc.Dropdown(
                id=ids.ALERTS_SEVERITY, multi=True, value=data["severities_chosen"], placeholder=texts.OPS_FILTER_ALL,
                options=[{"label": label, "value": s} for s, label in texts.ALERT_SEVERITY_HELP.items()],
            )),
            labelled(texts.OPS_FILTER_TERRITORY, dcc.Dropdown(
                id=ids.ALERTS_TERRITORY, value=data["territory"], options=territories, clearable=True,
                placeholder=texts.OPS_FILTER_ALL_TERRITORIES, optionHeight=32,
            )),
        ],
        className="ops-filters",
    )


def pager(data: dict) -> html.Div:
    return html.Div(
        [
            html.Button(texts.OPS_PREVIOUS, id=ids.ALERTS_PREVIOUS, n_clicks=0, className="button", disabled=not data["has_previous"]),
            html.Button(texts.OPS_NEXT, id=ids.ALERTS_NEXT, n_clicks=0, className="button", disabled=not data["has_next"]),
        ],
        className="ops-pager",
    )


def _item(item: dict, controls: dict) -> html.Li:
    meta = [
        html.Span(item["severity_label"], className=f"alert-severity alert-severity-{item['severity']}"),
        html.Span(item["territory_path"] or item["territory_name"], className="alert-path"),
        html.Span(" · ".join(p for p in (item["since_text"], item["days_text"]) if p), className="alert-days"),
        dcc.Link(texts.OPS_SEE_ON_MAP, href=item["map_href"], className="alert-map-link"),
    ]
    if item["kind"] == "case_overdue":  # a case's alert opens its card in the room, where it is followed up
        meta.append(dcc.Link(texts.FOLLOW_OPEN, href=f"/?caso={quote(item['code'], safe='')}", className="alert-open"))
    if item["kind"] == "agreement_overdue":  # and an agreement's, on its card
        meta.append(dcc.Link(texts.AGREEMENT_OPEN, href=f"/acuerdo?codigo={quote(item['code'], safe='')}", className="alert-open"))
    return html.Li(
        [
            html.Div([
                html.Span(item["kind_label"], className="alert-kind"),
                html.Span(item["label"], className="alert-label"),
                html.Span(texts.OPS_CARRIED, className="alert-carried") if item["carried"] else None,
            ]),
            html.Div(meta, className="alert-meta"),
            html.Div(item["ack_text"], className="alert-ack-text") if item["ack_text"] else None,
            html.Div(
                [
                    dcc.Input(id={"type": ids.ALERT_NOTE, "key": item["key"]}, placeholder=texts.OPS_ACK_NOTE, debounce=False,
                              className="alert-note"),
                    html.Button(texts.OPS_ACK, id={"type": ids.ALERT_ACK, "key": item["key"]}, n_clicks=0, className="button"),
                ],
                className="alert-actions",
            )
            if controls["acknowledge"]
            else None,
        ],
        className="alert-item" + (" alert-acked" if item["ack"] else "") + (" alert-carried-over" if item["carried"] else ""),
    )


def alert_list(data: dict, controls: dict) -> list:
    """The counts, the page's range and the alerts; the acknowledge controls only for a role that may use them."""
    summary = html.Ul(
        [html.Li([html.Strong(f"{s['count_text']} "), s["label"]], className="alert-count") for s in data["summary"]],
        className="alert-summary",
    )
    status = html.Div(
        [html.Strong(data["range_text"], className="alert-range"), html.Span(data["pending_text"], className="alert-pending")],
        className="alert-status",
    )
    if not data["items"]:
        return [summary, html.P(texts.OPS_NO_ALERTS)]
    return [summary, status, html.Ul([_item(item, controls) for item in data["items"]], className="alert-items")]


def shift_list(notes: list[dict]) -> list:
    return [
        html.Li([html.Span(n["at_text"], className="shift-at"), html.Span(f" {n['username'] or '—'}: ", className="shift-user"), n["note"]])
        for n in notes
    ]
