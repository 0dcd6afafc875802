"""Recompute the stored clocks and report figures from the tickets' histories.

manage.py sla_refresh            # the active tickets (after an outage of the workers)
manage.py sla_refresh --all      # every ticket (after installing, or a policy change
                                 # that should apply to past reports)
"""

import time

from django.core.management.base import BaseCommand

from sla import rollups, store
from tickets.models import ACTIVE_STATUSES, Ticket


class Command(BaseCommand):
    help = "Recompute the service level clocks and report figures from ticket history."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="every ticket, closed ones too")
        parser.add_argument("--batch", type=int, default=2000, help="tickets per batch")
        parser.add_argument(
            "--rollups-only", action="store_true", help="only rebuild the daily rollups"
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        if options["rollups_only"]:
            rows = rollups.rebuild()
            elapsed = time.monotonic() - started
            self.stdout.write(self.style.SUCCESS(f"{rows:,} daily rollup rows in {elapsed:.1f} s."))
            return
        tickets = Ticket.objects.order_by("pk")
        if not options["all"]:
            tickets = tickets.filter(status__in=ACTIVE_STATUSES)
        batch = max(1, options["batch"])
        done = 0
        last = 0
        while True:
            ids = list(tickets.filter(pk__gt=last).values_list("pk", flat=True)[:batch])
            if not ids:
                break
            store.refresh(ids, roll_up=not options["all"])
            done += len(ids)
            last = ids[-1]
            if done % (batch * 50) == 0:
                self.stdout.write(f"  {done:,} tickets, {time.monotonic() - started:.0f} s")
        if options["all"]:
            rows = rollups.rebuild()
            self.stdout.write(f"  {rows:,} daily rollup rows")
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Recomputed {done:,} tickets in {elapsed:.1f} s."))
