"""Attachments of a ticket: its department's staff download them, other staff get a 404."""

import pytest

from tests.factories import png_upload
from tests.staff.pages import logged_in
from tickets.uploads import check_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def attachment(alice, technical, open_for):
    ticket = open_for(alice, technical, files=[check_upload(png_upload("error.png"))])
    return ticket.messages.get().attachments.get()


def test_staff_of_the_department_download_the_customers_files(sam, attachment):
    client = logged_in(sam)
    assert client.get(attachment.get_absolute_url()).status_code == 200
    assert client.get(attachment.get_thumbnail_url()).status_code == 200
    page = client.get(f"/staff/tickets/{attachment.message.ticket.number}/").content.decode()
    assert attachment.get_absolute_url() in page
    assert "error.png" in page


def test_staff_of_another_department_get_a_404(bill, attachment):
    client = logged_in(bill)
    assert client.get(attachment.get_absolute_url()).status_code == 404
    assert client.get(attachment.get_thumbnail_url()).status_code == 404


def test_a_superuser_downloads_any_file(root, attachment):
    assert logged_in(root).get(attachment.get_absolute_url()).status_code == 200
