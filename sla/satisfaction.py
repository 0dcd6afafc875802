"""Customer satisfaction: the survey sent when a ticket is closed, and the rating."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tickets import access
from tickets.models import Message, Ticket

from . import notify
from .models import Rating, Survey


class RatingLocked(Exception):
    """The rating is older than SLA_RATING_CHANGE_DAYS and can no longer be changed."""


def _staff_replied(ticket):
    return Message.objects.filter(ticket=ticket, is_staff_reply=True, is_internal=False).exists()


def survey_on_close(*, ticket, now=None):
    """Called by the close path, in its transaction, for every close (by staff, by the
    customer, by auto-close). Sends the "How did we do?" email when a staff member had
    replied, the ticket was neither surveyed nor rated before, and the customer has not
    rated any ticket in the last CSAT_MIN_DAYS days. Returns the Survey or None."""
    now = now or timezone.now()
    if (
        Survey.objects.filter(ticket=ticket).exists()
        or Rating.objects.filter(ticket=ticket).exists()
    ):
        return None
    if not _staff_replied(ticket):
        return None
    recent = now - timedelta(days=settings.CSAT_MIN_DAYS)
    if Rating.objects.filter(customer=ticket.customer_id, created_at__gte=recent).exists():
        return None
    survey = Survey.objects.create(
        ticket=ticket,
        customer_id=ticket.customer_id,
        department_id=ticket.department_id,
        priority=ticket.priority,
        assignee_id=ticket.assignee_id,
        sent_at=now,
    )
    notify.survey(ticket=ticket)
    return survey


def can_change(rating, now=None):
    now = now or timezone.now()
    return now - rating.created_at <= timedelta(days=settings.SLA_RATING_CHANGE_DAYS)


def record_rating(*, ticket, score, comment="", now=None):
    """Record (or change, within SLA_RATING_CHANGE_DAYS) the customer's rating of `ticket`,
    with the department, the assignee and the staff who replied as they are now. A Bad
    rating (new, or changed to Bad) emails the department's staff."""
    if score not in Rating.Score.values:
        raise ValueError(f"Unknown rating: {score!r}")
    now = now or timezone.now()
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        rating = Rating.objects.filter(ticket=locked).first()
        was_bad = rating is not None and rating.score == Rating.Score.BAD
        if rating is None:
            rating = Rating(ticket=locked, customer_id=locked.customer_id, created_at=now)
        elif not can_change(rating, now):
            raise RatingLocked
        rating.score = score
        rating.comment = comment.strip()
        rating.department_id = locked.department_id
        rating.assignee_id = locked.assignee_id
        rating.priority = locked.priority
        rating.updated_at = now
        rating.save()
        replied = (
            Message.objects.filter(ticket=locked, is_staff_reply=True, is_internal=False)
            .order_by()
            .values_list("author", flat=True)
            .distinct()
        )
        rating.replied_by.set(list(replied))
        Survey.objects.filter(ticket=locked, rated=False).update(rated=True)
        if score == Rating.Score.BAD and not was_bad:
            staff = access.handlers_of(locked.department_id)
            notify.bad_rating(ticket=locked, rating=rating, recipients=list(staff))
    return rating
