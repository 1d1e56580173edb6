// Site-wide behaviour. No inline scripts anywhere (Content-Security-Policy: script-src 'self').
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (token) { event.detail.headers["X-CSRFToken"] = token.content; }
  });
  if (window.htmx) { window.htmx.config.includeIndicatorStyles = false; }
  document.querySelectorAll(".js-autosubmit").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
})();
