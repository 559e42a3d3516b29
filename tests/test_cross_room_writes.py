"""A state room never writes into another's: the alerts page's callbacks replayed over HTTP
against the live app on the small demo, with crafted keys and territories.

A director of Miranda (15) may read, not write; an operator of Miranda's room may
acknowledge Miranda's alerts and write Miranda's log, and nothing else, whatever the
browser sends.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, insert, select

from dashboard import ids
from geodata.database import make_engine
from geodata.models import AlertAck, ShiftLogEntry
from geodata.operations import alerts
from geodata.users import create_user
from tests.live_app import PASSWORD, DashCaller, login, response_outputs, serve

REFUSED_ALERT = "Alerta desconocida"
ACK_DEP = f"{ids.ALERTS}.children"
SHIFT_DEP = f"{ids.SHIFT_LOG}.children"
ACK_INPUT = json.dumps({"key": ["ALL"], "type": ids.ALERT_ACK}, separators=(",", ":"))
NOTE_STATE = json.dumps({"key": ["ALL"], "type": ids.ALERT_NOTE}, separators=(",", ":"))


@pytest.fixture(scope="module")
def room(demo_copy_module_url, data_dir):
    engine = make_engine(demo_copy_module_url)
    with engine.begin() as conn:
        create_user(conn, "dir.miranda", PASSWORD, "director", "15")
        create_user(conn, "op.miranda", PASSWORD, "operator", "15")
        # Notes already in the other rooms' logs: a reply must never carry them.
        conn.execute(insert(ShiftLogEntry).values(username="op.dc", note="Nota de Distrito Capital", territory_code="01"))
        conn.execute(insert(ShiftLogEntry).values(username="op.nacional", note="Nota nacional", territory_code=None))
        capital = alerts(conn, "01")["items"][0]["key"]
        miranda = alerts(conn, "15")["items"][0]["key"]
    with serve(demo_copy_module_url, data_dir) as base:
        yield {"base": base, "engine": engine, "capital": capital, "miranda": miranda}
    engine.dispose()


def _acks(engine, key: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(AlertAck).where(AlertAck.alert_key == key)).scalar_one()


def _notes(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(select(ShiftLogEntry.territory_code, ShiftLogEntry.note).order_by(ShiftLogEntry.id)).all()


def acknowledge(caller: DashCaller, key: str, note: str, territory):
    """The acknowledgement callback as the browser sends it for the button of `key`."""
    values = {
        f"{ACK_INPUT}.n_clicks": [{"id": {"key": key, "type": ids.ALERT_ACK}, "value": 1}],
        f"{NOTE_STATE}.value": [{"id": {"key": key, "type": ids.ALERT_NOTE}, "value": note}],
        f"{NOTE_STATE}.id": [{"id": {"key": key, "type": ids.ALERT_NOTE}, "value": {"key": key, "type": ids.ALERT_NOTE}}],
        f"{ids.ALERTS_VIEW}.data": {"territory": territory},
    }
    changed = [json.dumps({"key": key, "type": ids.ALERT_ACK}, separators=(",", ":")) + ".n_clicks"]
    return caller.call(ACK_DEP, values, changed)


def shift_note(caller: DashCaller, note: str, territory):
    values = {f"{ids.SHIFT_SAVE}.n_clicks": 1, f"{ids.SHIFT_NOTE}.value": note, f"{ids.ALERTS_VIEW}.data": {"territory": territory}}
    return caller.call(SHIFT_DEP, values)


def _message(response) -> str:
    assert response.status_code == 200, response.text
    return str(response_outputs(response).get(f"{ids.OPS_MESSAGE}.children"))


def test_a_director_of_miranda_writes_nothing(room):
    http = login(room["base"], "dir.miranda")
    caller = DashCaller.over_http(http, room["base"])
    before = _notes(room["engine"])
    for key in (room["capital"], "case_overdue:NO-EXISTE-123", room["miranda"]):
        message = _message(acknowledge(caller, key, "Reconocida desde Miranda", "01"))
        assert "Guardado" not in message and "no permite" in message
        assert _acks(room["engine"], key) == 0
    for territory in ("01", None, "15"):
        message = _message(shift_note(caller, f"Intento en {territory}", territory))
        assert "Guardado" not in message and "no permite" in message
    assert _notes(room["engine"]) == before


def test_a_miranda_operator_acknowledges_only_miranda(room):
    http = login(room["base"], "op.miranda")
    caller = DashCaller.over_http(http, room["base"])
    foreign = _message(acknowledge(caller, room["capital"], "Reconocida desde Miranda", "01"))
    made_up = _message(acknowledge(caller, "case_overdue:NO-EXISTE-123", "nota", "15"))
    # The same words for a record elsewhere and for none at all: nothing to learn from them.
    assert foreign.startswith(REFUSED_ALERT) and made_up.startswith(REFUSED_ALERT)
    assert foreign.replace(room["capital"], "K") == made_up.replace("case_overdue:NO-EXISTE-123", "K")
    assert _acks(room["engine"], room["capital"]) == 0
    assert _acks(room["engine"], "case_overdue:NO-EXISTE-123") == 0
    own = _message(acknowledge(caller, room["miranda"], "Alcaldía avisada", "15"))
    assert own == "Guardado." and _acks(room["engine"], room["miranda"]) == 1


@pytest.mark.parametrize("territory", ["01", None])
def test_a_miranda_operator_writes_only_miranda_log(room, territory):
    http = login(room["base"], "op.miranda")
    caller = DashCaller.over_http(http, room["base"])
    note = f"Relevo con territorio {territory!r}"
    response = shift_note(caller, note, territory)
    assert _message(response) == "Guardado."
    assert (_notes(room["engine"])[-1]) == ("15", note)
    reply = json.dumps(response_outputs(response)[f"{ids.SHIFT_LOG}.children"], ensure_ascii=False)
    assert note in reply
    assert "Nota de Distrito Capital" not in reply and "Nota nacional" not in reply
