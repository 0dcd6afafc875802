"""The knowledgebase in the admin: staff write articles in Markdown and see them rendered
("Preview", after saving; a draft is also readable on the site by staff only), with the
counts customers leave behind: views, helpful votes and tickets avoided."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from .models import Article, Category
from .rendering import render_markdown


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_id", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "name_id"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "order"]}),
        (_("Bahasa Indonesia"), {"fields": ["name_id", "description_id"]}),
    ]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "category",
        "status",
        "audience",
        "views",
        "helpful_votes",
        "unhelpful_votes",
        "tickets_avoided",
        "updated_at",
    ]
    list_filter = ["status", "audience", "category"]
    list_select_related = ["category"]
    search_fields = ["title", "title_id", "body", "body_id"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["preview", "preview_id", "views", "tickets_avoided", "view_on_site_link"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "status", "audience", "order"]}),
        (_("English"), {"fields": ["body", "preview"]}),
        (_("Bahasa Indonesia"), {"fields": ["title_id", "body_id", "preview_id"]}),
        (_("Use"), {"fields": ["views", "tickets_avoided", "view_on_site_link"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                yes=Count("votes", filter=Q(votes__helpful=True)),
                no=Count("votes", filter=Q(votes__helpful=False)),
            )
        )

    @admin.display(description=_("helpful"), ordering="yes")
    def helpful_votes(self, article):
        return article.yes

    @admin.display(description=_("not helpful"), ordering="no")
    def unhelpful_votes(self, article):
        return article.no

    def _preview(self, article, language):
        if not article or not article.pk:
            return _("Save the article to see it rendered here.")
        with override(language):
            title, body = article.display_title, article.display_body
        return format_html(
            '<div class="kb-preview"><h1>{}</h1>{}</div>', title, render_markdown(body)
        )

    @admin.display(description=_("preview"))
    def preview(self, article):
        return self._preview(article, "en")

    @admin.display(description=_("preview (Indonesian)"))
    def preview_id(self, article):
        return self._preview(article, "id")

    @admin.display(description=_("on the site"))
    def view_on_site_link(self, article):
        if not article or not article.pk:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            article.get_absolute_url(),
            _("Open the article page (drafts: staff only)"),
        )
