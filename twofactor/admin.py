"""The admin side of two-factor sign-in: the only way staff remove someone's second factor
is the audited "Reset second factor" action on users.

django-otp's own device admin is taken away: it shows authenticator secrets and would
delete devices without a trace or an email.
"""

import logging

from django.contrib import admin, messages
from django.contrib.admin.sites import NotRegistered
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.admin import UserAdmin as AccountsUserAdmin
from accounts.models import User

from .emails import send_factor_reset
from .policy import remove_all_factors

log = logging.getLogger("twofactor")

try:
    admin.site.unregister(TOTPDevice)
except NotRegistered:
    pass


@admin.action(description=_("Reset second factor (the user enrols again)"), permissions=["change"])
def reset_second_factor(modeladmin, request, queryset):
    """Remove the selected users' authenticator apps, passkeys and recovery codes. Each
    reset is written to the admin's history of the user and emailed to them."""
    reset = 0
    for user in queryset:
        with transaction.atomic():
            if not remove_all_factors(user):
                continue
            modeladmin.log_change(request, user, "Second factor reset")
            send_factor_reset(user, by=request.user)
        log.warning("Second factor of %s reset by %s", user.email, request.user.email)
        reset += 1
    modeladmin.message_user(
        request,
        ngettext(
            "The second factor of %(count)d user was reset; they were emailed.",
            "The second factors of %(count)d users were reset; they were emailed.",
            reset,
        )
        % {"count": reset},
        messages.SUCCESS if reset else messages.WARNING,
    )


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(AccountsUserAdmin):
    actions = [reset_second_factor]
