"""Demo users, services, tickets and predefined replies for trying the Member Area.
Safe to run again: what exists is kept."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from notifications.models import Notification
from services.models import Service
from tickets import actions
from tickets.models import CannedResponse, Department, Ticket

PASSWORD = "netdigi-demo"  # noqa: S105 (the documented demo password)


class Command(BaseCommand):
    help = "Create the demo customers, staff and services (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        customer = self._user("customer@example.com", "Budi Santoso")
        other = self._user("other@example.com", "Siti Rahayu")
        staff = self._user("staff@example.com", "Dewi Staff", is_staff=True)
        billing = self._user("billing@example.com", "Agus Billing", is_staff=True)
        self._user("admin@example.com", "Admin Netdigi", is_staff=True, is_superuser=True)

        for department in Department.objects.all():
            department.staff.add(staff)
        for department in Department.objects.filter(slug="billing-payments"):
            department.staff.add(billing)

        today = date.today()
        for owner, domain in ((customer, "budi-store.co.id"), (other, "siti-catering.com")):
            Service.objects.get_or_create(
                owner=owner,
                kind=Service.Kind.HOSTING,
                domain=domain,
                defaults={
                    "product_name": "Cloud Hosting Business",
                    "status": Service.Status.ACTIVE,
                    "next_due_date": today + timedelta(days=200),
                },
            )
            Service.objects.get_or_create(
                owner=owner,
                kind=Service.Kind.DOMAIN,
                domain=domain,
                defaults={
                    "product_name": "Domain registration",
                    "status": Service.Status.ACTIVE,
                    "next_due_date": today + timedelta(days=320),
                },
            )

        self._canned_responses()
        self._tickets(customer, other, staff)

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
        the ticket actions, like real ones; their emails are marked sent, not mailed."""
        departments = {d.slug: d for d in Department.objects.all()}
        technical = departments.get("technical-support")
        billing = departments.get("billing-payments")
        sales = departments.get("sales-marketing")
        if not (technical and billing and sales):
            return
        hosting = customer.services.filter(kind=Service.Kind.HOSTING).first()

        created_ids = []

        def ticket(owner, department, subject, body, **kwargs):
            existing = owner.tickets.filter(subject=subject).first()
            if existing:
                return existing, False
            opened = actions.open_ticket(
                customer=owner, department=department, subject=subject, body=body, **kwargs
            )
            created_ids.append(opened.pk)
            return opened, True

        ticket(
            customer,
            technical,
            "Website budi-store.co.id Error 500 Internal Server",
            'Since this morning my shop shows "500 Internal Server Error" on every page.\n'
            "I updated a WooCommerce plugin yesterday evening before it happened.",
            priority=Ticket.Priority.HIGH,
            service=hosting,
        )

        mail, created = ticket(
            customer,
            technical,
            "Email info@budi-store.co.id cannot receive mail",
            "Customers say their emails to info@budi-store.co.id bounce.",
            service=hosting,
        )
        if created:
            actions.add_reply(
                ticket=mail,
                author=staff,
                body="Hello Budi,\n\nCould you forward one of the bounce messages to us?",
            )
            actions.add_reply(
                ticket=mail,
                author=customer,
                body="Here is the bounce text: 552 5.2.2 Mailbox full.",
            )

        invoice, created = ticket(
            customer,
            billing,
            "Invoice INV-2291 was paid twice",
            "I paid invoice INV-2291 twice by bank transfer. Please refund one payment.",
        )
        if created:
            actions.add_reply(
                ticket=invoice,
                author=staff,
                body="Hello Budi,\n\nWe found the double payment and refunded one of them.",
            )

        upgrade, created = ticket(
            customer,
            sales,
            "Quote for an upgrade to a VPS",
            "My shop is growing; what would a VPS with 4 GB of RAM cost?",
            priority=Ticket.Priority.LOW,
        )
        if created:
            actions.add_reply(
                ticket=upgrade,
                author=staff,
                body="Waiting for the new VPS price list from management before quoting.",
                internal=True,
                new_status=Ticket.Status.ON_HOLD,
            )

        dns, created = ticket(
            customer,
            technical,
            "DNS change for budi-store.co.id",
            "Please point www.budi-store.co.id to 203.0.113.10.",
            service=hosting,
        )
        if created:
            actions.add_reply(ticket=dns, author=staff, body="Done; the change is live.")
            actions.close_ticket(ticket=dns, by=customer)

        ticket(
            other,
            billing,
            "Payment confirmation for invoice INV-3107",
            "I transferred the payment for INV-3107 today; the receipt is attached.",
        )
        # The demo's history is news to nobody: its emails are dropped, not sent.
        Notification.objects.filter(ticket__in=created_ids).delete()
