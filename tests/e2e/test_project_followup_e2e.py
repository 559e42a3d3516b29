"""In Chromium on the small demo: an operator of a state room opens a project's card (its
shared link), assigns it to a member of its municipality's follow-up team, changes its stage
with a note and links it to an agreement it answers; a second operator who opened the same
project before gets the conflict message; reloading keeps the follow-up. Screenshots of the
card with its form at 1920x1080 and 390x844."""

from __future__ import annotations

import pytest
from sqlalchemy import and_, exists, func, select

from geodata import followup
from geodata.database import make_engine
from geodata.models import Agreement, AgreementProject, AuditLog, Project, Territory
from geodata.team_models import TeamMember
from geodata.users import create_user
from tests.e2e.conftest import ARTIFACTS, ConsoleLog, screenshot
from tests.e2e.test_followup_e2e import _signed_in
from tests.e2e.test_dashboard_e2e import wait_for_map
from tests.live_app import PASSWORD, serve

pytestmark = pytest.mark.e2e

NOTE = "La cuadrilla paró por falta de cemento; se pidió al ministerio."


@pytest.fixture(scope="module")
def room(demo_copy_module_url, data_dir):
    """A copy of the small demo with two operators of Distrito Capital's room and one of its
    projects under way whose municipality has a follow-up team and an agreement it does not
    answer yet, served."""
    engine = make_engine(demo_copy_module_url)
    place, mun = Territory.__table__.alias("place"), Territory.__table__.alias("mun")
    with engine.connect() as conn:
        row = conn.execute(
            select(Project.code, Project.stage, mun.c.id.label("mun"))
            .join(place, place.c.id == Project.territory_id)
            .join(mun, and_(mun.c.level == "municipality", func.strpos(place.c.path, mun.c.path) == 1))
            .where(place.c.path.like("/01/%"), Project.stage.in_(("funded", "in_progress", "approved")),
                   exists().where(TeamMember.municipality_id == mun.c.id),
                   exists().where(and_(Agreement.municipality_id == mun.c.id,
                                       ~exists().where(and_(AgreementProject.agreement_id == Agreement.id,
                                                            AgreementProject.project_id == Project.id)))))
            .order_by(Project.code)
            .limit(1)
        ).one()
        member = conn.execute(select(TeamMember.code, TeamMember.name).where(TeamMember.municipality_id == row.mun)
                              .order_by(TeamMember.code).limit(1)).one()
    with engine.begin() as conn:
        create_user(conn, "op.uno", PASSWORD, "operator", "01")
        create_user(conn, "op.dos", PASSWORD, "operator", "01")
    with serve(demo_copy_module_url, data_dir) as base:
        yield {"base": base, "engine": engine, "code": row.code, "stage": row.stage, "member": member}
    engine.dispose()


def _open(page, base: str, code: str):
    page.goto(base + f"/?proyecto={code}")
    page.wait_for_selector("#follow-save")
    wait_for_map(page)


def _choose(page, control: str, name: str, exact=True):
    page.click(control)
    page.get_by_role("option", name=name, exact=exact).first.click()


def test_an_operator_follows_up_a_project_and_a_second_one_gets_the_conflict(browser, room):
    base, code = room["base"], room["code"]
    member_code, member_name = room["member"]
    console = ConsoleLog()
    first_context, first = _signed_in(browser, base, "op.uno", console)
    second_context, second = _signed_in(browser, base, "op.dos", console)
    try:
        # Both operators open the same project before either changes it.
        _open(first, base, code)
        _open(second, base, code)
        assert first.inner_text("#case-panel .case-title") == f"Proyecto {code}"
        assert first.locator("#follow-institution").get_attribute("type") == "hidden"  # a project is not routed
        _choose(first, "#follow-assignee", member_name, exact=False)
        first.fill("#follow-due", "28/02/2030")  # typed as read: dd/mm/aaaa
        first.press("#follow-due", "Enter")
        first.keyboard.press("Escape")  # and the calendar closes, as a click elsewhere would
        _choose(first, "#follow-status", "Paralizado")
        first.click("#follow-link")
        first.get_by_role("option").first.click()
        first.fill("#follow-note", NOTE)
        screenshot(first, "followup-project-form")
        first.click("#follow-save")
        first.wait_for_function("() => document.querySelector('#follow-message').innerText.includes('Seguimiento guardado')")
        history = first.inner_text("#case-card .timeline")
        for said in ("Estado: Paralizado", NOTE, "Fecha límite: 28/02/2030", f"Asignado a {member_name}",
                     "Vinculado al acuerdo", "op.uno", "Sala"):
            assert said in history, said
        assert "vinculado en sala" in first.inner_text("#case-card .case-solutions")
        screenshot(first, "followup-project-card-1920")
        first.locator("#case-panel").screenshot(path=str(ARTIFACTS / "followup-project-panel-1920.png"))

        # The second operator still has the project as it was: their save is refused, nothing merged.
        _choose(second, "#follow-status", "Culminado")
        second.fill("#follow-note", "Yo la doy por culminada.")
        second.click("#follow-save")
        second.wait_for_function("() => document.querySelector('#follow-message').innerText.startsWith('Conflicto')")
        said = second.inner_text("#follow-message")
        assert "op.uno modificó este registro" in said and "No se guardó su cambio" in said
        assert second.input_value("#follow-note") == "Yo la doy por culminada."
        assert "Paralizado" in second.inner_text("#follow-status")  # the other's change is shown
        screenshot(second, "followup-project-conflict")

        # Reloading keeps the follow-up.
        first.reload()
        first.wait_for_selector("#follow-save")
        assert first.input_value("#follow-due") == "28/02/2030"
        assert "Paralizado" in first.inner_text("#follow-status")
        assert NOTE in first.inner_text("#case-card .timeline")
        assert member_name in first.inner_text("#case-card .case-fields")
    finally:
        first_context.close()
        second_context.close()

    # On a phone: the same card, its form reachable.
    phone_context, phone = _signed_in(browser, base, "op.uno", console, size=(390, 844))
    try:
        _open(phone, base, code)
        phone.locator("#follow-save").scroll_into_view_if_needed()
        assert phone.locator("#follow-save").is_visible()
        phone.screenshot(path=str(ARTIFACTS / "followup-project-card-390.png"))  # the viewport, at the form
        phone.locator("#case-panel").screenshot(path=str(ARTIFACTS / "followup-project-panel-390.png"))
    finally:
        phone_context.close()

    with room["engine"].connect() as conn:
        state = followup.state(conn, "project", code)
        audited = conn.execute(select(func.count()).select_from(AuditLog).where(AuditLog.target == f"project:{code}")).scalar_one()
    assert (state["assignee"], state["status"], state["version"]) == (member_code, "stalled", 1)
    assert [e["action"] for e in state["entries"]] == ["assign", "due_date", "status", "link"]
    assert audited == 4
    assert console.errors == []
