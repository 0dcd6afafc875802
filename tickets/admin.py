from django import forms
from django.contrib import admin, messages
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from . import actions
from .forms import AttachmentsField, attachments_help_text
from .models import Attachment, Department, Message, Ticket, TicketEvent
from .queries import staff_departments_filter


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "sender_email", "is_active", "order"]
    list_editable = ["is_active", "order"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["staff"]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "examples"]}),
        (_("Queue"), {"fields": ["sender_email", "is_active", "order", "staff"]}),
    ]


class MessageInline(admin.StackedInline):
    """The thread, read-only: staff answer with the reply box below it."""

    model = Message
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["posted", "body", "attachment_links"]
    readonly_fields = fields
    verbose_name = _("post")
    verbose_name_plural = _("thread")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("author")
            .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("posted"))
    def posted(self, message):
        kind = (
            _("internal note")
            if message.is_internal
            else (_("staff reply") if message.is_staff_reply else _("customer"))
        )
        return format_html(
            "<strong>{}</strong> · {} · {}",
            message.author.display_name,
            kind,
            timezone.localtime(message.created_at).strftime("%Y-%m-%d %H:%M"),
        )

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


class TicketAdminForm(forms.ModelForm):
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


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
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
    list_filter = ["department", "status", "priority"]
    search_fields = ["=number", "subject", "customer__email"]
    list_select_related = ["customer", "department", "assignee"]
    list_per_page = 50
    show_full_result_count = False
    raw_id_fields = []
    autocomplete_fields = ["assignee", "service"]
    readonly_fields = [
        "number",
        "customer",
        "subject",
        "created_at",
        "last_reply_at",
        "last_reply_by",
    ]
    fieldsets = [
        (None, {"fields": ["number", "subject", "customer", "service"]}),
        (_("Handling"), {"fields": ["department", "status", "priority", "assignee"]}),
        (
            _("Times"),
            {"fields": ["created_at", "last_reply_at", "last_reply_by"], "classes": ["collapse"]},
        ),
        (_("Answer"), {"fields": ["reply", "reply_attachments", "internal_note"]}),
    ]
    inlines = [MessageInline, EventInline]
    actions = ["close_selected"]

    def get_queryset(self, request):
        tickets = (
            super()
            .get_queryset(request)
            .select_related("customer", "department", "assignee", "service", "last_reply_by")
        )
        return tickets.filter(staff_departments_filter(request.user)).distinct()

    def has_add_permission(self, request):
        # Tickets are opened by customers in the Member Area.
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department" and not request.user.is_superuser:
            kwargs["queryset"] = Department.objects.filter(staff=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("ticket"), ordering="number")
    def number_display(self, ticket):
        return f"#{ticket.number}"

    @admin.display(description=_("waiting"), ordering="waiting_since")
    def waiting(self, ticket):
        if not ticket.waiting_since or ticket.is_closed:
            return "—"
        return timesince(ticket.waiting_since)

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
            actions.add_reply(
                ticket=original,
                author=request.user,
                body=reply,
                files=form.cleaned_data.get("reply_attachments") or [],
                internal=form.cleaned_data.get("internal_note", False),
                new_status=status,
            )
            if form.cleaned_data.get("internal_note"):
                self.message_user(request, _("Internal note added."), messages.SUCCESS)
            else:
                self.message_user(request, _("Reply sent to the customer."), messages.SUCCESS)
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # The inlines are read-only; nothing to save there.
        pass

    @admin.action(description=_("Close selected tickets"))
    def close_selected(self, request, queryset):
        count = 0
        for ticket in queryset:
            if not ticket.is_closed:
                actions.close_ticket(ticket=ticket, by=request.user)
                count += 1
        self.message_user(request, _("%(count)d ticket(s) closed.") % {"count": count})
