"""Support > Knowledgebase: categories, articles, search, "Was this article helpful?", and
the suggestions under the subject of Open New Ticket.

Articles for everyone are readable before login too; every lookup goes through
`Article.objects.visible_to(user)`, so a draft or a customers-only article is a 404 for
whoever may not read it, exactly like one that does not exist.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import search, throttle
from .models import Article, Category, Vote

SUGGESTIONS = 5


def _visible(request):
    return Article.objects.visible_to(request.user)


@require_GET
def index(request):
    counts = Count("articles", filter=Q(articles__in=_visible(request).published()))
    categories = [
        category
        for category in Category.objects.annotate(article_count=counts).order_by("order", "name")
        if category.article_count
    ]
    return render(request, "kb/index.html", {"categories": categories})


@require_GET
def category(request, slug):
    category = get_object_or_404(Category, slug=slug)
    articles = _visible(request).published().filter(category=category).order_by("order", "title")
    return render(request, "kb/category.html", {"category": category, "articles": articles})


@require_GET
def article(request, slug):
    article = get_object_or_404(_visible(request).select_related("category"), slug=slug)
    user = request.user
    vote = None
    if user.is_authenticated:
        vote = Vote.objects.filter(article=article, user=user).values_list("helpful", flat=True)
        vote = next(iter(vote), None)
    if article.is_published and not user.is_staff:
        search.touch(article.pk, "views")
    return render(request, "kb/article.html", {"article": article, "vote": vote})


@login_required
@require_POST
def vote(request, slug):
    """One answer per user and article; answering again replaces the first answer."""
    article = get_object_or_404(_visible(request).published(), slug=slug)
    answer = request.POST.get("helpful")
    if answer not in ("yes", "no"):
        return redirect(article)
    Vote.objects.update_or_create(
        article=article, user=request.user, defaults={"helpful": answer == "yes"}
    )
    return redirect(f"{article.get_absolute_url()}#helpful")


@require_GET
def search_page(request):
    query = request.GET.get("q", "")
    results = search.search_articles(request.user, query) if query.strip() else []
    return render(request, "kb/search.html", {"query": query, "results": results})


def _slow_down(seconds):
    response = JsonResponse({"error": _("Too many requests; please wait a moment.")}, status=429)
    response["Retry-After"] = str(seconds)
    return response


@login_required
@require_GET
def suggest(request):
    """Up to five published articles for the subject typed so far, in the customer's
    language, as JSON. From the third character; rate-limited per user."""
    query = request.GET.get("q", "")
    if len(query.strip()) < 3:
        return JsonResponse({"articles": []})
    wait = throttle.retry_after("suggest", request.user, "KB_SUGGEST_RATE_LIMIT")
    if wait:
        return _slow_down(wait)
    found = search.search_articles(request.user, query, limit=SUGGESTIONS, prefix=True)
    return JsonResponse(
        {
            "articles": [
                {
                    "title": item.article.display_title,
                    "url": item.article.get_absolute_url(),
                    "solved_url": item.article.get_solved_url(),
                    "snippet": [[text, mark] for text, mark in item.snippet],
                }
                for item in found
            ]
        }
    )


@login_required
@require_POST
def solved(request, slug):
    """ "This solved my problem" under a suggestion: one ticket avoided for the article.
    The ticket form is left as it is."""
    article = get_object_or_404(_visible(request).published(), slug=slug)
    wait = throttle.retry_after("solved", request.user, "KB_SOLVED_RATE_LIMIT")
    if wait:
        return _slow_down(wait)
    search.touch(article.pk, "tickets_avoided")
    return JsonResponse({"message": _("Glad it helped! You do not need to open a ticket.")})
