"""Copy every attachment and thumbnail between the private folder and the S3 bucket, before
switching ATTACHMENTS_STORAGE (README, "Attachments in S3").

Each file is copied under the same name (names are storage-neutral keys, so no row changes),
read back and compared with the source by SHA-256. Nothing is deleted from the source. A
run can be stopped at any moment and started again: files already at the target with the
same checksum are counted as "already there" and not copied again. Run it once before the
switch and once after it, which copies the files uploaded in between.
"""

import hashlib

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tickets.models import Attachment
from tickets.storage import STORAGE_ERRORS, is_missing

CHUNK = 1024 * 1024


def local_storage():
    return FileSystemStorage(**settings.STORAGES_ATTACHMENTS_LOCAL)


def s3_storage():
    from storages.backends.s3 import S3Storage

    if not settings.AWS_STORAGE_BUCKET_NAME:
        raise CommandError("AWS_STORAGE_BUCKET_NAME is not set: which bucket?")
    return S3Storage(**settings.ATTACHMENTS_S3_OPTIONS)


def checksum(storage, name):
    """(SHA-256, size) of a stored file, read in chunks; None when it is not there."""
    digest, size = hashlib.sha256(), 0
    try:
        with storage.open(name, "rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except STORAGE_ERRORS as error:
        if is_missing(error):
            return None
        raise
    return digest.hexdigest(), size


class Command(BaseCommand):
    help = (
        "Copy the attachments between the private folder and the S3 bucket "
        "(--to s3 or --to local), verifying each copy by checksum. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, choices=["s3", "local"])
        parser.add_argument(
            "--batch", type=int, default=500, help="Attachment rows read per query."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, to, batch, no_progress, **options):
        source, target = (local_storage(), s3_storage())
        if to == "local":
            source, target = target, source
        # Read a batch of rows at a time: millions of names are never held at once.
        total = Attachment.objects.count() + Attachment.objects.exclude(thumbnail="").count()
        totals = {"copied": 0, "bytes": 0, "already there": 0, "missing": 0, "failed": 0}
        failures = []
        bar = tqdm(
            total=total,
            unit="file",
            disable=no_progress,
            file=self.stderr._out,
            desc=f"to {to}",
        )
        count = 0
        for name in self._names(batch):
            outcome, size = self._move(source, target, name, failures)
            totals[outcome] += 1
            count += 1
            if outcome == "copied":
                totals["bytes"] += size
            bar.update(1)
        bar.close()
        for name, reason in failures:
            self.stderr.write(f"{name}: {reason}")
        self.stdout.write(
            f"{count} files: {totals['copied']} copied ({totals['bytes']} bytes), "
            f"{totals['already there']} already there, {totals['missing']} missing at the "
            f"source, {totals['failed']} failed."
        )
        if totals["failed"]:
            raise CommandError(
                f"{totals['failed']} file(s) were not copied; run the command again."
            )

    def _names(self, batch):
        """Every stored name (files and thumbnails), in the order of the rows."""
        last = 0
        rows = Attachment.objects.order_by("pk")
        while True:
            page = list(rows.filter(pk__gt=last).values_list("pk", "file", "thumbnail")[:batch])
            if not page:
                return
            for pk, file, thumbnail in page:
                yield from (name for name in (file, thumbnail) if name)
                last = pk

    def _move(self, source, target, name, failures):
        """Copy one file unless it is already there; ("copied" | ... , size)."""
        try:
            original = checksum(source, name)
            if original is None:
                failures.append((name, "not found at the source"))
                return "missing", 0
            if checksum(target, name) == original:
                return "already there", 0
            # A copy left half-done by an interrupted run is replaced.
            target.delete(name)
            with source.open(name, "rb") as handle:
                saved = target.save(name, handle)
            if saved != name:
                target.delete(saved)
                failures.append((name, f"stored as {saved}"))
                return "failed", 0
            if checksum(target, name) != original:
                target.delete(name)
                failures.append((name, "checksum differs after the copy"))
                return "failed", 0
        except STORAGE_ERRORS as error:
            failures.append((name, f"{type(error).__name__}: {error}"))
            return "failed", 0
        return "copied", original[1]
