"""Reporting completeness and the money trail in headless Chromium, on the small demo: the
«Consejos comunales sin reportar» layer draws the demo's silent councils (from vector
tiles), the KPI and «Novedades y atrasos» count them, and a project's card shows its trail."""

from __future__ import annotations

import pytest
from sqlalchemy import exists, func, not_, select

from geodata.models import Deposit, IndicatorSnapshot, Project, Territory
from tests.e2e.conftest import screenshot
from tests.e2e.test_dashboard_e2e import MAP_JS, wait_for_map

pytestmark = pytest.mark.e2e

RENDERED_SILENT = f"""() => {{
    const map = {MAP_JS}.salaMap;
    const ids = map.getStyle().layers.filter(l => l['source-layer'] === 'reporting').map(l => l.id);
    if (!ids.length) return null;
    return [...new Set(map.queryRenderedFeatures({{layers: ids}}).map(f => f.properties.code))].sort();
}}"""


def _silent_in(conn, prefix: str) -> set[str]:
    return set(conn.execute(
        select(Territory.code).join(IndicatorSnapshot, IndicatorSnapshot.territory_id == Territory.id)
        .where(Territory.level == "council", IndicatorSnapshot.councils_silent > 0, Territory.path.startswith(prefix))
    ).scalars())


def test_the_reporting_layer_shows_the_demos_silent_councils(page, live_server, demo_engine, demo_patterns):
    with demo_engine.connect() as conn:
        silent = _silent_in(conn, "/01/0101/")
        councils = conn.execute(select(func.count()).select_from(Territory)
                                .where(Territory.level == "council", Territory.path.startswith("/01/0101/"))).scalar_one()
    planted = {c for c in demo_patterns["silent"] if c.startswith("0101")}
    assert planted and planted <= silent, "the demo plants silent councils in Libertador"
    assert len(silent) < councils / 4, "most councils report: silence stands out"

    tiles = []
    page.on("response", lambda r: tiles.append(r.status) if "/tiles/reporting/" in r.url else None)
    page.goto(live_server + "/?territory=0101&layers=reporting")
    wait_for_map(page)
    page.wait_for_function(f"() => {MAP_JS}.salaMap.areTilesLoaded()")
    assert tiles and set(tiles) == {200}
    page.wait_for_function(f"() => {{ const c = ({RENDERED_SILENT})(); return c && c.length > 0; }}")
    rendered = set(page.evaluate(RENDERED_SILENT))
    # Only silent councils are drawn (the tiles are filtered), and the planted ones are among them.
    assert rendered <= silent
    assert planted <= rendered
    assert len(rendered) >= 0.9 * len(silent)

    kpi = page.inner_text("#kpi-councils_silent .kpi-value")
    assert int(kpi.replace(".", "")) == len(silent)
    assert f"{len(silent)} consejos comunales sin reportar" in page.inner_text("#map-note")
    novelty = page.locator(".novelty-section-silent")
    assert f"{len(silent)} de {councils}" in novelty.inner_text()
    assert page.locator("input[value='reporting']").is_checked()
    screenshot(page, "map-room-silent-councils")


def test_the_project_card_shows_the_money_trail(page, live_server, demo_engine):
    with demo_engine.connect() as conn:
        funded = conn.execute(
            select(Project.code).join(Territory, Territory.id == Project.territory_id)
            .where(Project.stage == "completed", Territory.path.startswith("/01/0101/"),
                   exists().where(Deposit.project_id == Project.id))
            .order_by(Project.code)
        ).scalars().first()
        banks = conn.execute(select(Deposit.bank).join(Project, Project.id == Deposit.project_id)
                             .where(Project.code == funded)).scalars().all()
        unfunded = conn.execute(
            select(Project.code).where(Project.stage.in_(("in_progress", "completed")),
                                       not_(exists().where(Deposit.project_id == Project.id)))
            .order_by(Project.code)
        ).scalars().first()
    assert funded and unfunded, "the demo has projects with and without deposits"

    page.goto(live_server + f"/?proyecto={funded}")
    wait_for_map(page)
    panel = page.locator("#case-panel")
    panel.wait_for(state="visible")
    page.wait_for_function("(code) => document.querySelector('#case-body').innerText.includes('Proyecto ' + code)", arg=funded)
    text = panel.inner_text()
    assert "Monto aprobado" in text and "Depósitos y cambios de etapa" in text
    assert text.count("Depósito de Bs.") == len(banks) and banks[0] in text
    assert "Inicio de la obra" in text and "Culminación" in text
    screenshot(page, "map-room-project-trail")

    page.goto(live_server + f"/?proyecto={unfunded}")
    wait_for_map(page)
    page.wait_for_function("(code) => document.querySelector('#case-body').innerText.includes('Proyecto ' + code)", arg=unfunded)
    text = page.locator("#case-panel").inner_text()
    assert "avanza sin depósito" in text and "Depósito de Bs." not in text
