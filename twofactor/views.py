"""Two-factor sign-in pages: the code asked after the password, enrolment (authenticator
app with a QR code, passkeys), recovery codes, and the "Account security" page with the
actions that ask for the password and a code again."""

import time
from base64 import b32encode
from urllib.parse import quote

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from .emails import send_email_changed
from .forms import (
    ChangeEmailForm,
    CodeForm,
    ConfirmedPasswordChangeForm,
    PasswordAndCodeForm,
    SetupForm,
)
from .middleware import exempt
from .models import RecoveryCodeDevice
from .passkey_urls import PASSKEY_AT
from .policy import (
    PENDING,
    authenticators,
    has_factor,
    passkeys,
    recovery_device,
    remove_all_factors,
    required_for,
)
from .verification import check_code, count_failure, forget, is_locked_out, locked_out, slowed_down

# A passkey touched on a confirmation page stands in for the code this long.
PASSKEY_CONFIRM_SECONDS = 120


def _next_url(request):
    candidate = request.POST.get("next") or request.GET.get("next")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name, next_url):
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _owes_code(request):
    """A session that has not passed the account's second factor. The security pages look
    it up (the middleware trusts what was noted at sign-in)."""
    user = request.user
    if user.is_verified() or not has_factor(user):
        return False
    request.session[PENDING] = True
    return True


def _sign_in(request, device):
    """The second factor is passed: the session is marked verified (django-otp), under a
    new session key, and the owner's failed attempts from here are forgotten."""
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session.pop(PENDING, None)
    forget(request, request.user)


def _new_recovery_codes(user):
    device, _created = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "Recovery codes", "confirmed": True}
    )
    return device.regenerate()


def _show_recovery_codes(request, codes, next_url):
    text = "\n".join(
        [_("Netdigi Member Area recovery codes for %s") % request.user.email, ""] + codes
    )
    response = render(
        request,
        "twofactor/recovery_codes.html",
        {
            "codes": codes,
            "download_href": "data:text/plain;charset=utf-8," + quote(text + "\n"),
            "next": next_url,
        },
    )
    # Shown once: never kept by a cache or the browser's history.
    response["Cache-Control"] = "no-store"
    return response


@exempt
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The code asked after the password."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    has_authenticator = authenticators(user).exists()
    has_passkey = passkeys(user).exists()
    if not (has_authenticator or has_passkey):
        request.session.pop(PENDING, None)
        if required_for(user):
            return redirect(_with_next("twofactor:setup", next_url))
        return redirect(next_url)
    if is_locked_out(request, user):
        return locked_out(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = check_code(user, form.cleaned_data["code"])
        if device is not None:
            _sign_in(request, device)
            if isinstance(device, RecoveryCodeDevice):
                left = device.remaining()
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code; %(count)d is left. Create new ones on "
                        "the Account security page.",
                        "You used a recovery code; %(count)d are left. Create new ones on "
                        "the Account security page.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(next_url)
        if count_failure(request, user):
            return locked_out(request)
        form.add_error("code", _("That code is not valid, or it has been used already."))
        if slowed_down(user):
            form.add_error("code", _("After a wrong code, wait a few seconds before the next."))
    return render(
        request,
        "twofactor/verify.html",
        {
            "form": form,
            "next": next_url,
            "has_authenticator": has_authenticator,
            "has_passkey": has_passkey,
        },
    )


@exempt
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """Enrolment of an authenticator app: scan the QR code (or type the key), then give one
    code to show that the app works. A first factor also gets its recovery codes."""
    user = request.user
    next_url = _next_url(request)
    if _owes_code(request):
        return redirect(_with_next("twofactor:verify", request.get_full_path()))
    if authenticators(user).exists():
        messages.info(request, _("Your authenticator app is already set up."))
        return redirect("twofactor:security")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = "".join(form.cleaned_data["code"].split())
        if code.isdigit() and device.verify_token(code):
            first = not user.is_verified()
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                codes = None if recovery_device(user) else _new_recovery_codes(user)
            if first:
                _sign_in(request, device)
            messages.success(
                request, _("Two-factor sign-in is on: your authenticator app is set up.")
            )
            if codes:
                return _show_recovery_codes(request, codes, next_url)
            return redirect(next_url if first else reverse("twofactor:security"))
        form.add_error(
            "code",
            _("That code is not valid. Check the time on your phone and try the newest code."),
        )
    secret = b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "twofactor/setup.html",
        {
            "form": form,
            "next": next_url,
            # segno's own SVG drawing (paths only; the address is not in it as text).
            "qr_svg": mark_safe(qr.svg_inline(scale=5, border=2, dark="#212529", light="#ffffff")),  # noqa: S308
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": required_for(user),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET"])
def security(request):
    """Account security: the factors, recovery codes, and the protected actions."""
    user = request.user
    if _owes_code(request):
        return redirect(_with_next("twofactor:verify", request.get_full_path()))
    recovery = recovery_device(user)
    keys = list(passkeys(user).order_by("created_at"))
    has_authenticator = authenticators(user).exists()
    return render(
        request,
        "twofactor/security.html",
        {
            "has_authenticator": has_authenticator,
            "passkeys": keys,
            "enrolled": bool(keys) or has_authenticator,
            "recovery_left": recovery.remaining() if recovery else None,
            "required": required_for(user),
        },
    )


