// The integration page's copy buttons (site.js does the copying): without JavaScript, or a
// browser without the Clipboard API, they would do nothing, so the page sends them hidden and
// only this shows them, again after htmx redraws the snippets.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  function show() {
    var hidden = document.querySelectorAll("[data-copiar][hidden]");
    for (var i = 0; i < hidden.length; i++) hidden[i].hidden = false;
  }
  show();
  document.addEventListener("htmx:afterSwap", show);
})();
