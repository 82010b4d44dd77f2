// Progressive enhancement of templates/components/captcha.html. Without this file, or in a
// browser that cannot run the proof of work, the question in words is the captcha. Here the
// ALTCHA widget (vendored "external" build: no injected <style>, workers from our own origin,
// so it runs under `script-src 'self'; style-src 'self'`) takes its place.
import "../vendor/altcha-3.2.2.min.js";

const ALGORITHMS = ["PBKDF2/SHA-256"];

function canRun() {
  return Boolean(
    window.isSecureContext && window.crypto && window.crypto.subtle &&
    window.Worker && window.customElements && window.$altcha
  );
}

function enhance(group) {
  const done = group.hasAttribute("data-captcha-activo") ||
    group.hasAttribute("data-captcha-pregunta-visible");
  if (done) return;
  const pow = group.querySelector("[data-captcha-pow]");
  const pregunta = group.querySelector("[data-captcha-pregunta]");
  const widget = pow && pow.querySelector("altcha-widget");
  if (!widget || !pregunta) return;
  useWords(widget);
  const workerUrl = widget.getAttribute("data-worker");
  ALGORITHMS.forEach(function (name) {
    window.$altcha.algorithms.set(name, function () { return new Worker(workerUrl); });
  });
  // The question leaves the form (disabled fields are not sent) and its id moves to the
  // widget's group, so the error summary's link "#campo-captcha" still lands on the captcha.
  pregunta.hidden = true;
  pregunta.querySelectorAll("input").forEach(function (input) { input.disabled = true; });
  moveId(pregunta.querySelector("#campo-captcha"), "campo-captcha-pregunta", pregunta);
  const error = group.querySelector("#error-captcha");
  pow.id = "campo-captcha";
  pow.tabIndex = -1;
  pow.setAttribute("role", "group");
  pow.setAttribute("aria-labelledby", "titulo-captcha-pow");
  pow.setAttribute("aria-describedby", "ayuda-captcha-pow" + (error ? " error-captcha" : ""));
  pow.hidden = false;
  group.setAttribute("data-captcha-activo", "");
  const hint = pow.querySelector("#ayuda-captcha-pow");
  const pending = hint && hint.textContent;
  widget.addEventListener("statechange", function (event) {
    const state = event.detail && event.detail.state;
    // If the proof of work cannot run here after all (no challenge, a blocked worker), the
    // person gets the question back instead of a dead end.
    if (state === "error") restoreQuestion(group, pow, pregunta);
    // auto="onfocus" solves it while the person is still typing above, so the box is ticked
    // before they reach it: the hint that asked them to tick it says so instead (a polite
    // live region, read once per change), and says it again if the check expires.
    const done = state === "verified";
    const text = hint && (done ? hint.getAttribute("data-texto-verificado") : pending);
    if (text && hint.textContent !== text) hint.textContent = text;
  });
  // ALTCHA (3.2.2 has no option against it) takes a tap on the ticked box as "start over" and
  // empties the solution, so a person doing as the hint said had the form refused for a check
  // they had passed. Cancelling that click keeps the box ticked and the solution sent.
  widget.addEventListener("click", function (event) {
    const box = event.target.closest && event.target.closest("input[type=checkbox]");
    if (box && widget.getState && widget.getState() === "verified") event.preventDefault();
  }, true);
}

// The widget's words come translated with the page (data-textos, from the template), under
// the page's language: they replace ALTCHA's own set for that language, Spanish or English.
function useWords(widget) {
  const language = widget.getAttribute("language");
  let words = null;
  try {
    words = JSON.parse(widget.getAttribute("data-textos") || "null");
  } catch (error) {
    words = null;  // ALTCHA's own words are still better than no widget
  }
  if (language && words) window.$altcha.i18n.set(language, words);
}

function moveId(input, id, scope) {
  if (!input) return;
  const label = scope.querySelector("label[for='" + input.id + "']");
  input.id = id;
  if (label) label.htmlFor = id;
}

function restoreQuestion(group, pow, pregunta) {
  pow.hidden = true;
  pow.removeAttribute("id");
  pregunta.querySelectorAll("input").forEach(function (input) { input.disabled = false; });
  moveId(pregunta.querySelector("#campo-captcha-pregunta"), "campo-captcha", pregunta);
  pregunta.hidden = false;
  group.removeAttribute("data-captcha-activo");
  group.setAttribute("data-captcha-pregunta-visible", "");
}

function enhanceWithin(root) {
  if (!canRun() || !root || !root.querySelectorAll) return;
  if (root.matches && root.matches("[data-captcha]")) enhance(root);
  root.querySelectorAll("[data-captcha]").forEach(enhance);
}

// Only once the element is defined (and so upgraded) is the widget worth showing.
window.customElements.whenDefined("altcha-widget").then(function () {
  enhanceWithin(document);
  // A form swapped in by htmx (for example re-rendered with its errors) gets the widget too.
  document.addEventListener("htmx:load", function (event) { enhanceWithin(event.detail.elt); });
});
