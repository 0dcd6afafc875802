"""The cached network status is dropped whenever an incident, one of its servers or its
updates change: right away, and again when the transaction commits (a page served in
between may have cached what was there before)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import AffectedServer, Incident, IncidentUpdate
from .status import forget


@receiver(post_save, sender=Incident)
@receiver(post_delete, sender=Incident)
@receiver(post_save, sender=AffectedServer)
@receiver(post_delete, sender=AffectedServer)
@receiver(post_save, sender=IncidentUpdate)
@receiver(post_delete, sender=IncidentUpdate)
def network_changed(sender, **kwargs):
    forget()
    transaction.on_commit(forget)
