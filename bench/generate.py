"""Rows of generated tickets, messages, attachments and events for `manage.py seed_bench`.

Plain tuples in column order, produced in id order, so that the command can stream them
into COPY (PostgreSQL) or executemany (SQLite) without building model instances. What each
ticket's messages need is kept in compact arrays (about 40 bytes a ticket), so a million
tickets fit in memory comfortably.
"""

from array import array

# The demo customer's tickets: the oldest 80% closed, the newest 20% in this mix.
DEMO_STATUS_MIX = [
    ("closed", 0.80),
    ("answered", 0.07),
    ("open", 0.05),
    ("customer_reply", 0.04),
    ("in_progress", 0.02),
    ("on_hold", 0.02),
]
# Other tickets by age: a few days of active tickets, a month of stragglers, closed history.
RECENT_MIX = (
    ["open", "customer_reply", "answered", "in_progress", "on_hold", "closed"],
    [25, 15, 35, 10, 5, 10],
)
MONTH_MIX = (["closed", "on_hold", "in_progress"], [90, 5, 5])
STATUSES = ["open", "answered", "customer_reply", "on_hold", "in_progress", "closed"]
PRIORITIES = (["low", "medium", "high"], [30, 55, 15])
DEPARTMENT_WEIGHTS = [60, 25, 15]

TOPICS = [
    "Website error 500 Internal Server Error",
    "Cannot send email from Outlook",
    "SSL certificate not renewing",
    "Invoice paid but service still suspended",
    "Request to upgrade hosting plan",
    "DNS not propagating after domain transfer",
    "Database connection refused",
    "WordPress admin very slow",
    "Refund for a double payment",
    "Question about reseller pricing",
    "Backup restore request",
    "FTP login failed",
]
BODIES = [
    "Hello, since this morning the site shows an error page. I have not changed anything "
    "in the files. Could you check the server logs?\nThank you.",
    "Dear support,\n\nour customers report that the checkout page times out. The error "
    "started after the last update. Please advise what we should do.\n\nRegards",
    "Thank you for the quick answer. I tried the steps you described but the problem is "
    "still there. Screenshot attached.",
    "We have checked the server and found the cause: a plugin was using all the memory. "
    "We disabled it and the site is back. Please confirm on your side.",
    "Halo, mohon bantuannya, email tidak bisa terkirim sejak kemarin sore. Terima kasih.",
    "The payment was made yesterday by bank transfer; the proof of transfer is attached. "
    "Please activate the service again.",
]
FILES = [
    ("screenshot.png", "image/png", ".png"),
    ("invoice.pdf", "application/pdf", ".pdf"),
    ("error.log", "text/plain", ".log"),
    ("website-backup.zip", "application/zip", ".zip"),
]
DAY = 86400.0
HOUR = 3600.0


def number_generator(rng, taken, digits=6, tries=8):
    """Ticket numbers drawn the way tickets.actions draws them: random numbers of `digits`
    digits, one digit more after `tries` taken ones in a row. With a million tickets the
    6-digit space fills up just as it would in production."""
    while True:
        length = digits
        while True:
            low = 10 ** (length - 1)
            for _attempt in range(tries):
                candidate = str(low + rng.randrange(9 * low))
                if candidate not in taken:
                    taken.add(candidate)
                    break
            else:
                length += 1
                continue
            break
        yield candidate


