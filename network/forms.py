from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from netdigi.formfields import BootstrapFormMixin

from .actions import EDITABLE
from .models import Incident


class ServersField(forms.CharField):
    """Host names, one per line or separated by commas."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        names = [n.strip().lower() for n in text.replace(",", "\n").splitlines() if n.strip()]
        return list(dict.fromkeys(names))

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        for name in value:
            if len(name) > 253 or not all(c.isalnum() or c in "-._" for c in name):
                raise ValidationError(
                    _("%(name)s is not a server host name.") % {"name": name}, code="hostname"
                )


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class IncidentForm(BootstrapFormMixin, forms.ModelForm):
    """Create or edit an incident. On creation, `message` is its first public update."""

    servers = ServersField(
        label=_("Affected servers"),
        help_text=_("Host names, one per line (e.g. sg-web-03)."),
    )
    message = forms.CharField(
        label=_("First update"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        help_text=_("Shown on the status page, e.g. what customers notice and what we do."),
    )
    message_id = forms.CharField(
        label=_("First update (Indonesian)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        required=False,
    )

    class Meta:
        model = Incident
        fields = ["kind", *EDITABLE]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_id": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"starts_at": forms.DateTimeField, "ends_at": forms.DateTimeField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["message"], self.fields["message_id"]
            del self.fields["kind"]
            self.fields["servers"].initial = list(
                self.instance.servers.values_list("hostname", flat=True)
            )
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at < starts_at:
            self.add_error("ends_at", _("The end must be after the start."))
        kind = data.get("kind") or self.instance.kind
        if kind == Incident.Kind.MAINTENANCE and not ends_at:
            self.add_error("ends_at", _("A maintenance needs a planned end."))
        return data

    def changes(self):
        """The edited fields that differ from the incident."""
        return {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name != "kind" and name in self.changed_data
        }


class PostUpdateForm(BootstrapFormMixin, forms.Form):
    state = forms.ChoiceField(label=_("State"))
    body = forms.CharField(
        label=_("Update"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000
    )
    body_id = forms.CharField(
        label=_("Update (Indonesian)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10_000,
        required=False,
        help_text=_("Customers who read Bahasa Indonesia get this text when it is filled in."),
    )
    broadcast = forms.BooleanField(
        label=_("Post an update to all linked tickets"),
        required=False,
        help_text=_("One public reply in each linked ticket, emailed to its customer."),
    )
    close_tickets = forms.BooleanField(
        label=_("Close every linked ticket with this message"),
        required=False,
        help_text=_("Only when the incident is resolved or the maintenance completed."),
    )

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.incident = incident
        self.fields["state"].choices = incident.state_choices
        self.fields["state"].initial = incident.state

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise ValidationError(_("This field is required."), code="required")
        return body

    def clean(self):
        data = super().clean()
        if data.get("close_tickets") and data.get("state") not in Incident.FINAL_STATES:
            self.add_error(
                "close_tickets",
                _("Linked tickets can be closed only by the update that ends the incident."),
            )
        return data


class LinkTicketsForm(forms.Form):
    """Link tickets (by number) to an incident: from the staff ticket page or a queue."""

    incident = forms.ModelChoiceField(
        label=_("Incident"), queryset=Incident.objects.exclude(state__in=Incident.FINAL_STATES)
    )
    tickets = forms.CharField(required=False)
    next = forms.CharField(required=False)

    def __init__(self, *args, numbers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.numbers = [n for n in numbers if n.isdigit()]

    def clean(self):
        data = super().clean()
        if not self.numbers:
            raise ValidationError(_("Choose at least one ticket."), code="no_tickets")
        return data
