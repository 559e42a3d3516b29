"""Issue 15's done-when, in Chromium on the small demo: an operator of a state room opens a
case from its alert, routes it to the institution the routing table suggests, assigns it,
sets a due date and adds a note; a second operator editing the same case gets the conflict
message; reloading the case keeps the follow-up."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from etl.load import load_file
from geodata.database import make_engine
from geodata.models import AuditLog, Case, FollowUpEntry, Territory
from geodata.operations import alerts
from geodata.users import create_user
from tests.e2e.conftest import ConsoleLog, screenshot
from tests.e2e.test_dashboard_e2e import wait_for_map
from tests.e2e.test_locale_a11y_e2e import axe_js, serious_violations  # noqa: F401  (axe_js: a fixture)
from tests.etl_builders import write_csv
from tests.live_app import PASSWORD, serve

pytestmark = pytest.mark.e2e

INSTITUTION = "Hidrocapital · Gerencia Capital"


@pytest.fixture(scope="module")
def room(demo_copy_module_url, data_dir, tmp_path_factory):
    """A copy of the small demo with two operators of Distrito Capital's room, a routing
    rule for the category of one of the room's overdue cases, served."""
    engine = make_engine(demo_copy_module_url)
    with engine.begin() as conn:
        create_user(conn, "op.capital", PASSWORD, "operator", "01")
        create_user(conn, "op.capital.2", PASSWORD, "operator", "01")
        code = next(i["code"] for i in alerts(conn, "01", limit=500)["items"] if i["kind"] == "case_overdue")
        category = conn.execute(select(Case.category).where(Case.code == code)).scalar_one()
    rules = write_csv(tmp_path_factory.mktemp("rules") / "enrutamiento.csv",
                      ["codigo", "categoria", "cod_estado", "institucion"], [["R-01", category, "01", INSTITUTION]])
    assert load_file(engine, "routing", rules).inserted == 1
    with serve(demo_copy_module_url, data_dir) as base:
        yield {"base": base, "engine": engine, "code": code}
    engine.dispose()


def _signed_in(browser, base: str, username: str, console: ConsoleLog, size=(1920, 1080)):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="es-VE")
    page = context.new_page()
    page.set_default_timeout(30_000)
    console.attach(page)
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    return context, page


def _open_from_alert(page, base: str, code: str):
    page.goto(base + "/operador")
    page.locator(f"a.alert-open[href='/?caso={code}']").click()
    page.wait_for_selector("#follow-save")
    wait_for_map(page)


def test_an_operator_follows_up_a_case_and_a_second_one_gets_the_conflict(browser, room, axe_js):
    base, code = room["base"], room["code"]
    console = ConsoleLog()
    first_context, first = _signed_in(browser, base, "op.capital", console)
    second_context, second = _signed_in(browser, base, "op.capital.2", console)
    try:
        # Both operators open the same case from its alert, before either changes it.
        _open_from_alert(first, base, code)
        _open_from_alert(second, base, code)
        assert first.inner_text("#case-panel .case-title") == f"Caso {code}"
        # The routing table suggests the institution; the operator confirms it.
        assert first.input_value("#follow-institution") == INSTITUTION
        assert "Sugerida por la tabla de enrutamiento" in first.inner_text("#case-card .follow-up")
        # The form (its Spanish date picker included) has no serious or critical axe finding.
        first.wait_for_timeout(300)  # assets/a11y-dash.js mends on the next animation frame
        assert serious_violations(first, axe_js) == []
        first.fill("#follow-assignee", "Ana Pérez")
        first.fill("#follow-due", "15/01/2030")  # typed as read: dd/mm/aaaa
        first.press("#follow-due", "Enter")
        first.keyboard.press("Escape")  # and the calendar closes, as a click elsewhere would
        first.fill("#follow-note", "Llamé al jefe de zona: cuadrilla el lunes.")
        first.click("#follow-save")
        first.wait_for_function("() => document.querySelector('#follow-message').innerText.includes('Seguimiento guardado')")
        history = first.inner_text("#case-card .timeline")
        for said in (f"Enrutado a {INSTITUTION}", "Asignado a Ana Pérez", "Fecha límite: 15/01/2030",
                     "Llamé al jefe de zona: cuadrilla el lunes.", "op.capital"):
            assert said in history, said
        screenshot(first, "followup-case-card")

        # The second operator still has the case as it was: their save is refused, not merged.
        second.fill("#follow-assignee", "Luis Gómez")
        second.fill("#follow-note", "Lo tomo yo.")
        second.click("#follow-save")
        second.wait_for_function("() => document.querySelector('#follow-message').innerText.startsWith('Conflicto')")
        said = second.inner_text("#follow-message")
        assert "op.capital modificó este registro" in said and "No se guardó su cambio" in said
        # The card now shows what the first operator did, and keeps the note being written.
        assert second.input_value("#follow-assignee") == "Ana Pérez"
        assert second.input_value("#follow-note") == "Lo tomo yo."
        screenshot(second, "followup-conflict")

        # Reloading the case keeps the follow-up.
        first.reload()
        first.wait_for_selector("#follow-save")
        assert first.input_value("#follow-assignee") == "Ana Pérez"
        assert first.input_value("#follow-due") == "15/01/2030"
        assert first.input_value("#follow-institution") == INSTITUTION
        assert "Llamé al jefe de zona" in first.inner_text("#case-card .timeline")
    finally:
        first_context.close()
        second_context.close()
    with room["engine"].connect() as conn:
        entries = conn.execute(
            select(FollowUpEntry.username, FollowUpEntry.action).where(FollowUpEntry.record_code == code).order_by(FollowUpEntry.id)
        ).all()
        audited = conn.execute(
            select(func.count()).select_from(AuditLog).where(AuditLog.target == f"case:{code}")
        ).scalar_one()
    assert entries == [("op.capital", "route"), ("op.capital", "assign"), ("op.capital", "due_date"), ("op.capital", "comment")]
    assert audited == 4
    assert console.errors == []
