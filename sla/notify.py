"""Writing the emails of the service levels and the survey to the outbox, in the caller's
transaction."""

from notifications.outbox import queue

from .emails import BAD_RATING, BREACH_WARNING, SURVEY


def survey(*, ticket):
    return queue(SURVEY, recipients=[ticket.customer], ticket=ticket)


def bad_rating(*, ticket, rating, recipients):
    return queue(BAD_RATING, recipients=recipients, ticket=ticket)


def breach_warning(*, ticket, clock, stage, due_at, recipients):
    context = {"clock": str(clock), "stage": str(stage), "due_at": due_at.isoformat()}
    return queue(BREACH_WARNING, recipients=recipients, ticket=ticket, context=context)
