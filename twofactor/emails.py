"""The emails of two-factor sign-in, as kinds of the notification outbox (registered in
TwofactorConfig.ready()): written in the caller's transaction, sent by the workers, in the
recipient's language, with the templates email/<kind>.subject.txt, .txt and .html."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.kinds import EmailKind, register
from notifications.outbox import queue

SECOND_FACTOR_RESET = "second_factor_reset"
EMAIL_CHANGED = "email_changed"


class SecondFactorResetEmail(EmailKind):
    """To the user whose second factor staff reset from the admin."""

    def context(self, notification):
        return {
            "by_name": notification.context.get("by_name", ""),
            "security_url": settings.SITE_URL + reverse("twofactor:security"),
        }


class EmailChangedEmail(EmailKind):
    """To the previous address of an account whose email address was changed: the owner
    hears of it where they still read their mail (the row's recipient is the account)."""

    def context(self, notification):
        return {
            "old_email": notification.context["old_email"],
            "new_email": notification.context["new_email"],
        }

    def addresses(self, notification):
        return [notification.context["old_email"]]


KINDS = (
    SecondFactorResetEmail(SECOND_FACTOR_RESET, _("Second factor reset (to the account holder)")),
    EmailChangedEmail(EMAIL_CHANGED, _("Email address changed (to the previous address)")),
)


def register_kinds():
    register(*KINDS)


def send_factor_reset(user, *, by):
    """Tell `user` that staff member `by` removed their second factor (from the admin):
    if it was not asked for, they must know at once. Must run in the reset's transaction."""
    queue(SECOND_FACTOR_RESET, recipients=[user], context={"by_name": by.display_name})


def send_email_changed(user, *, old_email):
    """Tell the previous address of `user` that the email address changed. Must run in the
    change's transaction."""
    queue(
        EMAIL_CHANGED, recipients=[user], context={"old_email": old_email, "new_email": user.email}
    )
