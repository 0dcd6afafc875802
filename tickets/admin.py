"""The Django admin of departments, tickets and predefined replies.

Staff see and act on the tickets of their departments only, as on the staff pages: the
changelist, the change page (another department's ticket is a 404), the filters and the
foreign-key choices are all limited to them. Superusers see everything. A staff member of
a department may use the Ticket and predefined-reply admin without model permissions:
working a department's queue is what makes them staff.
"""

import logging

from django import forms
from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import actions, staff_queries
from .admin_scope import (
    DepartmentFilter,
    DepartmentScopedAdmin,
    department_ids,
    may_handle,
    works_in_any,
)
from .forms import AttachmentsField, attachments_help_text
from .models import Attachment, CannedResponse, Department, Message, Ticket, TicketEvent
from .templatetags.staff_tags import format_duration
from .views import FILES_NOT_STORED

logger = logging.getLogger(__name__)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "name_id", "sender_email", "is_active", "order"]
    list_editable = ["is_active", "order"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["staff"]
    search_fields = ["name", "name_id"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "examples"]}),
        (_("Bahasa Indonesia"), {"fields": ["name_id", "description_id", "examples_id"]}),
        (_("Queue"), {"fields": ["sender_email", "is_active", "order", "staff"]}),
    ]


class MessageInline(admin.StackedInline):
    """The thread, read-only: staff answer with the reply box below it."""

    model = Message
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["posted", "text", "attachment_links"]
    readonly_fields = fields
    verbose_name = _("post")
    verbose_name_plural = _("thread")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            # The ticket too: each inline's title is the message's str(), which names it.
            .select_related("author", "ticket")
            .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or works_in_any(request)

    @admin.display(description=_("posted"))
    def posted(self, message):
        if message.is_internal:
            kind = format_html(
                '<span style="background:#fff3cd;color:#664d03;padding:1px 6px;'
                'border-radius:3px;font-weight:bold">{}</span>',
                _("internal note"),
            )
        else:
            kind = _("staff reply") if message.is_staff_reply else _("customer")
        return format_html(
            "<strong>{}</strong> · {} · {}",
            message.author.display_name,
            kind,
            timezone.localtime(message.created_at).strftime("%Y-%m-%d %H:%M"),
        )

    @admin.display(description=_("message"))
    def text(self, message):
        style = "white-space:pre-wrap"
        if message.is_internal:
            style += ";background:#fff3cd;padding:6px;border-left:4px solid #ffc107"
        return format_html('<div style="{}">{}</div>', style, message.body)

    @admin.display(description=_("attachments"))
    def attachment_links(self, message):
        return (
            format_html_join(
                ", ",
                '<a href="{}">{}</a> ({} bytes)',
                (
                    (a.get_absolute_url(), a.original_name, a.size)
                    for a in message.attachments.all()
                ),
            )
            or "—"
        )


class EventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["created_at", "actor", "field", "old_value", "new_value"]
    readonly_fields = fields
    verbose_name_plural = _("history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or works_in_any(request)


class TicketAdminForm(forms.ModelForm):
    # Set by TicketAdmin.get_form: the staff member editing.
    current_user = None

    reply = forms.CharField(
        label=_("Reply"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 90}),
        help_text=_(
            "Sent to the customer by email; the status becomes Answered unless you "
            "choose another status above."
        ),
    )
    reply_attachments = AttachmentsField(label=_("Attachments"))
    internal_note = forms.BooleanField(
        label=_("Internal note"),
        required=False,
        help_text=_("Staff only: never shown or emailed to the customer."),
    )

    class Meta:
        model = Ticket
        fields = ["department", "status", "priority", "assignee", "service"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply_attachments"].help_text = attachments_help_text()
        ticket = self.instance
        if ticket.pk:
            # Small, bounded choices: the customer's own services and the department's
            # staff (not every user or service of the site).
            if "service" in self.fields:
                self.fields["service"].queryset = ticket.customer.services.order_by(
                    "product_name", "domain"
                )
            if "assignee" in self.fields:
                self.fields["assignee"].queryset = staff_queries.department_colleagues(
                    ticket.department, user=self.current_user, current=ticket.assignee
                )

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("reply_attachments") or cleaned.get("internal_note")) and not (
            cleaned.get("reply") or ""
        ).strip():
            self.add_error("reply", _("Write the reply or note that goes with it."))
        service = cleaned.get("service")
        if (
            service is not None
            and self.instance.pk
            and service.owner_id != self.instance.customer_id
        ):
            self.add_error("service", _("This service belongs to another customer."))
        return cleaned


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assignee")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("Assigned to me")), ("none", _("Unassigned"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assignee=request.user)
        if self.value() == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset


