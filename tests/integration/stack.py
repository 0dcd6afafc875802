"""The real processes of the integration tests, and the tools to watch them.

A PostgreSQL database of its own, Redis, gunicorn, a Celery worker and beat run as separate
processes, as in production; the SMTP sink runs in this process (aiosmtpd, in a thread) so
that a test can script what the "mail server" answers. The tests drive the Member Area over
HTTP like a browser and read the outcome from the sink and the database.
"""

import asyncio
import email
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from email import policy
from pathlib import Path

import psycopg2
import redis
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get(
    "INTEGRATION_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"
).rstrip("/")
PASSWORD = "integration-pass-4821"
CUSTOMER = "alice@example.com"
STAFF = "sam@netdigi.test"
ADMIN = "root@netdigi.test"
SITE_HOST = "127.0.0.1"
SECRET_KEY = "integration-" + "k" * 50


def stack_message_id(notification_pk):
    """The Message-ID the stack's workers give a notification row (signed with its key)."""
    from django.test import override_settings

    from notifications.message_ids import message_id

    with override_settings(SECRET_KEY=SECRET_KEY, SITE_URL=f"http://{SITE_HOST}"):
        return message_id(notification_pk)


# Short waits so that the whole suite runs in a few minutes; production uses the defaults.
TIMINGS = {
    "EMAIL_TIMEOUT": "2",
    "NOTIFICATION_MAX_ATTEMPTS": "5",
    "NOTIFICATION_RETRY_BACKOFF": "0.5",
    "NOTIFICATION_RETRY_BACKOFF_MAX": "2",
    "NOTIFICATION_REDISPATCH_AFTER": "3",
    "NOTIFICATION_REDISPATCH_EVERY": "1",
    # Incident broadcasts: small batches (a kill lands between two), resumed after 3 s.
    "NETWORK_BROADCAST_BATCH": "5",
    "NETWORK_BROADCAST_RESUME_AFTER": "3",
}

# How long a test waits for something that should happen (a generous bound that only
# stops a broken run; nothing asserts how fast it happened).
PATIENCE = 90


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate, what, timeout=PATIENCE, interval=0.1, logs=()):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    tails = "\n".join(f"--- {log.name} ---\n{log.tail()}" for log in logs)
    raise AssertionError(f"Timed out waiting for {what}\n{tails}")


class Process:
    """A child process in its own session, with its output in a log file."""

    def __init__(self, name, command, *, env, log_dir):
        self.name = name
        self.command = command
        self.env = env
        self.log_path = Path(log_dir) / f"{name}.log"
        self.popen = None

    def start(self):
        log = open(self.log_path, "a")  # the child keeps its own copy of the descriptor
        log.write(f"\n=== start {' '.join(self.command)}\n")
        log.flush()
        self.popen = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen is not None and self.popen.poll() is None

    def children(self):
        """Pids of this process's direct children (the worker's pool processes)."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.pid:
                found.append(int(stat.parent.name))
        return found

    def kill_all(self):
        """SIGKILL this process and everything it started (its process group)."""
        if self.alive():
            os.killpg(self.pid, signal.SIGKILL)
            self.popen.wait(30)

    def stop(self, timeout=20):
        if not self.alive():
            return
        os.killpg(self.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill_all()

    def tail(self, lines=60):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def log_text(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class Sink:
    """The SMTP server: stores what it accepts, answers what the test scripts.

    - `script[address]`: outcomes of the next transactions to that recipient: "greylist"
      (451 at RCPT), "hang" (no answer to DATA for longer than the client waits).
    - `refuse`: recipients refused (451 at RCPT) until removed.
    - `gate(address, accept)`: the next DATA to that recipient waits at a gate (`arrived`
      is set) until the test opens it (`proceed`); then the message is stored and accepted,
      or dropped and refused.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.controller = None
        self.port = None
        self.reset()

    def reset(self):
        with self.lock:
            self.messages = []
            self.script = {}
            self.refuse = set()
            self.gates = {}
            self.transactions = Counter()
        self.arrived = threading.Event()
        self.proceed = threading.Event()

    def start(self):
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.controller.stop()

    def gate(self, address, *, accept):
        with self.lock:
            self.arrived.clear()
            self.proceed.clear()
            self.gates[address] = accept

    # aiosmtpd hooks ----------------------------------------------------------------------

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        address = address.lower()
        with self.lock:
            self.transactions[address] += 1
            script = self.script.get(address)
            outcome = script.pop(0) if script else None
            if outcome is None and address in self.refuse:
                outcome = "greylist"
        if outcome == "greylist":
            return "451 4.7.1 Greylisted, please try again later"
        envelope.rcpt_tos.append(address)
        if outcome == "hang":
            envelope.hang = True
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if getattr(envelope, "hang", False):
            await asyncio.sleep(float(TIMINGS["EMAIL_TIMEOUT"]) * 3)
            return "451 4.4.2 Too slow"
        with self.lock:
            gated = [a for a in envelope.rcpt_tos if a in self.gates]
            accept = self.gates.pop(gated[0]) if gated else True
        if gated:
            self.arrived.set()
            await self._wait(self.proceed)
            if not accept:
                return "451 4.3.0 Message not accepted"
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 2.0.0 OK: queued"

    async def _wait(self, event):
        end = time.monotonic() + PATIENCE
        while not event.is_set() and time.monotonic() < end:
            await asyncio.sleep(0.02)

    # What arrived -------------------------------------------------------------------------

    def received(self):
        with self.lock:
            return list(self.messages)

    def copies(self):
        """How many times each Message-ID arrived."""
        return Counter(m["Message-ID"] for m in self.received())


