"""The search pages: the staff search box (on every staff page), a customer's search of
their own tickets (Support > Tickets), and the knowledgebase links of the staff reply box.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import override
from django.views.decorators.http import require_GET

from kb.models import current_language
from kb.search import search_articles
from kb.text import clean_query
from tickets.access import staff_required
from tickets.models import Department, Ticket

from . import tickets as ticket_search

KB_LINKS = 8


def _before(request):
    """The "older results" cursor: an ISO moment, else None (a bad one is ignored)."""
    try:
        moment = parse_datetime(request.GET.get("before", ""))
    except ValueError:
        return None
    return moment if isinstance(moment, datetime) and moment.tzinfo else None


def _status(request):
    status = request.GET.get("status", "")
    return status if status in Ticket.Status.values else ""


def _int(request, name):
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 12 else None


@staff_required
@require_GET
def staff_search(request):
    """One box for everything: a ticket number opens the ticket; an email or a name lists
    the customer's tickets; words search subjects and messages (internal notes included).
    Only in the departments of the staff member."""
    user = request.user
    query = clean_query(request.GET.get("q", ""))
    departments = ticket_search.department_ids(user)
    number = ticket_search.ticket_number(query)
    if number:
        found = Ticket.objects.filter(number=number)
        if departments is not None:
            found = found.filter(department__in=departments)
        if found.exists():
            return redirect("staff:ticket", number)
    department = _int(request, "department")
    status = _status(request)
    customer_id = _int(request, "customer")
    customers, results, older, customer = [], [], None, None
    if customer_id is None and query:
        customers = ticket_search.find_customers(departments, query)
        if len(customers) == 1 and ticket_search.EMAIL.match(query):
            customer_id = customers[0].pk
    if customer_id is not None:
        customer, results, older = _customer_results(
            departments, customer_id, customers, department=department, status=status
        )
    elif query:
        results, older = ticket_search.search_tickets(
            query,
            departments=departments,
            status=status,
            department=department,
            before=_before(request),
        )
    visible = Department.objects.order_by("order", "name")
    if departments is not None:
        visible = visible.filter(pk__in=departments)
    return render(
        request,
        "search/staff_results.html",
        {
            "query": query,
            "customers": customers,
            "customer": customer,
            "results": results,
            "older": older,
            "departments": visible,
            "department": department,
            "status": status,
            "status_choices": Ticket.Status.choices,
            "searched": bool(query or customer_id),
        },
    )


def _customer_results(departments, customer_id, customers, *, department, status):
    """The newest tickets of one customer (a page of them) in the staff member's
    departments; the customer is unknown (None) when none of them is."""
    tickets = list(
        ticket_search.customer_tickets(
            departments, customer_id, status=status, department=department
        )[: ticket_search.PER_PAGE]
    )
    customer = customers[0] if customers else (tickets[0].customer if tickets else None)
    results = [ticket_search.Result(ticket=t, at=t.updated_at) for t in tickets]
    return customer, results, None


@login_required
@require_GET
def customer_search(request):
    """Support > Tickets > Search: the customer's own tickets, subjects and the messages
    they can see (never an internal note)."""
    query = clean_query(request.GET.get("q", ""))
    number = ticket_search.ticket_number(query)
    if number and request.user.tickets.filter(number=number).exists():
        return redirect("tickets:detail", number)
    results, older = [], None
    if query:
        results, older = ticket_search.search_tickets(
            query, customer=request.user, status=_status(request), before=_before(request)
        )
    return render(
        request,
        "search/customer_results.html",
        {"query": query, "results": results, "older": older, "status": _status(request)},
    )


@staff_required
@require_GET
def kb_links(request):
    """Published articles for the reply box's "Insert knowledgebase link", titled in the
    customer's language (`lang`), with the address the customer will open."""
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = current_language()
    query = request.GET.get("q", "")
    with override(language):
        found = search_articles(request.user, query, limit=KB_LINKS, prefix=True)
        articles = [
            {
                "title": item.article.display_title,
                "url": settings.SITE_URL + item.article.get_absolute_url(),
                "snippet": [[text, mark] for text, mark in item.snippet],
            }
            for item in found
        ]
    return JsonResponse({"articles": articles})
