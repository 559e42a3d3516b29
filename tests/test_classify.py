"""Choropleth classes the user chooses: method, 3–7 classes, counts, «sin datos», diverging."""

from __future__ import annotations

import pytest

from dashboard.classify import (
    DIVERGING_BLUE,
    DIVERGING_CENTRE,
    DIVERGING_RED,
    NO_DATA_COLOR,
    classify,
    clamp_classes,
    format_date,
    legend_items,
    scheme_label,
)

VALUES = [1, 2, 3, 50, 60, 100, None, 7, 8, 9, 1000, float("nan")]


def test_days_are_written_day_month_year():
    import datetime as dt

    assert format_date(dt.date(2025, 3, 9)) == "09/03/2025"
    assert format_date(dt.datetime(2025, 12, 31, 23, 5)) == "31/12/2025"
    assert format_date("2025-03-09") == "09/03/2025" and format_date(None) == format_date("") == "—"


@pytest.mark.parametrize("method", ["jenks", "quantiles", "equal"])
@pytest.mark.parametrize("k", [3, 4, 5, 6, 7])
def test_every_method_gives_k_ordered_classes_that_count_every_territory(method, k):
    c = classify(VALUES, "cases_open", k, method)
    assert c.k == k and len(c.colors) == k and len(set(c.colors)) == k
    assert list(c.bins) == sorted(c.bins) and c.bins[-1] == 1000
    assert sum(c.counts) == 10 and c.no_data == 2
    # Classes grow with the values.
    ranked = sorted((v, cls) for v, cls in zip(VALUES, c.classes) if cls is not None)
    assert [cls for _, cls in ranked] == sorted(cls for _, cls in ranked)
    items = legend_items(c, "cases_open")
    assert [i["count"] for i in items] == [*c.counts, 2]
    assert items[-1] == {"color": NO_DATA_COLOR, "label": "Sin datos", "count": 2}
    assert scheme_label(c).endswith(f"{k} clases")


def test_the_three_methods_cut_differently():
    values = list(range(1, 21)) + [200]
    jenks = classify(values, "cases_open", 3, "jenks")
    quantiles = classify(values, "cases_open", 3, "quantiles")
    equal = classify(values, "cases_open", 3, "equal")
    assert jenks.scheme == "fisher_jenks" and jenks.counts[-1] == 1  # the outlier alone
    assert quantiles.scheme == "quantiles" and max(quantiles.counts) - min(quantiles.counts) <= 1  # 7 each
    assert equal.scheme == "equal_interval" and equal.bins[0] == pytest.approx(1 + 199 / 3) and equal.counts == (20, 0, 1)
    assert scheme_label(quantiles) == "cuantiles, 3 clases"
    assert scheme_label(equal) == "intervalos iguales, 3 clases"
    assert scheme_label(jenks) == "cortes naturales (Jenks), 3 clases"
    assert [i["label"] for i in legend_items(equal, "cases_open")][0] == "1 – 67"


def test_fewer_distinct_values_than_classes_and_no_data_at_all():
    few = classify([3, 3, 7, None], "clap_coverage", 7, "quantiles")
    assert few.scheme == "unique" and few.classes == (0, 0, 1, None) and few.counts == (2, 1) and few.no_data == 1
    empty = classify([None, None], "cases_open", 4)
    assert empty.scheme == "empty" and empty.no_data == 2 and legend_items(empty, "cases_open")[-1]["count"] == 2


def test_class_count_out_of_range_falls_back_to_five():
    assert [clamp_classes(x) for x in (3, "7", 2, 8, "x", None)] == [3, 7, 5, 5, 5, 5]


def test_diverging_classes_meet_at_zero_with_no_change_apart():
    values = [-30, -12, -5, -1, 0, 0, 2, 4, 10, 25, None]
    c = classify(values, "cases_open", 5, "jenks", diverging=True)
    assert c.diverging and c.k == 5 and 0.0 in c.bins
    zero = c.zero_class
    assert c.colors[zero] == DIVERGING_CENTRE and c.counts[zero] == 2
    # Falls are blue and rises red (more cases is worse), darkest farthest from zero.
    assert all(color in DIVERGING_BLUE for color in c.colors[:zero])
    assert all(color in DIVERGING_RED for color in c.colors[zero + 1:])
    assert c.colors[0] == DIVERGING_BLUE[-1] or DIVERGING_BLUE.index(c.colors[0]) > DIVERGING_BLUE.index(c.colors[zero - 1])
    # No class mixes a fall with a rise.
    for cls in range(c.k):
        members = [v for v, k in zip(values, c.classes) if k == cls]
        assert all(v < 0 for v in members) or all(v > 0 for v in members) or all(v == 0 for v in members)
    labels = [i["label"] for i in legend_items(c, "cases_open")]
    assert "0 (sin cambio)" in labels and labels[-1] == "Sin datos"
    assert scheme_label(c).endswith("divergente en 0")
    # Where more is better (coverage), a rise is blue.
    better = classify(values, "clap_coverage", 5, "jenks", diverging=True)
    assert better.colors[-1] in DIVERGING_BLUE and better.colors[0] in DIVERGING_RED


@pytest.mark.parametrize("k", [3, 5, 7])
def test_diverging_with_every_method_and_one_side_only(k):
    for method in ("jenks", "quantiles", "equal"):
        c = classify([-9, -7, -3, 1, 4, 8, 15, 16, 30], "cases_open", k, method, diverging=True)
        assert c.k == k and sum(c.counts) == 9 and c.zero_class is None
        assert sum(1 for b in c.bins if b < 0) >= 1 and sum(1 for b in c.bins if b > 0) >= 1
    rises = classify([1, 2, 3, 5, 8, 13, 21, 34], "cases_open", k, "quantiles", diverging=True)
    assert all(color in DIVERGING_RED for color in rises.colors) and sum(rises.counts) == 8


def test_a_signed_indicator_is_diverging_by_itself():
    from dashboard.classify import is_signed

    assert not is_signed("cases_open")
    assert is_signed("cases_variation")  # the «variación» indicator, by its id, even before it carries `signed`
