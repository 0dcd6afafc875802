"""The knowledgebase: categories and articles in English and Bahasa Indonesia.

An article is either a draft (seen by staff only) or published, and published either for
everyone (also before login) or for logged-in customers only. Which articles a visitor may
read is decided in one place, `Article.objects.visible_to(user)`, which every page and the
suggestions while typing go through.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def current_language():
    """'id' when the active language is Bahasa Indonesia, else 'en'."""
    return "id" if (get_language() or "").split("-")[0] == "id" else "en"


class Localized:
    """Fields `x` (English) and `x_id` (Indonesian): the text in the active language, the
    English one when the Indonesian twin is empty (as for departments)."""

    def _localized(self, field):
        if current_language() == "id":
            value = getattr(self, f"{field}_id")
            if value.strip():
                return value
        return getattr(self, field)


class Category(Localized, models.Model):
    name = models.CharField(_("name"), max_length=100)
    name_id = models.CharField(_("name (Indonesian)"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    description_id = models.TextField(_("description (Indonesian)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "name"]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("kb:category", args=[self.slug])

    @property
    def display_name(self):
        return self._localized("name")

    @property
    def display_description(self):
        return self._localized("description")


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED)

    def visible_to(self, user):
        """The articles `user` may read: published ones for their audience. Staff also
        read drafts (to preview them); anonymous visitors only what is for everyone."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        articles = self.published()
        if not user.is_authenticated:
            articles = articles.filter(audience=Article.Audience.EVERYONE)
        return articles


class Article(Localized, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        CUSTOMERS = "customers", _("Logged-in customers only")

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", verbose_name=_("category")
    )
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), help_text=_("Markdown."))
    # The same article in Bahasa Indonesia; an empty field shows the English text.
    title_id = models.CharField(_("title (Indonesian)"), max_length=200, blank=True)
    body_id = models.TextField(_("body (Indonesian)"), blank=True, help_text=_("Markdown."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    audience = models.CharField(
        _("visible to"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Counters for staff: page views, and tickets customers did not open because the
    # article solved their problem ("This solved my problem" under the suggestions).
    views = models.PositiveIntegerField(_("views"), default=0, editable=False)
    tickets_avoided = models.PositiveIntegerField(_("tickets avoided"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["order", "title"]
        indexes = [
            models.Index(fields=["category", "status", "order"], name="kb_article_category_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("kb:article", args=[self.slug])

    @property
    def display_title(self):
        return self._localized("title")

    @property
    def display_body(self):
        return self._localized("body")

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def get_solved_url(self):
        return reverse("kb:solved", args=[self.slug])


class Vote(models.Model):
    """ "Was this article helpful?": one answer per user and article (a second answer
    replaces the first)."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="votes", verbose_name=_("article")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="kb_votes",
        verbose_name=_("user"),
    )
    helpful = models.BooleanField(_("helpful"))
    created_at = models.DateTimeField(_("when"), auto_now=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="kb_vote_one_per_user"),
        ]

    def __str__(self):
        return f"{self.user} on {self.article}: {self.helpful}"
