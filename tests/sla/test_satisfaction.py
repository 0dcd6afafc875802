"""The satisfaction survey: when it is sent, the signed links, and recording a rating."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sla import links
from sla.models import Rating, Survey
from sla.satisfaction import RatingLocked, record_rating
from tests.factories import StaffFactory
from tickets import actions

from .conftest import at


@pytest.fixture
def answered(alice, sam, technical):
    """Alice's ticket, answered by Sam."""
    ticket = actions.open_ticket(customer=alice, department=technical, subject="DNS", body="?")
    actions.add_reply(ticket=ticket, author=sam, body="Fixed the record.")
    return ticket


def sent(kind):
    return [m for m in mail.outbox if m.extra_headers.get("X-Netdigi-Kind") == kind] or [
        m for m in mail.outbox if kind in m.subject
    ]


def close_and_send(ticket, by, capture):
    with capture(execute=True):
        actions.close_ticket(ticket=ticket, by=by)


def test_closing_an_answered_ticket_emails_the_survey(
    answered, sam, django_capture_on_commit_callbacks
):
    mail.outbox = []
    close_and_send(answered, sam, django_capture_on_commit_callbacks)
    survey = Survey.objects.get(ticket=answered)
    assert survey.department_id == answered.department_id
    [email] = [m for m in mail.outbox if "How did we do?" in m.subject]
    assert email.to == ["alice@example.com"]
    urls = re.findall(r"http://\S+/support/feedback/\S+", email.body)
    assert [u.rsplit("=", 1)[1] for u in urls] == ["good", "okay", "bad"]
    assert "Reopen the ticket" in email.body
    html = email.alternatives[0][0]
    assert "choice=bad" in html


@pytest.mark.parametrize("closer", ["customer", "autoclose", "staff_status", "closing_reply"])
def test_every_kind_of_close_sends_it(answered, alice, sam, closer, settings):
    if closer == "customer":
        actions.close_ticket(ticket=answered, by=alice)
    elif closer == "staff_status":
        actions.update_ticket(ticket=answered, by=sam, status="closed")
    elif closer == "closing_reply":
        actions.add_reply(ticket=answered, author=sam, body="Solved.", new_status="closed")
    else:
        settings.TICKET_AUTOCLOSE_HOURS = 1
        with pytest.MonkeyPatch.context() as patch:
            later = timezone.now() + timedelta(hours=2)
            patch.setattr(timezone, "now", lambda: later)
            assert actions.autoclose_stale_tickets() == [answered.number]
    assert Survey.objects.filter(ticket=answered).exists()


def test_no_survey_without_a_staff_reply(alice, sam, technical):
    ticket = actions.open_ticket(customer=alice, department=technical, subject="x", body="y")
    actions.add_reply(ticket=ticket, author=sam, body="note", internal=True)
    actions.close_ticket(ticket=ticket, by=alice)
    assert not Survey.objects.exists()


def test_no_survey_for_a_customer_who_rated_in_the_last_days(
    answered, alice, sam, technical, settings
):
    other = actions.open_ticket(customer=alice, department=technical, subject="b", body="c")
    actions.add_reply(ticket=other, author=sam, body="done")
    actions.close_ticket(ticket=other, by=sam)
    record_rating(ticket=other, score="good")
    actions.close_ticket(ticket=answered, by=sam)
    assert not Survey.objects.filter(ticket=answered).exists()

    # After CSAT_MIN_DAYS they are asked again.
    settings.CSAT_MIN_DAYS = 0
    actions.add_reply(ticket=answered, author=alice, body="again")
    actions.add_reply(ticket=answered, author=sam, body="ok")
    actions.close_ticket(ticket=answered, by=sam)
    assert Survey.objects.filter(ticket=answered).exists()


def test_one_survey_per_ticket(answered, alice, sam):
    actions.close_ticket(ticket=answered, by=sam)
    actions.add_reply(ticket=answered, author=alice, body="It is back")
    actions.add_reply(ticket=answered, author=sam, body="Fixed again")
    actions.close_ticket(ticket=answered, by=sam)
    assert Survey.objects.filter(ticket=answered).count() == 1


# --- the link -----------------------------------------------------------------------


def test_a_get_shows_the_choice_preselected_and_records_nothing(client, answered, sam):
    actions.close_ticket(ticket=answered, by=sam)
    response = client.get(links.rate_url(answered, "bad"))
    assert response.status_code == 200
    assert re.search(rb'value="bad"[^>]*checked', response.content)
    assert not Rating.objects.exists()


def links_in(emails):
    urls = set()
    for email in emails:
        text = email.body + email.alternatives[0][0]
        urls |= {u.replace("&amp;", "&") for u in re.findall(r"http://[^\s\"<>]+", text)}
    return urls


