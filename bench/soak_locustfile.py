"""The soak's users (Locust), driven by bench/soak.py: customers and staff of the Member
Area, each request sent to any of the web hosts (SOAK_HOSTS), as a load balancer would.

Customers: dashboard, Support > Tickets, a ticket page with its files, a new ticket with a
file, a reply. Staff: the department queue, a ticket page, a reply. Every post the app
accepted is written down (its form token) for the soak to find in the database afterwards.
"""

import base64
import itertools
import json
import os
import random
import re
import uuid

from locust import HttpUser, between, events, task

HOSTS = os.environ["SOAK_HOSTS"].split(",")
TOTP_SECRET = os.environ["SOAK_TOTP_SECRET"]


def _code():
    from django_otp.oath import totp

    return f"{totp(base64.b32decode(TOTP_SECRET)):06d}"


PASSWORD = os.environ["SOAK_PASSWORD"]
DEPARTMENT = "technical-support"
CUSTOMERS = itertools.count(1)
STAFF = itertools.count(1)
ACCEPTED = []

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CUSTOMER_TICKET = re.compile(r'href="/support/tickets/(\d+)/"')
STAFF_TICKET = re.compile(r'href="/staff/tickets/(\d+)/"')
FILE = re.compile(r'href="(/support/attachments/\d+/)"')
THUMBNAIL = re.compile(r'src="(/support/attachments/\d+/thumbnail/)"')

LOG = b"[error] upstream timed out (110: Connection timed out) while reading\n" * 300
# A 96 x 64 PNG, made once (Pillow is not needed by the load generator).
PNG = bytes.fromhex(os.environ["SOAK_PNG_HEX"])


@events.quitting.add_listener
def _write_accepted(environment, **kwargs):
    with open(os.environ["SOAK_ACCEPTED"], "w") as out:
        json.dump(ACCEPTED, out)


class MemberAreaUser(HttpUser):
    abstract = True
    login_as = None

    def url(self, path):
        return random.choice(HOSTS) + path

    def get(self, path, name):
        return self.client.get(self.url(path), name=name)

    def on_start(self):
        page = self.get("/accounts/login/", "login form").text
        response = self.client.post(
            self.url("/accounts/login/"),
            {"csrfmiddlewaretoken": _csrf(page), "username": self.email, "password": PASSWORD},
            name="login",
        )
        if "/login/" in response.url:
            raise RuntimeError(f"{self.email} could not log in")
        if "/two-factor/verify/" in response.url:
            # Staff: the code of the demo authenticator each of them has (bench/soak.py).
            response = self.client.post(
                response.url,
                {"csrfmiddlewaretoken": _csrf(response.text), "code": _code()},
                name="second factor",
            )
            if "/two-factor/" in response.url:
                raise RuntimeError(f"{self.email}: the code was refused")

    def post(self, path, fields, name, files=None, expect=""):
        """POST a form; accepted when the app redirects to a page saying `expect`."""
        with self.client.post(
            self.url(path), data=fields, files=files, name=name, catch_response=True
        ) as response:
            if response.status_code == 200 and response.history and expect in response.text:
                ACCEPTED.append({"kind": name, "token": fields["submission_token"]})
                response.success()
            else:
                response.failure(f"not accepted: {response.status_code}")
            return response


class Customer(MemberAreaUser):
    weight = 4
    wait_time = between(3, 9)

    def on_start(self):
        self.email = f"soak-customer-{next(CUSTOMERS)}@example.com"
        super().on_start()
        self.tickets = CUSTOMER_TICKET.findall(self.get("/support/tickets/", "list").text)

    @task(3)
    def dashboard(self):
        self.get("/", "dashboard")

    @task(3)
    def ticket_list(self):
        page = self.get("/support/tickets/?status=all", "list").text
        self.tickets = CUSTOMER_TICKET.findall(page) or self.tickets

    @task(3)
    def ticket_with_files(self):
        if not self.tickets:
            return
        page = self.get(f"/support/tickets/{random.choice(self.tickets)}/", "ticket page").text
        files = FILE.findall(page)
        if files:
            self.get(random.choice(files), "attachment")
        thumbnails = THUMBNAIL.findall(page)
        if thumbnails:
            self.get(random.choice(thumbnails), "thumbnail")

    @task(1)
    def open_ticket_with_a_file(self):
        form = f"/support/tickets/new/{DEPARTMENT}/"
        page = self.get(form, "open form").text
        attachment = random.choice(
            [("nginx-error.log", LOG, "text/plain"), ("screen.png", PNG, "image/png")]
        )
        response = self.post(
            form,
            {
                "csrfmiddlewaretoken": _csrf(page),
                "submission_token": str(uuid.uuid4()),
                "subject": "Website slow since this morning",
                "service": "",
                "priority": random.choice(["low", "medium", "high"]),
                "body": "Pages take 20 seconds to load. The log is attached.",
            },
            "open ticket with a file",
            files={"attachments": attachment},
            expect="has been opened",
        )
        number = re.search(r"/support/tickets/(\d+)/", response.url or "")
        if number:
            self.tickets.append(number.group(1))

    @task(2)
    def reply(self):
        if not self.tickets:
            return
        number = random.choice(self.tickets)
        page = self.get(f"/support/tickets/{number}/", "ticket page").text
        self.post(
            f"/support/tickets/{number}/reply/",
            {
                "csrfmiddlewaretoken": _csrf(page),
                "submission_token": str(uuid.uuid4()),
                "body": "Still slow, any news? I cleared the cache as you said.",
            },
            "reply",
            expect="Your reply has been sent",
        )


class Staff(MemberAreaUser):
    weight = 1
    wait_time = between(3, 9)

    def on_start(self):
        self.email = f"soak-staff-{next(STAFF)}@netdigi.test"
        super().on_start()
        self.tickets = []

    @task(3)
    def queue(self):
        page = self.get(f"/staff/queues/{DEPARTMENT}/", "staff queue").text
        self.tickets = STAFF_TICKET.findall(page) or self.tickets

    @task(3)
    def ticket_page(self):
        if self.tickets:
            self.get(f"/staff/tickets/{random.choice(self.tickets)}/", "staff ticket page")

    @task(1)
    def reply(self):
        if not self.tickets:
            return
        number = random.choice(self.tickets)
        page = self.get(f"/staff/tickets/{number}/", "staff ticket page").text
        self.post(
            f"/staff/tickets/{number}/reply/",
            {
                "csrfmiddlewaretoken": _csrf(page),
                "submission_token": str(uuid.uuid4()),
                "body": "We moved your site to a faster server; please check again.",
                "status": "",
            },
            "staff reply",
            expect="Reply sent to the customer",
        )


def _csrf(page):
    match = CSRF.search(page)
    if not match:
        raise RuntimeError("no CSRF token in the page")
    return match.group(1)
