// Derechohabiencia CURP widget, host side. Paste where the widget should appear:
//   <script src="https://PORTAL/static/embed.js" async data-lang="es"></script>
// Options (all optional): data-lang="es|en", data-theme="light|dark", data-compact="true",
// data-links="false", data-events="true", data-share-curp="true", data-target="#element".
// It inserts an iframe and sets its height from the widget's messages. Written by hand (no
// iframe-resizer, whose version 5 is not MIT): ResizeObserver inside, postMessage out.
// If the widget never arrives (the portal is down, a proxy answers with its own error page, or
// the portal refuses this site), a link to the portal's CURP page takes the frame's place.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.URL || !window.CustomEvent) return;
  var data = script.dataset;
  // The widget lives next to this script, so it works under a path prefix too.
  var widget = new URL("../embed/curp", script.src);
  var widgetOrigin = widget.origin;
  var share = data.shareCurp === "true";
  var events = share || data.events === "true";
  var params = widget.searchParams;
  params.set("origin", window.location.origin);
  if (data.lang) params.set("lang", data.lang);
  if (data.theme) params.set("theme", data.theme);
  if (data.compact === "true") params.set("compact", "1");
  if (data.links === "false") params.set("links", "0");
  if (share) params.set("share_curp", "1");
  else if (events) params.set("events", "1");

  // Our words on the host page, in the widget's language (English only when asked, as there).
  // Escaped ("\u00f1"): a host page not in UTF-8 reads this file in its own encoding when
  // whoever serves it (a cache, a CDN) names none.
  var WORDS = {
    es: { title: "Revisa tu CURP", link: "Consulta tu CURP en ", tab: " (se abre en otra pesta\u00f1a)" },
    en: { title: "Check your CURP", link: "Check your CURP at ", tab: " (opens in a new tab)" }
  };
  // The portal's CURP page; in English through the language switch, as the widget's links.
  var PAGES = { es: "../curp", en: "../idioma?lang=en&next=%2Fcurp" };
  var lang = data.lang === "en" ? "en" : "es";
  var words = WORDS[lang];

  var host = data.target ? document.querySelector(data.target) : null;
  if (!host) {
    host = document.createElement("div");
    script.parentNode.insertBefore(host, script.nextSibling);
  }
  var frame = document.createElement("iframe");
  frame.src = widget.href;
  frame.title = words.title;
  frame.setAttribute(
    "sandbox",
    "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox"
  );
  frame.style.display = "block";
  frame.style.width = "100%";
  frame.style.border = "0";
  frame.style.height = "360px";

  // widget.js says the widget's height as it starts: the first height means our page, not an
  // error page (the browser's or a proxy's), is in the frame. That script runs before the frame's
  // load event (it is deferred), which error pages fire too: after it, 4 s only cover a busy
  // phone relaying the message. Before it, the page may still be coming over a poor mobile
  // network and must not lose the widget to the link; 30 s is for a server that never answers.
  var AFTER_LOAD_MS = 4000;
  var AT_MOST_MS = 30000;
  var arrived = false;
  var timer = null;
  function waitFor(ms) {
    clearTimeout(timer);
    timer = setTimeout(standIn, ms);
  }
  // A page without an http(s) origin (a file opened from disk) gives the widget nobody to
  // answer to: it works there, unresized, and never says so.
  if (/^https?:/.test(window.location.origin)) {
    waitFor(AT_MOST_MS);
    frame.addEventListener("load", function () {
      if (!arrived) waitFor(AFTER_LOAD_MS);
    });
  }

  // Once shown, the link stays: a widget arriving later would move the page under the reader.
  // A new tab, as the widget's own links, keeps what the person wrote on the host page.
  function standIn() {
    if (!frame.parentNode) return;
    var note = document.createElement("p");
    var link = document.createElement("a");
    note.lang = lang;
    link.href = new URL(PAGES[lang], script.src).href;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = words.link + widget.host + words.tab;
    note.appendChild(link);
    // Never taking the focus, only keeping it when someone had it in the frame.
    var focused = document.activeElement === frame;
    frame.parentNode.replaceChild(note, frame);
    if (focused) link.focus();
  }
  host.appendChild(frame);

  function hasKeys(message, keys) {
    return Object.keys(message).sort().join() === keys.join();
  }
  function isHeight(m) {
    return hasKeys(m, ["height", "type"]) && m.type === "derechohabiencia:height" &&
      typeof m.height === "number" && isFinite(m.height) && m.height >= 0 && m.height <= 20000;
  }
  function isChecked(m) {
    return m.type === "derechohabiencia:checked" && typeof m.valid === "boolean" &&
      (hasKeys(m, ["type", "valid"]) || (hasKeys(m, ["curp", "type", "valid"]) && typeof m.curp === "string"));
  }

  window.addEventListener("message", function (event) {
    // Only our widget, from this very frame, with exactly the shapes we send.
    if (event.origin !== widgetOrigin || event.source !== frame.contentWindow) return;
    var m = event.data;
    if (!m || typeof m !== "object" || Array.isArray(m)) return;
    if (isHeight(m)) {
      arrived = true;
      clearTimeout(timer);
      frame.style.height = Math.ceil(m.height) + "px";
    } else if (events && isChecked(m)) {
      var detail = { valid: m.valid };
      if (share && m.curp) detail.curp = m.curp;
      host.dispatchEvent(new CustomEvent("curp:checked", { bubbles: true, detail: detail }));
    }
  });
})();
