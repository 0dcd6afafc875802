"""Any host serves any request: two gunicorn hosts, a Celery worker and two beats share
PostgreSQL (through PgBouncer in transaction pooling mode), Redis and an S3 bucket (moto's
server). A file uploaded through one host is downloaded intact through the other, no host
keeps a file on its disk, and the email lists the file."""

import io
import os
import re
import shutil
import urllib.request
import uuid

import pytest
from PIL import Image

from .stack import (
    BIN,
    CUSTOMER,
    PGBOUNCER,
    S3_BUCKET,
    S3_KEYS,
    STAFF,
    ScaleStack,
    ticket_number,
    wait_until,
)

pytestmark = pytest.mark.integration

LOG = b"PHP Fatal error: Allowed memory size of 134217728 bytes exhausted\n" * 40


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


def _missing():
    for tool in (PGBOUNCER, str(BIN / "moto_server"), shutil.which("redis-server")):
        if not tool or not os.path.exists(tool):
            return f"{tool or 'redis-server'} is not installed"
    return None


@pytest.fixture(scope="module")
def scale(tmp_path_factory):
    reason = _missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"The scale-out test needs it in CI: {reason}")
        pytest.skip(reason)
    running = ScaleStack(tmp_path_factory.mktemp("scale"), hosts=2, workers=1, beats=2)
    try:
        running.start()
        yield running
    finally:
        running.stop()


def _links(page):
    files = re.findall(r'href="(/support/attachments/\d+/)"', page)
    thumbs = re.findall(r'src="(/support/attachments/\d+/thumbnail/)"', page)
    return files, thumbs


def _download(browser, path):
    response = browser.opener.open(browser.base_url + path, timeout=60)
    return response.status, dict(response.headers), response.read()


def test_a_file_uploaded_through_one_host_is_served_intact_by_the_other(scale):
    first, second = scale.hosts
    scale.sink.reset()
    on_first = scale.browser(first).login(CUSTOMER)
    status, url, page = on_first.open_ticket(
        "Website down after the migration",
        "The shop is blank; the log and a screenshot are attached.",
        files=[
            ("attachments", "error.log", LOG, "text/plain"),
            ("attachments", "screen.png", PNG, "image/png"),
        ],
    )
    assert status == 200, page[-2000:]
    number = ticket_number(page)

    # The same customer, sent to the other host by the load balancer: same session.
    on_second = scale.browser(second, like=on_first)
    status, _, page = on_second.get(f"/support/tickets/{number}/")
    assert status == 200 and "Website down after the migration" in page
    files, thumbs = _links(page)
    assert len(files) == 2 and len(thumbs) == 1
    downloads = {}
    for path in files:
        status, headers, body = _download(on_second, path)
        assert status == 200
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in headers["Content-Security-Policy"]
        downloads[headers["Content-Type"]] = (headers["Content-Disposition"], body)
    assert downloads["text/plain"] == ('attachment; filename="error.log"', LOG)
    assert downloads["image/png"] == ('inline; filename="screen.png"', PNG)
    status, headers, body = _download(on_second, thumbs[0])
    assert status == 200 and headers["Content-Type"] == "image/png"
    thumbnail = Image.open(io.BytesIO(body))
    assert thumbnail.format == "PNG" and max(thumbnail.size) < 640

    # The department's staff, on the second host, get the same files.
    staff = scale.browser(second).login(STAFF)
    status, _, page = staff.get(f"/staff/tickets/{number}/")
    assert status == 200
    staff_files, _ = _links(page)
    assert sorted(_download(staff, path)[2] for path in staff_files) == sorted([LOG, PNG])

    # A reply with a file through the second host, read through the first.
    status, _, page = on_second.get(f"/support/tickets/{number}/")
    fields = {
        "csrfmiddlewaretoken": on_second.hidden(page, "csrfmiddlewaretoken"),
        "submission_token": on_second.hidden(page, "submission_token"),
        "body": "One more log from this morning.",
    }
    status, _, _ = on_second.post(
        f"/support/tickets/{number}/reply/",
        fields,
        files=[("attachments", "morning.log", b"still failing\n", "text/plain")],
    )
    assert status == 200
    status, _, page = on_first.get(f"/support/tickets/{number}/")
    files, _ = _links(page)
    assert len(files) == 3
    assert b"still failing\n" in [_download(on_first, path)[2] for path in files]

    # Everything is in the bucket; nothing on either host's disk.
    objects = scale.s3.objects()
    assert len(objects) == 4  # three files and one thumbnail
    assert sorted(b for b in objects.values() if b in (LOG, PNG)) == sorted([LOG, PNG])
    for host in scale.hosts:
        assert host.media_files() == [], f"{host.name} kept a file on its disk"

    # The emails list the files: the customer's confirmation and the staff's alert.
    scale.settled([number])
    mails = scale.sink.received()
    opened = [m for m in mails if m["To"] in (CUSTOMER, STAFF) and "error.log" in _text(m)]
    assert {m["To"] for m in opened} >= {CUSTOMER, STAFF}
    assert all("screen.png" in _text(m) for m in opened)
    figures = scale.figures([number])
    assert figures["lost"] == 0 and figures["duplicated"] == 0


