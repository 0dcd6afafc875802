"""Run by test_production_settings.py in a process of its own, with production settings:
sets up a database, asks the pages a browser would, and prints every answer's status,
headers and cookies as JSON. Not a test module (pytest collects test_*.py only)."""

import json
import sys

import django

HOST = "member.netdigi.co.id"


def main():
    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import User
    from tests.factories import png_bytes
    from tests.second_factor import pass_second_factor
    from tickets import actions
    from tickets.models import Department
    from tickets.uploads import check_upload

    call_command("migrate", verbosity=0, interactive=False)
    password = "a-long-probe-passphrase"
    User.objects.create_user("alice@example.com", password, name="Alice")
    sam = User.objects.create_user("sam@netdigi.test", password, is_staff=True)
    User.objects.create_superuser("root@netdigi.test", password)
    technical = Department.objects.get(slug="technical-support")
    technical.staff.add(sam)
    alice = User.objects.get(email="alice@example.com")
    upload = SimpleUploadedFile("shot.png", png_bytes(), content_type="image/png")
    ticket = actions.open_ticket(
        customer=alice,
        department=technical,
        subject="Error 500",
        body="Since this morning.",
        files=[check_upload(upload)],
    )
    attachment = ticket.messages.get().attachments.get()

    answers = {}

    def record(name, response):
        cookies = {
            key: {
                "secure": bool(morsel["secure"]),
                "httponly": bool(morsel["httponly"]),
                "samesite": morsel["samesite"],
                # Logout answers with an empty, expired cookie that deletes the session's.
                "deleted": morsel.value == "" and str(morsel["max-age"]) == "0",
            }
            for key, morsel in response.cookies.items()
        }
        answers[name] = {
            "status": response.status_code,
            "headers": dict(response.headers.items()),
            "cookies": cookies,
        }

    def client():
        return Client(HTTP_HOST=HOST)

    anonymous = client()
    record("http login page", anonymous.get("/accounts/login/"))
    record("http health check", anonymous.get("/healthz"))
    record("login page", anonymous.get("/accounts/login/", secure=True))
    record(
        "login",
        anonymous.post(
            "/accounts/login/",
            {"username": "alice@example.com", "password": password},
            secure=True,
        ),
    )
    record("dashboard", anonymous.get("/", secure=True))
    record("ticket list", anonymous.get("/support/tickets/", secure=True))
    record(
        "open ticket form", anonymous.get("/support/tickets/new/technical-support/", secure=True)
    )
    record("ticket page", anonymous.get(ticket.get_absolute_url(), secure=True))
    record("attachment", anonymous.get(attachment.get_absolute_url(), secure=True))
    record("thumbnail", anonymous.get(attachment.get_thumbnail_url(), secure=True))
    record("language", anonymous.post("/i18n/setlang/", {"language": "id"}, secure=True))
    record("missing page", anonymous.get("/support/tickets/999999999/", secure=True))
    record("logout", anonymous.post("/accounts/logout/", secure=True))

    staff = client()
    staff.force_login(sam)
    record("staff queues before the second factor", staff.get("/staff/", secure=True))
    record("second factor enrolment", staff.get("/accounts/two-factor/setup/", secure=True))
    pass_second_factor(staff, sam)
    record("staff queues", staff.get("/staff/", secure=True))
    record("staff ticket page", staff.get(ticket.get_staff_url(), secure=True))

    admin = client()
    admin.force_login(User.objects.get(email="root@netdigi.test"))
    pass_second_factor(admin, User.objects.get(email="root@netdigi.test"))
    record("admin index", admin.get("/admin/", secure=True))
    record("admin ticket", admin.get(f"/admin/tickets/ticket/{ticket.pk}/change/", secure=True))
    record("admin login page", client().get("/admin/login/", secure=True))

    settings_seen = {
        "EMAIL_TIMEOUT": settings.EMAIL_TIMEOUT,
        "DEBUG": settings.DEBUG,
    }
    json.dump({"answers": answers, "settings": settings_seen}, sys.stdout)


if __name__ == "__main__":
    main()
