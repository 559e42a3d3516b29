"""Pieces of the map room: breadcrumb, legend, KPI cards, news line, case panel, the
download that runs as a job."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids, texts
from geodata.rules import DEFENSE_PLAN_REVIEW_DAYS, QUADRANT_STALE_DAYS, silence_days


def breadcrumb(crumbs: list[dict]) -> list:
    """`Venezuela › Distrito Capital › Libertador`: every crumb but the last goes up."""
    items = []
    for i, crumb in enumerate(crumbs):
        last = i == len(crumbs) - 1
        if i:
            items.append(html.Span("›", className="crumb-sep", **{"aria-hidden": "true"}))
        if last:
            items.append(html.Span(crumb["name"], className="crumb crumb-current", **{"aria-current": "page"}))
        else:
            items.append(
                html.Button(
                    crumb["name"],
                    id={"type": ids.CRUMB, "code": crumb["code"] or ""},
                    className="crumb crumb-link",
                    n_clicks=0,
                )
            )
    return items


def _legend_item(item: dict) -> html.Li:
    """A class (or a status) with its colour, its label and how many it holds."""
    shape = item.get("shape")
    parts = [html.Span(className="swatch" + (f" swatch-{shape}" if shape else ""), style={"background": item["color"]}),
             html.Span(item["label"], className="legend-label")]
    if item.get("count") is not None:
        parts.append(html.Span(_n(item["count"]), className="legend-count", title=texts.LEGEND_COUNT))
    return html.Li(parts, className="legend-item")


def legend(data: dict) -> list:
    return [
        html.Div(data["title"], className="legend-title"),
        html.Ul([_legend_item(item) for item in data["items"]], className="legend-items"),
        html.Div(data["scheme"], className="legend-scheme") if data.get("scheme") else None,
    ]


def point_legend(sections: list[dict]) -> list:
    """The key of the point layers: their statuses with counts, a heat map's ramp, or bubbles."""
    out = []
    for section in sections:
        body = [html.Div(section["title"], className="legend-subtitle")]
        if section.get("gradient"):
            ramp = ", ".join(section["gradient"])
            body.append(html.Div([html.Span(section["ends"][0]),
                                  html.Span(className="legend-gradient", style={"background": f"linear-gradient(90deg, {ramp})"}),
                                  html.Span(section["ends"][1])], className="legend-heat"))
        else:
            body.append(html.Ul([_legend_item(item) for item in section["items"]], className="legend-items"))
        out.append(html.Div(body, className="legend-points-layer"))
    return out


def kpi_cards(cards: list[dict]) -> list:
    return [
        html.Div(
            [html.Div(card["value"], className="kpi-value"), html.Div(card["label"], className="kpi-label"),
             *([html.Div(card["change"], className="kpi-change")] if card.get("change") else [])],
            className="kpi" + (" kpi-alert" if card["alert"] else ""),
            id=f"kpi-{card['id']}",
        )
        for card in cards
    ]


def news(items: list[str], headline: str, has_news: bool) -> list:
    if not has_news:
        return [html.Span(headline, className="news-none")]
    return [html.Strong(headline, className="news-head"), html.Span(", ".join(items), className="news-items")]


def case_panel(data: dict) -> list:
    """A case's detail card: title and «vencido», fields, description, linked solutions and
    the «Historial» as a vertical timeline (date — status)."""
    if data.get("error"):
        return [html.P(data["error"], className="case-error", role="alert")]
    head = [html.H3(data["title"], className="case-title")]
    if data["overdue"]:
        head.append(html.Span(texts.CASE_OVERDUE, className="badge badge-overdue"))
    if data.get("demo"):
        head.append(html.Span(texts.DEMO_BADGE, className="badge badge-demo"))
    fields = html.Dl([part for label, value in data["fields"] for part in (html.Dt(label), html.Dd(value))], className="case-fields")
    body = [html.Div(head, className="case-head"), fields]
    if data["description"]:
        body += [html.H4(texts.CASE_DESCRIPTION), html.P(data["description"], className="case-description")]
    body.append(html.H4(data.get("solutions_title") or texts.CASE_SOLUTIONS))
    if data["solutions"]:
        body.append(
            html.Ul(
                [
                    html.Li([html.Strong(f"{s['kind']} {s['code']}"), f": {s['label']} ", html.Span(f"({s['status']})", className="muted")])
                    for s in data["solutions"]
                ],
                className="case-solutions",
            )
        )
    else:
        body.append(html.P(texts.CASE_NO_SOLUTIONS, className="muted"))
    body += [
        html.H4(texts.CASE_HISTORY),
        html.Ol(
            [html.Li([html.Span(day, className="timeline-date"), " — ", html.Span(status, className="timeline-status")])
             for day, status in data["timeline"]],
            className="timeline",
        ),
    ]
    if data.get("share"):
        body.append(share_link(data["share"]))
    return body