@never_cache
@login_required
@require_POST
def recovery_codes(request):
    """A new set of recovery codes (the old ones stop working), shown once."""
    user = request.user
    if _owes_code(request):
        return redirect(_with_next("twofactor:verify", reverse("twofactor:security")))
    if not has_factor(user):
        messages.error(request, _("Set up an authenticator app or a passkey first."))
        return redirect("twofactor:security")
    with transaction.atomic():
        codes = _new_recovery_codes(user)
    return _show_recovery_codes(request, codes, reverse("twofactor:security"))


def passkey_confirmed(request):
    """Whether a passkey was used on this page within PASSKEY_CONFIRM_SECONDS."""
    at = request.session.get(PASSKEY_AT)
    return (
        bool(at) and time.time() - at <= PASSKEY_CONFIRM_SECONDS and passkeys(request.user).exists()
    )


def _confirmed_action(request, form_class, template, on_success, extra=None):
    """A page that asks for the password and a code (or a passkey) before `on_success`."""
    user = request.user
    if _owes_code(request):
        return redirect(_with_next("twofactor:verify", request.get_full_path()))
    if is_locked_out(request, user):
        return locked_out(request)
    enrolled = has_factor(user)
    with_passkey = enrolled and passkey_confirmed(request)
    form = form_class(user, request.POST or None, enrolled=enrolled, passkey_confirmed=with_passkey)
    if request.method == "POST":
        if form.is_valid():
            request.session.pop(PASSKEY_AT, None)
            return on_success(form)
        if form.failed and count_failure(request, user):
            return locked_out(request)
    context = {
        "form": form,
        "enrolled": enrolled,
        "has_passkey": enrolled and passkeys(user).exists(),
        "passkey_confirmed": with_passkey,
        **(extra or {}),
    }
    return render(request, template, context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def disable(request):
    """Turn two-factor sign-in off: every factor and recovery code is removed."""
    user = request.user
    if required_for(user):
        messages.error(request, _("Your account must keep two-factor sign-in."))
        return redirect("twofactor:security")
    if not has_factor(user):
        return redirect("twofactor:security")

    def done(form):
        with transaction.atomic():
            remove_all_factors(user)
        request.session.pop(PENDING, None)
        messages.success(request, _("Two-factor sign-in is off."))
        return redirect("twofactor:security")

    return _confirmed_action(request, PasswordAndCodeForm, "twofactor/disable.html", done)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def change_password(request):
    def done(form):
        form.save()
        update_session_auth_hash(request, form.user)
        messages.success(request, _("Your password has been changed."))
        return redirect("twofactor:security")

    return _confirmed_action(
        request, ConfirmedPasswordChangeForm, "twofactor/change_password.html", done
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def change_email(request):
    def done(form):
        user = request.user
        old_email = user.email
        with transaction.atomic():
            user.email = form.cleaned_data["email"]
            user.save(update_fields=["email"])
            send_email_changed(user, old_email=old_email)
        messages.success(
            request,
            format_html(_("Your email address is now {email}."), email=user.email),
        )
        return redirect("twofactor:security")

    return _confirmed_action(request, ChangeEmailForm, "twofactor/change_email.html", done)
