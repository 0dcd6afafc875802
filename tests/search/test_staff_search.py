"""The staff search box: ticket numbers, customers by email or name, and words in
subjects and messages (internal notes included), only in the staff member's departments."""

import pytest
from django.urls import reverse

from tests.factories import StaffFactory
from tickets import actions

pytestmark = pytest.mark.django_db

URL = reverse("search:staff")


def search(client, q, **filters):
    return client.get(URL, {"q": q, **filters})


def numbers(response):
    return [result.ticket.number for result in response.context["results"]]


def test_the_box_is_on_every_staff_page(sam_client, broken_site):
    for url in (
        reverse("staff:queues"),
        reverse("staff:queue", args=["technical-support"]),
        reverse("staff:all_tickets"),
        broken_site.get_staff_url(),
        reverse("staff:settings"),
    ):
        page = sam_client.get(url).content.decode()
        assert f'action="{URL}"' in page, url


def test_a_ticket_number_opens_the_ticket(sam_client, broken_site):
    response = search(sam_client, f"#{broken_site.number}")
    assert response.status_code == 302
    assert response["Location"] == broken_site.get_staff_url()


def test_the_number_of_another_departments_ticket_opens_nothing(sam_client, payment):
    response = search(sam_client, payment.number)
    assert response.status_code == 200
    assert numbers(response) == []


def test_words_find_subjects_and_messages_newest_first(sam_client, alice, technical, broken_site):
    newer = actions.open_ticket(
        customer=alice, department=technical, subject="Plugin question", body="Which plugin?"
    )
    assert numbers(search(sam_client, "plugin")) == [newer.number, broken_site.number]


def test_internal_notes_are_searched_for_staff(sam_client, broken_site):
    response = search(sam_client, "firewall")
    assert numbers(response) == [broken_site.number]
    (result,) = response.context["results"]
    assert result.internal
    assert "Internal note" in response.content.decode()


def test_staff_never_find_tickets_of_other_departments(client, bill, broken_site, payment):
    client.force_login(bill)
    assert numbers(search(client, "plugin")) == []
    assert numbers(search(client, "transfer")) == [payment.number]


def test_a_department_filter_outside_ones_own_finds_nothing(sam_client, broken_site, billing):
    assert numbers(search(sam_client, "plugin", department=billing.pk)) == []


def test_a_superuser_searches_every_department(client, root, broken_site, payment):
    client.force_login(root)
    assert numbers(search(client, "transfer")) == [payment.number]
    assert numbers(search(client, "plugin")) == [broken_site.number]


def test_filters_by_status_and_department(sam_client, sam, broken_site, technical, sales):
    sales.staff.add(sam)
    other = actions.open_ticket(
        customer=broken_site.customer, department=sales, subject="Plugin licence", body="Price?"
    )
    assert numbers(search(sam_client, "plugin", department=technical.pk)) == [broken_site.number]
    assert numbers(search(sam_client, "plugin", department=sales.pk)) == [other.number]
    actions.close_ticket(ticket=other, by=sam)
    assert numbers(search(sam_client, "plugin", status="closed")) == [other.number]
    assert numbers(search(sam_client, "plugin", status="bogus")) == [
        other.number,
        broken_site.number,
    ]


def test_an_email_lists_that_customers_tickets(sam_client, alice, broken_site):
    response = search(sam_client, "ALICE@example.com")
    assert response.context["customer"] == alice
    assert numbers(response) == [broken_site.number]


def test_a_name_offers_the_matching_customers(sam_client, alice, broken_site):
    response = search(sam_client, "wijaya")
    assert response.context["customers"] == [alice]
    page = sam_client.get(URL, {"customer": alice.pk})
    assert numbers(page) == [broken_site.number]


def test_customers_without_tickets_in_ones_departments_are_not_offered(
    client, bill, alice, broken_site
):
    client.force_login(bill)
    assert search(client, "wijaya").context["customers"] == []
    assert numbers(client.get(URL, {"customer": alice.pk})) == []


def test_snippets_are_escaped_and_highlighted(sam_client, alice, technical):
    actions.open_ticket(
        customer=alice,
        department=technical,
        subject="Strange page",
        body='My page shows <script>alert("x")</script> and a broken banner.',
    )
    page = search(sam_client, "banner").content.decode()
    assert "<mark>banner</mark>" in page
    assert '<script>alert("x")' not in page


def test_older_results_continue_where_the_page_ended(sam_client, alice, technical, monkeypatch):
    from search import tickets as ticket_search

    monkeypatch.setattr(ticket_search, "PER_PAGE", 2)
    made = [
        actions.open_ticket(
            customer=alice, department=technical, subject=f"Backup {n}", body="Backup failed."
        )
        for n in range(3)
    ]
    first = search(sam_client, "backup")
    assert numbers(first) == [made[2].number, made[1].number]
    assert first.context["older"] is not None
    second = sam_client.get(URL, {"q": "backup", "before": first.context["older"].isoformat()})
    assert made[0].number in numbers(second)
    assert made[2].number not in numbers(second)


def test_customers_may_not_use_the_staff_search(alice_client):
    assert search(alice_client, "plugin").status_code == 403


def test_the_staff_search_needs_a_login(client):
    response = search(client, "plugin")
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_staff_member_of_no_department_finds_nothing(client, broken_site):
    client.force_login(StaffFactory())
    assert numbers(search(client, "plugin")) == []
