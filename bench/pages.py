"""The pages of issue 7, as requests that wrk can repeat: who asks, what, and what answer
counts as success. Built from the seeded data of the database under test."""

import math
import os
import urllib.parse
from dataclasses import dataclass, field

from bench.load import multipart

TWENTY_MESSAGES_SUBJECT = "Website slow after the migration to the new server"
DEPARTMENT = "technical-support"


def year_report():
    """The reports page over the longest period it allows (366 days up to today)."""
    import datetime

    today = datetime.date.today()
    start = today - datetime.timedelta(days=365)
    return f"start={start.isoformat()}&end={today.isoformat()}"


YEAR_REPORT = year_report()


@dataclass
class Page:
    name: str
    user: str  # anonymous, customer, staff or admin
    paths: list
    kind: str = "read"  # read, write or ceiling
    method: str = "GET"
    body: bytes = None
    content_type: str = None
    expect: int = 200
    requests: int = None  # default: the run's --requests
    note: str = ""
    extra: dict = field(default_factory=dict)


def ticket_form(csrf, subject):
    return [
        ("csrfmiddlewaretoken", csrf),
        ("subject", subject),
        ("service", ""),
        ("priority", "medium"),
        ("body", "Since this morning our website answers 500 Internal Server Error.\n" * 5),
    ]


def one_megabyte_pdf():
    # A PDF header and 1 MiB of incompressible bytes: passes the content check, like a scan.
    # Without a "/" the bytes hold no PDF name, so chance can never spell one the script
    # check refuses ("/JS" alone turns up in about one random megabyte in sixteen).
    return b"%PDF-1.4\n" + os.urandom(1024 * 1024 - 9).replace(b"/", b"!")


def build(data, csrf, requests):
    """`data`: what bench/run.py read from the database (numbers, ids, counts)."""
    per_page = data["per_page"]
    deep = max(1, math.ceil(data["demo_tickets"] / per_page))
    open_path = f"/support/tickets/new/{DEPARTMENT}/"
    plain = urllib.parse.urlencode(ticket_form(csrf, "Bench ticket") + [("submission_token", "")])
    # The form token differs on every request: a repeated one would return the first ticket.
    plain_body = plain.replace("submission_token=", "submission_token=@@TOKEN@@").encode()
    file_body, file_type = multipart(
        ticket_form(csrf, "Bench ticket with attachment"),
        files=[("attachments", "scan.pdf", "application/pdf", one_megabyte_pdf())],
    )
    reply = urllib.parse.urlencode(
        [("csrfmiddlewaretoken", csrf), ("body", "Thank you, I will check and come back.")]
    )
    reply_body = (reply + "&submission_token=@@TOKEN@@").encode()
    form_type = "application/x-www-form-urlencoded"
    twenty = data["twenty_number"]
    return [
        Page("bare Django view (ceiling)", "customer", ["/__bench__/bare/"], kind="ceiling"),
        Page("login page", "anonymous", ["/accounts/login/"]),
        Page("dashboard", "customer", ["/"]),
        Page("Support > Tickets, first page", "customer", ["/support/tickets/"]),
        Page(
            "Support > Tickets, deep page",
            "customer",
            [f"/support/tickets/?status=all&page={deep}"],
            note=f"page {deep} of all {data['demo_tickets']:,} tickets",
        ),
        Page("ticket page, 20 messages", "customer", [f"/support/tickets/{twenty}/"]),
        Page("Open New Ticket form", "customer", [open_path]),
        Page(
            "ticket creation POST",
            "customer",
            [open_path],
            kind="write",
            method="POST",
            body=plain_body,
            content_type=form_type,
            expect=302,
            requests=max(50, requests // 4),
        ),
        Page(
            "ticket creation POST, 1 MB attachment",
            "customer",
            [open_path],
            kind="write",
            method="POST",
            body=file_body,
            content_type=file_type,
            expect=302,
            requests=max(20, requests // 10),
        ),
        Page(
            "customer reply POST",
            "customer",
            [f"/support/tickets/{number}/reply/" for number in data["reply_targets"]],
            kind="write",
            method="POST",
            body=reply_body,
            content_type=form_type,
            expect=302,
            requests=max(50, requests // 4),
            note=f"to {len(data['reply_targets'])} active tickets in turn",
        ),
        Page("staff queues overview", "staff", ["/staff/"], kind="staff"),
        Page("department queue", "staff", [f"/staff/queues/{DEPARTMENT}/"], kind="staff"),
        Page("staff ticket page", "staff", [f"/staff/tickets/{twenty}/"], kind="staff"),
        Page(
            "department queue, due soonest",
            "staff",
            [f"/staff/queues/{DEPARTMENT}/?sort=due"],
            kind="staff",
        ),
        Page("reports, last 4 weeks", "staff", ["/staff/reports/"], kind="staff"),
        Page(
            "reports, 366 days",
            "staff",
            [f"/staff/reports/?{YEAR_REPORT}"],
            kind="staff",
            requests=max(50, requests // 10),
        ),
        Page("admin ticket list", "staff", ["/admin/tickets/ticket/"], kind="staff"),
        # The staff search box (search/tickets.py): a number jumps to the ticket, an email
        # lists the customer's tickets; "plugin" is in a sixth of all messages, "server
        # logs" too (together), "bounce" in one, "plugin checkout" in none (each word common).
        Page(
            "staff search, ticket number",
            "staff",
            [f"/staff/search/?q={twenty}"],
            kind="staff",
            expect=302,
        ),
        Page(
            "staff search, email",
            "staff",
            ["/staff/search/?q=customer%40example.com"],
            kind="staff",
        ),
        Page("staff search, common word", "staff", ["/staff/search/?q=plugin"], kind="staff"),
        Page("staff search, two words", "staff", ["/staff/search/?q=server+logs"], kind="staff"),
        Page("staff search, rare word", "staff", ["/staff/search/?q=bounce"], kind="staff"),
        Page(
            "staff search, common words never together",
            "staff",
            ["/staff/search/?q=plugin+checkout"],
            kind="staff",
        ),
        Page("knowledgebase suggestions", "customer", ["/support/kb/suggest/?q=wordpress+err"]),
        Page(
            "admin ticket change page",
            "staff",
            [f"/admin/tickets/ticket/{data['twenty_id']}/change/"],
            kind="staff",
        ),
    ]
