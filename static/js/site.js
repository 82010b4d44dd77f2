// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // After an htmx swap that replaced a whole result, move focus to its heading when asked,
  // so keyboard and screen-reader users land on the answer instead of losing their place.
  // Not while the person is typing, though: an answer to a request their typing sent (an alert
  // over a search as you type) is read out by its live region, and the next keystrokes must
  // still land in the field (WCAG 3.2.2).
  var AL_ESCRIBIR = { input: true, keyup: true, keydown: true, search: true, change: true };
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target) return;
    var focus = target.querySelector("[data-focus-on-swap]");
    if (!focus) return;
    var config = event.detail.requestConfig;
    var trigger = config && config.triggeringEvent;
    var active = document.activeElement;
    var typing = active && active !== document.body && !target.contains(active);
    if (typing && trigger && AL_ESCRIBIR[trigger.type]) return;
    focus.setAttribute("tabindex", "-1");
    focus.focus();
  });
  // A swap that replaces the control that had focus must not drop it to the page (<body>),
  // where a keyboard or screen-reader user would lose their place: htmx keeps it on a control
  // with an id, and an answer may take it (data-focus-on-swap, above); any other control (the
  // button just pressed, or tabbed to while typing was still being checked) gets it back in
  // the new content: the same form's control of the same name, or at the same place.
  var enfocado = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail && event.detail.target;
    var active = document.activeElement;
    enfocado = null;
    if (!target || !active || active === document.body || !target.contains(active)) return;
    var form = active.form;
    if (!form || !target.contains(form)) return;
    enfocado = {
      target: target,
      form: Array.prototype.indexOf.call(target.querySelectorAll("form"), form),
      name: active.getAttribute("name"),
      index: Array.prototype.indexOf.call(form.elements, active),
      tag: active.tagName
    };
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var held = enfocado;
    var active = document.activeElement;
    if (!held || event.detail.target !== held.target) return;
    enfocado = null;
    if (active && active !== document.body && active.isConnected) return;
    var form = held.target.querySelectorAll("form")[held.form];
    if (!form) return;
    var named = held.name && form.elements.namedItem(held.name);
    var control = named && named.tagName ? named : form.elements[held.index];
    if (control && control.tagName === held.tag && control.focus) {
      control.focus({ preventScroll: true });
    }
  });
  // The CURP check inside a guide has only a result region: an empty field said there is
  // marked on the field too, as /curp's own form marks it, and the next answer unmarks it.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "resultado-curp") return;
    var input = document.getElementById("campo-curp");
    if (!input) return;
    var empty = target.querySelector("#error-curp"); // a CURP with problems is not a field error
    var hint = document.getElementById("ayuda-curp") ? "ayuda-curp" : "";
    if (empty) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", (hint + " error-curp").trim());
    } else {
      input.removeAttribute("aria-invalid");
      if (hint) input.setAttribute("aria-describedby", hint);
      else input.removeAttribute("aria-describedby");
    }
  });
  // A form sent as a whole page (no htmx) that comes back with errors: start at the summary,
  // as after a swap, so the first thing read is what to fix (the script is deferred: the page
  // is parsed by now).
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.setAttribute("tabindex", "-1"); summary.focus(); }
  // htmx leaves an error answer (4xx/5xx) unswapped, so a person who hit a limit or whose form
  // expired would see nothing happen. The server says how to draw the ones meant to be read
  // (blueprints/errors.py): in the page's alert region, or, for the static export's pages,
  // which have none, where the answer was going (HX-Reswap alone). Draw exactly those; any
  // other failure is said in general words (avisar, below).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status >= 400 && xhr.getResponseHeader("HX-Reswap")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false; // shown as the server meant: no fallback below on top
    }
  });
  // A form that expired while open: the alert's answer brings a fresh token (blueprints/
  // errors.py), put in every form of the page and in htmx's header, so sending again works.
  document.addEventListener("token-renovado", function (event) {
    var token = event.detail && event.detail.token;
    if (!token) return;
    document.querySelectorAll("input[name=csrf_token]").forEach(function (input) {
      input.value = token;
    });
    if (document.body.hasAttribute("hx-headers")) {
      document.body.setAttribute("hx-headers", JSON.stringify({ "X-CSRFToken": token }));
    }
  });
  // A new request makes the last alert stale, and the answer on screen too when the form names
  // it (data-resultado): a failed search must not leave the previous CURP's answer, and its
  // download button, beside the new CURP.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var aviso = document.getElementById("aviso");
    if (aviso) aviso.textContent = "";
    var form = event.target.closest && event.target.closest("form[data-resultado]");
    var resultado = form && document.getElementById(form.getAttribute("data-resultado"));
    if (resultado) resultado.replaceChildren();
  });
  // A request htmx cannot draw an answer for: the portal cannot be reached, it stalled past
  // htmx's timeout (base.html), or something between us and the portal (a proxy's 502 or 504)
  // answered without the headers blueprints/errors.py sets. The alert region says so in the
  // page's language (its data-texto-* come through gettext) and takes the focus, as the
  // server's alerts do (data-focus-on-swap), unless the person is typing. A form with its own
  // fallback (data-sin-conexion, below) says it there instead.
  function avisar(clave) {
    return function (event) {
      if (event.target.closest && event.target.closest("[data-sin-conexion]")) return;
      var aviso = document.getElementById("aviso");
      var texto = aviso && aviso.getAttribute(clave);
      if (!texto) return;
      var box = document.createElement("div");
      box.className = "panel panel--error";
      var text = document.createElement("p");
      text.textContent = texto;
      box.appendChild(text);
      aviso.replaceChildren(box);
      var config = event.detail && event.detail.requestConfig;
      var trigger = config && config.triggeringEvent;
      if (trigger && AL_ESCRIBIR[trigger.type]) return;
      text.setAttribute("tabindex", "-1");
      text.focus();
    };
  }
  document.addEventListener("htmx:sendError", avisar("data-texto-sin-conexion"));
  document.addEventListener("htmx:timeout", avisar("data-texto-lento"));
  document.addEventListener("htmx:responseError", avisar("data-texto-error"));
  // A form whose answer comes from the backend (the static export asks it across origins) names
  // a <template> in data-sin-conexion: when the backend cannot be reached or fails, that text
  // (a plain link) goes into the result region, whose aria-live announces it.
  function sinConexion(event) {
    var form = event.target.closest && event.target.closest("[data-sin-conexion]");
    var fallback = form && document.getElementById(form.getAttribute("data-sin-conexion"));
    var target = event.detail && event.detail.target;
    if (fallback && target) target.replaceChildren(fallback.content.cloneNode(true));
  }
  document.addEventListener("htmx:sendError", sinConexion);
  document.addEventListener("htmx:responseError", sinConexion);
  document.addEventListener("htmx:timeout", sinConexion);
  // A form that takes a moment says it is working, beside its button, in a polite live region
  // put there empty when the form appears (a region that arrives with its text is not read):
  // an htmx form names its words in data-ocupado («Buscando…»), a whole-page one in data-una-vez.
  var CON_ESTADO = "form[data-ocupado], form[data-una-vez]";
  function estado(form) {
    var region = form.querySelector(".estado-envio");
    if (region) return region;
    region = document.createElement("span");
    region.className = "estado-envio";
    region.setAttribute("role", "status");
    var boton = form.querySelector("button[type=submit], button:not([type])");
    if (boton) boton.insertAdjacentElement("afterend", region);
    else form.appendChild(region);
    return region;
  }
  function conEstado(root) {
    if (root.matches && root.matches(CON_ESTADO)) estado(root);
    if (root.querySelectorAll) root.querySelectorAll(CON_ESTADO).forEach(estado);
  }
  conEstado(document);
  document.addEventListener("htmx:load", function (event) { conEstado(event.target); });
  function ocupado(texto) {
    return function (event) {
      var form = event.target;
      if (form.matches && form.matches("form[data-ocupado]")) {
        estado(form).textContent = texto === null ? form.getAttribute("data-ocupado") : texto;
      }
    };
  }
  document.addEventListener("htmx:beforeRequest", ocupado(null));
  document.addEventListener("htmx:afterRequest", ocupado(""));
  // A whole-page form that issues something (a PDF, an account, a certificate by email): a
  // second tap while the first is on its way would issue it twice, so it is ignored for a few
  // seconds. A download never leaves the page (data-descarga): then the form works again.
  var UNA_VEZ_MS = 8000;
  var DESCARGA_MS = 4000;
  function soltar(form) {
    clearTimeout(form.unaVezEspera);
    form.removeAttribute("data-enviado");
    estado(form).textContent = "";
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-una-vez]")) return;
    if (form.hasAttribute("data-enviado")) { event.preventDefault(); return; }
    if (event.defaultPrevented) return; // not sent yet (the captcha still checking, say)
    var descarga = form.hasAttribute("data-descarga");
    form.setAttribute("data-enviado", "");
    estado(form).textContent = form.getAttribute("data-una-vez");
    form.unaVezEspera = setTimeout(function () {
      form.removeAttribute("data-enviado");
      if (descarga) estado(form).textContent = "";
    }, descarga ? DESCARGA_MS : UNA_VEZ_MS);
  });
  // Stopped on its way (Stop, Esc), a sending leaves no trace a page can see; a change to the
  // form can be seen, and what it sends next is not the tap just made twice: it works at once.
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-enviado]");
    if (form) soltar(form);
  });
  // Back to a page the browser kept whole: the form was sent long ago and can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-enviado]").forEach(soltar);
  });
  // The language link's `next` is the address the page was drawn for. An htmx step that pushes
  // or replaces the address (the start page's questions, the FAQ search, the integration
  // options) left it behind, so switching language dropped what the person had chosen: it
  // follows the address bar instead. /idioma still accepts only a local path
  // (blueprints/destino.py), so this adds nothing a crafted link could not already try.
  function idiomaConDestino() {
    var next = window.location.pathname + window.location.search;
    document.querySelectorAll(".lang-switch a[href]").forEach(function (link) {
      var url = new URL(link.href);
      if (!url.searchParams.has("next")) return;
      url.searchParams.set("next", next);
      var same = url.origin === window.location.origin;
      link.setAttribute("href", same ? url.pathname + url.search + url.hash : url.href);
    });
  }
  // (Back and forward need nothing: the page htmx restores carries the links it had then.)
  document.addEventListener("htmx:pushedIntoHistory", idiomaConDestino);
  document.addEventListener("htmx:replacedInHistory", idiomaConDestino);
})();
