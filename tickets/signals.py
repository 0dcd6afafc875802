"""Keeping assignments true to tickets.access: a staff member removed from a department
(or made inactive, or no longer staff) is unassigned from their active tickets there, each
with an event line. Their emails stop by themselves: recipient lists read membership."""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import Signal

from .models import Department

User = get_user_model()

# Sent by tickets.actions.transitions inside the transaction of every close (by staff, by
# the customer, by auto-close), with `ticket`. Apps that build on tickets listen here
# instead of being called by them.
ticket_closed = Signal()

# Sent by actions that change many tickets with one UPDATE (no post_save per ticket), inside
# their transaction, with `ticket_ids`: what listens to a ticket's save listens here too.
tickets_changed = Signal()

# Fields whose change can end someone's handling of their departments.
ACCESS_FIELDS = {"is_active", "is_staff", "is_superuser"}


def _unassign(user, department_ids=None):
    from .actions import unassign_departed

    unassign_departed(user=user, department_ids=department_ids)


def membership_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_remove", "post_clear", "pre_clear"):
        return
    if reverse:
        # user.departments.remove(...) / .clear(): `instance` is the user.
        if action == "pre_clear":
            instance._departments_before_clear = set(
                instance.departments.values_list("pk", flat=True)
            )
            return
        ids = (
            pk_set
            if action == "post_remove"
            else instance.__dict__.pop("_departments_before_clear", set())
        )
        _unassign(instance, ids)
        return
    # department.staff.remove(...) / .clear(): `instance` is the department.
    if action == "pre_clear":
        instance._staff_before_clear = set(instance.staff.values_list("pk", flat=True))
        return
    user_ids = (
        pk_set if action == "post_remove" else instance.__dict__.pop("_staff_before_clear", set())
    )
    for user in User.objects.filter(pk__in=user_ids):
        _unassign(user, [instance.pk])


def remember_access(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and not ACCESS_FIELDS & set(update_fields):
        return
    if instance.pk:
        old = User.objects.filter(pk=instance.pk).values(*ACCESS_FIELDS).first()
        instance._access_before = old


def access_changed(sender, instance, created, update_fields=None, **kwargs):
    old = instance.__dict__.pop("_access_before", None)
    if created or old is None:
        return
    lost = (old["is_active"] and not instance.is_active) or (
        old["is_staff"] and not instance.is_staff
    )
    if lost or (old["is_superuser"] and not instance.is_superuser):
        _unassign(instance)


def connect() -> None:
    m2m_changed.connect(
        membership_changed, sender=Department.staff.through, dispatch_uid="tickets_membership"
    )
    pre_save.connect(remember_access, sender=User, dispatch_uid="tickets_remember_access")
    post_save.connect(access_changed, sender=User, dispatch_uid="tickets_access_changed")