class Database:
    """A PostgreSQL database made for one run, dropped at the end."""

    def __init__(self):
        self.name = f"netdigi_it_{secrets.token_hex(4)}"
        self.url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + self.name

    def _admin(self):
        conn = psycopg2.connect(PG_ADMIN_URL, connect_timeout=5)
        conn.autocommit = True
        return conn

    def create(self):
        conn = self._admin()
        try:
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{self.name}"')
        finally:
            conn.close()
        return self

    def drop(self):
        conn = self._admin()
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    [self.name],
                )
                cur.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
        finally:
            conn.close()

    def connect(self):
        conn = psycopg2.connect(self.url, connect_timeout=5)
        conn.autocommit = True
        return conn

    def query(self, sql, params=()):
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall()
        finally:
            conn.close()

    def notifications(self, numbers):
        """(id, event, recipient, state, attempts, last_error) of the tickets' rows."""
        return self.query(
            """SELECT n.id, n.event, u.email, n.state, n.attempts, n.last_error
               FROM notifications_notification n
               JOIN tickets_ticket t ON t.id = n.ticket_id
               JOIN accounts_user u ON u.id = n.recipient_id
               WHERE t.number = ANY(%s) ORDER BY n.id""",
            [list(numbers)],
        )

    def ticket_count(self):
        return self.query("SELECT count(*) FROM tickets_ticket")[0][0]


class Redis:
    def __init__(self, log_dir, env):
        self.port = free_port()
        self.log_dir = log_dir
        self.env = env
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        command = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.log_dir),
        ]
        self.process = Process("redis", command, env=self.env, log_dir=self.log_dir).start()
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        wait_until(lambda: self._ping(client), "redis to answer", logs=[self.process])
        return self

    def _ping(self, client):
        try:
            return client.ping()
        except redis.RedisError:
            return False

    def stop(self):
        if self.process:
            self.process.stop()

    def queue_lengths(self):
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        return {name: client.llen(name) for name in ("notifications", "celery")}


_last_code_step = [None]


