"""In Chromium on the small demo: an operator of a state room opens an overdue agreement
from its alert and follows it up on its card (a member of the municipality's follow-up
team, a due date, a status with a note); a second operator gets the conflict message; a
reload keeps it. Then the room subscribes to new overdue cases with a webhook on loopback,
a new alert reaches it, and the delivery shows on /operador."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from geodata import notify
from geodata.database import make_engine
from geodata.models import Agreement, AuditLog, Territory
from geodata.alerts import AlertFilter
from geodata.operations import alerts
from geodata.settings import Settings
from geodata.team_models import TeamMember
from geodata.users import create_user
from tests.dashboard_fixtures import add_case
from tests.e2e.conftest import ConsoleLog, screenshot
from tests.e2e.test_followup_e2e import _signed_in
from tests.live_app import PASSWORD, serve
from tests.notify_sinks import WebhookSink

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def room(demo_copy_module_url, data_dir):
    """A copy of the small demo with two operators of the state room of an overdue agreement, served."""
    engine = make_engine(demo_copy_module_url)
    with engine.connect() as conn:
        found = None
        for state in ("01", "15"):
            items = alerts(conn, state, filters=AlertFilter(kinds=("agreement_overdue",)))["items"]
            if items:
                found = (state, items[0]["code"])
                break
        assert found, "the small demo has no overdue agreement"
        state, code = found
        mun = conn.execute(select(Agreement.municipality_id).where(Agreement.code == code)).scalar_one()
        member = conn.execute(select(TeamMember.code, TeamMember.name).where(TeamMember.municipality_id == mun,
                                                                              TeamMember.role == "spokesperson")
                              .order_by(TeamMember.code).limit(1)).one()
    with engine.begin() as conn:
        create_user(conn, "op.uno", PASSWORD, "operator", state)
        create_user(conn, "op.dos", PASSWORD, "operator", state)
    with serve(demo_copy_module_url, data_dir) as base:
        yield {"base": base, "engine": engine, "code": code, "state": state, "member": member}
    engine.dispose()


def _open_agreement(page, base: str, state: str, code: str):
    page.goto(base + f"/operador?territory={state}")
    page.wait_for_selector(".alert-item")
    page.click("#alerts-kind")
    page.get_by_role("option", name="Acuerdo vencido").click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => [...document.querySelectorAll('.alert-kind')].every(e => e.innerText === 'Acuerdo vencido')")
    page.locator(f"a.alert-open[href='/acuerdo?codigo={code}']").click()
    page.wait_for_selector("#follow-save")


def test_an_operator_follows_up_an_agreement_on_its_card(browser, room):
    base, code, state = room["base"], room["code"], room["state"]
    member_code, member_name = room["member"]
    console = ConsoleLog()
    first_context, first = _signed_in(browser, base, "op.uno", console)
    second_context, second = _signed_in(browser, base, "op.dos", console)
    try:
        _open_agreement(first, base, state, code)
        _open_agreement(second, base, state, code)
        assert first.inner_text(".case-title") == f"Acuerdo {code}"
        assert "vencido" in first.inner_text(".case-head") and "Datos de demostración" in first.inner_text(".case-head")
        assert member_name in first.inner_text(".team-list")
        first.click("#follow-assignee")
        first.get_by_role("option", name=f"{member_name} — Vocero(a) de área", exact=False).first.click()
        first.fill("#follow-due", "31/03/2030")  # typed as read: dd/mm/aaaa
        first.press("#follow-due", "Enter")
        first.keyboard.press("Escape")  # and the calendar closes, as a click elsewhere would
        first.click("#follow-status")
        first.get_by_role("option", name="Cumplido", exact=True).click()
        first.fill("#follow-note", "La vocera confirmó la obra en la mesa técnica.")
        first.click("#follow-save")
        first.wait_for_function("() => document.querySelector('#follow-message').innerText.includes('Seguimiento guardado')")
        history = first.inner_text("#case-card .timeline")
        for said in (f"Asignado a {member_name}", "Fecha límite: 31/03/2030", "Estado: Cumplido",
                     "La vocera confirmó la obra en la mesa técnica.", "op.uno", "Carga"):
            assert said in history, said
        assert "vencido" not in first.inner_text(".case-head")  # done, by the room
        assert "sala: Cumplido" in first.inner_text("#case-card .case-fields")  # both statuses, the room's newer
        screenshot(first, "agreement-card-followup")

        second.fill("#follow-note", "Yo también.")
        second.click("#follow-save")
        second.wait_for_function("() => document.querySelector('#follow-message').innerText.startsWith('Conflicto')")
        assert "op.uno modificó este registro" in second.inner_text("#follow-message")
        assert second.input_value("#follow-note") == "Yo también."

        first.reload()
        first.wait_for_selector("#follow-save")
        assert first.input_value("#follow-due") == "31/03/2030"
        assert member_name in first.inner_text("#case-card .case-fields")
    finally:
        first_context.close()
        second_context.close()
    from geodata import followup

    with room["engine"].connect() as conn:
        state_ = followup.state(conn, "agreement", code)
    assert (state_["assignee"], state_["status"], state_["version"]) == (member_code, "done", 1)
    assert console.errors == []


def test_the_room_subscribes_and_a_new_alert_reaches_its_webhook(browser, room):
    base, state, engine = room["base"], room["state"], room["engine"]
    sink = WebhookSink()
    console = ConsoleLog()
    context, page = _signed_in(browser, base, "op.uno", console)
    try:
        page.goto(base + "/operador")
        page.wait_for_selector(".notify")
        page.fill("#notify-target", "ftp://no-vale")
        page.click("#notify-subscribe")
        page.wait_for_function("() => document.querySelector('#notify-message').innerText.startsWith('Webhook')")
        page.click("#notify-kinds")
        page.get_by_role("dialog").get_by_role("option", name="Caso vencido").click()
        page.keyboard.press("Escape")
        page.fill("#notify-target", sink.url)
        page.click("#notify-subscribe")
        page.wait_for_function("() => document.querySelector('#notify-message').innerText === 'Suscripción creada.'")
        assert "Caso vencido" in page.inner_text(".notify-subs") and sink.url in page.inner_text(".notify-subs")

        settings = Settings(notify_backoff=0, webhook_timeout=2)
        assert notify.run(engine, settings)["sent"] == 0  # what is late now is the baseline
        with engine.begin() as conn:
            council = conn.execute(select(Territory.code).where(Territory.level == "council",
                                                                Territory.path.startswith(f"/{state}/")).limit(1)).scalar_one()
            add_case(conn, "K-E2E-NUEVO", council, "water", reported=dt.date(2025, 1, 2), due=dt.date(2025, 1, 20))
        assert notify.run(engine, settings)["sent"] == 1
        assert [m["key"] for m in sink.received] == ["case_overdue:K-E2E-NUEVO"]

        page.reload()
        page.wait_for_selector(".notify-delivery")
        sent = page.inner_text(".notify-deliveries")
        assert "Caso K-E2E-NUEVO (Agua)" in sent and "Enviada · 1 intento(s)" in sent
        assert "enviadas 1" in page.inner_text(".notify-subs")
        screenshot(page, "operator-notifications")
        page.locator(".notify-sub").first.get_by_role("button", name="Eliminar").click()
        page.wait_for_function("() => document.querySelector('#notify-message').innerText === 'Suscripción eliminada.'")
        assert "La sala no tiene suscripciones." in page.inner_text(".notify-subs")
    finally:
        context.close()
        sink.close()
    assert console.errors == []


def test_an_administrator_edits_the_follow_up_team(browser, room):
    base, engine = room["base"], room["engine"]
    with engine.begin() as conn:
        create_user(conn, "admin.sala", PASSWORD, "admin", None)
    console = ConsoleLog()
    context, page = _signed_in(browser, base, "admin.sala", console)
    try:
        page.goto(base + "/equipo?territory=0101")
        page.wait_for_selector(".team-table")
        page.fill("#team-name", "Carla Turismo")
        page.fill("#team-institution", "Ministerio del Poder Popular para el Turismo")
        page.click("#team-save")
        page.wait_for_function("() => document.querySelector('#team-message').innerText === 'Integrante guardado.'")
        assert "Carla Turismo" in page.inner_text(".team-table")
        # The form now edits the member saved. The same seat again (another liaison of that
        # ministry) is refused, naming who holds it.
        assert page.inner_text("#team-member").startswith("Carla Turismo")
        page.click("#team-member")
        page.get_by_role("option", name="(nuevo integrante)").click()
        page.wait_for_function("() => document.querySelector('#team-name').value === ''")
        page.fill("#team-name", "Otra Persona")
        page.fill("#team-institution", "ministerio del poder popular para el turismo")
        page.click("#team-save")
        page.wait_for_function("() => document.querySelector('#team-message').innerText.startsWith('Ese puesto ya lo ocupa')")
        assert "Carla Turismo" in page.inner_text("#team-message") and "Otra Persona" not in page.inner_text(".team-table")
        screenshot(page, "team-admin")
        # Chosen and removed.
        page.click("#team-member")
        page.get_by_role("option", name="Carla Turismo — Enlace ministerial", exact=False).click()
        page.wait_for_function("() => document.querySelector('#team-name').value === 'Carla Turismo'")
        page.click("#team-delete")
        page.wait_for_function("() => document.querySelector('#team-message').innerText === 'Integrante retirado del equipo.'")
        assert "Carla Turismo" not in page.inner_text(".team-table")
    finally:
        context.close()
    with engine.connect() as conn:
        actions = conn.execute(select(AuditLog.action).where(AuditLog.action.startswith("team_member"),
                                                            AuditLog.username == "admin.sala").order_by(AuditLog.id))
        assert actions.scalars().all() == ["team_member_add", "team_member_delete"]
    assert console.errors == []


def test_an_operator_sees_the_team_but_cannot_edit_it(browser, room):
    console = ConsoleLog()
    context, page = _signed_in(browser, room["base"], "op.uno", console)
    try:
        page.goto(room["base"] + "/equipo?territory=0101")
        page.wait_for_selector(".team-table")
        assert "Solo un administrador" in page.inner_text(".team-page") and page.locator("#team-save").count() == 0
    finally:
        context.close()
