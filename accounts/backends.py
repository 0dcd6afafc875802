from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db.models import Q

from .identifiers import normalise_email
from .models import User


class EmailBackend(ModelBackend):
    """Log in with email and password; the email matches whatever its case or Unicode
    spelling (accounts.identifiers), exactly as the failed-login counter counts it."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("email")
        if username is None or password is None:
            return None
        user = self.find_user(username)
        if user is None:
            # Take as long as checking a real password: the answer time tells nothing.
            make_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    @staticmethod
    def find_user(identifier):
        """The account `identifier` names: its normalised spelling first, then (for an
        address stored before normalisation, with letters that fold differently) as typed."""
        normalised = normalise_email(identifier)
        for spelling in dict.fromkeys([normalised, identifier.strip()]):
            user = User.objects.filter(email__iexact=spelling).order_by("pk").first()
            if user is not None:
                return user
        return None

    def get_all_permissions(self, user_obj, obj=None):
        """The user's own and their groups' permissions, read in one query instead of
        Django's two (every admin page asks, for its list of apps)."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            perms = Permission.objects.all()
            if not user_obj.is_superuser:
                perms = perms.filter(Q(user=user_obj) | Q(group__user=user_obj))
            rows = perms.values_list("content_type__app_label", "codename").order_by().distinct()
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in rows}
        return user_obj._perm_cache
