"""The room at a glance, in Chromium on the small demo: the timeline plays the choropleth
week by week, «Novedades y atrasos» names the water hot spots, and a signed-in user is
told what is new since the last visit."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select, text, update

from geodata.models import Case, RoomVisit, Territory
from tests.e2e.conftest import screenshot
from tests.e2e.test_dashboard_e2e import MAP_JS, breadcrumb_text, map_locations, wait_for_map

pytestmark = pytest.mark.e2e


def _shown_count(page, code: str) -> int:
    """The count the choropleth's hover gives for a territory (its formatted value)."""
    value = page.evaluate(f"(code) => {MAP_JS}.figure.data[0].customdata.find(c => c[0] === code)[2]", code)
    return int(str(value).replace(".", ""))


def _week(page) -> str | None:
    return page.evaluate("new URLSearchParams(window.location.search).get('semana')")


def _cases_in_week(engine, state: str, monday: str) -> int:
    start = dt.date.fromisoformat(monday)
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(Case).join(Territory, Territory.id == Case.territory_id)
            .where(Territory.path.like(f"/{state}/%"), Case.reported_date.between(start, start + dt.timedelta(days=6)))
        ).scalar_one()


def test_the_timeline_plays_the_choropleth_week_by_week(page, live_server, demo_engine, demo_patterns):
    state = demo_patterns["spike"][:2]
    today = dt.date.today()
    first = (today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=12)).isoformat()
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(live_server + f"/?semana={first}")
    wait_for_map(page)
    # The week from the address: that week's new cases, named in the legend and under the slider.
    assert "semana del" in page.inner_text("#legend")
    assert page.inner_text("#timeline-label") == "Semana del " + dt.date.fromisoformat(first).strftime("%d/%m/%Y")
    assert _shown_count(page, state) == _cases_in_week(demo_engine, state, first)

    # Play: the map moves on a week at a time; pause where it is.
    page.click("#timeline-play")
    page.wait_for_function(f"() => (new URLSearchParams(window.location.search).get('semana') || '') > '{first}'")
    page.wait_for_function("(w) => new URLSearchParams(window.location.search).get('semana') > w",
                           arg=(dt.date.fromisoformat(first) + dt.timedelta(weeks=2)).isoformat(), timeout=20_000)
    page.click("#timeline-play")
    page.wait_for_timeout(1500)  # a step already on its way lands
    week = _week(page)
    page.wait_for_function("(w) => document.querySelector('#timeline-label').innerText.endsWith(w)",
                           arg=dt.date.fromisoformat(week).strftime("%d/%m/%Y"))
    page.wait_for_function(f"([code, n]) => {MAP_JS}.figure.data[0].customdata.find(c => c[0] === code)[2].replace('.', '') == String(n)",
                           arg=[state, _cases_in_week(demo_engine, state, week)])
    screenshot(page, "room-timeline-1920")
    # A reload keeps the week; a drill-down keeps it too.
    page.reload()
    wait_for_map(page)
    assert _week(page) == week and "semana del" in page.inner_text("#legend")
    # Back to the period: the indicator's map again.
    page.click("#timeline-off")
    page.wait_for_function("() => !window.location.search.includes('semana=')")
    page.wait_for_function("() => !document.querySelector('#legend').innerText.includes('semana del')")
    assert page.inner_text("#timeline-label").startswith("Mueva la barra")


def test_the_panel_names_the_water_hot_spots_and_jumps_there(page, live_server, demo_engine, demo_patterns):
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(live_server + "/")
    wait_for_map(page)
    page.wait_for_selector("#novelties .novelty-hotspot")
    codes = page.eval_on_selector_all(".novelty-hotspot", "els => els.map(e => e.dataset.code)")
    texts = page.locator(".novelty-hotspot").all_inner_texts()
    assert codes and all("Agua" in t and " › " in t for t in texts)
    # The parishes named lie at the planted centres of weak water service.
    with demo_engine.connect() as conn:
        far = conn.execute(
            text("SELECT p.code FROM territory p WHERE p.code = ANY(:found) AND NOT EXISTS (SELECT 1 FROM territory h "
                 "WHERE h.code = ANY(:hot) AND ST_DWithin(p.geom, ST_PointOnSurface(h.geom), 0.05))"),
            {"found": codes, "hot": demo_patterns["water_hotspots"]},
        ).scalars().all()
    assert far == []
    page.locator(f".novelty-hotspot[data-code='{codes[0]}'] button").click()
    page.wait_for_function(f"() => window.location.search.includes('territory={codes[0]}')")
    wait_for_map(page)
    assert all(code.startswith(codes[0]) for code in map_locations(page))
    assert breadcrumb_text(page).count("›") == 3


def test_a_signed_in_user_is_told_what_is_new_since_the_last_visit(browser, demo_copy_url, data_dir, console):
    from geodata.database import make_engine
    from geodata.users import create_user
    from tests.live_app import PASSWORD, serve

    engine = make_engine(demo_copy_url)
    with engine.begin() as conn:
        create_user(conn, "vigia", PASSWORD, "director", "15")
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="es-VE")
    page = context.new_page()
    console.attach(page)
    try:
        with serve(demo_copy_url, data_dir) as base:
            page.goto(base + "/login")
            page.fill("input[name=username]", "vigia")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            wait_for_map(page)
            page.wait_for_selector("#novelties .novelty")
            # A first visit has nothing to compare with: nothing is said.
            assert page.locator(".novelty-section-since").count() == 0
            # Two days later (the visit moved back in time), the room opens again.
            with engine.begin() as conn:
                conn.execute(update(RoomVisit).values(seen_at=func.now() - dt.timedelta(days=2),
                                                      visit_started_at=func.now() - dt.timedelta(days=2)))
                seen = conn.execute(select(RoomVisit.seen_at)).scalar_one()
            page.reload()
            wait_for_map(page)
            since = page.locator(".novelty-section-since")
            since.wait_for()
            label = since.locator(".novelty-title").inner_text()
            assert re.fullmatch(r"Nuevo desde su última visita \(\d\d/\d\d/\d{4} \d\d:\d\d\)", label), label
            from zoneinfo import ZoneInfo

            assert seen.astimezone(ZoneInfo("America/Caracas")).strftime("%d/%m/%Y") in label
            # Every case of Miranda (the director's state) arrived with the demo, after that visit.
            with engine.connect() as conn:
                miranda = conn.execute(select(func.count()).select_from(Case).join(Territory, Territory.id == Case.territory_id)
                                       .where(Territory.path.like("/15/%"))).scalar_one()
            shown = since.locator(".novelty-since").inner_text()
            assert shown.startswith(f"{miranda:,}".replace(",", ".") + " casos nuevos"), shown
            screenshot(page, "room-since-last-visit")
    finally:
        context.close()
        engine.dispose()
    assert console.errors == []
