"""Demo users and services for trying the Member Area. Safe to run again."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from services.models import Service
from tickets.models import Department

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
