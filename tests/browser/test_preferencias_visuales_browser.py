"""What a person's display settings must not take away: the focus, in the page's colours and in
forced colours (Windows high contrast drops backgrounds and shadows); the state of a CURP, an
error or the captcha, told by more than a colour; and no motion when reduced motion is asked.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from blueprints.extensions import db
from domain import demo
from tests.browser.conftest import PHONE, LiveServer, wait_until
from tests.browser.page_helpers import scripts_ran, wait_until_solved
from tests.conftest import make_app, sqlite_database
from tests.web.cuenta_helpers import PASSWORD, crear_cuenta

pytestmark = pytest.mark.browser

BAD_CURP = "GOMC800101HDFRRN0X"
# How each focusable element looks before any focus, kept in the page to compare with.
_BEFORE = r"""() => {
  window.__mira = e => { const s = getComputedStyle(e); return {
    outline: s.outlineStyle === 'none'
      ? 'none' : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
    outlineWidth: s.outlineStyle === 'none' ? 0 : parseFloat(s.outlineWidth),
    shadow: s.boxShadow, background: s.backgroundColor }; };
  window.__antes = new Map();
  const focusable = 'a[href], button, input, select, textarea, summary, [tabindex]';
  for (const e of document.querySelectorAll(focusable)) window.__antes.set(e, window.__mira(e));
}"""
_FOCUSED = r"""() => { const e = document.activeElement;
  if (!e || e === document.body) return null;
  const label = (e.innerText || e.value || e.id || '').trim().slice(0, 40);
  return { name: `<${e.tagName.toLowerCase()}> «${label}»`, now: window.__mira(e),
           before: window.__antes.get(e) || null }; }"""
_MOTION = r"""() => { const found = [];
  for (const e of document.querySelectorAll('*'))
  for (const pseudo of ['', '::before', '::after']) {
    const s = getComputedStyle(e, pseudo || null);
    const moves = s.transitionDuration.split(',').some(d => parseFloat(d) > 0)
      && s.transitionProperty !== 'none';
    if (moves || s.animationName !== 'none')
      found.push(`<${e.tagName.toLowerCase()} class="${e.getAttribute('class') || ''}">${pseudo}`);
  }
  return found; }"""
_INK = r"""async png => {
  const bytes = Uint8Array.from(atob(png), c => c.charCodeAt(0));
  const image = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const { data } = context.getImageData(0, 0, image.width, image.height);
  const light = (x, y) => {
    const i = (y * image.width + x) * 4;
    return data[i] + data[i + 1] + data[i + 2];
  };
  const inset = 5, fill = light(inset, inset);
  let ink = 0;
  for (let y = inset; y < image.height - inset; y++)
    for (let x = inset; x < image.width - inset; x++) if (Math.abs(light(x, y) - fill) > 300) ink++;
  return ink; }"""


def computed(element: Any, *names: str) -> list[str]:
    return list(element.evaluate("(e, names) => names.map(n => getComputedStyle(e)[n])", names))


def ink_inside(page: Any, box: Any) -> int:
    """How many pixels inside ``box`` (away from its border) stand out from its fill: what a
    person sees of a mark drawn in it. Counted in the page, which decodes the PNG."""
    return int(page.evaluate(_INK, base64.b64encode(box.screenshot()).decode()))


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """Demo people, CSRF on, the captcha's proof of work made cheap (never turned off)."""
    tmp = tmp_path_factory.mktemp("preferencias")
    app = make_app(
        tmp, sqlite_database(tmp / "preferencias.sqlite3"), WTF_CSRF_ENABLED=True,
        TESTING=False, CAPTCHA_POW_COST=10, CAPTCHA_POW_COUNTER=(5, 20),
    )  # fmt: skip
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--count", "40", "--seed", "11"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        curps = {e.key: e.curps[0] for e in demo.examples(db.session)}
    crear_cuenta(app, curps["issste_titular"], "titular.foco@example.org")
    with LiveServer(app) as server:
        yield server.url, curps


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    motion = getattr(request, "param", "no-preference")
    context = browser.new_context(viewport=PHONE, locale="es-MX", reduced_motion=motion)
    yield context.new_page()
    context.close()


def entrar_errores(page: Any, url: str, curps: dict[str, str]) -> None:
    page.goto(url + "/cuenta/entrar")
    page.get_by_role("button", name="Entrar").click()
    page.locator(".error-summary").wait_for()
    scripts_ran(page)  # site.js moves the focus to the summary: Tab starts from there


