"""The notification webhook allow-list (SALA_WEBHOOK_ALLOWED_HOSTS): a subscription whose
host is not on it is refused with a Spanish message and never fetched; one on it is
accepted and delivered; a host taken off the list later is not fetched either, and a
webhook's redirect is not followed. Each rule both ways."""

from __future__ import annotations

import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from dashboard import notify_vm as nvm
from geodata import notify
from geodata.access import Scope
from geodata.models import AuditLog
from geodata.permissions import Actor
from geodata.settings import Settings
from geodata.team_models import NotifyAttempt, NotifyDelivery, NotifySubscription
from tests.dashboard_fixtures import add_case
from tests.test_notify import hook, tree  # noqa: F401 (the fixtures)

CAPITAL = Actor("op.capital", Scope(role="operator", territory_code="01", territory_path="/01/"))


def _settings(hosts: str) -> Settings:
    return Settings(webhook_allowed_hosts=hosts, notify_backoff=0, notify_attempts=3, webhook_timeout=2, _env_file=None)


def _subscribe(engine, target, hosts):
    with engine.begin() as conn:
        return notify.subscribe(conn, CAPITAL, kinds=["case_overdue"], territory_code="0101", channel="webhook", target=target,
                                settings=_settings(hosts))


def _count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_the_setting_parses_names_subdomains_and_addresses_and_refuses_urls():
    assert _settings("Hooks.Example.org., *.sala.test, 127.0.0.1, [::1]").webhook_hosts == (
        "hooks.example.org", "*.sala.test", "127.0.0.1", "::1")
    assert Settings.model_fields["webhook_allowed_hosts"].default == ""  # nothing allowed unless configured
    for bad in ("http://hooks.example.org", "hooks.example.org:8080", "hooks example", "a/b"):
        with pytest.raises(ValidationError, match="SALA_WEBHOOK_ALLOWED_HOSTS"):
            _settings(bad)


def test_host_allowed_both_ways():
    listed = _settings("hooks.example.org, *.sala.test, 127.0.0.1, ::1")
    for url in ("https://hooks.example.org/x", "https://HOOKS.example.org./x", "http://a.sala.test/h", "http://b.c.sala.test/h",
                "http://127.0.0.1:9000/h", "http://[::1]:8/h"):
        assert notify.host_allowed(url, listed), url
    for url in ("https://evil.example.org/x", "https://hooks.example.org.evil.net/x", "http://sala.test/h",
                "http://xsala.test/h", "http://127.0.0.2/h", "http://localhost/h", "http://2130706433/h", "http:///h"):
        assert not notify.host_allowed(url, listed), url
    assert not notify.host_allowed("http://127.0.0.1/h", _settings(""))  # the default: none


def test_a_subscription_outside_the_list_is_refused_in_spanish_and_never_fetched(tree, hook):
    for hosts in ("", "hooks.example.org"):
        with pytest.raises(notify.NotifyError, match="no está entre los permitidos") as refused:
            _subscribe(tree, hook.url, hosts)
        assert "«127.0.0.1»" in str(refused.value) and "SALA_WEBHOOK_ALLOWED_HOSTS" in str(refused.value)
    assert hook.calls == 0 and _count(tree, NotifySubscription) == 0 and _count(tree, AuditLog) == 0
    # As the room's form says it.
    ok, message = nvm.subscribe(tree, CAPITAL, kinds=[], territory=None, channel="webhook", target="http://intranet.local/h",
                                settings=_settings(""))
    assert not ok and message.startswith("Webhook: el host «intranet.local» no está entre los permitidos")
    # E-mail is not a webhook: the list does not apply.
    ok, _ = nvm.subscribe(tree, CAPITAL, kinds=[], territory=None, channel="email", target="sala@example.org",
                          settings=_settings(""))
    assert ok


def test_a_listed_host_is_accepted_and_delivered(tree, hook):
    _subscribe(tree, hook.url, "127.0.0.1")
    settings = _settings("127.0.0.1")
    notify.run(tree, settings)  # the baseline
    with tree.begin() as conn:
        add_case(conn, "K1", "0101010101", "water", due=dt.date(2025, 1, 15), reported=dt.date(2025, 1, 2))
    assert notify.run(tree, settings) == {"pending": 1, "sent": 1, "failed": 0}
    assert [m["key"] for m in hook.received] == ["case_overdue:K1"]


def test_a_host_taken_off_the_list_later_is_not_fetched(tree, hook):
    _subscribe(tree, hook.url, "127.0.0.1")
    notify.run(tree, _settings("127.0.0.1"))
    with tree.begin() as conn:
        add_case(conn, "K1", "0101010101", "water", due=dt.date(2025, 1, 15), reported=dt.date(2025, 1, 2))
    assert notify.run(tree, _settings("hooks.example.org")) == {"pending": 1, "sent": 0, "failed": 1}
    assert hook.calls == 0
    with tree.connect() as conn:
        delivery = conn.execute(select(NotifyDelivery).where(NotifyDelivery.alert_key == "case_overdue:K1")).one()
        assert delivery.status == "failed" and "no está entre los permitidos" in delivery.last_error
        assert conn.execute(select(func.count()).select_from(NotifyAttempt)).scalar_one() == 1  # one try, no retries


class _Redirect(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        self.server.calls += 1
        self.send_response(307)
        self.send_header("Location", self.server.to)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_webhook_redirect_is_not_followed(tree, hook):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Redirect)
    server.calls, server.to = 0, hook.url
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _subscribe(tree, f"http://127.0.0.1:{server.server_address[1]}/hook", "127.0.0.1")
        notify.run(tree, _settings("127.0.0.1"))
        with tree.begin() as conn:
            add_case(conn, "K1", "0101010101", "water", due=dt.date(2025, 1, 15), reported=dt.date(2025, 1, 2))
        result = notify.run(tree, Settings(webhook_allowed_hosts="127.0.0.1", notify_backoff=0, notify_attempts=1,
                                           webhook_timeout=2, _env_file=None))
        assert result["failed"] == 1 and server.calls == 1 and hook.calls == 0
    finally:
        server.shutdown()
        server.server_close()
