"""Open New Ticket, step 2 and submit: the form of the guide, and what a submit stores."""

import re

import pytest
from django.urls import reverse

from notifications.models import Notification
from tests.factories import ServiceFactory, png_upload, text_upload
from tests.tickets.helpers import form_data, media_files, pdf_upload
from tests.tickets.pages import read
from tickets.models import Attachment, Message, Ticket

FORM = reverse("tickets:open_form", args=["technical-support"])


def test_the_form_names_the_chosen_department(alice_client):
    page = read(alice_client.get(FORM))
    assert "Department: Technical Support" in page.text


def test_the_form_has_the_guides_fields_in_order_and_a_submit_button(alice_client):
    response = alice_client.get(FORM)
    assert response.status_code == 200
    page = read(response)
    assert page.nested_forms == 0
    assert [page.labels[f"id_{name}"] for name in ("subject", "service", "priority", "body")] == [
        "Subject",
        "Related Service",
        "Priority",
        "Message",
    ]
    assert page.labels["id_attachments"] == "Attachments"
    form = page.forms[-1]
    assert form.method == "post"
    assert form.enctype == "multipart/form-data"
    buttons = [(tag, a) for tag, a in form.inputs if tag == "button"]
    assert len(buttons) == 1
    assert "Submit" in page.text
    file_inputs = [a for tag, a in form.inputs if a.get("type") == "file"]
    assert len(file_inputs) == 1 and "multiple" in file_inputs[0]
    assert file_inputs[0]["accept"] == ".gif,.jpeg,.jpg,.log,.pdf,.png,.txt,.webp,.zip"


def test_the_form_has_the_guides_help_texts(alice_client):
    text = read(alice_client.get(FORM)).text
    assert '"Tolong Bantu"' in text
    assert '"Website NamaDomainAnda.com Error 500 Internal Server"' in text
    assert 'Use "High" only for emergencies, such as a website that cannot be reached' in text
    for question in (
        "What are you experiencing?",
        "What steps did you take before it happened?",
        "What error message appears (copy it exactly)?",
        "When did it happen?",
    ):
        assert question in text
    assert "Up to 5 files of 10.0 MB each" in text


def test_related_service_offers_none_and_only_the_customers_own_services(
    alice_client, alice, alice_hosting, bob_hosting
):
    domain = ServiceFactory(
        owner=alice, kind="domain", product_name="Domain registration", domain="alice.id"
    )
    html = alice_client.get(FORM).content.decode()
    select = re.search(r'<select name="service".*?</select>', html, re.S).group(0)
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    assert options == [
        ("", "None"),
        (str(alice_hosting.pk), "Cloud Hosting Business - alice-shop.co.id"),
        (str(domain.pk), "Domain registration - alice.id"),
    ]
    assert "bob-bakery.com" not in html


def test_priority_offers_low_medium_high_with_medium_chosen(alice_client):
    html = alice_client.get(FORM).content.decode()
    select = re.search(r'<select name="priority".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="(\w+)"', select) == ["low", "medium", "high"]
    assert read(html).forms[-1].fields["priority"] == "medium"


def test_each_form_carries_a_fresh_submission_token(alice_client):
    first = read(alice_client.get(FORM)).forms[-1].fields["submission_token"]
    second = read(alice_client.get(FORM)).forms[-1].fields["submission_token"]
    assert re.fullmatch(r"[0-9a-f-]{36}", first)
    assert first != second


def test_submit_stores_ticket_message_attachments_and_notifications(
    alice_client, alice, alice_hosting, technical, sam
):
    before = media_files()
    data = form_data(service=alice_hosting.pk, priority="high")
    data["attachments"] = [png_upload("error 500.png"), pdf_upload("invoice.pdf")]
    response = alice_client.post(FORM, data)

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("tickets:detail", args=[ticket.number])
    assert re.fullmatch(r"[1-9][0-9]{5}", ticket.number)
    assert ticket.customer == alice
    assert ticket.department == technical
    assert ticket.service == alice_hosting
    assert ticket.subject == "Website alice-shop.co.id Error 500 Internal Server"
    assert ticket.priority == Ticket.Priority.HIGH
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.get_status_display() == "Open"

    message = Message.objects.get()
    assert message.ticket == ticket
    assert message.author == alice
    assert message.body == "The shop shows Error 500.\nIt started after I changed PHP to 8.3."
    assert not message.is_staff_reply and not message.is_internal

    attachments = list(Attachment.objects.filter(message=message).order_by("id"))
    assert [(a.original_name, a.content_type) for a in attachments] == [
        ("error 500.png", "image/png"),
        ("invoice.pdf", "application/pdf"),
    ]
    assert attachments[0].thumbnail, "an image gets a thumbnail"
    assert not attachments[1].thumbnail
    new_files = media_files() - before
    assert len(new_files) == 3  # two files and one thumbnail, under random names
    assert not any("error 500" in path.name or "invoice" in path.name for path in new_files)

    rows = sorted(Notification.objects.values_list("event", "recipient__email", "ticket"))
    assert rows == [
        ("staff_new_ticket", "sam@netdigi.test", ticket.pk),
        ("ticket_opened", "alice@example.com", ticket.pk),
    ]


def test_after_submit_the_customer_lands_on_the_ticket_with_a_confirmation(alice_client):
    response = alice_client.post(FORM, form_data(), follow=True)
    ticket = Ticket.objects.get()
    assert response.redirect_chain == [(ticket.get_absolute_url(), 302)]
    text = read(response).text
    assert f"Ticket #{ticket.number} has been opened" in text
    assert ticket.subject in text
    assert "Open" in text


def test_the_new_ticket_shows_in_support_tickets(alice_client):
    alice_client.post(FORM, form_data(subject="Email not working for alice-shop.co.id"))
    ticket = Ticket.objects.get()
    text = read(alice_client.get(reverse("tickets:list"))).text
    assert f"#{ticket.number}" in text
    assert "Email not working for alice-shop.co.id" in text


def test_a_submit_without_service_or_attachments_is_fine(alice_client):
    alice_client.post(FORM, form_data(service="", attachments=None))
    ticket = Ticket.objects.get()
    assert ticket.service is None
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("slug", ["technical-support", "billing-payments", "sales-marketing"])
def test_a_ticket_can_be_opened_in_each_department(alice_client, slug):
    alice_client.post(reverse("tickets:open_form", args=[slug]), form_data())
    assert Ticket.objects.get().department.slug == slug


def test_the_subject_is_tidied_of_extra_spaces_and_the_message_keeps_its_lines(alice_client):
    body = "Line one\n\n  indented line two\nline three"
    alice_client.post(FORM, form_data(subject="  Error   500 on\tshop  ", body=body))
    ticket = Ticket.objects.get()
    assert ticket.subject == "Error 500 on shop"
    assert ticket.messages.get().body == body


def test_five_files_of_every_allowed_kind_are_accepted(alice_client):
    data = form_data()
    data["attachments"] = [
        png_upload("a.png"),
        text_upload("b.log"),
        text_upload("c.txt"),
        pdf_upload("d.pdf"),
        png_upload("e.PNG"),
    ]
    response = alice_client.post(FORM, data)
    assert response.status_code == 302
    assert Attachment.objects.count() == 5


def test_the_subject_may_be_exactly_255_characters(alice_client):
    response = alice_client.post(FORM, form_data(subject="x" * 255))
    assert response.status_code == 302
    assert len(Ticket.objects.get().subject) == 255


def test_the_form_answers_only_get_and_post(alice_client):
    assert alice_client.put(FORM).status_code == 405
    assert alice_client.delete(FORM).status_code == 405