def oficina(page: Any, url: str, curps: dict[str, str]) -> None:
    page.goto(url + "/cuenta/entrar")
    page.locator("#campo-curp").fill(curps["issste_titular"])
    page.locator("#campo-password").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.get_by_role("heading", name="Oficina Virtual", exact=True).wait_for()


def curp_resultado(page: Any, url: str, curps: dict[str, str]) -> None:
    page.goto(url + f"/curp?curp={BAD_CURP}")


def inicio(page: Any, url: str, curps: dict[str, str]) -> None:
    page.goto(url + "/")


def unseen_focus(page: Any, forced: bool, limit: int = 45) -> list[str]:
    """Tab through the page: each stop whose focus does not show. In forced colours only an
    outline counts (the shadow goes, the background becomes the system's)."""
    page.evaluate(_BEFORE)
    unseen, seen = [], 0
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(_FOCUSED)
        if stop is None:  # past the last stop, back to the browser's own controls
            break
        seen += 1
        now, before = stop["now"], stop["before"] or {}
        outline = now["outlineWidth"] >= 2 and now["outline"] != before.get("outline")
        other = any(now[k] != before.get(k) for k in ("shadow", "background"))
        if not (outline or (other and not forced)):
            unseen.append(f"{stop['name']}: {now} (before: {before})")
    assert seen > 3, f"Tab stopped only {seen} times on {page.url}"
    return unseen


@pytest.mark.parametrize("forced", [False, True], ids=["colores-propios", "colores-forzados"])
@pytest.mark.parametrize("load", [inicio, curp_resultado, entrar_errores, oficina])
def test_focus_shows_on_every_stop(
    page: Any, portal: tuple[str, dict[str, str]], load: Callable[..., None], forced: bool
) -> None:
    page.emulate_media(forced_colors="active" if forced else "none")
    load(page, *portal)
    unseen = unseen_focus(page, forced)
    assert not unseen, f"{page.url}:\n" + "\n".join(unseen)


def test_curp_problems_and_form_errors_do_not_rely_on_colour(
    page: Any, portal: tuple[str, dict[str, str]]
) -> None:
    page.emulate_media(forced_colors="active")
    curp_resultado(page, *portal)
    bad = page.locator(".curp-chars .bad")
    assert bad.count() == 1 and bad.inner_text() == "X"
    mark = computed(bad, "textDecorationLine", "fontWeight")
    assert mark == ["underline", "700"]  # a wavy line under the character, not only red
    entrar_errores(page, *portal)
    for selector, side in ((".error-summary", "Top"), (".field--error", "Left")):
        edge = computed(page.locator(selector).first, f"border{side}Style", f"border{side}Width")
        assert edge[0] == "solid" and float(edge[1].removesuffix("px")) >= 4, (selector, edge)


@pytest.mark.parametrize("page", ["reduce"], indirect=True)
def test_captcha_tick_and_confirmation_show_in_forced_colours(
    page: Any, portal: tuple[str, dict[str, str]]
) -> None:
    url, curps = portal
    page.emulate_media(forced_colors="active")
    page.goto(url + "/imss/nss")
    page.locator("[data-captcha-activo]").wait_for()
    box = page.locator("altcha-widget .altcha-checkbox")
    assert ink_inside(page, box) == 0
    page.get_by_label("CURP").fill(curps["imss_vigente"])  # the widget starts on a focus
    page.get_by_label("Correo electrónico").fill("nss.contraste@example.org")
    wait_until_solved(page)
    assert page.locator("altcha-widget input[type=checkbox]").is_checked()
    wait_until(page, "document.getAnimations().length === 0")
    assert ink_inside(page, box) > 10, "the captcha's tick does not show"

    page.get_by_role("button", name="Enviar mi NSS a mi correo").click()
    confirm = page.locator(".panel--confirm")
    confirm.get_by_role("heading", name="Revisa tu correo").wait_for()
    edge = computed(confirm, "borderTopStyle", "borderTopWidth")
    assert edge == ["solid", "3px"]  # its box shows though its green background goes


@pytest.mark.parametrize("page", ["reduce"], indirect=True)
def test_nothing_moves_when_reduced_motion_is_asked(
    page: Any, portal: tuple[str, dict[str, str]]
) -> None:
    url, curps = portal
    page.goto(url + "/imss/nss")
    page.locator("[data-captcha-activo]").wait_for()
    page.get_by_label("CURP").fill(curps["imss_vigente"])
    wait_until_solved(page)  # the captcha's tick, drawn with transitions, is now there
    assert page.evaluate(_MOTION) == []
