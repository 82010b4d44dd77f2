// The integration page's copy buttons. Without JavaScript, or a browser without the Clipboard
// API, they would do nothing, so the page sends them hidden and only this shows them (again
// after htmx redraws the snippets) and makes them copy.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  function show() {
    var hidden = document.querySelectorAll("[data-copiar][hidden]");
    for (var i = 0; i < hidden.length; i++) hidden[i].hidden = false;
  }
  show();
  document.addEventListener("htmx:afterSwap", show);
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy-target]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    if (!source) return;
    navigator.clipboard.writeText(source.textContent || "").then(function () {
      var status = document.getElementById(button.getAttribute("data-copy-status"));
      if (status) status.textContent = button.getAttribute("data-copied-text") || "Copiado";
    });
  });
})();
