// Open New Ticket: when the chosen Related Service is affected by a known incident, its
// notice is shown and the rest of the form waits until "Open the ticket anyway" is clicked.
(function () {
  "use strict";
  var select = document.getElementById("id_service");
  var notices = document.querySelectorAll("[data-incident-notice]");
  if (!select || !notices.length) return;
  var form = select.form;
  var acknowledged = {};

  function hold(on) {
    form.querySelectorAll("textarea, [type=submit], input[type=file]").forEach(function (el) {
      el.disabled = on;
    });
  }

  function update() {
    var value = select.value;
    var shown = false;
    notices.forEach(function (notice) {
      var match = notice.getAttribute("data-service") === value && !acknowledged[value];
      notice.hidden = !match;
      shown = shown || match;
    });
    hold(shown);
  }

  notices.forEach(function (notice) {
    var anyway = notice.querySelector("[data-incident-anyway]");
    anyway.addEventListener("click", function () {
      acknowledged[notice.getAttribute("data-service")] = true;
      update();
      var body = form.querySelector("textarea");
      if (body) body.focus();
    });
  });
  select.addEventListener("change", update);
  update();
})();
