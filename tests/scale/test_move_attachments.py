"""`manage.py move_attachments --to s3` (and back): every file copied under its name and
verified by checksum, nothing copied twice when run again, an interrupted or failed run
finished by the next one, and a summary of what happened."""

from io import StringIO

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command

from tests.tickets.helpers import checked, open_ticket, upload
from tickets.models import Attachment

from .conftest import BUCKET, keys
from .test_s3_attachments import LOG, PNG, _failing_put


@pytest.fixture
def moved(empty_bucket, settings, tmp_path):
    """Runs the command against the test's bucket and a private folder of its own."""
    settings.ATTACHMENTS_S3_OPTIONS = {
        "bucket_name": BUCKET,
        "region_name": "us-east-1",
        "access_key": "testing",
        "secret_key": "testing",
        "default_acl": None,
        "file_overwrite": True,
    }
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET

    def run(to):
        out, err = StringIO(), StringIO()
        try:
            call_command("move_attachments", "--to", to, "--no-progress", stdout=out, stderr=err)
        except CommandError as error:
            return out.getvalue() + err.getvalue() + str(error)
        return out.getvalue() + err.getvalue()

    return run


@pytest.fixture
def files(alice, technical):
    """Two attachments in the private folder: a log, and an image with its thumbnail."""
    open_ticket(
        alice,
        technical,
        files=[checked(upload("error.log", LOG, "text/plain")), checked(upload("s.png", PNG))],
    )
    log, shot = Attachment.objects.order_by("pk")
    return {
        log.file.name: LOG,
        shot.file.name: PNG,
        shot.thumbnail.name: shot.thumbnail.open("rb").read(),
    }


def _bucket_content(storage, name):
    return storage.bucket.Object(name).get()["Body"].read()


def test_every_file_is_copied_to_the_bucket_under_its_name(moved, files, empty_bucket):
    out = moved("s3")
    assert "3 files: 3 copied" in out and "0 failed" in out
    assert keys(empty_bucket) == sorted(files)
    for name, content in files.items():
        assert _bucket_content(empty_bucket, name) == content
    # The source is kept: going back is possible until the folder is removed by hand.
    local = Attachment._meta.get_field("file").storage
    assert all(local.exists(name) for name in files)


def test_a_second_run_copies_nothing_again(moved, files):
    moved("s3")
    out = moved("s3")
    assert "3 files: 0 copied (0 bytes), 3 already there" in out


def test_an_interrupted_run_is_finished_by_the_next(moved, files, empty_bucket):
    moved("s3")
    log, png, thumb = sorted(files)
    empty_bucket.delete(log)  # never copied
    empty_bucket.bucket.put_object(Key=png, Body=b"half a fi")  # cut off half-way
    out = moved("s3")
    assert "3 files: 2 copied" in out and "1 already there" in out
    for name, content in files.items():
        assert _bucket_content(empty_bucket, name) == content


def test_a_refused_copy_is_reported_and_the_run_fails(moved, files, empty_bucket, monkeypatch):
    calls = _failing_put(monkeypatch, empty_bucket, 2)
    out = moved("s3")
    assert calls["n"] == 3
    assert "2 copied" in out and "1 failed" in out and "SlowDown" in out
    assert "run the command again" in out
    monkeypatch.undo()
    out = moved("s3")
    assert "1 copied" in out and "2 already there" in out and "0 failed" in out


def test_a_file_missing_at_the_source_is_reported(moved, files):
    name = sorted(files)[0]
    Attachment._meta.get_field("file").storage.delete(name)
    out = moved("s3")
    assert "2 copied" in out and "1 missing at the source" in out
    assert f"{name}: not found at the source" in out


def test_files_go_back_from_the_bucket_to_an_empty_folder(moved, files, settings, tmp_path):
    moved("s3")
    settings.STORAGES_ATTACHMENTS_LOCAL = {"location": tmp_path / "private", "base_url": None}
    out = moved("local")
    assert "3 files: 3 copied" in out
    folder = FileSystemStorage(location=tmp_path / "private")
    for name, content in files.items():
        assert folder.open(name, "rb").read() == content


def test_without_a_bucket_the_command_says_so(settings, files):
    settings.AWS_STORAGE_BUCKET_NAME = ""
    with pytest.raises(CommandError, match="AWS_STORAGE_BUCKET_NAME is not set"):
        call_command("move_attachments", "--to", "s3", "--no-progress")


def test_a_progress_bar_counts_the_files(moved, files):
    err = StringIO()
    call_command("move_attachments", "--to", "s3", stdout=StringIO(), stderr=err)
    assert "to s3: 100%" in err.getvalue() and "3/3" in err.getvalue()