def share_link(href: str) -> html.A:
    """The link that reopens the room with this card open and the map on its record."""
    return html.A(texts.RECORD_SHARE, href=href, className="card-share", title=texts.RECORD_SHARE)


def record_panel(data: dict) -> list:
    """Any record's card: a case's detail panel, or a project's or CLAP's card (title and
    badge, fields, what it answers, its history, the share link)."""
    if data.get("error"):
        return [html.P(data["error"], className="case-error", role="alert")]
    if data.get("kind") == "cases":
        return case_panel(data)
    head = [html.H3(data["title"], className="case-title")]
    if data.get("badge"):
        head.append(html.Span(data["badge"], className="badge badge-overdue"))
    body = [html.Div(head, className="case-head"),
            html.Dl([part for label, value in data["fields"] for part in (html.Dt(label), html.Dd(value))], className="case-fields")]
    if data.get("description"):
        body += [html.H4(texts.CASE_DESCRIPTION), html.P(data["description"], className="case-description")]
    if data.get("linked_title"):
        body.append(html.H4(data["linked_title"]))
        body.append(
            html.Ul([html.Li([html.Strong(f"{x['kind']} {x['code']}"), f": {x['label']} ", html.Span(f"({x['status']})", className="muted")])
                     for x in data["linked"]], className="case-solutions")
            if data["linked"] else html.P(data["linked_none"], className="muted")
        )
    body.append(html.H4(data["history_title"]))
    body.append(
        html.Ol([html.Li([html.Span(day, className="timeline-date"), " — ", html.Span(text, className="timeline-status")])
                 for day, text in data["history"]], className="timeline")
        if data["history"] else html.P(data["history_none"], className="muted")
    )
    body.append(share_link(data["share"]))
    return body


def territory_panel(data: dict) -> list:
    """A communal council's card: its name, where it is, households, population and the KPIs."""
    if data.get("error"):
        return [html.P(data["error"], className="case-error", role="alert")]
    fields = html.Dl([part for label, value in data["fields"] for part in (html.Dt(label), html.Dd(value))], className="case-fields")
    return [html.Div([html.H3(data["title"], className="case-title")], className="case-head"), fields]


HIDDEN = {"display": "none"}
JOB_POLL_MS = 1000  # how often a download being prepared is asked how far it is


def job_control(button: str, status: str, file: str, job: str, poll: str, prepare: str, ready: str, shown: bool) -> list:
    """A download that runs as a job: the button that starts it, the line that follows it
    (polled), and the link to its file once ready."""
    return [
        html.Button(prepare, id=button, n_clicks=0, className="button button-secondary", style={} if shown else HIDDEN),
        html.Span(id=status, className="job-status", role="status", **{"aria-live": "polite"}),
        html.A(ready, id=file, href="", className="button", download="", style=HIDDEN),
        dcc.Store(id=job),
        dcc.Interval(id=poll, interval=JOB_POLL_MS, disabled=True),
    ]


def _n(value) -> str:
    """A count with the Spanish thousands separator (1.234)."""
    return f"{int(round(value)):,}".replace(",", ".")


def _novelty_item(kind: str, entry: dict, detail: str) -> html.Li:
    return html.Li(
        html.Button(
            [html.Span(entry["path"], className="novelty-path"), html.Span(detail, className="novelty-detail")],
            id={"type": ids.NOVELTY, "kind": kind, "code": entry["code"]},
            n_clicks=0,
            className="novelty-link",
            title=texts.NOVELTY_GO.format(path=entry["path"]),
        ),
        className=f"novelty novelty-{kind}",
        **{"data-code": entry["code"]},
    )


def _novelty_section(title: str, items: list, kind: str) -> html.Section:
    return html.Section(
        [html.H4(title, className="novelty-title"),
         html.Ul(items, className="novelty-items") if items else html.Div(texts.NOVELTY_NONE, className="muted novelty-none")],
        className=f"novelty-section novelty-section-{kind}",
    )


