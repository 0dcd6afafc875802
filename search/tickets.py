"""Searching tickets: the staff search box and a customer's search of their own tickets.

Words are searched in ticket subjects and message bodies, newest first. PostgreSQL stores
each text's vector, stemmed with both the `english` and the `indonesian` configurations
(search/migrations/0001), and the query is looked up in both, so "payments" and
"pembayaran" both find what was written in either language. Staff search their own
departments only (superusers: all) and see internal notes; a customer searches their own
tickets and never an internal note.

A hit is a message (its date) or a ticket subject (the ticket's last activity). How the
newest hits are read depends on how common the words are, as PostgreSQL estimates it:

- rare words: every match, from the GIN index, sorted;
- common words: the newest rows in date order, each tested against its stored vector,
  until a page is full, and never more than WALK rows.

Reading every match costs about as many rows as there are matches; reading newest first
costs about HITS rows for each match's share of the table (HITS x rows / matches). The
second is cheaper once the matches outnumber sqrt(HITS x rows): a few thousand in a table
of a few hundred thousand rows, fifteen thousand in four million, so the threshold follows
the table's size. Words that are each common but
  rarely together cannot make a search read the whole table: past WALK rows the page
  offers "older results" from where the reading stopped.

A customer's search reads from the customer's own tickets (an index), whatever the words.
The hits are merged and grouped by ticket; "older results" continues before the oldest
hit shown (keyset paging: no OFFSET over a million rows).
"""

import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from kb.text import (
    HEADLINE_OPTIONS,
    START,
    STOP,
    clean_query,
    is_postgresql,
    marked_parts,
    plain_snippet,
    words,
)
from tickets import access
from tickets.models import Message, Ticket

User = get_user_model()

