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


def test_operator_filters_and_page_survive_a_reload_and_operator_mode_refreshes_the_list(page, live_server):
    page.goto(live_server + "/operador?territory=15")
    page.wait_for_selector(".alert-item")
    page.click("#alerts-next")
    page.wait_for_function("() => new URLSearchParams(window.location.search).get('pagina') === '2'")
    page.reload()
    page.wait_for_selector(".alert-item")
    assert _range(page).startswith("51–") and "territory=15" in page.url
    # A kind filter goes to the address too (and starts again at the first page).
    page.click("#alerts-kind")
    page.get_by_role("option", name="CLAP sin entrega").click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => new URLSearchParams(window.location.search).get('tipo') === 'clap_no_delivery'")
    assert "pagina=" not in page.url
    page.reload()
    page.wait_for_selector(".alert-item")
    assert set(page.locator(".alert-kind").all_inner_texts()) == {"CLAP sin entrega"}
    assert "CLAP sin entrega" in page.inner_text("#alerts-kind") and _range(page).startswith("1–")

    # Operator mode: in the address, confirmed, and the list is read again by itself
    # (the app under test refreshes every 5 s), on the same filter.
    page.get_by_label("Modo operador (actualización automática)").check()
    page.wait_for_function("() => window.location.search.includes('operador=1')")
    page.wait_for_function("() => document.querySelector('#ops-operator-status').innerText.includes('Modo operador activo')")
    page.evaluate("document.getElementById('alerts').dataset.old = '1'")
    page.wait_for_function("() => { const a = document.getElementById('alerts'); return a && !a.dataset.old; }", timeout=20_000)
    assert set(page.locator(".alert-kind").all_inner_texts()) == {"CLAP sin entrega"}
    page.reload()
    page.wait_for_selector(".alert-item")
    assert page.is_checked("#ops-operator input[type=checkbox]") and "tipo=clap_no_delivery" in page.url
