from django.db import models
from django.utils import timezone


class Hit(models.Model):
    """One request counted against a limit: which limit (`scope`), for whom (`key`, an
    address or a keyed hash, never a typed email), and when. Rows older than their limit's
    period are deleted as new ones arrive."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # The newest hits of one key, in the order a limit reads them.
            models.Index(fields=["scope", "key", "-created_at"], name="ratelimits_hit_key_idx"),
            models.Index(fields=["scope", "created_at"], name="ratelimits_hit_age_idx"),
        ]

    def __str__(self):
        return f"{self.scope} {self.key} {self.created_at:%Y-%m-%d %H:%M:%S}"