# The stored vectors of search/migrations/0001.
MESSAGE_VECTOR = "m.search_vector"
SUBJECT_VECTOR = "t.search_vector"
QUERY = (
    "(websearch_to_tsquery('english'::regconfig, %(q)s) || "
    "websearch_to_tsquery('indonesian'::regconfig, %(q)s))"
)
TICKET_NUMBER = re.compile(r"^#?\s*(\d{6,12})$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
# Hits read per kind for one page of results; tickets shown per page.
HITS = 60
# Words PostgreSQL expects in more rows than common_from() are read newest first, at most
# WALK rows of each table per page (see the module's docstring).
WALK = 10_000
PER_PAGE = 25
CUSTOMERS = 5
# Run before the hits query, in the same implicit transaction (they end with it). A search
# reads a few hundred rows: starting parallel workers or compiling the query (JIT) costs
# more than that on a busy machine. And each hit's ticket is looked up by its key: the
# statistics of a word missing from the most common ones can overestimate its matches a
# thousandfold, and a hash join would then read every ticket to join three messages.
QUICK = (
    "SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0; "
    "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; "
)


@dataclass
class Hit:
    ticket_id: int
    message_id: int | None
    at: datetime
    # SQLite reads the message with its hit (no second query): (body, is internal).
    message: tuple | None = None


@dataclass
class Result:
    ticket: Ticket
    at: datetime
    snippet: list = field(default_factory=list)
    internal: bool = False
    hits: int = 1


def ticket_number(text):
    match = TICKET_NUMBER.match(clean_query(text))
    return match.group(1) if match else None


def department_ids(user):
    """The departments whose tickets `user` may search; None: every department (the
    tickets' access rules, tickets/access.py)."""
    return access.department_ids(user)


def find_customers(departments, text, limit=CUSTOMERS):
    """Customers whose email or name matches `text` and who have a ticket in one of
    `departments` (ids; None: any).

    An email is looked up exactly (the case-insensitive unique index of emails), then as a
    part of addresses; a name as a part of names or, on PostgreSQL, a name with a typo
    (pg_trgm word similarity). Both over trigram indexes (search/migrations/0001)."""
    text = clean_query(text).lower()
    if len(text) < 3:
        return []
    customers = User.objects.filter(is_staff=False).annotate(
        lower_email=Lower("email"), lower_name=Lower("name")
    )
    if departments is not None:
        tickets = Ticket.objects.filter(customer=OuterRef("pk"), department__in=departments)
        customers = customers.filter(Exists(tickets))
    # Newest customers first: a name most customers share stops after a few rows of the
    # primary key instead of sorting them all.
    customers = customers.only("pk", "email", "name").order_by("-pk")
    if EMAIL.match(text):
        exact = list(customers.filter(lower_email=text)[:limit])
        if exact:
            return exact
        return list(customers.filter(lower_email__contains=text)[:limit])
    matches = Q(lower_name__contains=text) | Q(lower_email__contains=text)
    if is_postgresql():
        matches |= Q(
            RawSQL("%s <%% lower(accounts_user.name)", [text], output_field=BooleanField())
        )
    return list(customers.filter(matches)[:limit])


def customer_tickets(departments, customer_id, *, status="", department=None):
    """A customer's tickets in `departments` (ids; None: all), newest activity first."""
    tickets = Ticket.objects.filter(customer_id=customer_id)
    if departments is not None:
        tickets = tickets.filter(department__in=departments)
    if department:
        tickets = tickets.filter(department_id=department)
    if status:
        tickets = tickets.filter(status=status)
    return tickets.select_related("department", "customer").order_by("-updated_at", "-id")


def search_tickets(
    text, *, departments=None, customer=None, status="", department=None, before=None
):
    """Tickets matching the words of `text`, newest hit first, grouped by ticket.

    `departments`: the department ids a staff member may search (None: all), internal notes
    included. `customer`: a customer searching their own tickets (no internal notes).
    Returns (results, older): `older` is the moment to continue before, or None."""
    text = clean_query(text)
    if not words(text):
        return [], None
    scope = {
        "departments": departments,
        "customer": customer,
        "status": status,
        "department": department,
        "before": before,
    }
    stopped = None
    if is_postgresql():
        hits, stopped = _postgresql_hits(text, **scope)
    else:
        hits = _plain_hits(text, **scope)
    results, older = _results(text, hits, internal_visible=customer is None)
    return results, older or stopped


def _filters(
    alias, *, date, departments=None, customer=None, status="", department=None, before=None
):
    """SQL conditions on the ticket `alias` (t) and the hit's date column `date`."""
    sql, params = [], {}
    if departments is not None:
        sql.append(f"{alias}.department_id = ANY(%(departments)s)")
        params["departments"] = list(departments) or [0]
    if customer is not None:
        sql.append(f"{alias}.customer_id = %(customer)s")
        params["customer"] = customer.pk
    if status:
        sql.append(f"{alias}.status = %(status)s")
        params["status"] = status
    if department:
        sql.append(f"{alias}.department_id = %(department)s")
        params["department"] = department
    if before:
        sql.append(f"{date} < %(before)s")
        params["before"] = before
    return sql, params


def estimates(text):
    """((messages, subjects) PostgreSQL expects to match `text`, (messages, tickets) in
    the tables): its statistics, planning only, nothing is read."""
    sql = f"""
        EXPLAIN (FORMAT JSON)
        SELECT 1 FROM tickets_message m WHERE {MESSAGE_VECTOR} @@ {QUERY}
        UNION ALL SELECT 1 FROM tickets_ticket t WHERE {SUBJECT_VECTOR} @@ {QUERY}
        UNION ALL SELECT 1 FROM tickets_message
        UNION ALL SELECT 1 FROM tickets_ticket
    """  # noqa: S608 (constants only; the query is a parameter)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"q": text})
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    # Each table's scan by its alias: m and t match the words, the table's own name is all
    # of it (the top scan node of each; its index scans below it have no alias).
    rows = {}

    def scans(node):
        alias = node.get("Alias")
        if alias and alias not in rows:
            rows[alias] = node["Plan Rows"]
        for child in node.get("Plans", []):
            scans(child)

    scans(plan[0]["Plan"])
    # A side PostgreSQL proves empty (a query of stop words only) matches nothing.
    return (rows.get("m", 0), rows.get("t", 0)), (
        rows.get("tickets_message", 0),
        rows.get("tickets_ticket", 0),
    )


def common_from(rows):
    """The estimated matches past which a word is read newest first in a table of `rows`
    (the module's docstring)."""
    return math.sqrt(HITS * rows)


def hits_sql(text, *, customer=None, common=(False, False), **scope):
    """The SQL and parameters of the newest hits of `text` on PostgreSQL. `common`: for
    messages and for subjects, whether the words are common (read the newest rows first,
    at most WALK of them) or rare (every match, off the GIN index)."""
    message_where, params = _filters("t", customer=customer, date="m.created_at", **scope)
    subject_where, _params = _filters("t", customer=customer, date="t.updated_at", **scope)
    if customer is not None:
        message_where.append("NOT m.is_internal")
    params.update(q=text, hits=HITS, walk=WALK)
    message_sql = " AND ".join([f"{MESSAGE_VECTOR} @@ {QUERY}", *message_where])
    subject_sql = " AND ".join([f"{SUBJECT_VECTOR} @@ {QUERY}", *subject_where])
    before = "WHERE created_at < %(before)s" if scope.get("before") else ""
    before_t = "WHERE updated_at < %(before)s" if scope.get("before") else ""
    # Rare words: every match off the GIN index, then sorted. The sort key is written so
    # that no date index can give the order: on a wrong guess that matches are everywhere,
    # PostgreSQL would otherwise read the date index from the newest row, possibly to the end.
    message_order = "m.created_at + interval '0 s' DESC, m.id DESC"
    subject_order = "t.updated_at + interval '0 s' DESC, t.id DESC"
    messages = "tickets_message"
    if common[0]:
        message_order = "m.created_at DESC, m.id DESC"
        messages = f"""(SELECT id, ticket_id, created_at, is_internal, search_vector
                          FROM tickets_message {before}
                         ORDER BY created_at DESC, id DESC LIMIT %(walk)s)"""  # noqa: S608
    tickets = "tickets_ticket"
    if common[1]:
        subject_order = "t.updated_at DESC, t.id DESC"
        tickets = f"""(SELECT * FROM tickets_ticket {before_t}
                        ORDER BY updated_at DESC, id DESC LIMIT %(walk)s)"""  # noqa: S608
    # Only constants and the conditions above are put into the text; values are parameters.
    sql = f"""
        (SELECT m.ticket_id, m.id, m.created_at AS at
           FROM {messages} m JOIN tickets_ticket t ON t.id = m.ticket_id
          WHERE {message_sql}
          ORDER BY {message_order} LIMIT %(hits)s)
        UNION ALL
        (SELECT t.id, NULL, t.updated_at AS at
           FROM {tickets} t
          WHERE {subject_sql}
          ORDER BY {subject_order} LIMIT %(hits)s)
        ORDER BY at DESC
    """  # noqa: S608
    return sql, params


def _postgresql_hits(text, **scope):
    """The newest hits, and where reading stopped when it was cut at WALK rows (None: every
    match was seen)."""
    if scope.get("customer") is not None:
        # A customer's own tickets and their posts are few: read from the customer's
        # tickets, never newest first across everyone's messages.
        common = (False, False)
    else:
        matches, rows = estimates(text)
        common = tuple(
            found > common_from(total) for found, total in zip(matches, rows, strict=True)
        )
    sql, params = hits_sql(text, common=common, **scope)
    with connection.cursor() as cursor:
        cursor.execute(QUICK + sql, params)
        hits = [Hit(*row) for row in cursor.fetchall()]
    stopped = None
    if any(common) and len(hits) < HITS:
        stopped = _walk_ends(common, scope.get("before"))
    return hits, stopped


def _walk_ends(common, before):
    """The oldest moment read by a cut reading (the later one of the two tables), or None
    when fewer than WALK rows were there to read."""
    ends = []
    for table, column, is_common in (
        ("tickets_message", "created_at", common[0]),
        ("tickets_ticket", "updated_at", common[1]),
    ):
        if not is_common:
            continue
        where = f"WHERE {column} < %(before)s" if before else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {column} FROM {table} {where} "  # noqa: S608 (constants only)
                f"ORDER BY {column} DESC, id DESC OFFSET %(last)s LIMIT 1",
                {"before": before, "last": WALK - 1},
            )
            row = cursor.fetchone()
        if row:
            ends.append(row[0])
    return max(ends) if ends else None


