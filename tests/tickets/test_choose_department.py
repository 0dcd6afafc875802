"""Open New Ticket, step 1: the active departments, each with description and examples."""

from django.urls import reverse

from tests.tickets.pages import read
from tickets.models import Department

STEP1 = reverse("tickets:open")

GUIDE_DEPARTMENTS = [
    (
        "Technical Support",
        "All technical problems with the services you use.",
        ["Website error", "Email not working", "Server down"],
    ),
    (
        "Billing & Payments",
        "All financial questions.",
        ["Payment confirmation", "Invoice questions", "Refund requests"],
    ),
    (
        "Sales & Marketing",
        "Questions before buying and general non-technical questions.",
        ["Details of service features", "Custom quote requests", "Partnership opportunities"],
    ),
]


def test_step_one_lists_the_three_departments_of_the_guide_in_order(alice_client):
    page = read(alice_client.get(STEP1))
    links = [(href, text) for href, text in page.links if href.startswith(STEP1) and href != STEP1]
    assert links == [
        (reverse("tickets:open_form", args=["technical-support"]), "Technical Support"),
        (reverse("tickets:open_form", args=["billing-payments"]), "Billing & Payments"),
        (reverse("tickets:open_form", args=["sales-marketing"]), "Sales & Marketing"),
    ]


def test_each_department_shows_its_description_and_examples(alice_client):
    text = read(alice_client.get(STEP1)).text
    for name, description, examples in GUIDE_DEPARTMENTS:
        assert name in text
        assert description in text
        for example in examples:
            assert example in text, (name, example)


def test_an_inactive_department_is_not_offered_and_its_form_is_a_404(alice_client, sales):
    sales.is_active = False
    sales.save()
    page = read(alice_client.get(STEP1))
    assert "Sales & Marketing" not in page.text
    assert reverse("tickets:open_form", args=["sales-marketing"]) not in page.hrefs()
    assert alice_client.get(sales.get_open_ticket_url()).status_code == 404
    posted = alice_client.post(
        sales.get_open_ticket_url(), {"subject": "Hi", "body": "Hi", "priority": "low"}
    )
    assert posted.status_code == 404


def test_an_unknown_department_slug_is_a_404(alice_client):
    assert alice_client.get(reverse("tickets:open_form", args=["nope"])).status_code == 404


def test_a_new_department_made_by_staff_appears_by_its_order(alice_client):
    Department.objects.create(name="Abuse", slug="abuse", description="Spam and phishing.", order=0)
    page = read(alice_client.get(STEP1))
    assert page.text.index("Abuse") < page.text.index("Technical Support")


def test_department_texts_are_escaped(alice_client):
    Department.objects.create(
        name="<b>Bold</b>", slug="bold", description="<script>x()</script>", order=9
    )
    html = alice_client.get(STEP1).content.decode()
    assert "<script>x()</script>" not in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html
