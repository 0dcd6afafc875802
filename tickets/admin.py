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
from django.contrib.admin import helpers
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from netdigi.formfields import PlainSelect
from services.models import Service

from . import access, actions
from .admin_scope import (
    DepartmentFilter,
    DepartmentScopedAdmin,
    department_ids,
    may_handle,
    works_in_any,
)
from .durations import format_duration
from .forms import AttachmentsField, attachments_help_text
from .models import CannedResponse, Department, Ticket
from .staff.queries import staff_thread
from .threads import ticket_with_events

# The reply an admin save could not store (its files failed): offered again on the page.
DRAFT_KEY = "ticket_admin_draft"

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
        widgets = dict.fromkeys(fields, PlainSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply_attachments"].help_text = attachments_help_text()
        ticket = self.instance
        if ticket.pk:
            # Small, bounded choices: the customer's own services and the department's
            # staff (not every user or service of the site).
            if "service" in self.fields:
                self.fields["service"].queryset = Service.objects.filter(
                    owner=ticket.customer_id
                ).order_by("product_name", "domain")
            if "assignee" in self.fields:
                self.fields["assignee"].queryset = access.assignable_staff(
                    ticket.department_id, user=self.current_user, current_id=ticket.assignee_id
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


def form_rows(adminform, model_admin):
    """The fieldsets of the ticket page as plain rows for its template: label, widget or
    read-only contents, errors and help text of each field, in the fieldsets' order."""
    form = adminform.form
    fieldsets = []
    for name, options in adminform.fieldsets:
        rows = []
        for field in options["fields"]:
            if field in adminform.readonly_fields:
                readonly = helpers.AdminReadonlyField(form, field, False, model_admin)
                rows.append(
                    {
                        "name": field,
                        "label": format_html(
                            "<label>{}:</label>", capfirst(readonly.field["label"])
                        ),
                        "readonly": True,
                        "contents": readonly.contents(),
                        "help": readonly.field["help_text"],
                    }
                )
                continue
            bound = form[field]
            checkbox = isinstance(bound.field.widget, forms.CheckboxInput)
            label = format_html(
                '<label for="{}"{}>{}{}</label>',
                bound.id_for_label,
                format_html(' class="{}"', "vCheckboxLabel" if checkbox else "required")
                if checkbox or bound.field.required
                else "",
                bound.label,
                "" if checkbox else ":",
            )
            rows.append(
                {
                    "name": field,
                    "id": bound.id_for_label,
                    "label": label,
                    "widget": str(bound),
                    "checkbox": checkbox,
                    "errors": bound.errors or None,
                    "help": bound.help_text,
                }
            )
        classes = options.get("classes", [])
        fieldsets.append(
            {
                "name": name,
                "classes": " ".join(classes),
                "collapsible": bool(name) and "collapse" in classes,
                "rows": rows,
            }
        )
    return fieldsets


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
    actions = ["close_selected", "put_on_hold", "assign_to_me"]
    # The thread and its event lines, read-only, below the form (no inline formsets).
    change_form_template = "admin/tickets/ticket/change_form.html"

    def view_on_site(self, ticket):
        # "View on site" opens the staff ticket page, not the customer's.
        return ticket.get_staff_url()

    def get_queryset(self, request):
        # No joins here: the list adds its own (list_select_related), the change page its
        # own (change_view).
        tickets = super().get_queryset(request)
        ids = department_ids(request)
        if ids is not None:
            tickets = tickets.filter(department__in=ids)
        return tickets

    def has_change_permission(self, request, obj=None):
        if obj is not None and not may_handle(request, obj.department_id):
            return False
        return works_in_any(request) or super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        # Tickets are opened by customers in the Member Area.
        return False

    def has_delete_permission(self, request, obj=None):
        # A ticket is the customer's record: only a superuser deletes one (spam, a request
        # to erase an account), never a staff member with a model permission.
        return request.user.is_active and request.user.is_superuser

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Plain selects: no "add another department/user/service" links on a ticket (the
        # admin works out each link's permissions and URLs on every page, then they would
        # be dropped).
        if isinstance(db_field, models.ForeignKey):
            return self.formfield_for_foreignkey(db_field, request, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name != "department":
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        departments = access.request_departments(request)
        if departments is not None:
            kwargs["queryset"] = Department.objects.filter(pk__in=[d.pk for d in departments])
        kwargs["empty_label"] = None
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if departments is not None:
            # Offered from the departments read for the permission checks (no query);
            # what is posted is still checked against the queryset.
            field.choices = [(d.pk, field.label_from_instance(d)) for d in departments]
        return field

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.current_user = request.user
        draft = request.session.get(DRAFT_KEY) if request.method == "GET" else None
        if obj is not None and draft and draft.get("ticket") == obj.pk:
            del request.session[DRAFT_KEY]
            form.base_fields["reply"].initial = draft["reply"]
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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        object_id = str(object_id)
        if (
            request.method == "GET"
            and object_id.isascii()
            and object_id.isdigit()
            and len(object_id) < 19
        ):
            # The ticket with its event lines in one query, read once for the page; another
            # department's ticket is left to get_object (a 404).
            ticket = ticket_with_events(int(object_id))
            if ticket is not None and may_handle(request, ticket.department_id):
                request._admin_ticket = ticket
        ticket = self.get_object(request, object_id)
        if ticket is not None:
            extra_context["thread"] = staff_thread(ticket)
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The page's rows and links, prepared here for the written-out template.
        if obj is not None:
            context["ticket_fieldsets"] = form_rows(context["adminform"], self)
            context["ticket_urls"] = {
                "index": reverse("admin:index"),
                "app": reverse("admin:app_list", args=["tickets"]),
                "changelist": reverse("admin:tickets_ticket_changelist"),
                "history": reverse("admin:tickets_ticket_history", args=[obj.pk]),
                "delete": reverse("admin:tickets_ticket_delete", args=[obj.pk]),
                "staff_page": obj.get_staff_url(),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_object(self, request, object_id, from_field=None):
        cached = getattr(request, "_admin_ticket", None)
        if cached is not None and str(cached.pk) == str(object_id):
            return cached
        obj = super().get_object(request, object_id, from_field)
        request._admin_ticket = obj
        return obj

    def save_model(self, request, obj, form, change):
        """The field changes and the reply go through the actions, in the admin's one
        transaction: if the reply's files cannot be stored, nothing of the save is kept
        and the reply is offered again."""
        data = form.cleaned_data
        changes = {
            name: data[name]
            for name in ("department", "status", "priority", "assignee", "service")
            if name in form.changed_data
        }
        reply = (data.get("reply") or "").strip()
        status = changes.pop("status", None)
        if not reply and status:
            changes["status"] = status
        # The form put the posted values on `obj`; the actions start from the saved row.
        original = Ticket.objects.get(pk=obj.pk)
        try:
            with transaction.atomic():
                if changes:
                    actions.update_ticket(ticket=original, by=request.user, **changes)
                if reply:
                    actions.add_reply(
                        ticket=original,
                        author=request.user,
                        body=reply,
                        files=data.get("reply_attachments") or [],
                        internal=data.get("internal_note", False),
                        new_status=status,
                    )
        except actions.AttachmentsNotStored as error:
            logger.exception("Attachments of an admin reply could not be stored")
            request.session[DRAFT_KEY] = {"ticket": obj.pk, "reply": reply}
            request._ticket_save_failed = True
            self.message_user(request, error.user_message, messages.ERROR)
            return
        if reply and data.get("internal_note"):
            self.message_user(request, _("Internal note added."), messages.SUCCESS)
        elif reply:
            self.message_user(request, _("Reply sent to the customer."), messages.SUCCESS)

    def log_change(self, request, obj, message):
        if getattr(request, "_ticket_save_failed", False):
            return None
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if getattr(request, "_ticket_save_failed", False):
            # Nothing was saved: back to the page, where the reply waits in the box.
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

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