def demo_code():
    """A fresh code of the demo authenticator: a code is accepted once, so a second sign-in
    within the same 30-second step waits for the next step."""
    from twofactor.demo import demo_code as current_code

    step = int(time.time() // 30)
    if step == _last_code_step[0]:
        time.sleep(30 - time.time() % 30 + 0.5)
        step = int(time.time() // 30)
    _last_code_step[0] = step
    return current_code()


class Browser:
    """The Member Area over HTTP, as a browser uses it: cookies, CSRF tokens, forms."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path, data=None, headers=None):
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=PATIENCE) as response:
                return response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read().decode(errors="replace")

    def get(self, path):
        return self.request(path)

    def post(self, path, fields, files=()):
        if files:
            body, content_type = multipart(fields, files)
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        return self.request(path, data=body, headers={"Content-Type": content_type})

    @staticmethod
    def hidden(html, name):
        match = re.search(rf'name="{name}" value="([^"]*)"', html) or re.search(
            rf'value="([^"]*)" name="{name}"', html
        )
        assert match, f"no {name} in the page"
        return match.group(1)

    def login(self, address, password=PASSWORD, path="/accounts/login/"):
        _, _, page = self.get(path)
        status, url, page = self.post(
            path,
            {
                "csrfmiddlewaretoken": self.hidden(page, "csrfmiddlewaretoken"),
                "username": address,
                "password": password,
            },
        )
        assert status == 200 and "/login/" not in url, f"login of {address} failed: {status}"
        if "/two-factor/verify/" in url:
            # Demo staff sign in with the demo authenticator (seed_demo enrols them).
            status, url, page = self.post(
                urllib.parse.urlsplit(url).path + "?" + urllib.parse.urlsplit(url).query,
                {
                    "csrfmiddlewaretoken": self.hidden(page, "csrfmiddlewaretoken"),
                    "code": demo_code(),
                },
            )
            assert status == 200 and "/two-factor/" not in url, f"code of {address} refused"
        return self

    def open_ticket(self, subject, body, files=(), department="technical-support"):
        """Open New Ticket, step 2 and Submit. Returns (status, final url, page)."""
        form = f"/support/tickets/new/{department}/"
        _, _, page = self.get(form)
        fields = {
            "csrfmiddlewaretoken": self.hidden(page, "csrfmiddlewaretoken"),
            "submission_token": self.hidden(page, "submission_token"),
            "subject": subject,
            "service": "",
            "priority": "medium",
            "body": body,
        }
        return self.post(form, fields, files)


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, filename, content, content_type in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


TICKET_NUMBER = re.compile(r"Ticket #(\d{6,12}) has been opened")

SEED = f"""
from accounts.models import User
from tickets.models import Department
User.objects.create_user({CUSTOMER!r}, {PASSWORD!r}, name="Alice Wijaya")
sam = User.objects.create_user({STAFF!r}, {PASSWORD!r}, name="Sam Support", is_staff=True)
Department.objects.get(slug="technical-support").staff.add(sam)
root = User.objects.create_superuser({ADMIN!r}, {PASSWORD!r}, name="Root")
# Staff sign in with a second factor: the demo authenticator (tests/integration/stack.py
# demo_code).
from twofactor.demo import enrol_demo_authenticator
enrol_demo_authenticator(sam)
enrol_demo_authenticator(root)
"""


class Stack:
    """PostgreSQL database, Redis, SMTP sink, gunicorn, a Celery worker and beat."""

    # More options of `celery worker` (the soak turns the recycling of pool processes off).
    worker_options = ()

    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.database = Database()
        self.sink = Sink()
        self.web_port = free_port()
        self.base_url = f"http://{SITE_HOST}:{self.web_port}"
        self.redis = None
        self.web = self.worker = self.beat = None
        self.workers_started = 0

    def env(self, application_name):
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_", "EMAIL_", "NOTIFICATION_"))
        }
        env.update(TIMINGS)
        env.update(
            {
                "PATH": f"{BIN}:{env.get('PATH', '')}",
                "PYTHONPATH": str(ROOT),
                "DJANGO_SETTINGS_MODULE": "tests.integration.stack_settings",
                "DATABASE_URL": f"{self.database.url}?application_name={application_name}",
                "CELERY_BROKER_URL": self.redis.url,
                "EMAIL_URL": f"smtp://127.0.0.1:{self.sink.port}",
                "SECRET_KEY": SECRET_KEY,
                "DEBUG": "false",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "false",
                "SESSION_COOKIE_SECURE": "false",
                "CSRF_COOKIE_SECURE": "false",
                "SITE_URL": self.base_url,
                "MEDIA_ROOT": str(self.workdir / "media"),
                "GUNICORN_BIND": f"127.0.0.1:{self.web_port}",
                "GUNICORN_WORKERS": "2",
                "GUNICORN_ACCESS_LOG": str(self.workdir / "access.log"),
                # One customer opens 20 tickets in a row here: no flood limit.
                "TICKET_RATE_LIMIT": "0",
                "TICKET_REPLY_RATE_LIMIT": "0",
            }
        )
        return env

    def manage(self, *args):
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env("manage"),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"manage.py {args[0]} failed:\n{result.stderr}"
        return result.stdout

    def start(self):
        self.database.create()
        self.sink.start()
        self.redis = Redis(self.workdir, os.environ.copy()).start()
        self.manage("migrate", "--noinput")
        self.manage("shell", "-c", SEED)
        self.web = Process(
            "gunicorn",
            [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
            env=self.env("web"),
            log_dir=self.workdir,
        ).start()
        self.beat = Process(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "netdigi",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(self.workdir / "beat-schedule"),
            ],
            env=self.env("beat"),
            log_dir=self.workdir,
        ).start()
        self.start_worker()
        wait_until(self._web_up, "gunicorn to serve /healthz", logs=[self.web])
        return self

    def _web_up(self):
        try:
            return Browser(self.base_url).get("/healthz")[0] == 200
        except OSError:
            return False

    def start_worker(self):
        self.workers_started += 1
        name = f"worker{self.workers_started}"
        self.worker = Process(
            name,
            [
                str(BIN / "celery"),
                "-A",
                "netdigi",
                "worker",
                "-Q",
                "notifications,celery",
                "--concurrency",
                "1",
                "--pool",
                "prefork",
                "--hostname",
                f"{name}@%h",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                *self.worker_options,
            ],
            env=self.env("worker"),
            log_dir=self.workdir,
        ).start()
        wait_until(
            lambda: " ready." in self.worker.log_text() and self.worker.children(),
            "the Celery worker to be ready",
            logs=[self.worker],
        )
        return self.worker

    def stop(self):
        for process in (self.worker, self.beat, self.web):
            if process:
                process.stop()
        if self.redis:
            self.redis.stop()
        self.sink.stop()
        self.database.drop()

    @property
    def processes(self):
        return [p for p in (self.worker, self.beat, self.web) if p] + (
            [self.redis.process] if self.redis and self.redis.process else []
        )

    # Waiting for outcomes ------------------------------------------------------------------

    def wait(self, predicate, what):
        return wait_until(predicate, what, logs=self.processes)

    def settled(self, numbers, *, expect=("sent",)):
        """Wait until every row of these tickets is in one of the `expect` states."""

        def done():
            rows = self.database.notifications(numbers)
            return rows if rows and all(row[3] in expect for row in rows) else None

        return self.wait(done, f"the notifications of {sorted(numbers)} to be {expect}")

    def figures(self, numbers):
        """Rows of these tickets, and how many of them arrived, never arrived, arrived twice."""
        rows = self.database.notifications(numbers)
        copies = self.sink.copies()
        ids = [stack_message_id(row[0]) for row in rows]
        arrived = [copies[message_id] for message_id in ids]
        return {
            "notifications": len(rows),
            "sent": sum(1 for n in arrived if n),
            "lost": sum(1 for n in arrived if not n),
            "duplicated": sum(n - 1 for n in arrived if n > 1),
        }

    def customer(self):
        return Browser(self.base_url).login(CUSTOMER)


def ticket_number(page):
    match = TICKET_NUMBER.search(page)
    assert match, "the ticket page does not say the ticket has been opened"
    return match.group(1)


# Scale-out: object storage, PgBouncer, several web hosts --------------------------------

S3_BUCKET = "netdigi-attachments"
S3_KEYS = {"AWS_ACCESS_KEY_ID": "integration", "AWS_SECRET_ACCESS_KEY": "integration-secret"}


class S3Server:
    """An S3-compatible server (moto's server mode) on a free port, with one private bucket."""

    def __init__(self, log_dir, env):
        self.port = free_port()
        self.log_dir = log_dir
        self.env = {**env, **S3_KEYS}
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        command = [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)]
        self.process = Process("s3", command, env=self.env, log_dir=self.log_dir).start()
        wait_until(self._up, "the S3 server to answer", logs=[self.process])
        self.client().create_bucket(Bucket=S3_BUCKET)
        return self

    def _up(self):
        try:
            urllib.request.urlopen(self.url, timeout=2).close()
            return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=S3_KEYS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
        )

    def objects(self):
        """{key: bytes} of every object in the bucket."""
        client = self.client()
        listed = client.list_objects_v2(Bucket=S3_BUCKET).get("Contents", [])
        return {
            o["Key"]: client.get_object(Bucket=S3_BUCKET, Key=o["Key"])["Body"].read()
            for o in listed
        }

    def settings(self):
        """The environment that points the app's attachments at this bucket."""
        return {
            "ATTACHMENTS_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": S3_BUCKET,
            "AWS_S3_ENDPOINT_URL": self.url,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_S3_ADDRESSING_STYLE": "path",
            **S3_KEYS,
        }

    def stop(self):
        if self.process:
            self.process.stop()


PGBOUNCER = "/usr/sbin/pgbouncer"


class PgBouncer:
    """PgBouncer in transaction pooling mode in front of one database, on a free port."""

    def __init__(self, workdir, database, env, pool_size=8):
        self.port = free_port()
        self.workdir = Path(workdir)
        self.database = database
        self.env = env
        self.pool_size = pool_size
        self.process = None

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database.name}"

    def start(self):
        server = urllib.parse.urlsplit(PG_ADMIN_URL)
        # PgBouncer refuses to run as root: it is told to switch to an ordinary user, who
        # must be able to read its files (pytest's folders are root's alone).
        folder = Path(tempfile.mkdtemp(prefix="netdigi-pgbouncer-"))
        folder.chmod(0o755)
        self.folder = folder
        users = folder / "users.txt"
        users.write_text('"postgres" ""\n')
        config = folder / "pgbouncer.ini"
        target = f"host={server.hostname} port={server.port or 5432} dbname={self.database.name}"
        config.write_text(
            f"""[databases]
{self.database.name} = {target} user=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
auth_type = trust
auth_file = {users}
pool_mode = transaction
default_pool_size = {self.pool_size}
max_client_conn = 500
server_reset_query =
ignore_startup_parameters = extra_float_digits
admin_users = postgres
stats_users = postgres
"""
        )
        for path in (users, config):
            path.chmod(0o644)
        command = [PGBOUNCER, str(config)]
        if os.geteuid() == 0:
            command[1:1] = ["-u", "nobody"]
        self.process = Process("pgbouncer", command, env=self.env, log_dir=self.workdir).start()
        wait_until(self._up, "pgbouncer to accept connections", logs=[self.process])
        return self

    def _up(self):
        try:
            psycopg2.connect(self.url, connect_timeout=2).close()
            return True
        except psycopg2.Error:
            return False

    def show(self, what):
        """Rows of the admin console's SHOW `what` (POOLS, CONFIG, ...), as dicts."""
        conn = psycopg2.connect(
            f"postgres://postgres@127.0.0.1:{self.port}/pgbouncer", connect_timeout=5
        )
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(f"SHOW {what}")
                names = [column.name for column in cur.description]
                return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        finally:
            conn.close()

    def stop(self):
        if self.process:
            self.process.stop()
        if getattr(self, "folder", None):
            shutil.rmtree(self.folder, ignore_errors=True)


