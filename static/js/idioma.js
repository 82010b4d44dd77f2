// Progressive enhancement only: without this file the language link still works, and the page
// in the other language comes back with its forms empty.
//
// The language link loads the same page again in the other language, and with it every form
// the person had half filled in (a registration is a dozen fields). Before the link is followed
// this keeps what they typed in this tab's sessionStorage, and the page that loads next puts it
// back and forgets it. Never a password, a captcha answer or a hidden field (the new page has
// its own CSRF token and challenge), and never for more than a minute, so a link that was
// followed somewhere else leaves nothing readable behind for long.
(function () {
  "use strict";
  var CLAVE = "derechohabiencia:formularios-al-cambiar-idioma";
  var VIGENCIA_MS = 60000;
  var NUNCA = { password: true, hidden: true, file: true, submit: true, button: true, reset: true, image: true };

  function guardable(campo) {
    if (!campo.name || campo.disabled || NUNCA[campo.type]) return false;
    return !/^captcha/.test(campo.name) && !campo.closest("altcha-widget");
  }

  // Whether the page's own state (as its HTML came) was changed: a select moved off its
  // default option.
  function cambiado(select) {
    return Array.prototype.some.call(select.options, function (o) {
      return o.selected !== o.defaultSelected;
    });
  }

  // Not only what was changed since the page loaded: a page the server drew again (a form
  // sent back with its errors, a field htmx checked) holds what was typed as its defaults.
  function lleno(campo) {
    if (campo.type === "checkbox" || campo.type === "radio") return campo.checked;
    return campo.tagName === "SELECT" || campo.value !== "";
  }

  // A form is known by its action and its place among the forms with that action, which stay
  // the same in both languages; a field by its name and, for radios, its value.
  function formularios() {
    var vistos = {};
    return Array.prototype.map.call(document.forms, function (form) {
      var accion = form.getAttribute("action") || "";
      vistos[accion] = (vistos[accion] || 0) + 1;
      return { form: form, clave: accion + "#" + vistos[accion] };
    });
  }

  document.addEventListener("click", function (event) {
    var enlace = event.target.closest && event.target.closest(".lang-switch a");
    // A link opened in another tab leaves this page as it is.
    if (!enlace || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var datos = [];
    formularios().forEach(function (f) {
      Array.prototype.forEach.call(f.form.elements, function (campo) {
        if (!guardable(campo) || !lleno(campo)) return;
        var marcable = campo.type === "checkbox" || campo.type === "radio";
        datos.push({
          form: f.clave,
          name: campo.name,
          value: campo.value,
          checked: marcable ? campo.checked : null
        });
      });
    });
    if (!datos.length) return;
    try {
      sessionStorage.setItem(CLAVE, JSON.stringify({
        ruta: location.pathname, hasta: Date.now() + VIGENCIA_MS, campos: datos
      }));
    } catch (e) { /* storage full or disabled: the switch goes on as without this file */ }
  });

  function restaurar() {
    var guardado = null;
    try {
      guardado = JSON.parse(sessionStorage.getItem(CLAVE) || "null");
      sessionStorage.removeItem(CLAVE);
    } catch (e) { return; }
    if (!guardado || guardado.ruta !== location.pathname || Date.now() > guardado.hasta) return;
    var porClave = {};
    formularios().forEach(function (f) { porClave[f.clave] = f.form; });
    guardado.campos.forEach(function (dato) {
      var form = porClave[dato.form];
      if (!form) return;
      Array.prototype.forEach.call(form.elements, function (campo) {
        if (campo.name !== dato.name || !guardable(campo)) return;
        if (dato.checked === null) {
          // What the server wrote into the new page (a CURP from the address, an answer it
          // kept) wins over what was typed before.
          var libre = campo.tagName === "SELECT" ? !cambiado(campo) : campo.value === "";
          if (libre) campo.value = dato.value;
        } else if (campo.value === dato.value) {
          campo.checked = true;
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", restaurar);
  } else {
    restaurar();
  }
})();
