"""gunicorn, started from `sala serve` instead of its own command line: the same settings
object, no configuration file, and the app built in each worker after the fork (its
threads, pools and job queue belong to one process; a pool inherited across a fork would
share sockets between processes)."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from geodata.settings import Settings

# Seconds a worker gets to finish its requests on a graceful restart (SIGHUP) or stop
# (SIGTERM) before it is killed; a silent worker is replaced after `timeout`.
GRACEFUL_SECONDS = 30
TIMEOUT_SECONDS = 120


class SalaApplication(BaseApplication):
    def __init__(self, settings: Settings, options: dict):
        self.settings = settings
        # No control socket (gunicorn ≥ 24 opens one in the user's home by default): two
        # servers on one machine would share its path, and nothing here uses it.
        self.options = {"graceful_timeout": GRACEFUL_SECONDS, "timeout": TIMEOUT_SECONDS, "keepalive": 5,
                        "accesslog": None, "errorlog": "-", "proc_name": "sala", "control_socket_disable": True,
                        **options}
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # an older gunicorn lacks the newer settings
                self.cfg.set(key, value)

    def load(self):
        from dashboard.app import create_app

        return create_app(self.settings).server
