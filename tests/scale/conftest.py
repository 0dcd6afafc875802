"""Attachments in an S3 bucket: moto's in-process S3 stands in for the bucket, and the
attachment fields are pointed at it for the test (a field's storage is chosen when the
models are loaded, from ATTACHMENTS_STORAGE)."""

import os

import boto3
import pytest
from moto import mock_aws
from storages.backends.s3 import S3Storage

from tickets.models import Attachment

BUCKET = "netdigi-attachments-test"


def s3_storage(**options):
    """The storage netdigi/settings.py makes for ATTACHMENTS_STORAGE=s3."""
    defaults = {
        "bucket_name": BUCKET,
        "region_name": "us-east-1",
        "access_key": "testing",
        "secret_key": "testing",
        "signature_version": "s3v4",
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 60,
        "custom_domain": None,
        "file_overwrite": True,
    }
    return S3Storage(**{**defaults, **options})


def keys(storage):
    """Every object in the storage's bucket."""
    return sorted(o.key for o in storage.bucket.objects.all())


@pytest.fixture
def empty_bucket(monkeypatch):
    """An empty private bucket (moto's S3, in this process), and its storage."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setitem(os.environ, "AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
        yield s3_storage()


@pytest.fixture
def bucket(empty_bucket, monkeypatch):
    """The bucket that holds the attachments of this test (ATTACHMENTS_STORAGE=s3)."""
    for field in ("file", "thumbnail"):
        monkeypatch.setattr(Attachment._meta.get_field(field), "storage", empty_bucket)
    return empty_bucket
