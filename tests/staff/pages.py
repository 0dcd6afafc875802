"""Reading the staff pages in tests."""

import re

from django.test import Client


def logged_in(user):
    """A test client of its own, logged in as `user` (the `client` fixture is shared)."""
    client = Client()
    client.force_login(user)
    return client


def queue_numbers(response):
    """The ticket numbers of a queue page's rows, in order."""
    return re.findall(r'<tr data-number="(\d+)"', response.content.decode())


def overview_counts(response, slug):
    """{count name: text} of one department's row of the Queues overview."""
    html = response.content.decode()
    row = html.split(f'<tr data-department="{slug}">', 1)[1].split("</tr>", 1)[0]
    return {name: value.strip() for name, value in re.findall(r'data-count="(\w+)">([^<]*)<', row)}
