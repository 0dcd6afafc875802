"""Staff pages of incidents: who may use them, creating and editing an incident, posting
updates, servers recovering one by one, linking tickets from the ticket page and in bulk
from a queue, the queue's marks and filter. Every change is an audit event."""

from datetime import timedelta

import pytest
from django.utils import timezone

from network.models import AffectedServer, Incident, IncidentEvent, IncidentTicket
from tests.factories import TicketFactory, UserFactory
from tests.staff.pages import logged_in, queue_numbers

PAGES = ["/staff/incidents/", "/staff/incidents/new/"]


@pytest.mark.parametrize("path", PAGES)
def test_customers_are_refused(alice_client, path):
    assert alice_client.get(path).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_go_to_the_login_page(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_customers_cannot_post_updates_or_link(alice_client, alice, open_incident):
    ticket = TicketFactory(customer=alice)
    assert (
        alice_client.post(
            f"/staff/incidents/{open_incident.pk}/updates/",
            {"state": "resolved", "body": "Done"},
        ).status_code
        == 403
    )
    assert (
        alice_client.post(
            "/staff/incidents/link/", {"incident": open_incident.pk, "tickets": ticket.number}
        ).status_code
        == 403
    )
    assert not IncidentTicket.objects.exists()


def create(client, **overrides):
    data = {
        "kind": "incident",
        "title": "Website outage on sg-web-07",
        "title_id": "Gangguan situs di sg-web-07",
        "description": "",
        "description_id": "",
        "impact": "critical",
        "starts_at": "2026-11-29T09:00",
        "ends_at": "",
        "servers": "SG-WEB-07\nsg-web-08, sg-web-07",
        "message": "Sites on sg-web-07 and sg-web-08 do not answer.",
        "message_id": "",
        **overrides,
    }
    return client.post("/staff/incidents/new/", data)


def test_staff_create_an_incident_with_its_first_update(sam):
    response = create(logged_in(sam))
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.state == Incident.State.INVESTIGATING
    assert incident.created_by == sam
    assert sorted(incident.servers.values_list("hostname", flat=True)) == [
        "sg-web-07",
        "sg-web-08",
    ]
    assert incident.updates.get().body == "Sites on sg-web-07 and sg-web-08 do not answer."
    assert incident.events.get().action == IncidentEvent.Action.CREATED


BAD = [
    ({"title": ""}, "title"),
    ({"servers": ""}, "servers"),
    ({"servers": "sg web 07"}, "servers"),
    ({"starts_at": "yesterday"}, "starts_at"),
    ({"ends_at": "2026-11-29T08:00"}, "ends_at"),
    ({"kind": "maintenance"}, "ends_at"),
    ({"message": ""}, "message"),
    ({"impact": "apocalyptic"}, "impact"),
]


@pytest.mark.parametrize(("change", "field"), BAD)
def test_bad_input_is_refused_and_nothing_is_stored(sam, change, field):
    response = create(logged_in(sam), **change)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Incident.objects.exists()
    assert not AffectedServer.objects.exists()


def test_editing_records_what_changed(sam, open_incident):
    client = logged_in(sam)
    local = timezone.localtime(open_incident.starts_at).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/staff/incidents/{open_incident.pk}/edit/",
        {
            "title": "Email delays on sg-web-03 and sg-web-04",
            "title_id": open_incident.title_id,
            "description": "",
            "description_id": "",
            "impact": "critical",
            "starts_at": local,
            "ends_at": "",
            "servers": "sg-web-03\nsg-web-04",
        },
    )
    assert response.status_code == 302
    open_incident.refresh_from_db()
    assert open_incident.impact == "critical"
    assert open_incident.servers.count() == 2
    event = open_incident.events.get(action=IncidentEvent.Action.CHANGED)
    assert "impact: major → critical" in event.detail
    assert "servers added: sg-web-04" in event.detail
    assert event.actor == sam


