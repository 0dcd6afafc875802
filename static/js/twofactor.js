// Two-factor sign-in: once django-otp-webauthn's script has registered a passkey, go on to
// the page named by data-passkey-done-url (the account security page lists it).
(function () {
  "use strict";
  document.addEventListener("otp_webauthn.register_complete", function (event) {
    var holder = event.target.closest("[data-passkey-done-url]");
    window.location.assign(holder ? holder.dataset.passkeyDoneUrl : window.location.href);
  });
})();
