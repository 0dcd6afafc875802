"""Email measurements: a local SMTP sink, one Celery worker, throughput and POST-to-inbox."""

import re
import subprocess
import threading
import time
import urllib.parse
import uuid
from email.parser import BytesHeaderParser
from email.policy import default as default_policy

from aiosmtpd.controller import Controller


class Sink:
    """An SMTP server that keeps (arrival time, recipients, subject) of every message."""

    def __init__(self, port):
        self.port = port
        self.received = []
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server, session, envelope):
        arrived = time.time()
        headers = BytesHeaderParser(policy=default_policy).parsebytes(envelope.content)
        with self.lock:
            self.received.append((arrived, list(envelope.rcpt_tos), str(headers["subject"])))
        return "250 OK"

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def count(self):
        with self.lock:
            return len(self.received)

    def wait(self, predicate, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if predicate(self.received):
                    return True
            time.sleep(0.02)
        return False


def start_worker(python_dir, root, env, log):
    """One Celery worker, one process, on the notifications queue."""
    command = [f"{python_dir}/celery", "-A", "netdigi", "worker",
               "-Q", "notifications", "--concurrency", "1", "--pool", "prefork",
               "--without-gossip", "--without-mingle", "--without-heartbeat",
               "--loglevel", "WARNING"]  # fmt: skip
    return subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)


def throughput(sink, *, count, ticket, recipient, message, timeout=600):
    """Notifications a second: `count` rows handed to the worker at once, until the last
    one reaches the sink."""
    from notifications.models import Notification
    from notifications.tasks import dispatch
    from tickets.emails import TicketEmail

    rows = Notification.objects.bulk_create(
        Notification(
            event=TicketEmail.TICKET_OPENED,
            recipient=recipient,
            ticket=ticket,
            message=message,
        )
        for _ in range(count)
    )
    before = sink.count()
    started = time.time()
    dispatch([row.pk for row in rows])
    if not sink.wait(lambda received: len(received) >= before + count, timeout):
        return {"count": count, "error": f"only {sink.count() - before} arrived"}
    last = sink.received[before + count - 1][0]
    return {"count": count, "seconds": last - started, "per_second": count / (last - started)}


def post_to_inbox(sink, browser, *, path, customer_email, posts, pause, timeout=120):
    """Open `posts` tickets one after the other (`pause` seconds apart) and time each POST
    until the customer's "ticket opened" email arrives."""
    sent = {}
    for i in range(posts):
        form = {
            "csrfmiddlewaretoken": browser.cookie("csrftoken"),
            "subject": f"Email latency probe {i}",
            "priority": "medium",
            "body": "Our website shows error 500 since this morning.",
            "submission_token": str(uuid.uuid4()),
        }
        started = time.time()
        status, headers, _body = browser.request(
            path,
            data=urllib.parse.urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        match = re.search(r"/tickets/(\d+)/", headers.get("Location", ""))
        if status != 302 or not match:
            raise RuntimeError(f"Opening a ticket answered HTTP {status}.")
        sent[match.group(1)] = started
        time.sleep(pause)

    def arrivals(received):
        found = {}
        for arrived, recipients, subject in received:
            match = re.search(r"\[Ticket #(\d+)\]", subject)
            if match and match.group(1) in sent and customer_email in recipients:
                found.setdefault(match.group(1), arrived)
        return found

    sink.wait(lambda received: len(arrivals(received)) >= len(sent), timeout)
    with sink.lock:
        found = arrivals(sink.received)
    latencies = sorted(found[number] - sent[number] for number in found)
    result = {"posts": posts, "pause_s": pause, "arrived": len(latencies)}
    if latencies:
        result["p50_s"] = percentile(latencies, 50)
        result["p95_s"] = percentile(latencies, 95)
        result["max_s"] = latencies[-1]
    return result


def percentile(sorted_values, p):
    index = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]
