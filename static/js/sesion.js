// The warning before a signed-in session ends after its idle limit (WCAG 2.2.1), with a way
// to stay. The server renders the limit in seconds: counting from this page's load, and from
// each renewal, never compares the browser's clock with the server's. The server signed the
// session before this page arrived, so the count here never ends before the server's does.
(function () {
  "use strict";
  var dialogo = document.getElementById("aviso-sesion");
  if (!dialogo || typeof dialogo.showModal !== "function") return;
  var limite = Number(dialogo.getAttribute("data-limite")) * 1000;
  var antes = Number(dialogo.getAttribute("data-aviso")) * 1000;
  var seguir = dialogo.querySelector("form[data-seguir]");
  var error = dialogo.querySelector("[data-error]");
  var texto = document.getElementById("aviso-sesion-texto");
  if (!limite || !seguir) return;
  var avisar = null;
  var terminar = null;
  var previo = null;
  var pidiendo = false;
  var fin = 0;

  // The session is one for every tab of this browser: a tab where the person is busy tells the
  // quiet ones when it renewed it, so they neither warn nor leave for the sign-in page early.
  // Tabs share this browser's clock, so the end they pass on means the same to each.
  var canal = typeof BroadcastChannel === "function" ? new BroadcastChannel("sesion") : null;

  function contar(hasta) {
    clearTimeout(avisar);
    clearTimeout(terminar);
    fin = hasta || Date.now() + limite;
    var queda = fin - Date.now();
    avisar = setTimeout(mostrar, Math.max(0, queda - antes));
    // The server counts whole seconds, so a session lives up to a second past its limit.
    terminar = setTimeout(vencer, queda + 1500);
  }
  function renovada() {
    contar();
    if (canal) canal.postMessage(fin);
  }
  if (canal) {
    canal.onmessage = function (event) {
      var otra = Number(event.data);
      if (!otra || otra <= fin) return;
      contar(otra);
      if (dialogo.open) dialogo.close("renovada");
    };
  }
  function mostrar() {
    if (dialogo.open) return;
    previo = document.activeElement;
    error.hidden = true;
    dialogo.returnValue = "";
    dialogo.showModal();
    seguir.querySelector("button").focus();
  }
  function devolverFoco() {
    var volver = previo;
    previo = null;
    if (volver && volver !== document.body && volver.isConnected && volver.focus) volver.focus();
  }
  // The session is over: the sign-in page says so, and brings them back here afterwards (if
  // another tab kept the session alive, it sends them straight back). Offline, going there
  // would only swap this page, and what it shows, for the browser's own error page: the
  // dialog says the session ended instead, and «Seguir» leads to sign-in once back online.
  function vencer() {
    if (navigator.onLine === false) {
      mostrar();
      texto.hidden = true;
      error.textContent = error.getAttribute("data-texto-terminada");
      error.hidden = false;
      return;
    }
    window.location.assign(dialogo.getAttribute("data-al-cerrar"));
  }
  function renovar() {
    if (pidiendo) return;
    pidiendo = true;
    fetch(seguir.action, {
      method: "POST",
      body: new FormData(seguir),
      credentials: "same-origin",
      redirect: "manual"
    }).then(function (response) {
      pidiendo = false;
      if (response.status !== 204) { vencer(); return; }
      var token = response.headers.get("X-CSRF-Token");
      if (token) {
        document.dispatchEvent(new CustomEvent("token-renovado", { detail: { token: token } }));
      }
      renovada();
      if (dialogo.open) dialogo.close("renovada");
    }).catch(function () {
      pidiendo = false;
      if (!dialogo.open) mostrar();
      error.hidden = false;
    });
  }
  seguir.addEventListener("submit", function (event) {
    event.preventDefault();
    renovar();
  });
  // Escape closes the dialog: whoever pressed it is here, which is what «Seguir» says too.
  dialogo.addEventListener("close", function () {
    if (dialogo.returnValue !== "renovada") renovar();
    devolverFoco();
  });
  // Any other request from this page renewed the session as well.
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail && event.detail.successful && !dialogo.open) renovada();
  });
  // Timers stand still while a laptop sleeps or a phone freezes the tab; this browser's own
  // clock does not, so coming back checks it (still never the server's clock).
  function alVolver() {
    if (document.visibilityState === "hidden" || !fin) return;
    var queda = fin - Date.now();
    if (queda <= -1500) vencer();
    else if (queda <= antes) mostrar();
  }
  document.addEventListener("visibilitychange", alVolver);
  window.addEventListener("pageshow", alVolver);
  window.addEventListener("focus", alVolver);
  renovada(); // this page's own request renewed it
})();
