"""Recovery codes: the second factor of last resort.

django-otp's own static tokens are kept in plain text; these are kept as HMAC-SHA256
digests keyed by SECRET_KEY, so a copy of the database alone does not reveal a code. A
code has 50 random bits and is accepted once.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

CODE_COUNT = 10
# Crockford's base32 without the letters that read like digits: 10 characters, 50 bits.
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
CODE_LENGTH = 10
_KEY_SALT = "twofactor.RecoveryCode"


def normalise(code):
    """A code as typed: any case, with or without the dash and blanks."""
    return "".join(str(code).split()).replace("-", "").lower()


def digests(code):
    """The digests `code` may be stored under: with SECRET_KEY and each of its fallbacks
    (codes outlive a key rotation done with SECRET_KEY_FALLBACKS)."""
    value = normalise(code)
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [
        salted_hmac(_KEY_SALT, value, secret=key, algorithm="sha256").hexdigest() for key in keys
    ]


def new_code():
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


class RecoveryCodeDevice(Device):
    """A user's set of recovery codes, as one django-otp device."""

    class Meta(Device.Meta):
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")
        constraints = [
            models.UniqueConstraint(fields=["user"], name="twofactor_one_recovery_set_per_user")
        ]

    def regenerate(self):
        """A new set of codes, replacing every earlier one; the codes are returned once and
        never stored in the clear."""
        codes = [new_code() for _ in range(CODE_COUNT)]
        self.codes.all().delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(device=self, digest=digests(code)[0]) for code in codes
        )
        return codes

    def remaining(self):
        return self.codes.filter(used_at__isnull=True).count()

    def verify_token(self, token):
        if not isinstance(token, str) or len(normalise(token)) != CODE_LENGTH:
            return False
        # One UPDATE marks the code used only while it is unused: two requests racing with
        # the same code cannot both get in.
        used = self.codes.filter(digest__in=digests(token), used_at__isnull=True).update(
            used_at=timezone.now()
        )
        return used == 1


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        indexes = [models.Index(fields=["device", "digest"], name="twofactor_code_lookup_idx")]

    def __str__(self):
        return f"recovery code {self.pk}"