def _plain_hits(text, *, departments, customer, status, department, before):
    """SQLite: every word in the subject, or every word in one message."""
    tickets = Ticket.objects.all()
    if departments is not None:
        tickets = tickets.filter(department__in=departments)
    if customer is not None:
        tickets = tickets.filter(customer=customer)
    if status:
        tickets = tickets.filter(status=status)
    if department:
        tickets = tickets.filter(department_id=department)
    messages = Message.objects.filter(ticket__in=tickets.values("pk"))
    if customer is not None:
        messages = messages.filter(is_internal=False)
    for word in words(text)[:8]:
        tickets = tickets.filter(subject__icontains=word)
        messages = messages.filter(body__icontains=word)
    if before:
        tickets = tickets.filter(updated_at__lt=before)
        messages = messages.filter(created_at__lt=before)
    rows = messages.order_by("-created_at", "-id").values_list(
        "ticket_id", "pk", "created_at", "body", "is_internal"
    )[:HITS]
    hits = [Hit(ticket, pk, at, (body, internal)) for ticket, pk, at, body, internal in rows]
    hits += [
        Hit(pk, None, at)
        for pk, at in tickets.order_by("-updated_at", "-id").values_list("pk", "updated_at")[:HITS]
    ]
    return sorted(hits, key=lambda hit: hit.at, reverse=True)