class Host:
    """One web host: gunicorn on a port of its own, with a media folder of its own."""

    def __init__(self, name, workdir):
        self.name = name
        self.port = free_port()
        self.base_url = f"http://{SITE_HOST}:{self.port}"
        self.media = Path(workdir) / name / "media"
        self.media.mkdir(parents=True)
        self.process = None

    def media_files(self):
        return sorted(p for p in self.media.rglob("*") if p.is_file())


class ScaleStack(Stack):
    """Several web hosts, workers and beats sharing PostgreSQL (through PgBouncer in
    transaction pooling mode), Redis and an S3 bucket; no host keeps a file of its own."""

    def __init__(self, workdir, *, hosts=2, workers=1, beats=2, web_workers=2, extra_env=None):
        super().__init__(workdir)
        self.s3 = None
        self.bouncer = None
        self.host_count, self.worker_count, self.beat_count = hosts, workers, beats
        self.web_workers = web_workers
        self.extra_env = extra_env or {}
        self.hosts, self.workers, self.beats = [], [], []

    def env(self, application_name, host=None, direct=False):
        env = super().env(application_name)
        env.update(self.s3.settings())
        env.update(self.extra_env)
        env["CACHE_URL"] = self.redis.url.rsplit("/", 1)[0] + "/1"
        if not direct:
            env["DATABASE_URL"] = f"{self.bouncer.url}?application_name={application_name}"
            env["DISABLE_SERVER_SIDE_CURSORS"] = "true"
        # Every host's private folder, if anything were written there.
        env["MEDIA_ROOT"] = str(host.media if host else self.workdir / "media")
        if host:
            env["GUNICORN_BIND"] = f"127.0.0.1:{host.port}"
            env["GUNICORN_WORKERS"] = str(self.web_workers)
            env["GUNICORN_ACCESS_LOG"] = str(self.workdir / f"access-{host.name}.log")
        return env

    def manage(self, *args):
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env("manage", direct=True),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, f"manage.py {args[0]} failed:\n{result.stderr}"
        return result.stdout

    def start(self):
        self.database.create()
        self.sink.start()
        self.redis = Redis(self.workdir, os.environ.copy()).start()
        self.s3 = S3Server(self.workdir, os.environ.copy()).start()
        self.bouncer = PgBouncer(self.workdir, self.database, os.environ.copy()).start()
        self.manage("migrate", "--noinput")
        self.manage("shell", "-c", SEED)
        for number in range(self.host_count):
            host = Host(f"web{number + 1}", self.workdir)
            host.process = Process(
                host.name,
                [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
                env=self.env(host.name, host=host),
                log_dir=self.workdir,
            ).start()
            self.hosts.append(host)
        self.web = self.hosts[0].process
        self.base_url = self.hosts[0].base_url
        for number in range(self.beat_count):
            self.beats.append(
                Process(
                    f"beat{number + 1}",
                    [
                        str(BIN / "celery"),
                        "-A",
                        "netdigi",
                        "beat",
                        "--loglevel",
                        "INFO",
                        "--schedule",
                        str(self.workdir / f"beat{number + 1}-schedule"),
                    ],
                    env=self.env(f"beat{number + 1}"),
                    log_dir=self.workdir,
                ).start()
            )
        self.beat = self.beats[0] if self.beats else None
        for _ in range(self.worker_count):
            self.workers.append(self.start_worker())
        for host in self.hosts:
            wait_until(
                lambda host=host: self._host_up(host),
                f"{host.name} to serve /healthz",
                logs=[host.process],
            )
        return self

    def _host_up(self, host):
        try:
            return Browser(host.base_url).get("/healthz")[0] == 200
        except OSError:
            return False

    def stop(self):
        for process in [*self.workers, *self.beats, *(h.process for h in self.hosts)]:
            if process:
                process.stop()
        for server in (self.bouncer, self.s3, self.redis):
            if server:
                server.stop()
        self.sink.stop()
        self.database.drop()

    @property
    def processes(self):
        found = [*self.workers, *self.beats, *(h.process for h in self.hosts)]
        for server in (self.bouncer, self.s3, self.redis):
            if server and server.process:
                found.append(server.process)
        return [p for p in found if p]

    def browser(self, host, like=None):
        """A browser on `host`; with `like`, sharing that browser's cookies (the same person
        sent to another host by the load balancer)."""
        browser = Browser(host.base_url)
        if like is not None:
            browser.jar = like.jar
            browser.opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(browser.jar)
            )
        return browser
