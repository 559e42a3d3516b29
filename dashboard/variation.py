"""The period's change against the previous equal period: on the KPI cards («+12 % vs.
período anterior») and as a choropleth («variación»: the signed change of the chosen
indicator per child, on a diverging scale centred at 0)."""

from __future__ import annotations

import datetime as dt

from dashboard import texts
from dashboard.classify import NO_DATA_COLOR, Classification, format_number, format_value
from geodata.indicators import INDICATORS, Period

# Measures that are a state of now (people, CLAPs): no period, so no change to show.
SNAPSHOT_IDS = {"households", "population", "clap_count", "clap_coverage", "clap_days_since_delivery",
                "claps_without_recent_delivery"}
# Blue for a fall, red for a rise (where higher is worse); white is no change.
DIVERGING = ("#2166ac", "#92c5de", "#f7f7f7", "#f4a582", "#b2182b")


def previous_period(period: Period) -> Period | None:
    """The equal period just before `period` (same round); None unless both dates are set."""
    if period.date_from is None or period.date_to is None:
        return None
    days = (period.date_to - period.date_from).days + 1
    return Period(period.date_from - dt.timedelta(days=days), period.date_from - dt.timedelta(days=1),
                  period.consultation_round)


def change(indicator_id: str, now, before) -> float | None:
    if indicator_id in SNAPSHOT_IDS or now is None or before is None:
        return None
    return float(now) - float(before)


def change_text(indicator_id: str, now, before) -> str | None:
    """«+12 % vs. período anterior» (counts: relative; shares: points); None with nothing to compare."""
    delta = change(indicator_id, now, before)
    if delta is None:
        return None
    ind = INDICATORS[indicator_id]
    if ind.unit.startswith("%"):
        amount = f"{'+' if delta >= 0 else '−'}{format_number(abs(delta), ind.fmt)} pts"
    elif float(before):
        amount = f"{'+' if delta >= 0 else '−'}{format_number(abs(delta) / abs(float(before)) * 100, ',.0f')} %"
    else:
        amount = f"{'+' if delta >= 0 else '−'}{format_value(indicator_id, abs(delta))}"
    return texts.CHANGE_VS_PREVIOUS.format(change=amount)


def signed(indicator_id: str, delta: float | None) -> str:
    if delta is None:
        return "—"
    sign = "+" if delta > 0 else ("−" if delta < 0 else "")
    return sign + format_value(indicator_id, abs(delta))


def classify_change(indicator_id: str, deltas: list[float | None]) -> Classification:
    """Five classes symmetric around 0: large and small falls, no change, small and large rises."""
    present = [abs(d) for d in deltas if d is not None]
    top = max(present, default=0.0) or 1.0
    bins = (-top / 2, -1e-9, 1e-9, top / 2, top)
    colors = DIVERGING if INDICATORS[indicator_id].higher_is_worse else tuple(reversed(DIVERGING))
    classes = []
    for d in deltas:
        if d is None:
            classes.append(None)
        else:
            classes.append(next((i for i, b in enumerate(bins) if d <= b), len(bins) - 1))
    return Classification("diverging", -top, bins, tuple(classes), colors)


def legend(indicator_id: str, c: Classification) -> dict:
    half, top = c.bins[3], c.bins[4]
    labels = [f"≤ {signed(indicator_id, -half)}", f"{signed(indicator_id, -half)} – 0", texts.CHANGE_NONE,
              f"0 – {signed(indicator_id, half)}", f"{signed(indicator_id, half)} – {signed(indicator_id, top)}"]
    items = [{"color": color, "label": label} for color, label in zip(c.colors, labels)]
    if any(cls is None for cls in c.classes):
        items.append({"color": NO_DATA_COLOR, "label": "Sin datos"})
    return {"title": texts.VARIATION_TITLE.format(indicator=INDICATORS[indicator_id].label),
            "scheme": texts.VARIATION_SCHEME, "items": items}


def choropleth(rows: list[dict], previous: list[dict], indicator_id: str) -> tuple[list[dict], dict, Classification, list]:
    """(rows whose indicator is the change, legend, classes, hover texts) of the «variación» map."""
    before = {r["code"]: r.get(indicator_id) for r in previous}
    deltas = [change(indicator_id, r.get(indicator_id), before.get(r["code"])) for r in rows]
    c = classify_change(indicator_id, deltas)
    changed = [{**r, indicator_id: d} for r, d in zip(rows, deltas)]
    hover = [[r["code"], r["name"], f"{signed(indicator_id, d)} ({format_value(indicator_id, r.get(indicator_id))} "
              f"vs. {format_value(indicator_id, before.get(r['code']))})"] for r, d in zip(rows, deltas)]
    return changed, legend(indicator_id, c), c, hover
