"""Notifications of new alerts (geodata.notify), against sinks on loopback: a room
subscribes within its scope; alerts already there are the baseline, new ones go once to
the webhook or by e-mail; retries with a doubling wait, bounded, each try recorded; and
failures both ways (a sink that recovers, one that never does)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select

from etl.load import load_file
from geodata import notify
from geodata.access import Scope, ScopeError
from geodata.models import Agreement, AuditLog, Territory
from geodata.permissions import Actor, PermissionDenied
from geodata.settings import Settings, get_settings
from geodata.team_models import NotifyAttempt, NotifyDelivery
from tests.dashboard_fixtures import add_case, populated_tree
from tests.etl_builders import write_csv
from tests.notify_sinks import SmtpSink, WebhookSink

CAPITAL = Actor("op.capital", Scope(role="operator", territory_code="01", territory_path="/01/"))
MIRANDA = Actor("op.miranda", Scope(role="operator", territory_code="15", territory_path="/15/"))
PLANNER = Actor("plan", Scope(role="planner", territory_code="01", territory_path="/01/"))
PAST = dt.date(2025, 1, 15)


@pytest.fixture
def tree(engine):
    with engine.begin() as conn:
        populated_tree(conn)
    return engine


@pytest.fixture
def hook():
    sink = WebhookSink()
    yield sink
    sink.close()


@pytest.fixture
def smtp():
    sink = SmtpSink()
    yield sink
    sink.close()


def _settings(**extra) -> Settings:
    return Settings(notify_backoff=0.01, notify_attempts=3, webhook_timeout=2, **extra)


def _subscribe(engine, actor=CAPITAL, **kw):
    args = {"kinds": ["case_overdue"], "territory_code": "0101", "channel": "webhook", "target": "http://127.0.0.1:9/x"} | kw
    with engine.begin() as conn:
        return notify.subscribe(conn, actor, **args)


def _overdue_case(engine, code, territory="0101010101"):
    with engine.begin() as conn:
        add_case(conn, code, territory, "water", due=PAST, reported=dt.date(2025, 1, 2))


def _deliveries(engine):
    with engine.connect() as conn:
        return {r.alert_key: r for r in conn.execute(select(NotifyDelivery))}


def test_a_room_subscribes_within_its_scope_and_every_change_is_audited(tree):
    sub = _subscribe(tree)
    with pytest.raises(ScopeError), tree.begin() as conn:  # Miranda is outside the Capital's room
        notify.subscribe(conn, CAPITAL, kinds=[], territory_code="1501", channel="webhook", target="http://x.org/h")
    with pytest.raises(PermissionDenied), tree.begin() as conn:
        notify.subscribe(conn, PLANNER, kinds=[], territory_code=None, channel="webhook", target="http://x.org/h")
    bad = [("webhook", "ftp://x.org/h", "Webhook"), ("webhook", "no es url", "Webhook"), ("email", "sin-arroba", "Correo"),
           ("sms", "x", "Canal"), ("webhook", "", "destino")]
    for channel, target, message in bad:
        with pytest.raises(notify.NotifyError, match=message), tree.begin() as conn:
            notify.subscribe(conn, CAPITAL, kinds=[], territory_code=None, channel=channel, target=target)
    with pytest.raises(notify.NotifyError, match="Tipo de alerta"), tree.begin() as conn:
        notify.subscribe(conn, CAPITAL, kinds=["fire"], territory_code=None, channel="webhook", target="http://x.org/h")
    # Each room sees and removes only its own.
    with tree.connect() as conn:
        assert [s["id"] for s in notify.subscriptions(conn, CAPITAL.scope)] == [sub]
        assert notify.subscriptions(conn, MIRANDA.scope) == []
    for stranger, key in ((MIRANDA, sub), (CAPITAL, 10**30), (CAPITAL, "1"), (CAPITAL, True)):
        with pytest.raises(notify.NotifyError, match="desconocida"), tree.begin() as conn:
            notify.unsubscribe(conn, stranger, key)
    with tree.begin() as conn:
        notify.unsubscribe(conn, CAPITAL, sub)
        actions = conn.execute(select(AuditLog.action).where(AuditLog.target == f"subscription:{sub}").order_by(AuditLog.id))
        assert actions.scalars().all() == ["notify_subscribe", "notify_unsubscribe"]


def test_alerts_there_when_subscribing_are_the_baseline_and_each_new_one_goes_once(tree, hook):
    _subscribe(tree, target=hook.url)
    first = notify.run(tree, _settings())
    assert first == {"pending": 0, "sent": 0, "failed": 0} and hook.received == []
    assert {k: r.status for k, r in _deliveries(tree).items()} == {f"case_overdue:{c}": "baseline" for c in ("C1", "C2", "C4")}
    _overdue_case(tree, "K-NEW")
    _overdue_case(tree, "K-MIRANDA", territory="1501")  # outside the territory subscribed to
    with tree.begin() as conn:  # another kind than the one subscribed to
        mun = conn.execute(select(Territory.id).where(Territory.code == "0101")).scalar_one()
        conn.execute(insert(Agreement).values(code="A-NEW", municipality_id=mun, cabinet_date=dt.date(2025, 1, 1),
                                              area="social", text="x", institution="y", due_date=PAST))
    assert notify.run(tree, _settings()) == {"pending": 1, "sent": 1, "failed": 0}
    [message] = hook.received
    assert message["key"] == "case_overdue:K-NEW" and message["kind_label"] == "Caso vencido"
    assert message["label"].startswith("Caso K-NEW (Agua)") and "Libertador" in message["territory_path"]
    assert message["since"] == PAST.isoformat() and message["days"] > 0
    assert notify.run(tree, _settings()) == {"pending": 0, "sent": 0, "failed": 0} and len(hook.received) == 1


def test_a_webhook_that_fails_then_recovers_is_retried_with_a_doubling_wait(tree, hook):
    _subscribe(tree, target=hook.url)
    notify.run(tree, _settings())
    _overdue_case(tree, "K1")
    hook.fail(2)
    waits = []
    assert notify.run(tree, _settings(), sleep=waits.append)["sent"] == 1
    assert waits == [0.01, 0.02] and hook.calls == 3 and len(hook.received) == 1
    with tree.connect() as conn:
        tries = conn.execute(select(NotifyAttempt.ok, NotifyAttempt.error).order_by(NotifyAttempt.id)).all()
    assert [ok for ok, _ in tries] == [False, False, True] and tries[0][1].startswith("HTTP 500")
    delivery = _deliveries(tree)["case_overdue:K1"]
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 3, None) and delivery.sent_at


def test_a_sink_that_never_answers_fails_after_the_last_try_and_is_not_retried(tree, hook):
    _subscribe(tree, target=hook.url)
    dead = _subscribe(tree, target="http://127.0.0.1:1/nadie")  # nothing listens there
    notify.run(tree, _settings())
    _overdue_case(tree, "K1")
    hook.fail(5)
    waits = []
    assert notify.run(tree, _settings(), sleep=waits.append) == {"pending": 2, "sent": 0, "failed": 2}
    assert waits == [0.01, 0.02] * 2 and hook.calls == 3
    with tree.connect() as conn:
        rows = conn.execute(select(NotifyDelivery.subscription_id, NotifyDelivery.status, NotifyDelivery.attempts,
                                   NotifyDelivery.last_error).where(NotifyDelivery.status != "baseline")).all()
        assert conn.execute(select(NotifyAttempt.id)).all().__len__() == 6
    by_sub = {r.subscription_id: r for r in rows}
    assert by_sub[dead].status == "failed" and by_sub[dead].attempts == 3 and "refused" in by_sub[dead].last_error.lower()
    assert [r.status for r in rows] == ["failed", "failed"]
    hook.fail(0)
    assert notify.run(tree, _settings())["sent"] == 0 and hook.received == []  # bounded: no further tries


def test_e_mail_goes_by_smtp_and_a_refusal_is_retried_or_fails(tree, smtp):
    _subscribe(tree, channel="email", target="sala@example.org")
    notify.run(tree, _settings(smtp_host="127.0.0.1", smtp_port=smtp.port))
    _overdue_case(tree, "K1")
    smtp.refuse(1)
    assert notify.run(tree, _settings(smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_from="sala@sala.test"))["sent"] == 1
    [(to, message)] = smtp.messages
    assert to == ["sala@example.org"] and message["From"] == "sala@sala.test"
    assert "Caso vencido" in message["Subject"] and "K1" in message["Subject"]
    assert "case_overdue:K1" in message.get_payload(decode=True).decode()
    _overdue_case(tree, "K2")
    smtp.refuse(3)
    result = notify.run(tree, _settings(smtp_host="127.0.0.1", smtp_port=smtp.port))
    assert result["failed"] == 1 and "451" in _deliveries(tree)["case_overdue:K2"].last_error
    _overdue_case(tree, "K3")  # no SMTP server configured: failed, with the reason
    assert notify.run(tree, _settings(smtp_host=None))["failed"] == 1
    assert "SALA_SMTP_HOST" in _deliveries(tree)["case_overdue:K3"].last_error


def test_a_load_that_raises_an_alert_notifies_it(tree, hook, tmp_path, monkeypatch):
    monkeypatch.setenv("SALA_NOTIFY_BACKOFF", "0")
    get_settings.cache_clear()
    try:
        _subscribe(tree, target=hook.url)
        notify.run(tree, _settings())
        path = write_csv(tmp_path / "casos.csv", ["codigo", "fecha", "categoria", "estatus", "cod_parroquia", "fecha_limite"],
                         [["K9", "2025-01-02", "agua", "reportado", "010101", "2025-01-20"]])
        result = load_file(tree, "case", path)
        assert result.notified == {"pending": 1, "sent": 1, "failed": 0}
        assert [m["key"] for m in hook.received] == ["case_overdue:K9"]
        # Loaded again: nothing changed, nothing new to notify.
        assert load_file(tree, "case", path).notified is None and len(hook.received) == 1
    finally:
        get_settings.cache_clear()


def test_sala_notify_sends_the_pending_ones_and_exits_one_when_some_failed(tree, hook, cli_env):
    import subprocess
    import sys

    def sala(**env):
        return subprocess.run([sys.executable, "-m", "dashboard.cli", "notify"], env=cli_env | {"SALA_NOTIFY_BACKOFF": "0"} | env,
                              capture_output=True, text=True, timeout=120)

    _subscribe(tree, target=hook.url)
    assert sala().returncode == 0  # the baseline
    _overdue_case(tree, "K1")
    done = sala()
    assert done.returncode == 0 and "1 enviadas, 0 fallidas" in done.stdout, done.stderr
    assert [m["key"] for m in hook.received] == ["case_overdue:K1"]
    _overdue_case(tree, "K2")
    hook.fail(9)
    failed = sala(SALA_NOTIFY_ATTEMPTS="2")
    assert failed.returncode == 1 and "0 enviadas, 1 fallidas" in failed.stdout
