"""Attachments in a private S3 bucket: uploads go to the bucket and nowhere on this host's
disk, downloads pass the same access check as before and carry the same headers (streamed,
or as a presigned redirect), and a bucket that fails leaves nothing half-stored."""

import html
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.exceptions import ClientError
from django.urls import reverse

from tests.factories import png_bytes
from tests.hardening.http import media_files, post_files, row_counts
from tests.tickets.helpers import checked, open_ticket, upload
from tickets.models import Attachment

from .conftest import BUCKET, keys, s3_storage

ROOT = Path(__file__).resolve().parents[2]
LOG = b"PHP Fatal error: Allowed memory size exhausted\n" * 50
PNG = png_bytes(size=(300, 200))
NOT_STORED = "Your files could not be saved because of a problem on our side"


def _open_with_files(client, department, files):
    fields = {
        "subject": "Website down",
        "priority": "high",
        "body": "The page is blank.",
        "submission_token": str(uuid.uuid4()),
    }
    url = reverse("tickets:open_form", args=[department.slug])
    return post_files(client, url, fields, [("attachments", *f) for f in files])


def _body(response):
    return b"".join(response.streaming_content)


def test_an_upload_goes_to_the_bucket_and_nothing_to_the_disk(bucket, alice_client, technical, sam):
    before = media_files()
    response = _open_with_files(alice_client, technical, [("error.log", LOG), ("shot.png", PNG)])
    assert response.status_code == 302
    log, shot = Attachment.objects.order_by("pk")
    assert keys(bucket) == sorted([log.file.name, shot.file.name, shot.thumbnail.name])
    assert not log.thumbnail
    assert media_files() == before, "nothing is written to this host's disk"
    assert bucket.bucket.Object(log.file.name).get()["Body"].read() == LOG


def test_a_download_from_the_bucket_is_streamed_with_every_header(
    bucket, alice_client, alice, technical
):
    open_ticket(alice, technical, files=[checked(upload("my «log».txt", LOG, "text/plain"))])
    attachment = Attachment.objects.get()
    response = alice_client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response.streaming
    assert _body(response) == LOG
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Length"] == str(len(LOG))
    disposition = "attachment; filename*=utf-8''my%20%C2%ABlog%C2%BB.txt"
    assert response["Content-Disposition"] == disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; sandbox"
    assert response["Cache-Control"] == "private, max-age=3600"


