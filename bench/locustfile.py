"""The room user that `bench.concurrency` runs under locust (in locust's own virtualenv,
so it imports nothing of Sala's): it replays a journey recorded in a real browser.

The journey (JSON, path in SALA_BENCH_JOURNEY) is a list of steps, each the requests the
browser made for it: "open" (the page, Dash's layout and dependencies, the page callback,
the boundary file), "state" and "municipality" (a click on the ranked table: one callback
and the children's boundary file), "indicator" (the dropdown: one callback), then the
council tiles a map at street level asks for. Static bundles are fetched once per user,
at its first visit (a browser keeps them a year).
"""

from __future__ import annotations

import json
import os
import random
import time

from locust import HttpUser, constant, task

JOURNEY = json.loads(open(os.environ["SALA_BENCH_JOURNEY"], encoding="utf-8").read())
# Connect within 10 s or the server is starving its clients; answer within 30 s.
TIMEOUT = (10, 30)
HEADERS = {"Accept-Encoding": "gzip, br"}


class RoomUser(HttpUser):
    wait_time = constant(0)

    def _send(self, request: dict) -> None:
        kwargs = {"name": request["name"], "timeout": TIMEOUT, "headers": HEADERS}
        if request["method"] == "POST":
            self.client.post(request["path"], data=request["body"].encode(),
                             headers={**HEADERS, "Content-Type": "application/json"},
                             name=request["name"], timeout=TIMEOUT)
        else:
            self.client.get(request["path"], **kwargs)

    def on_start(self) -> None:
        for request in JOURNEY["static"]:
            self._send(request)

    @task
    def journey(self) -> None:
        for step in JOURNEY["steps"]:
            for request in step["requests"]:
                self._send(request)
            time.sleep(random.uniform(1.0, 3.0))  # a person looks at the screen
