"""The base layout in a real browser: demo banner, skip link, no axe violations."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import assert_no_axe_violations, assert_no_horizontal_scroll

pytestmark = pytest.mark.browser


def test_demo_page_on_a_phone(phone: Any, live_server: Any) -> None:
    phone.goto(live_server.url + "/demo")
    assert phone.locator(".demo-banner").is_visible()
    assert phone.locator("h1").count() == 1
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.className") == "skip-link"
    assert_no_horizontal_scroll(phone)
    assert_no_axe_violations(phone)


def test_not_found_page_has_no_axe_violations(desktop: Any, live_server: Any) -> None:
    response = desktop.goto(live_server.url + "/no-existe")
    assert response.status == 404
    assert_no_axe_violations(desktop)


def test_focus_stays_visible_in_forced_colours(desktop: Any, live_server: Any) -> None:
    # Windows' high-contrast mode drops backgrounds and box-shadows: only a real outline or
    # border (transparent ones become the system colour) still shows where focus is.
    desktop.emulate_media(forced_colors="active")
    try:
        desktop.goto(live_server.url + "/curp")
        desktop.keyboard.press("Tab")
        skip = desktop.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [document.activeElement.className, s.outlineStyle, s.outlineWidth]; })()"
        )
        assert skip == ["skip-link", "solid", "3px"]
        button = desktop.locator("main button[type=submit]").first
        edge = button.evaluate(
            "b => [getComputedStyle(b).borderTopStyle, getComputedStyle(b).borderTopWidth]"
        )
        assert edge == ["solid", "2px"]
    finally:
        desktop.emulate_media(forced_colors="none")
