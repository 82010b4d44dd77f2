"""What the browser tests watch and do on a page: its console and CSP errors, moving the focus
with Tab, waiting for a new page's scripts, and for the captcha widget to solve its challenge."""

from __future__ import annotations

from typing import Any

# Records CSP violations; added through the DevTools protocol, so the CSP does not block it.
CSP_WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def watch_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.add_init_script(CSP_WATCH)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def scripts_ran(page: Any) -> None:
    """Wait until the page's deferred scripts (htmx, site.js, idioma.js, sesion.js, captcha.js)
    have run. A page reached by a click on a link or a form sent whole shows its content before
    they run, and Playwright acts on it at once: a click or a key nobody listens to yet, a check
    of a page no script has touched. ``goto``, ``reload`` and ``go_back`` already wait for it."""
    page.wait_for_load_state("load")


def tab_to(page: Any, selector: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def focused(page: Any) -> str:
    return str(page.evaluate("document.activeElement.id || document.activeElement.outerHTML"))


def wait_until_solved(page: Any, timeout_s: float = 60) -> None:
    # Polled from Python: Playwright's wait_for_function evaluates strings, which our CSP forbids.
    payload = page.locator("input[name=captcha]")
    for _ in range(int(timeout_s * 10)):
        if payload.count() and payload.input_value():
            return
        page.wait_for_timeout(100)
    raise AssertionError("the captcha widget did not solve the challenge")
