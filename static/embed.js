// Derechohabiencia CURP widget, host side. Paste where the widget should appear:
//   <script src="https://PORTAL/static/embed.js" async data-lang="es"></script>
// Options (all optional): data-lang="es|en", data-theme="light|dark", data-compact="true",
// data-links="false", data-events="true", data-share-curp="true", data-target="#element".
// It inserts an iframe and sets its height from the widget's messages. Written by hand (no
// iframe-resizer, whose version 5 is not MIT): ResizeObserver inside, postMessage out.
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

  var host = data.target ? document.querySelector(data.target) : null;
  if (!host) {
    host = document.createElement("div");
    script.parentNode.insertBefore(host, script.nextSibling);
  }
  var frame = document.createElement("iframe");
  frame.src = widget.href;
  frame.title = data.lang === "en" ? "Check your CURP" : "Revisa tu CURP";
  frame.setAttribute(
    "sandbox",
    "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox"
  );
  frame.style.display = "block";
  frame.style.width = "100%";
  frame.style.border = "0";
  frame.style.height = "360px";
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
      frame.style.height = Math.ceil(m.height) + "px";
    } else if (events && isChecked(m)) {
      var detail = { valid: m.valid };
      if (share && m.curp) detail.curp = m.curp;
      host.dispatchEvent(new CustomEvent("curp:checked", { bubbles: true, detail: detail }));
    }
  });
})();
