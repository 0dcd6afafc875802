"""Generated tickets for the benchmarks (bench/): N tickets, ~4 messages each, fast.

Runs after `seed_demo`. Rows are written with COPY on PostgreSQL and executemany on SQLite,
with ids assigned here so that messages can point at their tickets without reading them
back. The data is shaped like a helpdesk's history: tickets arrive at a steady rate, old
ones are closed, the recent few thousand are active; the demo customer gets 1,000 tickets
with a fixed mix of statuses and one thread of 20 messages; every ticket is in a department
of staff@example.com.
"""

import io
import random
import time
import uuid
from datetime import UTC, datetime

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction

from accounts.models import User
from bench.generate import DEMO_STATUS_MIX, TicketRows, number_generator
from services.models import Service
from tickets.models import Attachment, Message, Ticket, TicketEvent

DEMO_CUSTOMER = "customer@example.com"
DEMO_STAFF = "staff@example.com"
# Subject of the demo customer's ticket whose thread has 20 messages (bench/run.py finds it).
TWENTY_MESSAGES_SUBJECT = "Website slow after the migration to the new server"
# Generated customers can log in with this password, like the demo users.
PASSWORD = "netdigi-demo"  # noqa: S105 (documented benchmark password)


class Writer:
    """Appends rows to a table in big batches: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, batch_size):
        self.batch_size = batch_size
        self.postgres = connection.vendor == "postgresql"
        self.counts = {}

    def value(self, value):
        if self.postgres:
            if value is None:
                return "\\N"
            if value is True:
                return "t"
            if value is False:
                return "f"
            text = str(value)
            if "\\" in text or "\n" in text or "\t" in text or "\r" in text:
                text = (
                    text.replace("\\", "\\\\")
                    .replace("\n", "\\n")
                    .replace("\t", "\\t")
                    .replace("\r", "\\r")
                )
            return text
        if isinstance(value, bool):
            return int(value)
        return value

    def timestamp(self, seconds):
        moment = datetime.fromtimestamp(seconds, UTC)
        if self.postgres:
            return moment.isoformat(sep=" ")
        # Django keeps aware datetimes in SQLite as naive UTC text.
        return moment.replace(tzinfo=None).isoformat(sep=" ")

    def write(self, model, columns, rows):
        """Columns the generator does not know (fields added later) get their defaults."""
        table = model._meta.db_table
        extra_columns, extra_values = [], ()
        for field in model._meta.concrete_fields:
            if field.column in columns or field.primary_key:
                continue
            if not field.has_default() and not field.null:
                raise CommandError(f"{table}.{field.column} needs a value: update seed_bench.")
            extra_columns.append(field.column)
            extra_values += (field.get_db_prep_save(field.get_default(), connection),)
        columns = list(columns) + extra_columns
        batch = []
        for row in rows:
            batch.append(row + extra_values if extra_values else row)
            if len(batch) >= self.batch_size:
                self._flush(table, columns, batch)
                batch = []
        if batch:
            self._flush(table, columns, batch)

    def _flush(self, table, columns, batch):
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            if self.postgres:
                text = "".join("\t".join(map(self.value, row)) + "\n" for row in batch)
                sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
                raw = cursor.cursor
                if hasattr(raw, "copy_expert"):  # psycopg2
                    raw.copy_expert(sql, io.StringIO(text))
                else:  # psycopg 3
                    with raw.copy(sql) as copy:
                        copy.write(text)
            else:
                # Table and column names come from the models, never from input.
                marks = ", ".join(["%s"] * len(columns))
                name = connection.ops.quote_name(table)
                sql = f"INSERT INTO {name} ({quoted}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(sql, [tuple(map(self.value, row)) for row in batch])
        self.counts[table] = self.counts.get(table, 0) + len(batch)


def suspend_indexes(models):
    """Drop the secondary indexes, unique and foreign-key constraints of these PostgreSQL
    tables (in the caller's transaction) and return the statements that rebuild them."""
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype
            FROM pg_constraint
            WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')
            ORDER BY contype = 'f' DESC, conname
            """,
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid)
            FROM pg_index i
            WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c
                WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid
                  AND c.contype IN ('p', 'u', 'x'))
            ORDER BY 1
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition, _kind in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    restore = [definition for _name, definition in indexes]
    # Unique constraints first, foreign keys last (each checked once, in one pass).
    for table, name, definition, _kind in reversed(constraints):
        restore.append(
            f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
        )
    return restore


def next_id(model):
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


class Command(BaseCommand):
    help = "Add N generated tickets (with customers, services, messages) for the benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=10_000, help="tickets to add")
        parser.add_argument(
            "--customers", type=int, default=None, help="default: one per 20 tickets, 50 at least"
        )
        parser.add_argument("--messages", type=int, default=4, help="messages per ticket, mean")
        parser.add_argument(
            "--demo-tickets", type=int, default=1000, help=f"tickets of {DEMO_CUSTOMER}"
        )
        parser.add_argument(
            "--attachments", type=float, default=0.05, help="share of messages with a file"
        )
        parser.add_argument(
            "--per-day", type=int, default=550, help="tickets arriving per day (history length)"
        )
        parser.add_argument("--batch", type=int, default=50_000, help="rows per COPY/INSERT")
        parser.add_argument("--seed", type=int, default=7, help="random seed")

    def handle(self, *args, **options):
        started = time.monotonic()
        total = options["tickets"]
        if total < 1:
            raise CommandError("--tickets must be at least 1.")
        demo = User.objects.filter(email__iexact=DEMO_CUSTOMER).first()
        staff = User.objects.filter(email__iexact=DEMO_STAFF).first()
        if demo is None or staff is None:
            raise CommandError("Run `manage.py seed_demo` first: the demo users are missing.")
        departments = list(staff.departments.order_by("pk").values_list("pk", flat=True))
        if not departments:
            raise CommandError(f"{DEMO_STAFF} belongs to no department.")
        demo_services = list(demo.services.order_by("pk").values_list("pk", flat=True))
        demo_count = min(options["demo_tickets"], total)
        customers = options["customers"] or max(50, total // 20)
        rng = random.Random(options["seed"])
        writer = Writer(options["batch"])

        with transaction.atomic():
            restore = []
            if writer.postgres:
                # Check foreign keys row by row instead of queueing millions of deferred checks,
                # and build the big tables' indexes once at the end instead of row by row.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                restore = suspend_indexes([Ticket, Message, Attachment, TicketEvent])
            first_user = next_id(User)
            first_service = next_id(Service)
            self._customers(writer, rng, first_user, customers)
            self._services(writer, rng, first_user, first_service, customers)
            self.stdout.write(f"  customers and services: {time.monotonic() - started:.1f} s")
            taken = set(Ticket.objects.values_list("number", flat=True).iterator(10_000))
            rows = TicketRows(
                writer=writer,
                rng=rng,
                total=total,
                demo_count=demo_count,
                demo_id=demo.pk,
                demo_services=demo_services,
                staff_id=staff.pk,
                departments=departments,
                first_customer=first_user,
                customers=customers,
                first_service=first_service,
                numbers=number_generator(rng, taken),
                first_ticket=next_id(Ticket),
                first_message=next_id(Message),
                mean_messages=options["messages"],
                attachment_share=options["attachments"],
                per_day=options["per_day"],
                now=time.time(),
                twenty_subject=TWENTY_MESSAGES_SUBJECT,
            )
            writer.write(Ticket, TicketRows.TICKET_COLUMNS, rows.tickets())
            self.stdout.write(f"  tickets: {time.monotonic() - started:.1f} s")
            writer.write(Message, TicketRows.MESSAGE_COLUMNS, rows.messages())
            self.stdout.write(f"  messages: {time.monotonic() - started:.1f} s")
            writer.write(Attachment, TicketRows.ATTACHMENT_COLUMNS, rows.attachments())
            writer.write(TicketEvent, TicketRows.EVENT_COLUMNS, rows.events())
            self.stdout.write(f"  attachments and events: {time.monotonic() - started:.1f} s")
            if restore:
                with connection.cursor() as cursor:
                    for sql in restore:
                        cursor.execute(sql)
                self.stdout.write(f"  indexes and constraints: {time.monotonic() - started:.1f} s")
            self._reset_sequences()
        if writer.postgres:
            # The tables as autovacuum keeps a database that has lived for years: fresh
            # statistics for the planner, and the visibility map set, so that the lists read
            # from an index alone (index-only scans) do so as they would in production.
            # (VACUUM cannot run inside a transaction, as when a test calls the command.)
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            with connection.cursor() as cursor:
                for model in (User, Service, Ticket, Message, Attachment, TicketEvent):
                    cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
            self.stdout.write(f"  vacuum and analyze: {time.monotonic() - started:.1f} s")

        elapsed = time.monotonic() - started
        made = ", ".join(f"{count:,} {table}" for table, count in writer.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Made {made} in {elapsed:.1f} s."))
        self.stdout.write(
            f"{DEMO_CUSTOMER} has {demo_count:,} of them "
            f"({', '.join(f'{s}: {share:.0%}' for s, share in DEMO_STATUS_MIX)}); "
            f'"{TWENTY_MESSAGES_SUBJECT}" is #{rows.twenty_number} with 20 messages. '
            f"Generated customers log in with {PASSWORD}."
        )

    def _customers(self, writer, rng, first_id, count):
        password = make_password(PASSWORD)
        joined = writer.timestamp(time.time() - 5 * 365 * 86400)
        run = uuid.UUID(int=rng.getrandbits(128)).hex[:6]
        columns = ["id", "password", "is_superuser", "email", "name", "language"]
        columns += ["is_staff", "is_active", "date_joined"]
        rows = (
            (
                first_id + i,
                password,
                False,
                f"bench{run}-{i}@example.net",
                f"Customer {run} {i}",
                "id" if i % 3 == 0 else "en",
                False,
                True,
                joined,
            )
            for i in range(count)
        )
        writer.write(User, columns, rows)

    def _services(self, writer, rng, first_user, first_service, customers):
        """Two services a customer: a hosting plan and its domain (ids first_service + 2k, +1)."""
        created = writer.timestamp(time.time() - 4 * 365 * 86400)
        columns = ["id", "owner_id", "kind", "product_name", "domain", "status"]
        columns += ["next_due_date", "created_at", "server"]

        def rows():
            for i in range(customers):
                domain = f"site{first_user + i}.co.id"
                due = f"2027-{1 + i % 12:02d}-{1 + i % 28:02d}"
                # A few hundred customers a hosting server; domains run on no server.
                server = f"sg-web-{(first_user + i) % 500:03d}"
                yield (first_service + 2 * i, first_user + i, "hosting", "Cloud Hosting Business",
                       domain, "active", due, created, server)  # fmt: skip
                yield (first_service + 2 * i + 1, first_user + i, "domain", "Domain registration",
                       domain, "active", due, created, "")  # fmt: skip

        writer.write(Service, columns, rows())

    def _reset_sequences(self):
        models = [User, Service, Ticket, Message, Attachment, TicketEvent]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