def test_posting_an_update_moves_the_state(sam, open_incident):
    response = logged_in(sam).post(
        f"/staff/incidents/{open_incident.pk}/updates/",
        {"state": "monitoring", "body": "A fix is in place.", "body_id": ""},
    )
    assert response.status_code == 302
    open_incident.refresh_from_db()
    assert open_incident.state == "monitoring"
    assert open_incident.updates.first().body == "A fix is in place."
    assert open_incident.events.filter(action=IncidentEvent.Action.UPDATE_POSTED).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"state": "monitoring", "body": "  "},
        {"state": "completed", "body": "Not a state of an incident"},
        {"state": "monitoring", "body": "Close too early", "close_tickets": "on"},
    ],
)
def test_a_bad_update_is_refused(sam, open_incident, data):
    response = logged_in(sam).post(f"/staff/incidents/{open_incident.pk}/updates/", data)
    assert response.status_code == 400
    assert open_incident.updates.count() == 1
    open_incident.refresh_from_db()
    assert open_incident.state == "identified"


def test_servers_recover_one_by_one(sam):
    create(logged_in(sam))
    incident = Incident.objects.get()
    first = incident.servers.get(hostname="sg-web-07")
    response = logged_in(sam).post(f"/staff/incidents/{incident.pk}/servers/{first.pk}/recovered/")
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.recovered_at is not None
    assert incident.servers.get(hostname="sg-web-08").recovered_at is None
    assert incident.events.filter(action=IncidentEvent.Action.SERVER_RECOVERED).count() == 1


def test_staff_link_a_ticket_from_its_page(sam, alice, technical, open_incident):
    ticket = TicketFactory(customer=alice, department=technical)
    client = logged_in(sam)
    page = client.get(f"/staff/tickets/{ticket.number}/").content.decode()
    assert "data-ticket-incidents" in page
    response = client.post(
        "/staff/incidents/link/",
        {
            "incident": open_incident.pk,
            "tickets": ticket.number,
            "next": f"/staff/tickets/{ticket.number}/",
        },
    )
    assert response["Location"] == f"/staff/tickets/{ticket.number}/"
    assert IncidentTicket.objects.filter(incident=open_incident, ticket=ticket).exists()
    page = client.get(f"/staff/tickets/{ticket.number}/").content.decode()
    assert "Unlink" in page
    event = open_incident.events.get(action=IncidentEvent.Action.TICKETS_LINKED)
    assert event.detail == f"#{ticket.number}" and event.actor == sam


def test_a_ticket_of_another_department_is_not_linked(sam, billing, open_incident):
    ticket = TicketFactory(customer=UserFactory(), department=billing)
    logged_in(sam).post(
        "/staff/incidents/link/", {"incident": open_incident.pk, "tickets": ticket.number}
    )
    assert not IncidentTicket.objects.exists()


def test_an_outside_redirect_is_not_followed(sam, technical, open_incident):
    ticket = TicketFactory(customer=UserFactory(), department=technical)
    response = logged_in(sam).post(
        "/staff/incidents/link/",
        {"incident": open_incident.pk, "tickets": ticket.number, "next": "https://evil.example/"},
    )
    assert response["Location"] == open_incident.get_staff_url()


def test_a_ticket_can_be_unlinked(sam, technical, open_incident):
    ticket = TicketFactory(customer=UserFactory(), department=technical)
    IncidentTicket.objects.create(incident=open_incident, ticket=ticket)
    logged_in(sam).post(f"/staff/incidents/{open_incident.pk}/unlink/{ticket.number}/")
    assert not IncidentTicket.objects.exists()
    assert open_incident.events.filter(action=IncidentEvent.Action.TICKET_UNLINKED).exists()


