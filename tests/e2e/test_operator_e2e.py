"""/operador for a shift in Chromium: a page at a time with its total, a filter by kind, and
«Ver en el mapa» opening the room on the alert's territory."""

from __future__ import annotations

import re

from tests.e2e.test_dashboard_e2e import breadcrumb_text, wait_for_map


def _range(page) -> str:
    return page.inner_text(".alert-range")


def test_operator_pages_filters_and_opens_the_map(page, live_server):
    page.goto(live_server + "/operador?territory=15")
    page.wait_for_selector(".alert-item")
    first = _range(page)
    match = re.fullmatch(r"1–50 de ([\d.]+)", first)
    assert match, first
    total = int(match.group(1).replace(".", ""))
    assert total > 50
    assert page.locator(".alert-item").count() == 50
    # Every alert names its full path, Miranda first.
    paths = page.locator(".alert-path").all_inner_texts()
    assert paths and all(p.startswith("Miranda › ") for p in paths)

    page.click("#alerts-next")
    page.wait_for_function("() => document.querySelector('.alert-range').innerText.startsWith('51–')")
    assert _range(page).endswith(f"de {match.group(1)}")

    # A kind filter starts again at the first page, with that kind only.
    page.click("#alerts-kind")
    page.get_by_role("option", name="CLAP sin entrega").click()
    page.wait_for_function("() => document.querySelector('.alert-range').innerText.startsWith('1–')")
    page.keyboard.press("Escape")
    kinds = set(page.locator(".alert-kind").all_inner_texts())
    assert kinds == {"CLAP sin entrega"}
    clap_total = int(_range(page).split(" de ")[1].replace(".", ""))
    assert 0 < clap_total < total

    # «Ver en el mapa» opens the room on the alert's territory.
    item = page.locator(".alert-item").first
    path = item.locator(".alert-path").inner_text()
    item.get_by_role("link", name="Ver en el mapa").click()
    page.wait_for_url(re.compile(r"/\?territory=\d+"))
    wait_for_map(page)
    crumb = breadcrumb_text(page)
    # The breadcrumb walks the alert's path (down to the level the room draws).
    assert crumb.startswith("Venezuela › Miranda") and path.split(" › ")[1] in crumb
