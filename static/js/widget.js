// Inside the CURP widget's iframe. The page works without this file (plain GET forms); with it,
// the check runs as you type, and the parent page hears our height and, if it opted in, the
// result. No htmx here: it alone would be heavier than the whole widget.
(function () {
  "use strict";
  var root = document.documentElement;
  var parentOrigin = root.getAttribute("data-parent-origin");
  var events = root.getAttribute("data-events");
  var form = document.getElementById("dh-form");
  var input = document.getElementById("campo-curp");
  var result = document.getElementById("resultado");
  var status = document.getElementById("estatus");
  if (!form || !input || !result || !status || !window.fetch || !window.URLSearchParams) return;
  var timer = null;
  var lastValue = input.value;
  var lastHeight = -1;

  // Only to the origin the parent declared, never "*": nobody else may read what we say.
  function tell(message) {
    if (parentOrigin && window.parent !== window) window.parent.postMessage(message, parentOrigin);
  }

  function reportHeight() {
    var height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height === lastHeight) return;
    lastHeight = height;
    tell({ type: "derechohabiencia:height", height: height });
  }

  function query(fields) {
    return new URLSearchParams(new FormData(fields)).toString();
  }

  // One request in flight per target: a slow answer must not overwrite a newer one.
  function load(url, target, done) {
    if (target.pending) target.pending.abort();
    var controller = window.AbortController ? new AbortController() : null;
    target.pending = controller;
    fetch(url, { credentials: "omit", signal: controller ? controller.signal : undefined })
      .then(function (response) {
        return response.text().then(function (html) {
          if (!response.ok && !ours(html)) throw new Error("answer not ours");
          return html;
        });
      })
      .then(function (html) {
        target.innerHTML = html;
        if (done) done();
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        target.textContent = form.getAttribute("data-error-text");
        if (target === result) setTitle(true);
      });
  }

  // An error we wrote (templates/embed/_error.html, marked data-error) says what happened in
  // the widget's words; any other (a proxy's «502 Bad Gateway» page) is not for the host's
  // visitors to read, and gets the widget's own error text instead.
  function ours(html) {
    var page = document.createElement("template");
    page.innerHTML = html;
    return Boolean(page.content.querySelector(".panel[data-error]"));
  }

  // "Error: " first in the title while the answer shows one, as the page says it without us.
  // The title speaks for the CURP's answer only: the optional status lookup below a valid
  // CURP says its own failures in its region, and the CURP itself is still fine.
  function setTitle(failed) {
    var title = form.getAttribute(failed ? "data-error-title" : "data-title");
    if (title) document.title = title;
  }

  function announce() {
    var answer = result.querySelector("[data-valid]");
    if (!answer || !events) return;
    var message = { type: "derechohabiencia:checked", valid: answer.getAttribute("data-valid") === "true" };
    if (events === "curp" && answer.getAttribute("data-curp")) message.curp = answer.getAttribute("data-curp");
    tell(message);
  }

  // An empty field sent with "Revisar" comes back as #error-curp: the field says so too.
  function markField() {
    var error = document.getElementById("error-curp");
    input.setAttribute("aria-describedby", error ? "ayuda-curp error-curp" : "ayuda-curp");
    if (error) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    setTitle(Boolean(error || result.querySelector("[data-error]")));
  }

  function check(typing) {
    clearTimeout(timer);
    lastValue = input.value;
    status.innerHTML = "";
    var url = form.getAttribute("data-fragment") + "?" + query(form) + (typing ? "&typing=1" : "");
    load(url, result, function () { markField(); announce(); });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    if (input.value === lastValue) return;
    timer = setTimeout(function () { check(true); }, 400);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    check(false);
  });
  // The status question is a form inside the result; its answer goes to its own live region.
  result.addEventListener("submit", function (event) {
    var lookup = event.target.closest("[data-estatus]");
    if (!lookup) return;
    event.preventDefault();
    load(lookup.getAttribute("data-estatus") + "?" + query(lookup), status);
  });

  if (window.ResizeObserver) new ResizeObserver(reportHeight).observe(document.body);
  else window.addEventListener("resize", reportHeight);
  window.addEventListener("load", reportHeight);
  reportHeight(); // at once: embed.js takes this first height as the sign the widget arrived
})();