def _text(mail):
    return mail.get_body(("plain",)).get_content()


def test_the_bucket_is_private(scale):
    """No object can be read without a signature."""
    key = next(iter(scale.s3.objects()), None)
    assert key, "the first test stored files"
    request = urllib.request.Request(f"{scale.s3.url}/{S3_BUCKET}/{key}")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403


def test_a_presigned_redirect_makes_the_bucket_send_our_headers(scale, settings):
    """ATTACHMENTS_S3_REDIRECT: the URL the app redirects to, fetched from the real server."""
    from storages.backends.s3 import S3Storage

    from tickets.models import Attachment
    from tickets.storage import serve

    options = {**settings.ATTACHMENTS_S3_OPTIONS}
    options.update(
        bucket_name=S3_BUCKET,
        endpoint_url=scale.s3.url,
        region_name="us-east-1",
        addressing_style="path",
        access_key=S3_KEYS["AWS_ACCESS_KEY_ID"],
        secret_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
    )
    storage = S3Storage(**options)
    name = f"attachments/zz/{uuid.uuid4().hex}.log"
    storage.save(name, io.BytesIO(LOG))
    attachment = Attachment(original_name="déjà vu.log", content_type="text/plain", size=len(LOG))
    attachment.file = name
    attachment.file.storage = storage
    settings.ATTACHMENTS_S3_REDIRECT = True
    response = serve(attachment, attachment.file, thumbnail=False)
    assert response.status_code == 302
    with urllib.request.urlopen(response["Location"], timeout=10) as answer:
        assert answer.status == 200
        assert answer.headers["Content-Type"] == "text/plain"
        assert answer.headers["Content-Disposition"] == (
            "attachment; filename*=utf-8''d%C3%A9j%C3%A0%20vu.log"
        )
        assert answer.read() == LOG


def test_two_beats_send_each_periodic_task_once_a_period(scale):
    """Both beats find the re-dispatch due every second; each run is sent by one of them.
    (Which beat wins a period depends on their phase: one may win every time.)"""
    beats = scale.beats
    wait_until(
        lambda: any("already run by another beat" in b.log_text() for b in beats),
        "a beat to find a run claimed by the other",
        logs=beats,
    )
    rows = scale.database.query(
        "SELECT runs FROM scheduling_periodicclaim WHERE name = %s",
        ["notifications-redispatch-pending"],
    )
    sent = sum(
        b.log_text().count("Sending due task notifications-redispatch-pending") for b in beats
    )
    skipped = sum(b.log_text().count("already run by another beat") for b in beats)
    assert sent > 0 and skipped > 0
    # Every send had a claim of its own (the count may have moved on between the reads).
    assert rows[0][0] >= sent


def test_pgbouncer_pools_the_transactions(scale):
    """Every process went through PgBouncer, in transaction pooling mode."""
    config = {row["key"]: row["value"] for row in scale.bouncer.show("CONFIG")}
    assert config["pool_mode"] == "transaction"
    pools = [p for p in scale.bouncer.show("POOLS") if p["database"] == scale.database.name]
    assert pools
    stats = [s for s in scale.bouncer.show("STATS") if s["database"] == scale.database.name]
    assert stats[0]["total_xact_count"] > 0
    clients = [c for c in scale.bouncer.show("CLIENTS") if c["database"] == scale.database.name]
    # (The worker closes its connection after each task.)
    assert {c["application_name"] for c in clients} >= {"web1", "web2", "beat1", "beat2"}
    # However many clients, the database sees at most the pool's connections.
    servers = scale.database.query(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name <> ''",
        [scale.database.name],
    )[0][0]
    assert servers <= scale.bouncer.pool_size
