// Netdigi Member Area: progressive enhancements; every page works without them.
(function () {
  "use strict";
  // A form marked data-submit-once sends once: a double click does not post twice.
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted === "1") {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "1";
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.setAttribute("aria-disabled", "true");
        button.classList.add("disabled");
      });
    });
  });
  // Confirmation asked by a button's data-confirm text.
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
})();