def _results(text, hits, *, internal_visible):
    """Group the hits by ticket (newest first), then fetch the tickets and snippets of one
    page: two queries."""
    grouped = {}
    for hit in hits:
        if hit.ticket_id in grouped:
            grouped[hit.ticket_id].append(hit)
        elif len(grouped) < PER_PAGE:
            grouped[hit.ticket_id] = [hit]
    if not grouped:
        return [], None
    # Another page when the hits went on past this one: continue before the oldest hit
    # shown (later hits of tickets already shown may come back on that page).
    shown = [hit for group in grouped.values() for hit in group]
    older = min(hit.at for hit in shown) if len(hits) > len(shown) else None
    tickets = Ticket.objects.select_related("department", "customer").in_bulk(list(grouped))
    firsts = [group[0] for group in grouped.values()]
    snippets = _snippets(
        text,
        messages={hit.message_id: hit.message for hit in firsts if hit.message_id},
        tickets={
            hit.ticket_id: tickets[hit.ticket_id].subject
            for hit in firsts
            if not hit.message_id and hit.ticket_id in tickets
        },
    )
    results = []
    for ticket_id, group in grouped.items():
        ticket = tickets.get(ticket_id)
        if ticket is None:
            continue
        first = group[0]
        key = ("m", first.message_id) if first.message_id else ("t", ticket_id)
        parts, internal = snippets.get(key, ([], False))
        results.append(
            Result(ticket=ticket, at=first.at, snippet=parts, internal=internal, hits=len(group))
        )
    return results, older


def _snippets(text, *, messages, tickets):
    """{("m", message id) or ("t", ticket id): (snippet parts, is an internal note)} for
    the hits shown: one query on PostgreSQL (ts_headline), none on SQLite."""
    message_ids = list(messages)
    if not is_postgresql():
        found = {
            ("m", pk): (plain_snippet(body, text), internal)
            for pk, (body, internal) in messages.items()
        }
        for pk, subject in tickets.items():
            found["t", pk] = (plain_snippet(subject, text), False)
        return found
    if not message_ids and not tickets:
        return {}
    # The English headline marks English stems; when it marks nothing (an Indonesian
    # match), the Indonesian one is used.
    sql = f"""
        SELECT 'm', m.id, m.is_internal,
               ts_headline('english'::regconfig, m.body, {QUERY}, %(options)s),
               ts_headline('indonesian'::regconfig, m.body, {QUERY}, %(options)s)
          FROM tickets_message m WHERE m.id = ANY(%(messages)s)
        UNION ALL
        SELECT 't', t.id, false,
               ts_headline('english'::regconfig, t.subject, {QUERY}, %(whole)s),
               ts_headline('indonesian'::regconfig, t.subject, {QUERY}, %(whole)s)
          FROM tickets_ticket t WHERE t.id = ANY(%(tickets)s)
    """  # noqa: S608 (constants only; values are parameters)
    params = {
        "q": text,
        "options": HEADLINE_OPTIONS,
        "whole": f"HighlightAll=true, StartSel={START}, StopSel={STOP}",
        "messages": list(message_ids) or [0],
        "tickets": list(tickets) or [0],
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        (kind, pk): (_best(english, indonesian), internal)
        for kind, pk, internal, english, indonesian in rows
    }


def _best(english, indonesian):
    parts = marked_parts(english)
    if any(mark for _text, mark in parts):
        return parts
    return marked_parts(indonesian)
