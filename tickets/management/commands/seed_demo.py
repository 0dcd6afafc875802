"""Demo users, services, tickets and predefined replies for trying the Member Area.
Safe to run again: what exists is kept."""

from datetime import date, timedelta

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F

from accounts.models import User
from notifications.models import Notification
from services.models import Service
from tickets import actions
from tickets.models import CannedResponse, Department, Ticket
from twofactor.demo import DEMO_TOTP_SECRET, enrol_demo_authenticator

PASSWORD = "netdigi-demo"  # noqa: S105 (the documented demo password)


class Command(BaseCommand):
    help = "Create the demo customers, staff and services (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (it sets the demo password on the demo accounts, "
            "a superuser among them).",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            # On a real installation this would (re)set a known password on a superuser.
            raise CommandError(
                "seed_demo sets the documented demo password on demo accounts, a superuser "
                "among them: it runs only with DEBUG on. Use --force to run it anyway."
            )
        customer = self._user("customer@example.com", "Budi Santoso")
        other = self._user("other@example.com", "Siti Rahayu")
        staff = self._user("staff@example.com", "Dewi Staff", is_staff=True)
        billing = self._user("billing@example.com", "Agus Billing", is_staff=True)
        admin = self._user("admin@example.com", "Admin Netdigi", is_staff=True, is_superuser=True)
        for user in (staff, billing, admin):
            enrol_demo_authenticator(user)

        for department in Department.objects.all():
            department.staff.add(staff)
        for department in Department.objects.filter(slug="billing-payments"):
            department.staff.add(billing)

        today = date.today()
        servers = {customer: "sg-web-03", other: "sg-web-05"}
        for owner, domain in ((customer, "budi-store.co.id"), (other, "siti-catering.com")):
            hosting, _ = Service.objects.get_or_create(
                owner=owner,
                kind=Service.Kind.HOSTING,
                domain=domain,
                defaults={
                    "product_name": "Cloud Hosting Business",
                    "status": Service.Status.ACTIVE,
                    "next_due_date": today + timedelta(days=200),
                },
            )
            if not hosting.server:
                hosting.server = servers[owner]
                hosting.save(update_fields=["server"])
            Service.objects.get_or_create(
                owner=owner,
                kind=Service.Kind.DOMAIN,
                domain=domain,
                defaults={
                    "product_name": "Domain registration",
                    "status": Service.Status.ACTIVE,
                    "next_due_date": today + timedelta(days=320),
                    "domain_expiry": today + timedelta(days=320),
                },
            )

        self._canned_responses()
        self._tickets(customer, other, staff)
        # Apps built on the tickets add their own demo data (knowledgebase articles, the
        # network incidents).
        for app in apps.get_app_configs():
            if hasattr(app, "seed_demo"):
                app.seed_demo()

        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at /accounts/login/ with:"))
        rows = [
            ("customer@example.com", "customer"),
            ("other@example.com", "second customer"),
            ("staff@example.com", "staff, all departments, admin access"),
            ("billing@example.com", "staff, Billing & Payments only"),
            ("admin@example.com", "superuser"),
        ]
        for email, role in rows:
            self.stdout.write(f"  {email:<24} {PASSWORD}   ({role})")
        self.stdout.write(
            f"Staff and admin also give a code (two-factor sign-in): add the TOTP secret "
            f"{DEMO_TOTP_SECRET} to an authenticator app, or run "
            f"`oathtool --totp -b {DEMO_TOTP_SECRET}`. Customers have no second factor."
        )
        self.stdout.write(
            "Staff work the department queues at /staff/. Without Celery beat, run "
            "`make autoclose` (or cron `manage.py autoclose_tickets`) to close tickets left "
            "Answered for TICKET_AUTOCLOSE_HOURS."
        )

    def _user(self, email, name, is_staff=False, is_superuser=False):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(email=email)
        user.name = name
        user.is_staff = is_staff
        user.is_superuser = is_superuser
        user.is_active = True
        user.set_password(PASSWORD)
        user.save()
        return user

    def _canned_responses(self):
        departments = {d.slug: d for d in Department.objects.all()}
        replies = [
            (
                None,
                "Thanks, we are looking into it",
                "Hello {customer_name},\n\nThank you for contacting Netdigi Support. We are "
                "looking into ticket {ticket_number} and will get back to you shortly.\n\n"
                "Regards,\n{staff_name}",
            ),
            (
                "technical-support",
                "Error 500: fixed after a PHP memory increase",
                "Hello {customer_name},\n\nThe Error 500 came from PHP running out of memory. "
                "We raised memory_limit to 256M for your site and it loads again. Please "
                "check it and reply if anything still looks wrong.\n\nRegards,\n{staff_name}",
            ),
            (
                "technical-support",
                "Email: mailbox quota full",
                "Hello {customer_name},\n\nYour mailbox has reached its quota, so new mail is "
                "refused. Delete old messages or ask us to raise the quota.\n\n"
                "Regards,\n{staff_name}",
            ),
            (
                "billing-payments",
                "Payment received",
                "Hello {customer_name},\n\nWe have received your payment and your invoice is "
                "now marked paid. Thank you!\n\nRegards,\n{staff_name}",
            ),
        ]
        for slug, title, body in replies:
            department = departments.get(slug) if slug else None
            if slug and department is None:
                continue
            CannedResponse.objects.get_or_create(
                title=title, defaults={"body": body, "department": department}
            )

    def _tickets(self, customer, other, staff):
        """A few tickets in different states so the queues are not empty. Created through
        the ticket actions, like real ones, then moved back in time so that the queues show
        waiting times (the answered invoice is old enough for `make autoclose`)."""
        departments = {d.slug: d for d in Department.objects.all()}
        technical = departments.get("technical-support")
        billing = departments.get("billing-payments")
        sales = departments.get("sales-marketing")
        if not (technical and billing and sales):
            return
        hosting = customer.services.filter(kind=Service.Kind.HOSTING).first()
        created = []

        def ticket(owner, department, subject, body, age, **kwargs):
            """Open the ticket unless it exists; None when it exists."""
            if owner.tickets.filter(subject=subject).exists():
                return None
            opened = actions.open_ticket(
                customer=owner, department=department, subject=subject, body=body, **kwargs
            )
            created.append(opened)
            backdate(opened, age)
            return opened

        def backdate(ticket, age):
            """Move everything that happened on `ticket` so far `age` into the past."""
            shifted = {
                name: F(name) - age
                for name in ("created_at", "updated_at", "last_reply_at", "waiting_since")
            }
            Ticket.objects.filter(pk=ticket.pk).update(**shifted, closed_at=F("closed_at") - age)
            ticket.messages.update(created_at=F("created_at") - age)
            ticket.events.update(created_at=F("created_at") - age)

        hour = timedelta(hours=1)
        ticket(
            customer,
            technical,
            "Website budi-store.co.id Error 500 Internal Server",
            'Since this morning my shop shows "500 Internal Server Error" on every page.\n'
            "I updated a WooCommerce plugin yesterday evening before it happened.",
            age=timedelta(minutes=47),
            priority=Ticket.Priority.HIGH,
            service=hosting,
        )

        mail = ticket(
            customer,
            technical,
            "Email info@budi-store.co.id cannot receive mail",
            "Customers say their emails to info@budi-store.co.id bounce.",
            age=6 * hour,
            service=hosting,
        )
        if mail:
            actions.add_reply(
                ticket=mail,
                author=staff,
                body="Hello Budi,\n\nCould you forward one of the bounce messages to us?",
            )
            backdate(mail, timedelta(hours=16, minutes=48))
            actions.add_reply(
                ticket=mail,
                author=customer,
                body="Here is the bounce text: 552 5.2.2 Mailbox full.",
            )
            backdate(mail, timedelta(hours=3, minutes=12))

        invoice = ticket(
            customer,
            billing,
            "Invoice INV-2291 was paid twice",
            "I paid invoice INV-2291 twice by bank transfer. Please refund one payment.",
            age=20 * hour,
        )
        if invoice:
            actions.add_reply(
                ticket=invoice,
                author=staff,
                body="Hello Budi,\n\nWe found the double payment and refunded one of them.",
            )
            backdate(invoice, 80 * hour)

        upgrade = ticket(
            customer,
            sales,
            "Quote for an upgrade to a VPS",
            "My shop is growing; what would a VPS with 4 GB of RAM cost?",
            age=24 * hour,
            priority=Ticket.Priority.LOW,
        )
        if upgrade:
            actions.add_reply(
                ticket=upgrade,
                author=staff,
                body="Waiting for the new VPS price list from management before quoting.",
                internal=True,
                new_status=Ticket.Status.ON_HOLD,
            )
            backdate(upgrade, 22 * hour)

        dns = ticket(
            customer,
            technical,
            "DNS change for budi-store.co.id",
            "Please point www.budi-store.co.id to 203.0.113.10.",
            age=5 * hour,
            service=hosting,
        )
        if dns:
            actions.add_reply(ticket=dns, author=staff, body="Done; the change is live.")
            actions.close_ticket(ticket=dns, by=customer)
            backdate(dns, 9 * 24 * hour)

        ticket(
            other,
            billing,
            "Payment confirmation for invoice INV-3107",
            "I transferred the payment for INV-3107 today; the receipt is attached.",
            age=5 * hour,
        )
        # The demo's history is news to nobody: its emails are dropped, not sent.
        Notification.objects.filter(ticket__in=created).delete()
