from django.db import models


class PeriodicClaim(models.Model):
    """The last run of one periodic task, claimed by one beat process.

    Several `celery beat` processes may run (one per host, or a second one left running by
    mistake): each sends a due task only after claiming its run here, and a run is claimed
    only when the previous one started long enough ago (scheduling/claims.py).
    """

    name = models.CharField(max_length=200, primary_key=True)
    started_at = models.DateTimeField()
    host = models.CharField(max_length=200, blank=True)
    runs = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return self.name
