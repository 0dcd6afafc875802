"""The SQL queries of the knowledgebase and search pages, pinned: the same count with a
little data and with more (more articles, votes, tickets, messages, customers).

Session and user are counted (two queries on every page of a logged-in user), and on staff
pages the device that verified the session (two-factor sign-in: django-otp loads it on
every request, so that a device removed by an admin's reset ends the session at once).
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kb.models import Article, Category, Vote
from tests.factories import MessageFactory, TicketFactory, UserFactory
from tests.kb.conftest import make_article
from tickets import actions

pytestmark = pytest.mark.django_db

# name: (who, method, url name or a key of url_of, params, queries or (SQLite, PostgreSQL))
PAGES = {
    "knowledgebase index": ("alice", "GET", "kb:index", {}, 3),
    "knowledgebase index before login": ("anonymous", "GET", "kb:index", {}, 1),
    "category": ("alice", "GET", "category", {}, 4),
    "article": ("alice", "GET", "article", {}, 5),
    "article before login": ("anonymous", "GET", "article", {}, 2),
    "knowledgebase search": ("alice", "GET", "kb:search", {"q": "plugin"}, 3),
    "suggestions": ("alice", "GET", "kb:suggest", {"q": "wordpress plug"}, 3),
    "helpful vote": ("alice", "POST", "vote", {"helpful": "yes"}, 5),
    "this solved my problem": ("alice", "POST", "solved", {}, 4),
    # PostgreSQL: one more, its estimate of how common the words are (search/tickets.py).
    "staff search, words": ("sam", "GET", "search:staff", {"q": "plugin"}, (9, 10)),
    "staff search, email": ("sam", "GET", "search:staff", {"q": "alice@example.com"}, 7),
    "staff search, a customer": ("sam", "GET", "customer", {}, 6),
    "staff search, knowledgebase links": ("sam", "GET", "search:kb_links", {"q": "plug"}, 4),
    "customer ticket search": ("alice", "GET", "search:customer", {"q": "plugin"}, 5),
}


@pytest.fixture
def world(alice, sam, technical):
    category = Category.objects.create(slug="web", name="Web")
    article = make_article(
        category, "error-500", "WordPress plugin error", "Rename the plugin folder."
    )
    ticket = actions.open_ticket(
        customer=alice, department=technical, subject="Plugin error", body="A plugin broke."
    )
    actions.add_reply(ticket=ticket, author=sam, body="Rename the plugin.")
    actions.add_reply(ticket=ticket, author=sam, body="Plugin note.", internal=True)
    return {"article": article, "category": category, "alice": alice, "technical": technical}


def grow(world, rounds):
    category, technical, alice = world["category"], world["technical"], world["alice"]
    for n in range(rounds):
        article = make_article(category, f"more-{n}", f"Plugin guide {n}", "The plugin again.")
        voter = UserFactory()
        Vote.objects.create(article=article, user=voter, helpful=True)
        Vote.objects.create(article=world["article"], user=voter, helpful=n % 2 == 0)
        for ticket in (
            TicketFactory(customer=alice, department=technical, subject=f"Plugin {n}"),
            TicketFactory(customer=voter, department=technical, subject=f"Other plugin {n}"),
        ):
            MessageFactory.create_batch(2, ticket=ticket, body="The plugin fails.")
    make_article(category, "draft", "Plugin draft", "Draft.", status=Article.Status.DRAFT)


def url_of(world, name):
    article = world["article"]
    return {
        "category": world["category"].get_absolute_url(),
        "article": article.get_absolute_url(),
        "vote": reverse("kb:vote", args=[article.slug]),
        "solved": reverse("kb:solved", args=[article.slug]),
        "customer": f"{reverse('search:staff')}?customer={world['alice'].pk}",
    }.get(name) or reverse(name)


def count(client, world, who, method, name, params, users):
    from network.status import live_incidents

    cache.clear()  # no rate-limit counts carried over
    live_incidents()  # the status banner cached, as on a running site
    client.logout()
    if who != "anonymous":
        client.force_login(users[who])
    url = url_of(world, name)
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method.lower())(url, params)
    assert response.status_code in (200, 302), (name, response.status_code)
    statements = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    return len(statements), statements


@pytest.mark.parametrize("name", PAGES)
def test_the_queries_of_a_page_do_not_grow_with_the_data(client, world, alice, sam, name):
    who, method, target, params, budget = PAGES[name]
    if isinstance(budget, tuple):
        budget = budget[connection.vendor == "postgresql"]
    users = {"alice": alice, "sam": sam}
    little, _ = count(client, world, who, method, target, params, users)
    grow(world, 6)
    more, statements = count(client, world, who, method, target, params, users)
    assert (little, more) == (budget, budget), "\n".join(statements)
