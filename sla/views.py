"""The pages behind the links of the emails: rate a ticket, close a ticket.

They work without logging in (the signed link is the proof), and a GET never changes
anything: mail scanners and link previews open every link of an email, so the link shows
a form, pre-selected, and only its POST records the rating or closes the ticket.
"""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tickets import actions

from . import links
from .forms import RatingForm
from .models import Rating
from .satisfaction import RatingLocked, can_change, record_rating


def _link_problem(request, error):
    if isinstance(error, links.LinkExpired):
        title = _("This link has expired")
        text = _(
            "Links in our emails work for 30 days. Log in to the Member Area to see your "
            "ticket, rate it or reply to it."
        )
        status = 410
    else:
        title = _("This link is not valid")
        text = _(
            "The link may have been cut off or changed on the way. Copy the whole link from "
            "the email, or log in to the Member Area to see your ticket."
        )
        status = 400
    return render(request, "sla/link_problem.html", {"title": title, "text": text}, status=status)


@require_http_methods(["GET", "POST"])
def rate(request, token):
    try:
        ticket = links.read_token(token, links.RATE)
    except (links.LinkInvalid, links.LinkExpired) as error:
        return _link_problem(request, error)
    rating = Rating.objects.filter(ticket=ticket).first()
    locked = rating is not None and not can_change(rating)
    saved = False
    status = 200
    if request.method == "POST" and not locked:
        form = RatingForm(request.POST)
        if form.is_valid():
            try:
                rating = record_rating(
                    ticket=ticket,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                )
                saved = True
            except RatingLocked:
                locked = True
        else:
            status = 400
    else:
        choice = request.GET.get("choice")
        initial = {}
        if rating is not None:
            initial = {"score": rating.score, "comment": rating.comment}
        if choice in Rating.Score.values:
            initial["score"] = choice
        form = RatingForm(initial=initial)
    return render(
        request,
        "sla/rate.html",
        {"ticket": ticket, "form": form, "rating": rating, "locked": locked, "saved": saved},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def close(request, token):
    try:
        ticket = links.read_token(token, links.CLOSE)
    except (links.LinkInvalid, links.LinkExpired) as error:
        return _link_problem(request, error)
    closed_now = False
    if request.method == "POST" and not ticket.is_closed:
        ticket = actions.close_ticket(ticket=ticket, by=ticket.customer)
        closed_now = True
    return render(
        request,
        "sla/close.html",
        {
            "ticket": ticket,
            "closed_now": closed_now,
            "rate_url": links.rate_url(ticket) if closed_now else None,
        },
    )