def test_bulk_link_from_a_queue_marks_and_filters(sam, technical, open_incident):
    tickets = [TicketFactory(customer=UserFactory(), department=technical) for _ in range(4)]
    client = logged_in(sam)
    queue = client.get("/staff/queues/technical-support/").content.decode()
    assert 'form="incident-bulk-link"' in queue
    assert 'id="incident-bulk-link"' in queue
    response = client.post(
        "/staff/incidents/link/",
        {
            "incident": open_incident.pk,
            "tickets": [tickets[0].number, tickets[2].number],
            "next": "/staff/queues/technical-support/",
        },
    )
    assert response["Location"] == "/staff/queues/technical-support/"
    assert IncidentTicket.objects.count() == 2

    queue = client.get("/staff/queues/technical-support/").content.decode()
    assert queue.count("data-linked-incident") == 2
    filtered = client.get(f"/staff/queues/technical-support/?incident={open_incident.pk}")
    assert sorted(queue_numbers(filtered)) == sorted([tickets[0].number, tickets[2].number])
    assert len(queue_numbers(client.get("/staff/queues/technical-support/?incident=x"))) == 4


def test_bulk_link_without_tickets_says_so(sam, open_incident):
    response = logged_in(sam).post("/staff/incidents/link/", {"incident": open_incident.pk})
    assert response.status_code == 302
    assert not IncidentTicket.objects.exists()


def test_the_incident_page_lists_only_tickets_of_my_departments(
    sam, technical, billing, open_incident
):
    mine = TicketFactory(customer=UserFactory(), department=technical)
    theirs = TicketFactory(customer=UserFactory(email="hidden@example.com"), department=billing)
    for ticket in (mine, theirs):
        IncidentTicket.objects.create(incident=open_incident, ticket=ticket)
    html = logged_in(sam).get(open_incident.get_staff_url()).content.decode()
    assert f"#{mine.number}" in html
    assert f"#{theirs.number}" not in html
    assert "hidden@example.com" not in html
    assert "2 linked tickets in all departments." in html


def test_the_admin_creates_an_incident_with_an_audit_event(root):
    client = logged_in(root)
    start = timezone.localtime(timezone.now() + timedelta(days=3))
    response = client.post(
        "/admin/network/incident/add/",
        {
            "kind": "maintenance",
            "impact": "minor",
            "state": "scheduled",
            "starts_at_0": start.strftime("%Y-%m-%d"),
            "starts_at_1": "22:00:00",
            "ends_at_0": start.strftime("%Y-%m-%d"),
            "ends_at_1": "23:00:00",
            "title": "Kernel updates",
            "description": "",
            "title_id": "",
            "description_id": "",
            "servers-TOTAL_FORMS": "1",
            "servers-INITIAL_FORMS": "0",
            "servers-0-hostname": "sg-web-11",
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    incident = Incident.objects.get()
    assert incident.servers.get().hostname == "sg-web-11"
    actions = set(incident.events.values_list("action", flat=True))
    assert IncidentEvent.Action.CREATED in actions


def test_staff_without_model_permissions_edit_servers_in_the_admin(sam, open_incident):
    html = logged_in(sam).get(f"/admin/network/incident/{open_incident.pk}/change/")
    assert html.status_code == 200
    assert 'name="servers-0-hostname"' in html.content.decode()


def test_resolve_closes_every_linked_ticket_when_asked(
    sam, technical, open_incident, django_capture_on_commit_callbacks
):
    from tickets.models import Ticket

    tickets = [TicketFactory(customer=UserFactory(), department=technical) for _ in range(2)]
    for ticket in tickets:
        IncidentTicket.objects.create(incident=open_incident, ticket=ticket)
    client = logged_in(sam)
    assert 'id="resolve-heading"' in client.get(open_incident.get_staff_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/staff/incidents/{open_incident.pk}/updates/",
            {"state": "resolved", "body": "All mail delivered.", "close_tickets": "on"},
        )
    assert response.status_code == 302
    open_incident.refresh_from_db()
    assert open_incident.state == "resolved"
    assert set(Ticket.objects.values_list("status", flat=True)) == {"closed"}
    assert "resolve-heading" not in client.get(open_incident.get_staff_url()).content.decode()
