"""The benchmark server's query counter and its bare view (bench/settings.py)."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve


@pytest.fixture
def _bench_server(settings):
    settings.MIDDLEWARE = ["bench.middleware.query_count", *settings.MIDDLEWARE]
    settings.ROOT_URLCONF = "bench.urls"


@pytest.mark.usefixtures("_bench_server")
def test_the_header_counts_every_query_of_a_page(alice_client):
    with CaptureQueriesContext(connection) as context:
        response = alice_client.get("/support/tickets/")
    assert response.status_code == 200
    assert int(response["X-Bench-Queries"]) == len(context.captured_queries) > 0


@pytest.mark.usefixtures("_bench_server")
def test_the_bare_view_runs_no_query_of_its_own(client):
    response = client.get("/__bench__/bare/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["X-Bench-Queries"] == "0"


@pytest.mark.usefixtures("_bench_server")
def test_the_headers_give_the_time_spent_in_sql_and_on_the_cpu(alice_client):
    response = alice_client.get("/support/tickets/")
    assert float(response["X-Bench-SQL"]) > 0
    assert float(response["X-Bench-CPU"]) > 0


def test_neither_the_bare_view_nor_the_counter_is_in_the_project_settings(client):
    with pytest.raises(Resolver404):
        resolve("/__bench__/bare/", urlconf="netdigi.urls")
    assert "bench.middleware.query_count" not in settings.MIDDLEWARE