class BoundedCountPaginator(Paginator):
    """Counts the matching rows only up to `limit` + 1, so that the changelist costs the
    same with a thousand tickets as with millions: past the limit the page says "more than
    10,000" and offers the filters and the search instead of a page number per 50 rows."""

    limit = 10_000

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.limit + 1].count()

    @property
    def count_is_bounded(self):
        return self.count > self.limit


@admin.register(Ticket)
class TicketAdmin(DepartmentScopedAdmin):
    form = TicketAdminForm
    list_display = [
        "number_display",
        "subject",
        "customer",
        "department",
        "status",
        "priority",
        "assignee",
        "waiting",
        "updated_at",
    ]
    list_filter = [DepartmentFilter, "status", "priority", AssigneeFilter]
    search_fields = ["=number", "subject", "customer__email"]
    list_select_related = ["customer", "department", "assignee"]
    list_per_page = 50
    paginator = BoundedCountPaginator
    show_full_result_count = False
    # No "Show counts" link: a count per filter choice would read every ticket.
    show_facets = admin.ShowFacets.NEVER
    readonly_fields = [
        "number",
        "customer",
        "subject",
        "staff_page",
        "created_at",
        "last_reply_at",
        "last_reply_by",
    ]
    fieldsets = [
        (None, {"fields": ["number", "subject", "customer", "service", "staff_page"]}),
        (_("Handling"), {"fields": ["department", "status", "priority", "assignee"]}),
        (
            _("Times"),
            {"fields": ["created_at", "last_reply_at", "last_reply_by"], "classes": ["collapse"]},
        ),
        (_("Answer"), {"fields": ["reply", "reply_attachments", "internal_note"]}),
    ]
    inlines = [MessageInline, EventInline]
    actions = ["close_selected", "put_on_hold", "assign_to_me"]

    def view_on_site(self, ticket):
        # "View on site" opens the staff ticket page, not the customer's.
        return ticket.get_staff_url()

    def get_queryset(self, request):
        tickets = (
            super()
            .get_queryset(request)
            .select_related("customer", "department", "assignee", "service", "last_reply_by")
        )
        ids = department_ids(request)
        if ids is not None:
            tickets = tickets.filter(department__in=ids)
        return tickets

    def has_change_permission(self, request, obj=None):
        if obj is not None and not may_handle(request, obj.department_id):
            return False
        return super().has_change_permission(request, obj) or works_in_any(request)

    def has_add_permission(self, request):
        # Tickets are opened by customers in the Member Area.
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            ids = department_ids(request)
            if ids is not None:
                kwargs["queryset"] = Department.objects.filter(pk__in=ids)
            kwargs["empty_label"] = None
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.current_user = request.user
        return form

    @admin.display(description=_("ticket"), ordering="number")
    def number_display(self, ticket):
        return f"#{ticket.number}"

    @admin.display(description=_("waiting"), ordering="waiting_since")
    def waiting(self, ticket):
        if not ticket.waiting_since or ticket.is_closed:
            return "—"
        return format_duration(timezone.now() - ticket.waiting_since)

    @admin.display(description=_("staff page"))
    def staff_page(self, ticket):
        if not ticket.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', ticket.get_staff_url(), _("Open the staff ticket page")
        )

    def save_model(self, request, obj, form, change):
        # Field changes go through the action, which records who changed what.
        original = Ticket.objects.get(pk=obj.pk)
        changes = {
            name: form.cleaned_data[name]
            for name in ("department", "status", "priority", "assignee", "service")
            if name in form.changed_data
        }
        reply = (form.cleaned_data.get("reply") or "").strip()
        status = changes.pop("status", None)
        if not reply and status:
            changes["status"] = status
        if changes:
            actions.update_ticket(ticket=original, by=request.user, **changes)
        if reply:
            try:
                actions.add_reply(
                    ticket=original,
                    author=request.user,
                    body=reply,
                    files=form.cleaned_data.get("reply_attachments") or [],
                    internal=form.cleaned_data.get("internal_note", False),
                    new_status=status,
                )
            except actions.AttachmentsNotStored:
                logger.exception("Attachments of an admin reply could not be stored")
                self.message_user(request, FILES_NOT_STORED, messages.ERROR)
                obj.refresh_from_db()
                return
            if form.cleaned_data.get("internal_note"):
                self.message_user(request, _("Internal note added."), messages.SUCCESS)
            else:
                self.message_user(request, _("Reply sent to the customer."), messages.SUCCESS)
        obj.refresh_from_db()

    def _done(self, request, count):
        self.message_user(
            request,
            ngettext("%(count)d ticket updated.", "%(count)d tickets updated.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Close selected tickets"), permissions=["change"])
    def close_selected(self, request, queryset):
        count = 0
        for ticket in queryset.exclude(status=Ticket.Status.CLOSED):
            actions.close_ticket(ticket=ticket, by=request.user)
            count += 1
        self._done(request, count)

    @admin.action(description=_("Put selected tickets on hold"), permissions=["change"])
    def put_on_hold(self, request, queryset):
        count = 0
        for ticket in queryset.exclude(status=Ticket.Status.ON_HOLD):
            actions.update_ticket(ticket=ticket, by=request.user, status=Ticket.Status.ON_HOLD)
            count += 1
        self._done(request, count)

    @admin.action(description=_("Assign selected tickets to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        count = 0
        for ticket in queryset.exclude(assignee=request.user):
            actions.update_ticket(ticket=ticket, by=request.user, assignee=request.user)
            count += 1
        self._done(request, count)


@admin.register(CannedResponse)
class CannedResponseAdmin(DepartmentScopedAdmin):
    """Predefined replies. Department staff manage those of their departments and use the
    global ones; global replies are managed by superusers (or users given the permission)."""

    list_display = ["title", "scope", "is_active", "updated_at"]
    list_filter = [DepartmentFilter, "is_active"]
    search_fields = ["title", "body"]
    list_select_related = ["department"]
    fields = ["title", "department", "body", "is_active"]

    def get_queryset(self, request):
        responses = super().get_queryset(request).select_related("department")
        ids = department_ids(request)
        if ids is not None:
            responses = responses.filter(Q(department__isnull=True) | Q(department__in=ids))
        return responses

    def _edits_own_department_reply(self, request, obj):
        if not works_in_any(request):
            return False
        if obj is None:
            return True
        return obj.department_id is not None and may_handle(request, obj.department_id)

    def has_add_permission(self, request):
        return super().has_add_permission(request) or works_in_any(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or self._edits_own_department_reply(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) or self._edits_own_department_reply(
            request, obj
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            ids = department_ids(request)
            if ids is not None and not request.user.has_perm("tickets.add_cannedresponse"):
                kwargs["queryset"] = Department.objects.filter(pk__in=ids)
                kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "department" in form.base_fields:
            placeholders = ", ".join(CannedResponse.PLACEHOLDERS)
            form.base_fields["body"].help_text = _(
                "Placeholders filled in when inserted: %(placeholders)s."
            ) % {"placeholders": placeholders}
        return form

    @admin.display(description=_("department"), ordering="department__name")
    def scope(self, response):
        return response.department.name if response.department else _("All departments")
