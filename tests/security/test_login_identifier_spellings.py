"""Unicode spellings of one email are one login: the lookup and the failed-login counter
both normalise the identifier (NFKC, case-folded), so "ſam@example.com" (with a long s)
neither misses sam's account nor gets a fresh allowance of guesses against it."""

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from accounts.identifiers import normalise_email
from accounts.throttle import login_email
from tests.factories import UserFactory

from .test_login_throttle import STRANGER, attempt, fail, is_lockout_page, logs_in

pytestmark = pytest.mark.django_db

# Each is accepted by the login form's email field and names sam@example.com.
SPELLINGS = ["ſam@example.com", "ſAM@EXAMPLE.COM", " SAM@example.com ", "sam@\uff45\uff58ample.com"]


@pytest.fixture
def sam_customer(db):
    return UserFactory(email="sam@example.com", name="Sam Customer")


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_identifier_is_normalised_once(spelling):
    assert normalise_email(spelling) == "sam@example.com"
    request = RequestFactory().post("/", {"username": spelling})
    assert login_email(request) == "sam@example.com"
    assert login_email(request, {"username": spelling}) == "sam@example.com"


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_unicode_spelling_finds_the_account(sam_customer, password, spelling):
    request = RequestFactory().post("/")
    assert authenticate(request, username=spelling, password=password) == sam_customer
    assert logs_in(spelling, password, "203.0.113.10")


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_unicode_spelling_counts_on_the_same_counter(sam_customer, password, spelling):
    fail("sam@example.com", STRANGER, 4)
    assert is_lockout_page(attempt(spelling, "wrong-guess", STRANGER)[1])
    assert not logs_in("sam@example.com", password, STRANGER)


def test_alternating_spellings_get_five_guesses_in_all(sam_customer, password):
    answers = [attempt(SPELLINGS[n % 2], "wrong-guess", STRANGER)[1] for n in range(5)]
    assert [a.status_code for a in answers[:4]] == [200] * 4
    assert is_lockout_page(answers[4])
    assert not logs_in(SPELLINGS[1], password, STRANGER)
