"""The Content-Security-Policy in Chromium: the map room, the Map of Solutions and the
alerts page draw with it, with no violation and no console error."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.test_dashboard_e2e import wait_for_map

pytestmark = pytest.mark.e2e

# Record every CSP violation the page meets (Chromium also logs each one as a console error,
# which the `page` fixture fails on).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
    `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("/?territory=0101&layers=cases,communes", "map"),
        ("/soluciones?territory=0101", "#sol-agreements .ag-row"),
        ("/operador?territory=0101", ".alert-item"),
    ],
)
def test_pages_draw_under_the_content_security_policy(page, live_server, path, ready):
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.goto(live_server + path)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self' 'sha256-" in policy and "'unsafe-eval'" not in policy
    assert response.headers["x-frame-options"] == "DENY"
    if ready == "map":
        wait_for_map(page)
        # MapLibre's worker (a blob: URL) drew the vector tiles too.
        page.wait_for_function("() => document.getElementById('map').salaMap.areTilesLoaded()")
    else:
        page.wait_for_selector(ready)
    assert page.evaluate("window.__cspViolations") == []
    screenshot(page, "csp" + path.split("?")[0].replace("/", "-"))