def test_an_image_and_its_thumbnail_come_from_the_bucket(bucket, alice_client, alice, technical):
    open_ticket(alice, technical, files=[checked(upload("shot.png", PNG, "image/png"))])
    attachment = Attachment.objects.get()
    response = alice_client.get(attachment.get_absolute_url())
    assert _body(response) == PNG
    assert response["Content-Disposition"] == 'inline; filename="shot.png"'
    thumb = alice_client.get(reverse("tickets:attachment_thumbnail", args=[attachment.pk]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/png"
    assert _body(thumb).startswith(b"\x89PNG") and len(PNG) > int(thumb["Content-Length"]) > 0


@pytest.mark.parametrize("redirect", [False, True], ids=["streamed", "redirected"])
def test_only_the_owner_and_the_departments_staff_get_a_file_from_the_bucket(
    bucket, settings, client, alice, bob, sam, bill, technical, redirect
):
    settings.ATTACHMENTS_S3_REDIRECT = redirect
    open_ticket(alice, technical, files=[checked(upload("error.log", LOG, "text/plain"))])
    attachment = Attachment.objects.get()
    url = attachment.get_absolute_url()
    thumb = reverse("tickets:attachment_thumbnail", args=[attachment.pk])
    expected = 302 if redirect else 200
    for user, status in ((alice, expected), (sam, expected), (bob, 404), (bill, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status, user.email
        assert client.get(thumb).status_code == 404  # a text file has no thumbnail
    client.logout()
    assert client.get(url).status_code == 302  # to the login page, not the bucket
    assert "amazonaws" not in client.get(url)["Location"]


def test_a_redirect_is_a_short_lived_presigned_url_that_sets_our_headers(
    bucket, settings, alice_client, alice, technical
):
    settings.ATTACHMENTS_S3_REDIRECT = True
    settings.ATTACHMENTS_S3_URL_SECONDS = 60
    open_ticket(alice, technical, files=[checked(upload("résumé.txt", LOG, "text/plain"))])
    attachment = Attachment.objects.get()
    response = alice_client.get(attachment.get_absolute_url())
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert location.path.endswith(attachment.file.name)
    assert BUCKET in location.netloc + location.path
    assert query["X-Amz-Expires"] == ["60"]
    assert "X-Amz-Signature" in query
    assert query["response-content-type"] == ["text/plain"]
    assert query["response-content-disposition"] == [
        "attachment; filename*=utf-8''r%C3%A9sum%C3%A9.txt"
    ]
    assert query["response-cache-control"] == ["private, no-store"]


def test_a_thumbnail_is_streamed_even_when_files_are_redirected(
    bucket, settings, alice_client, alice, technical
):
    """Pages show thumbnails as images of their own origin (the CSP's img-src 'self')."""
    settings.ATTACHMENTS_S3_REDIRECT = True
    open_ticket(alice, technical, files=[checked(upload("shot.png", PNG, "image/png"))])
    attachment = Attachment.objects.get()
    assert alice_client.get(attachment.get_absolute_url()).status_code == 302
    thumb = alice_client.get(reverse("tickets:attachment_thumbnail", args=[attachment.pk]))
    assert thumb.status_code == 200 and _body(thumb).startswith(b"\x89PNG")


def test_an_object_missing_from_the_bucket_is_a_404(bucket, alice_client, alice, technical):
    open_ticket(alice, technical, files=[checked(upload("error.log", LOG, "text/plain"))])
    attachment = Attachment.objects.get()
    bucket.delete(attachment.file.name)
    assert alice_client.get(attachment.get_absolute_url()).status_code == 404


def test_the_objects_are_private(bucket, alice, technical):
    open_ticket(alice, technical, files=[checked(upload("error.log", LOG, "text/plain"))])
    name = Attachment.objects.get().file.name
    grants = bucket.connection.meta.client.get_object_acl(Bucket=BUCKET, Key=name)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert all(g["Grantee"]["Type"] == "CanonicalUser" for g in grants), "no public grant"


def _failing_put(monkeypatch, storage, number):
    """The bucket refuses the `number`-th object written (as S3 does when it is throttling
    or the credentials were revoked): the ones before it were stored."""
    real = type(storage)._save
    calls = {"n": 0}

    def save(self, name, content):
        calls["n"] += 1
        if calls["n"] == number:
            raise ClientError(
                {"Error": {"Code": "SlowDown", "Message": "Please reduce your request rate."}},
                "PutObject",
            )
        return real(self, name, content)

    monkeypatch.setattr(type(storage), "_save", save)
    return calls


@pytest.mark.parametrize(
    ("files", "failing"),
    [
        ([("error.log", LOG)], 1),
        ([("error.log", LOG), ("shot.png", PNG)], 2),
        ([("shot.png", PNG)], 2),  # the thumbnail
        ([("error.log", LOG), ("shot.png", PNG)], 3),
    ],
    ids=["first file", "second file", "thumbnail", "thumbnail of the second file"],
)
def test_a_bucket_error_gives_the_clear_answer_and_leaves_no_object(
    bucket, monkeypatch, alice_client, technical, files, failing
):
    calls = _failing_put(monkeypatch, bucket, failing)
    before, media_before = row_counts(), media_files()
    response = _open_with_files(alice_client, technical, files)
    assert calls["n"] == failing
    assert response.status_code == 503
    page = html.unescape(response.content.decode())
    assert NOT_STORED in page and "SlowDown" not in page
    assert "The page is blank." in page, "the text is kept to send again"
    assert row_counts() == before
    assert keys(bucket) == [], "the objects written before the error are deleted"
    assert media_files() == media_before


def test_a_bucket_error_on_a_staff_reply_leaves_no_object(
    bucket, monkeypatch, client, alice, sam, technical
):
    ticket = open_ticket(alice, technical)
    _failing_put(monkeypatch, bucket, 2)
    client.force_login(sam)
    before = row_counts()
    fields = {"body": "Here is the fix.", "submission_token": str(uuid.uuid4()), "status": ""}
    files = [("attachments", "fix.log", LOG), ("attachments", "more.log", LOG)]
    response = post_files(client, reverse("staff:reply", args=[ticket.number]), fields, files)
    assert response.status_code == 503
    assert NOT_STORED in html.unescape(response.content.decode())
    assert row_counts() == before and keys(bucket) == []


def test_an_unreachable_bucket_gives_the_clear_answer(monkeypatch, alice_client, technical):
    """Nothing listens at the endpoint: botocore's EndpointConnectionError."""
    from botocore.config import Config

    from tests.integration.stack import free_port

    storage = s3_storage(
        endpoint_url=f"http://127.0.0.1:{free_port()}",
        client_config=Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=2),
    )
    for field in ("file", "thumbnail"):
        monkeypatch.setattr(Attachment._meta.get_field(field), "storage", storage)
    before = row_counts()
    response = _open_with_files(alice_client, technical, [("error.log", LOG)])
    assert response.status_code == 503
    page = html.unescape(response.content.decode())
    assert NOT_STORED in page and "Could not connect" not in page
    assert row_counts() == before


def _settings_in_a_process(**environ):
    """The attachments storage that netdigi/settings.py makes from this environment."""
    script = (
        "import django; django.setup()\n"
        "from django.core.files.storage import storages\n"
        "from tickets.models import Attachment\n"
        "s = storages['attachments']\n"
        "assert Attachment._meta.get_field('file').storage is s\n"
        "print(type(s).__name__, getattr(s, 'location', ''))\n"
        "print(s.bucket_name, s.endpoint_url, s.region_name, s.default_acl,"
        " s.querystring_auth, s.querystring_expire, s.custom_domain, s.access_key)\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "netdigi.settings",
        "SECRET_KEY": "x" * 50,
        **environ,
    }
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_the_setting_makes_the_attachments_a_private_bucket():
    result = _settings_in_a_process(
        ATTACHMENTS_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="netdigi-files",
        AWS_S3_ENDPOINT_URL="https://s3.example.net",
        AWS_S3_REGION_NAME="ap-southeast-3",
        AWS_ACCESS_KEY_ID="AKIAEXAMPLE",
        AWS_SECRET_ACCESS_KEY="secret",
        ATTACHMENTS_S3_URL_SECONDS="30",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "S3Storage",
        "netdigi-files",
        "https://s3.example.net",
        "ap-southeast-3",
        "None",
        "True",
        "30",
        "None",
        "AKIAEXAMPLE",
    ]


def test_the_local_private_folder_stays_the_default(tmp_path):
    result = _settings_in_a_process(MEDIA_ROOT=str(tmp_path))
    first = result.stdout.splitlines()[0]
    assert first == f"FileSystemStorage {tmp_path / 'private'}"


@pytest.mark.parametrize(
    ("environ", "error"),
    [
        ({"ATTACHMENTS_STORAGE": "s3"}, "needs AWS_STORAGE_BUCKET_NAME"),
        ({"ATTACHMENTS_STORAGE": "ftp"}, "ATTACHMENTS_STORAGE is 'local' or 's3'"),
    ],
)
def test_a_wrong_storage_setting_stops_the_start(environ, error):
    result = _settings_in_a_process(**environ)
    assert result.returncode != 0 and error in result.stderr
