"""Forms of the staff pages: queue filters, the reply box, the ticket's properties."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from netdigi.formfields import BootstrapFormMixin, PlainSelect

from .. import access
from ..forms import AttachmentsField, MessageBodyField, attachments_help_text
from ..models import Ticket
from . import queries


class QueueFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("", _("All active")),
        ("awaiting", _("Awaiting reply (Open + Customer-Reply)")),
        *[(value, label) for value, label in Ticket.Status.choices],
        ("all", _("All, closed included")),
    ]
    ASSIGNEE_CHOICES = [
        ("", _("Anyone")),
        ("me", _("Assigned to me")),
        ("unassigned", _("Unassigned")),
    ]

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("Number, subject or customer email"), "type": "search"}
        ),
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=[("", _("Any priority")), *Ticket.Priority.choices],
        required=False,
    )
    assignee = forms.ChoiceField(label=_("Assignee"), choices=ASSIGNEE_CHOICES, required=False)

    def filters(self):
        """The filters as keyword arguments of queries.queue_tickets (invalid values
        are ignored: a hand-edited URL shows the default queue, not an error)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("status", ""),
            "priority": data.get("priority", ""),
            "assignee": data.get("assignee", ""),
            "search": data.get("q", ""),
        }


class StaffReplyForm(BootstrapFormMixin, forms.Form):
    """The reply box: a reply to the customer, or an internal note."""

    STATUS_CHOICES = [
        ("", _("Answered (a note keeps the status)")),
        (Ticket.Status.ANSWERED, Ticket.Status.ANSWERED.label),
        (Ticket.Status.IN_PROGRESS, Ticket.Status.IN_PROGRESS.label),
        (Ticket.Status.ON_HOLD, Ticket.Status.ON_HOLD.label),
        (Ticket.Status.CLOSED, Ticket.Status.CLOSED.label),
    ]

    body = MessageBodyField(rows=10)
    attachments = AttachmentsField(label=_("Attachments"))
    internal = forms.BooleanField(
        label=_("Internal note"),
        required=False,
        help_text=_("Staff only: never shown or emailed to the customer."),
    )
    status = forms.ChoiceField(
        label=_("Status after posting"), choices=STATUS_CHOICES, required=False
    )
    canned = forms.ModelChoiceField(
        label=_("Predefined reply"),
        queryset=None,
        required=False,
        empty_label=_("Choose a predefined reply…"),
    )
    # The id of the last post the writer saw: a newer one means a collision.
    last_seen = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, ticket, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        self.user = user
        self.fields["attachments"].help_text = attachments_help_text()
        self.fields["canned"].queryset = queries.canned_responses_for(ticket.department)

    def canned_choices(self):
        """(response, body filled in for this ticket) for the insert control."""
        return [
            (response, response.render_for(ticket=self.ticket, staff=self.user))
            for response in self.fields["canned"].queryset
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("internal") and cleaned.get("status") == Ticket.Status.ANSWERED:
            self.add_error(
                "status",
                _("An internal note does not answer the customer; choose another status."),
            )
        return cleaned


class TicketPropertiesForm(forms.Form):
    """Status, priority, department and assignee. Each field carries the value the page
    showed, so only what this staff member changed is applied: a colleague's change made
    in the meantime is not overwritten."""

    status = forms.ChoiceField(label=_("Status"), choices=Ticket.Status.choices, widget=PlainSelect)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Ticket.Priority.choices, widget=PlainSelect
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=None, empty_label=None, widget=PlainSelect
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignee"),
        queryset=None,
        required=False,
        empty_label=_("Unassigned"),
        widget=PlainSelect,
    )

    def __init__(self, *args, ticket, user, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "status": ticket.status,
                "priority": ticket.priority,
                "department": ticket.department_id,
                "assignee": ticket.assignee_id,
            },
        )
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.show_hidden_initial = True
            field.widget.attrs["class"] = "form-select form-select-sm"
        # Only departments the staff member works in: they cannot move a ticket elsewhere.
        # The list is read once, for the choices and for works_here; the queryset checks
        # what is posted.
        department = self.fields["department"]
        department.queryset = access.departments_of(user).filter(
            Q(is_active=True) | Q(pk=ticket.department_id)
        )
        departments = list(department.queryset)
        department.choices = [(d.pk, department.label_from_instance(d)) for d in departments]
        # Superusers get every department: they work everywhere.
        self.works_here = ticket.department_id in {d.pk for d in departments}
        self.fields["assignee"].queryset = access.assignable_staff(
            ticket.department_id, user=user, current_id=ticket.assignee_id
        )
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name()

    def changes(self):
        """The fields this staff member changed, for actions.update_ticket."""
        return {name: self.cleaned_data[name] for name in self.changed_data}


class StaffEmailSettingsForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["notify_new_ticket", "notify_customer_reply", "notify_ticket_moved"]
