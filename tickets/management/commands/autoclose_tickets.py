"""One auto-close pass, for set-ups without Celery beat (the embedded default): run it
from cron, e.g. every 10 minutes, or by hand with `make autoclose`."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from tickets.actions import autoclose_stale_tickets


class Command(BaseCommand):
    help = (
        'Close tickets that stayed "Answered" without a customer reply for '
        "TICKET_AUTOCLOSE_HOURS and email their customers."
    )

    def handle(self, *args, **options):
        hours = settings.TICKET_AUTOCLOSE_HOURS
        if hours <= 0:
            self.stdout.write(_("Auto-close is off (TICKET_AUTOCLOSE_HOURS=0)."))
            return
        closed = autoclose_stale_tickets()
        # Each pass takes a bounded batch; keep going until nothing is left.
        total = list(closed)
        while closed:
            closed = autoclose_stale_tickets()
            total += closed
        message = _("Closed %(count)d ticket(s) answered more than %(hours)d hours ago.") % {
            "count": len(total),
            "hours": hours,
        }
        if total:
            message += " " + ", ".join(f"#{number}" for number in total)
        self.stdout.write(self.style.SUCCESS(message))
