"""What axe cannot see, measured in the rendered page: content that does not fit its screen or
its box (WCAG 1.4.10 reflow, 1.4.4 resize text, 1.4.12 text spacing).

The styles a person's settings would add go in through a constructed stylesheet: our CSP
forbids inline styles (Playwright's add_style_tag), not the CSSOM.
"""

from __future__ import annotations

from typing import Any

# The WCAG 1.4.12 text-spacing bookmarklet's styles.
TEXT_SPACING = (
    "* { line-height: 1.5 !important; letter-spacing: 0.12em !important;"
    " word-spacing: 0.16em !important; }"
    " p { margin-bottom: 2em !important; }"
)
# Text at 200 %: what a browser's or a phone's text-size setting does to rem-sized text.
TEXT_200 = "html { font-size: 200% !important; }"

_APPLY = """css => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  document.adoptedStyleSheets = css ? [sheet] : [];
}"""

# Every element that shows something: sticking out of the screen, or holding content wider or
# taller than its box (cut off by overflow, scrolled inside it, or spilling over what follows).
# A data table may scroll in its own box (the 1.4.10 exception for two-dimensional content).
_PROBLEMS = r"""() => {
  const out = [], width = document.documentElement.clientWidth;
  const page = document.scrollingElement;
  if (page.scrollWidth > page.clientWidth)
    out.push(`the page scrolls sideways by ${page.scrollWidth - page.clientWidth}px`);
  const name = e => {
    const text = (e.innerText || e.value || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    const classes = (e.getAttribute('class') || '').trim().split(/\s+/).filter(Boolean);
    const tag = [e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''), ...classes].join('.');
    return `<${tag}> «${text}»`;
  };
  const replaced = new Set(
    ['input', 'select', 'textarea', 'img', 'svg', 'iframe', 'video', 'canvas']);
  const px = n => `${Math.round(n)}px`;
  for (const e of document.body.querySelectorAll('*')) {
    if (!e.getClientRects().length || e.closest('.visually-hidden')) continue;
    const style = getComputedStyle(e), box = e.getBoundingClientRect();
    if (style.visibility === 'hidden') continue;
    // Wholly off the screen is hidden on purpose (the skip link); partly off is cut off.
    if ((box.right > width + 1 && box.left < width) || (box.left < -1 && box.right > 0))
      out.push(`${name(e)} sticks out of the screen (${px(box.left)} to ${px(box.right)})`);
    if (replaced.has(e.tagName.toLowerCase())) continue;
    const table = style.overflowX !== 'visible' && e.querySelector('table');
    if (e.clientWidth && e.scrollWidth > e.clientWidth + 1 && !table)
      out.push(`${name(e)}: content ${px(e.scrollWidth)} wide in a box ${px(e.clientWidth)}`
        + ` wide (overflow ${style.overflowX})`);
    if (e.clientHeight && e.scrollHeight > e.clientHeight + 1)
      out.push(`${name(e)}: content ${px(e.scrollHeight)} tall in a box ${px(e.clientHeight)}`
        + ` tall (overflow ${style.overflowY})`);
  }
  // The header's links and buttons, line by line, never on top of each other or of the page.
  const items = [...document.querySelectorAll('header a, header button, header img')]
    .filter(e => e.getClientRects().length && !e.matches('.skip-link'));
  for (let i = 0; i < items.length; i++)
    for (let j = i + 1; j < items.length; j++) {
      if (items[i].contains(items[j]) || items[j].contains(items[i])) continue;
      for (const a of items[i].getClientRects()) for (const b of items[j].getClientRects()) {
        const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (x > 1 && y > 1) out.push(`${name(items[i])} overlaps ${name(items[j])}`);
      }
    }
  const header = document.querySelector('header'), main = document.querySelector('main');
  const top = main && main.getBoundingClientRect().top;
  if (header && main && top < header.getBoundingClientRect().bottom - 1)
    out.push('the page starts under the header');
  return [...new Set(out)];
}"""


def layout_problems(page: Any, width: int, height: int, css: str = "") -> list[str]:
    """What does not fit on ``page`` at ``width``×``height`` with ``css`` added; the page is
    left as it was found (a phone's screen, no added styles)."""
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate(_APPLY, css)
    try:
        return list(page.evaluate(_PROBLEMS))
    finally:
        page.evaluate(_APPLY, "")
        page.set_viewport_size({"width": 360, "height": 740})