def novelties(data: dict) -> list:
    """The «Novedades y atrasos» panel: spikes, CLAP gaps, overdue agreements, stalled
    projects, peace quadrants without a recent report, silent communal councils; every entry names its territory with its path and drills the map there."""
    spikes = [
        _novelty_item("spike", s, texts.NOVELTY_SPIKE.format(recent=_n(s["recent"]), baseline=_n(s["baseline"])))
        for s in data["spikes"]
    ]
    gaps = [
        _novelty_item(
            "clap", g,
            texts.NOVELTY_CLAP.format(days=_n(g["days"]), late=_n(g["late"]), claps=_n(g["claps"])) if g["days"] is not None
            else texts.NOVELTY_CLAP_NEVER.format(late=_n(g["late"]), claps=_n(g["claps"])),
        )
        for g in data["clap_gaps"]
    ]
    hot = [
        _novelty_item("hotspot", h, texts.NOVELTY_HOTSPOT.format(category=h["category_label"], share=f"{h['share']:.0%}".replace("%", " %"),
                                                                 cases=_n(h["cases"]), ratio=f"{h['ratio']:.1f}".replace(".", ",")))
        for h in data.get("hotspots", [])
    ]
    agreements = [_novelty_item("agreement", a, _n(a["count"])) for a in data["agreements"]["top"]]
    projects = [_novelty_item("project", p, _n(p["count"])) for p in data["projects"]["top"]]
    quadrants = [_novelty_item("quadrant", q, _n(q["count"])) for q in data["quadrants"]["top"]]
    silent = data.get("silent", {"count": 0, "councils": 0, "top": []})
    silent_items = [_novelty_item("silent", q, texts.NOVELTY_SILENT_ITEM.format(count=_n(q["count"]))) for q in silent["top"]]
    plans = [_novelty_item("defense_plan", q, _n(q["count"])) for q in data["defense_plans"]["top"]]
    return [
        *since_visit(data.get("since")),
        _novelty_section(texts.NOVELTY_SPIKES.format(days=data["spike_days"]), spikes, "spikes"),
        _novelty_section(texts.NOVELTY_CLAPS, gaps, "claps"),
        _novelty_section(texts.NOVELTY_HOTSPOTS.format(days=data.get("hotspot_days", 90)), hot, "hotspots"),
        _novelty_section(texts.NOVELTY_AGREEMENTS.format(count=_n(data["agreements"]["count"])), agreements, "agreements"),
        _novelty_section(texts.NOVELTY_PROJECTS.format(count=_n(data["projects"]["count"])), projects, "projects"),
        _novelty_section(texts.NOVELTY_QUADRANTS.format(days=QUADRANT_STALE_DAYS, count=_n(data["quadrants"]["count"])), quadrants, "quadrants"),
        _novelty_section(texts.NOVELTY_SILENT.format(days=silence_days(), count=_n(silent["count"]), councils=_n(silent["councils"])),
                         silent_items, "silent"),
        _novelty_section(texts.NOVELTY_DEFENSE_PLANS.format(days=DEFENSE_PLAN_REVIEW_DAYS, count=_n(data["defense_plans"]["count"])),
                         plans, "defense_plans"),
    ]


def since_visit(since: dict | None) -> list:
    """«Nuevo desde su última visita (fecha)»: only for a signed-in user back from an
    earlier visit (nothing is said to anyone else rather than invent a date)."""
    if not since:
        return []
    return [html.Section(
        [html.H4(texts.NOVELTY_SINCE.format(date=since["label"]), className="novelty-title"),
         html.Div(texts.NOVELTY_SINCE_ITEMS.format(cases=_n(since["cases"]), alerts=_n(since["alerts"]), overdue=_n(since["overdue"])),
                  className="novelty-since")],
        className="novelty-section novelty-section-since",
    )]


def timeline_bar(slider: dict, playing: bool = False) -> html.Div:
    """The timeline under the map: play, the weekly slider, the week shown, back to the period."""
    return html.Div(
        [
            html.Div(
                [html.Span(texts.TIMELINE, className="timeline-title"),
                 html.Button(texts.TIMELINE_PLAY, id=ids.TIMELINE_PLAY, n_clicks=0, className="period-button timeline-play"),
                 html.Button(texts.TIMELINE_OFF, id=ids.TIMELINE_OFF, n_clicks=0, className="button-link timeline-off")],
                className="timeline-head",
            ),
            dcc.Slider(id=ids.TIMELINE, min=slider["min"], max=slider["max"], step=7, value=slider["value"], marks=slider["marks"],
                       included=False, updatemode="mouseup", allow_direct_input=False, className="timeline-slider"),
            html.Div(slider["label"], id=ids.TIMELINE_LABEL, className="timeline-label", role="status"),
            dcc.Interval(id=ids.TIMELINE_TICK, interval=TIMELINE_STEP_MS, disabled=True),
        ],
        className="timeline",
        role="group",
        **{"aria-label": texts.TIMELINE},
    )


TIMELINE_STEP_MS = 1200  # one week of the timeline per step while playing


def relative_periods(options: dict[str, str]) -> html.Div:
    """One-click periods ending today, beside the date range."""
    return html.Div(
        [html.Button(label, id={"type": ids.PERIOD_BUTTON, "key": key}, n_clicks=0, className="period-button")
         for key, label in options.items()],
        className="period-buttons",
        role="group",
        **{"aria-label": texts.RELATIVE_PERIODS},
    )
