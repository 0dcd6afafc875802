"""How failed logins are counted (django-axes, configured in netdigi/settings.py).

Two counters, each with a limit of its own and the same cool-off:

- an email tried from one address (AXES_FAILURE_LIMIT): someone guessing one customer's
  password from their machine;
- an address, whatever the emails (LOGIN_FAILURE_LIMIT_PER_IP): someone trying many
  accounts from one machine.

Nothing is counted per email alone, so failures from a stranger's address never lock the
customer out of their own. Axes compares one number with one limit; the handler puts the
address's count on the scale of AXES_FAILURE_LIMIT, so each counter meets its own limit.
"""

import ipaddress
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils.module_loading import import_string

from .identifiers import normalise_email


def login_email(request, credentials=None):
    """The email a login attempt is counted under: normalised exactly as the backend looks
    it up (accounts.identifiers), so every spelling of one address shares one counter."""
    if credentials:
        value = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        value = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    return normalise_email(value)


def client_ip(request):
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the
    entry of X-Forwarded-For that the outermost trusted proxy wrote (the entries left of it
    come from the client and can be anything). The header is read only on a connection
    from one of TRUSTED_PROXY_IPS: anyone reaching the web process directly could write it."""
    remote = request.META.get("REMOTE_ADDR")
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted > 0 and _is_trusted_proxy(remote):
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= trusted:
            return forwarded[-trusted]
    return remote


def _is_trusted_proxy(address):
    try:
        address = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.TRUSTED_PROXY_IPS
    )


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per counter (see the module's docstring)."""

    def get_failures(self, request, credentials=None):
        email_here, address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        limit = settings.AXES_FAILURE_LIMIT
        per_address = settings.LOGIN_FAILURE_LIMIT_PER_IP
        # address * limit // per_address >= limit exactly when address >= per_address.
        return max(email_here, address * limit // per_address)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if request is None or not getattr(request, "axes_locked_out", False):
            return super().user_login_failed(sender, credentials, request=request, **kwargs)
        # A try refused by a lockout. Axes would record it as a new failure: a row per
        # email and user agent tried, each try's form appended to it, without end for a
        # client that keeps going. It only starts this address's cool-off again, which
        # keeps its counters (those of every email it tried) alive.
        AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=request.axes_attempt_time - settings.AXES_COOLOFF_TIME,
        ).update(attempt_time=request.axes_attempt_time)
        request.axes_credentials = credentials
        user_locked_out.send(
            "axes",
            request=request,
            username=login_email(request, credentials),
            ip_address=request.axes_ip_address,
        )
        return None

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        # A password alone does not prove the owner when the account has a second factor
        # (LOGIN_SECOND_FACTOR_OWED says): the failures, wrong codes included, are forgotten
        # once the code is given.
        owed = getattr(settings, "LOGIN_SECOND_FACTOR_OWED", None)
        if not (owed and import_string(owed)(user)):
            forget_failures(request, user)


def forget_failures(request, user):
    """The owner got in: their own typos from this address are forgotten. Failures of this
    address against other emails stay counted."""
    AccessAttempt.objects.filter(
        username=normalise_email(user.get_username()), ip_address=request.axes_ip_address
    ).delete()


def lockout_response(request, original_response=None, credentials=None):
    """The page of a login refused for too many failures: what happened, how long to wait,
    and the way out (a password reset). The same for every email, known or not."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
