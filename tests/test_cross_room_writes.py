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
from tests.live_app import PASSWORD, DashCaller, acknowledge, login, message, response_outputs, serve, shift_note_body

REFUSED_ALERT = "Alerta desconocida"
MADE_UP = "case_overdue:NO-EXISTE-123"


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


def _caller(room, username: str):
    http = login(room["base"], username)
    return http, DashCaller.over_http(http, room["base"])


def _post(http, room, body):
    return http.post(f"{room['base']}/_dash-update-component", json=body)


def test_a_director_of_miranda_writes_nothing(room):
    http, caller = _caller(room, "dir.miranda")
    before = _notes(room["engine"])
    for key in (room["capital"], MADE_UP, room["miranda"]):
        said = message(acknowledge(caller, key, "Reconocida desde Miranda", "01"))
        assert "Guardado" not in said and "no permite reconocer alertas" in said
        assert _acks(room["engine"], key) == 0
    said = message(_post(http, room, shift_note_body(caller, "Intento del director")))
    assert "Guardado" not in said and "no permite escribir en la bitácora" in said
    assert _notes(room["engine"]) == before


def test_a_miranda_operator_acknowledges_only_miranda(room):
    _http, caller = _caller(room, "op.miranda")
    foreign = message(acknowledge(caller, room["capital"], "Reconocida desde Miranda", "01"))
    made_up = message(acknowledge(caller, MADE_UP, "nota", "15"))
    # The same words for a record elsewhere and for none at all: nothing to learn from them.
    assert foreign.startswith(REFUSED_ALERT) and made_up.startswith(REFUSED_ALERT)
    assert foreign.replace(room["capital"], "K") == made_up.replace(MADE_UP, "K")
    assert _acks(room["engine"], room["capital"]) == 0 and _acks(room["engine"], MADE_UP) == 0
    own = message(acknowledge(caller, room["miranda"], "Alcaldía avisada", "15"))
    assert own == "Guardado." and _acks(room["engine"], room["miranda"]) == 1
    # The list sent back after saving is Miranda's, whatever territory the page's store claimed.
    reply = acknowledge(caller, room["miranda"], "Segunda nota", "01")
    listed = json.dumps(response_outputs(reply)[f"{ids.ALERTS}.children"], ensure_ascii=False)
    assert room["miranda"] in listed and room["capital"] not in listed


@pytest.mark.parametrize("territory", ["01", None])
def test_a_miranda_operator_writes_only_miranda_log(room, territory):
    http, caller = _caller(room, "op.miranda")
    note = f"Relevo con territorio {territory!r}"
    # As the callback was, with the page's territory among its state: refused whole.
    old_shape = shift_note_body(caller, note)
    old_shape["state"].append({"id": ids.ALERTS_VIEW, "property": "data", "value": {"territory": territory}})
    assert _post(http, room, old_shape).status_code == 400
    assert note not in [n for _, n in _notes(room["engine"])]
    # As the page sends it now: the note lands in Miranda's log, and the reply is that log only.
    response = _post(http, room, shift_note_body(caller, note))
    assert message(response) == "Guardado."
    assert _notes(room["engine"])[-1] == ("15", note)
    reply = json.dumps(response_outputs(response)[f"{ids.SHIFT_LOG}.children"], ensure_ascii=False)
    assert note in reply
    assert "Nota de Distrito Capital" not in reply and "Nota nacional" not in reply
