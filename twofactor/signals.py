from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .policy import PENDING, owes_code


@receiver(user_logged_in, dispatch_uid="twofactor.note_pending_factor")
def note_pending_factor(sender, request, user, **kwargs):
    """A password sign-in of a user with a second factor owes it before any page."""
    if request is None or not hasattr(request, "session"):
        return
    if owes_code(user) and not getattr(user, "otp_device", None):
        request.session[PENDING] = True
    else:
        request.session.pop(PENDING, None)