def test_a_scanner_fetching_every_link_records_nothing(
    client, answered, sam, django_capture_on_commit_callbacks
):
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_reply(ticket=answered, author=sam, body="Anything else?")
    urls = links_in(mail.outbox)
    assert any("/support/close/" in u for u in urls)
    for url in urls:
        client.get(url)
        client.head(url)
    answered.refresh_from_db()
    assert answered.status == "answered"  # the close link's GET only asked

    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        actions.close_ticket(ticket=answered, by=sam)
    urls = links_in(mail.outbox)
    assert sum("/support/feedback/" in u for u in urls) == 3
    for url in urls:
        client.get(url)
        client.head(url)
    assert not Rating.objects.exists()


def test_a_post_records_the_rating_with_the_handling_at_that_time(client, answered, sam, technical):
    actions.update_ticket(ticket=answered, by=sam, assignee=sam)
    actions.close_ticket(ticket=answered, by=sam)
    response = client.post(
        links.rate_url(answered), {"score": "okay", "comment": " Slow but fine "}
    )
    assert response.status_code == 200
    assert b"data-rating-saved" in response.content
    rating = Rating.objects.get(ticket=answered)
    assert (rating.score, rating.comment) == ("okay", "Slow but fine")
    assert rating.department == technical and rating.assignee == sam
    assert rating.priority == answered.priority
    assert list(rating.replied_by.all()) == [sam]
    assert Survey.objects.get(ticket=answered).rated  # counted in the response rate

    # A later move does not rewrite it.
    billing_staff = StaffFactory(departments=[technical])
    actions.update_ticket(ticket=answered, by=sam, assignee=billing_staff)
    rating.refresh_from_db()
    assert rating.assignee == sam


def test_a_rating_can_be_changed_for_seven_days_then_not(client, answered, sam, clock):
    clock.to(at(2026, 11, 16, 9))
    actions.close_ticket(ticket=answered, by=sam)
    url = links.rate_url(answered)
    client.post(url, {"score": "bad"})
    clock.to(at(2026, 11, 22, 9))
    client.post(url, {"score": "good"})
    assert Rating.objects.get().score == "good"
    clock.to(at(2026, 11, 24, 9))
    response = client.post(url, {"score": "bad"})
    assert b"data-rating-locked" in response.content
    assert Rating.objects.get().score == "good"
    with pytest.raises(RatingLocked):
        record_rating(ticket=answered, score="bad")


def test_a_bad_rating_emails_the_department(
    client, answered, sam, bill, django_capture_on_commit_callbacks
):
    actions.close_ticket(ticket=answered, by=sam)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(links.rate_url(answered), {"score": "bad", "comment": "Took a week"})
    [email] = mail.outbox
    assert email.to == ["sam@netdigi.test"]  # Technical Support's staff, not Billing's
    assert "Bad rating" in email.subject and "Took a week" in email.body
    # Changing the comment of a Bad rating does not email again.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(links.rate_url(answered), {"score": "bad", "comment": "Still bad"})
    assert len(mail.outbox) == 1


def test_a_post_without_a_choice_is_refused_and_nothing_is_stored(client, answered, sam):
    actions.close_ticket(ticket=answered, by=sam)
    response = client.post(links.rate_url(answered), {"score": "excellent"})
    assert response.status_code == 400
    assert not Rating.objects.exists()


@pytest.mark.parametrize("change", ["flip", "truncate", "other_purpose", "garbage", "other_ticket"])
def test_a_tampered_link_gets_a_clear_page(client, answered, bob, technical, change):
    token = links.make_token(answered, links.RATE)
    if change == "flip":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif change == "truncate":
        token = token[:-8]
    elif change == "other_purpose":
        token = links.make_token(answered, links.CLOSE)
    elif change == "garbage":
        token = "not-a-token"
    else:
        from django.core import signing

        token = signing.dumps([answered.pk, bob.pk], salt=links.RATE)
    for method in (client.get, client.post):
        response = method(reverse("sla:rate", args=[token]), {"score": "good"})
        assert response.status_code == 400
        assert b"This link is not valid" in response.content
    assert not Rating.objects.exists()


def test_an_expired_link_gets_a_clear_page(client, answered, sam, clock):
    clock.to(at(2026, 11, 1, 9))
    url = links.rate_url(answered)
    clock.to(at(2026, 12, 1, 10))  # 30 days and an hour later
    for method in (client.get, client.post):
        response = method(url, {"score": "good"})
        assert response.status_code == 410
        assert b"This link has expired" in response.content
    assert not Rating.objects.exists()


def test_the_closed_ticket_page_offers_the_rating(alice_client, answered, sam):
    page = alice_client.get(answered.get_absolute_url())
    assert b"data-satisfaction" not in page.content  # still open
    actions.close_ticket(ticket=answered, by=sam)
    page = alice_client.get(answered.get_absolute_url())
    assert b"data-satisfaction" in page.content
    action = re.search(rb'<form method="post" action="(/support/feedback/[^"]+)"', page.content)
    alice_client.post(action.group(1).decode(), {"score": "good"})
    assert Rating.objects.get(ticket=answered).score == "good"
