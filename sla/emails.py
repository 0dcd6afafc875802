"""The emails of the service levels and the satisfaction survey, registered with the
outbox. They are ticket emails: they thread with the ticket's other mails."""

from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from notifications.kinds import register
from tickets.emails import TicketEmailKind

from . import links
from .models import BreachWarning, Rating

SURVEY = "csat_survey"
BAD_RATING = "csat_bad_rating"
BREACH_WARNING = "sla_warning"


class SurveyEmail(TicketEmailKind):
    """ "How did we do?" with one link per choice (each opens the pre-selected form)."""

    def context(self, notification):
        context = super().context(notification)
        ticket = notification.ticket
        context["choices"] = [
            (label, links.rate_url(ticket, value)) for value, label in Rating.Score.choices
        ]
        context["reopen_url"] = context["ticket_url"] + "#reply-heading"
        return context


class BadRatingEmail(TicketEmailKind):
    def context(self, notification):
        context = super().context(notification)
        context["rating"] = Rating.objects.filter(ticket=notification.ticket_id).first()
        return context


class BreachWarningEmail(TicketEmailKind):
    def context(self, notification):
        context = super().context(notification)
        data = notification.context or {}
        due_at = parse_datetime(data.get("due_at", "") or "")
        context.update(
            clock=data.get("clock"),
            stage=data.get("stage"),
            breached=data.get("stage") == BreachWarning.Stage.BREACHED,
            first_response=data.get("clock") == BreachWarning.Clock.FIRST_RESPONSE,
            due_at=due_at,
            warning_minutes=settings.SLA_WARNING_MINUTES,
        )
        return context


KINDS = (
    SurveyEmail(SURVEY, _("Satisfaction survey (to the customer)")),
    BadRatingEmail(BAD_RATING, _("Bad rating (to staff)"), for_staff=True),
    BreachWarningEmail(BREACH_WARNING, _("Service level warning (to staff)"), for_staff=True),
)


def register_kinds():
    register(*KINDS)