class TicketRows:
    TICKET_COLUMNS = [
        "id", "number", "customer_id", "department_id", "service_id", "subject", "priority",
        "status", "assignee_id", "created_at", "updated_at", "last_reply_at", "last_reply_by_id",
        "waiting_since", "closed_at",
    ]  # fmt: skip
    MESSAGE_COLUMNS = [
        "id", "ticket_id", "author_id", "body", "is_staff_reply", "is_internal", "created_at",
    ]  # fmt: skip
    ATTACHMENT_COLUMNS = [
        "message_id", "file", "thumbnail", "original_name", "content_type", "size", "created_at",
    ]  # fmt: skip
    EVENT_COLUMNS = ["ticket_id", "actor_id", "field", "old_value", "new_value", "created_at"]

    def __init__(self, **params):
        self.__dict__.update(params)
        self.step = max(1, self.total // max(1, self.demo_count))
        self.twenty_index = None
        self.twenty_number = None
        # Per ticket, for the messages and events passes.
        self.customer = array("q")
        self.first = array("d")  # time of the first message
        self.last = array("d")  # time of the last message
        self.count = array("b")  # number of messages
        self.status = array("b")  # index in STATUSES
        self.attachments_buffer = []

    # -- tickets -----------------------------------------------------------------------------
    def _demo_index(self, i):
        """The demo customer's rank (0 oldest) of ticket i, or None."""
        if i % self.step == self.step - 1 and i // self.step < self.demo_count:
            return i // self.step
        return None

    def _status(self, i, age, demo_rank):
        rng = self.rng
        if demo_rank is not None:
            share = demo_rank / self.demo_count
            if share < DEMO_STATUS_MIX[0][1]:
                return "closed"
            names = [name for name, _share in DEMO_STATUS_MIX[1:]]
            weights = [weight for _name, weight in DEMO_STATUS_MIX[1:]]
            return rng.choices(names, weights)[0]
        if age < 3 * DAY:
            return rng.choices(*RECENT_MIX)[0]
        if age < 30 * DAY:
            return rng.choices(*MONTH_MIX)[0]
        return "closed"

    def _message_count(self, status):
        rng, mean = self.rng, self.mean_messages
        if status == "open":
            return 1
        n = rng.randint(max(1, mean - 2), mean + 2)
        if status == "answered" and n % 2:
            n += 1  # the last post is staff's
        elif status == "customer_reply" and (n % 2 == 0 or n < 3):
            n = max(3, n + 1)  # the last post is the customer's, after a staff reply
        return n

    def tickets(self):
        rng = self.rng
        wt = self.writer.timestamp
        dept_weights = (DEPARTMENT_WEIGHTS + [10] * len(self.departments))[: len(self.departments)]
        last_demo = self.demo_count - 1
        for i in range(self.total):
            created = self.now - (self.total - i) / self.per_day * DAY + rng.random() * 600
            age = self.now - created
            demo_rank = self._demo_index(i)
            twenty = demo_rank is not None and demo_rank == last_demo
            if demo_rank is not None:
                customer = self.demo_id
                services = self.demo_services
                service = rng.choice(services) if services and rng.random() < 0.6 else None
            else:
                offset = int(self.customers * rng.random() ** 2)
                customer = self.first_customer + offset
                draw = rng.random()
                service = self.first_service + 2 * offset + (draw >= 0.5) if draw < 0.65 else None
            status = "answered" if twenty else self._status(i, age, demo_rank)
            count = 20 if twenty else self._message_count(status)
            span = min(age, rng.uniform(HOUR, 5 * DAY)) if count > 1 else 0.0
            last = created + span
            closed = None
            updated = last
            if status == "closed":
                closed = min(self.now, last + rng.uniform(HOUR, 3 * DAY))
                updated = closed
            last_by = customer if count % 2 else self.staff_id
            waiting = None
            if status == "open":
                waiting = created
            elif status == "customer_reply":
                waiting = last
            assignee = None
            if status != "open" and rng.random() < 0.6:
                assignee = self.staff_id
            number = next(self.numbers)
            if twenty:
                self.twenty_index, self.twenty_number = i, number
                subject = self.twenty_subject
            else:
                subject = f"{rng.choice(TOPICS)} (site{customer}.co.id)"
            self.customer.append(customer)
            self.first.append(created)
            self.last.append(last)
            self.count.append(count)
            self.status.append(STATUSES.index(status))
            yield (
                self.first_ticket + i,
                number,
                customer,
                rng.choices(self.departments, dept_weights)[0],
                service,
                subject,
                "high" if twenty else rng.choices(*PRIORITIES)[0],
                status,
                assignee,
                wt(created),
                wt(updated),
                wt(last),
                last_by,
                wt(waiting) if waiting is not None else None,
                wt(closed) if closed is not None else None,
            )

    # -- messages and attachments ------------------------------------------------------------
    def messages(self):
        rng = self.rng
        wt = self.writer.timestamp
        message_id = self.first_message
        share = self.attachment_share
        for i in range(self.total):
            count = self.count[i]
            first, last = self.first[i], self.last[i]
            customer = self.customer[i]
            twenty = i == self.twenty_index
            for k in range(count):
                at = first + (last - first) * k / (count - 1) if count > 1 else first
                staff = k % 2 == 1
                internal = staff and not twenty and rng.random() < 0.05
                yield (
                    message_id,
                    self.first_ticket + i,
                    self.staff_id if staff else customer,
                    rng.choice(BODIES),
                    staff,
                    internal,
                    wt(at),
                )
                if (twenty and k in (0, 7, 14)) or (not twenty and rng.random() < share):
                    self.attachments_buffer.append((message_id, at))
                message_id += 1

    def attachments(self):
        rng = self.rng
        wt = self.writer.timestamp
        for message_id, at in self.attachments_buffer:
            name, content_type, suffix = rng.choice(FILES)
            token = f"{rng.getrandbits(128):032x}"
            yield (
                message_id,
                f"attachments/{token[:2]}/{token}{suffix}",
                "",
                name,
                content_type,
                rng.randint(20_000, 2_000_000),
                wt(at),
            )
        self.attachments_buffer = []

    def events(self):
        """One status line per ticket that left "Open", by the last poster, when it changed."""
        wt = self.writer.timestamp
        for i in range(self.total):
            status = STATUSES[self.status[i]]
            if status == "open":
                continue
            actor = self.customer[i] if self.count[i] % 2 else self.staff_id
            yield (self.first_ticket + i, actor, "status", "open", status, wt(self.last[i]))
