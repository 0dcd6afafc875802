from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from netdigi.formfields import BootstrapFormMixin

from .models import Attachment, Ticket
from .uploads import ALLOWED_TYPES, check_contents, precheck_upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True

    def get_context(self, name, value, attrs):
        # The limits, for the page's script to flag a file before it is uploaded (the server
        # checks again). Read at render time, so that they follow the settings.
        attrs = {
            **(attrs or {}),
            "data-max-bytes": settings.TICKET_ATTACHMENT_MAX_BYTES,
            "data-max-files": settings.TICKET_ATTACHMENT_MAX_FILES,
        }
        return super().get_context(name, value, attrs)


class ServiceSelect(forms.Select):
    """The customer's services, each option carrying its domain for the subject coach."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        service = getattr(value, "instance", None)
        if service is not None and service.domain:
            option["attrs"]["data-domain"] = service.domain
        return option


class MessageBodyField(forms.CharField):
    """The text of a post: required, not blank, without the blank lines around it."""

    def __init__(self, *, rows, **kwargs):
        kwargs.setdefault("label", _("Message"))
        super().__init__(widget=forms.Textarea(attrs={"rows": rows}), max_length=50_000, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value.strip():
            raise ValidationError(self.error_messages["required"], code="required")
        return value.strip("\n\r ")


class AttachmentsField(forms.FileField):
    """Several files in one field; each is checked by content (tickets.uploads).

    With `content_checks_last`, the field makes only the cheap checks (count, names,
    sizes, first bytes) and the form checks the content once everything else is valid
    (CheapChecksFirstMixin): a post refused for its message or a quota decodes nothing."""

    widget = MultipleFileInput

    def __init__(self, *, content_checks_last=False, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.content_checks_last = content_checks_last
        self.widget.attrs.setdefault("accept", ",".join(sorted(ALLOWED_TYPES)))

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        max_files = settings.TICKET_ATTACHMENT_MAX_FILES
        if len(uploads) > max_files:
            raise ValidationError(
                ngettext(
                    "You can attach at most %(count)d file.",
                    "You can attach at most %(count)d files.",
                    max_files,
                )
                % {"count": max_files},
                code="too_many_files",
            )
        checked, errors = [], []
        for upload in uploads:
            try:
                checked.append(precheck_upload(upload))
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        if not self.content_checks_last:
            check_contents(checked)
        return checked


class CheapChecksFirstMixin:
    """Check the attachments' content (the costly part: decoding images) only when every
    other rule of the form passed: fields, file counts and sizes, the customer's quota."""

    def clean(self):
        cleaned_data = super().clean()
        files = cleaned_data.get("attachments")
        if files and not self.errors:
            try:
                check_contents(files)
            except ValidationError as error:
                self.add_error("attachments", error)
        return cleaned_data


def attachments_help_text():
    return _(
        "Screenshots of the error, proof of transfer or other relevant files. "
        "Up to %(count)s files of %(size)s each; allowed: %(types)s."
    ) % {
        "count": settings.TICKET_ATTACHMENT_MAX_FILES,
        "size": filesizeformat(settings.TICKET_ATTACHMENT_MAX_BYTES),
        "types": ", ".join(sorted(ALLOWED_TYPES)),
    }


def check_customer_quota(customer, checked_files):
    """Refuse files that would take `customer`'s own uploads past TICKET_CUSTOMER_QUOTA_BYTES.

    Counts what the customer uploaded on all their tickets (staff files do not count)."""
    quota = settings.TICKET_CUSTOMER_QUOTA_BYTES
    adding = sum(checked.size for checked in checked_files)
    if not quota or not adding:
        return
    used = (
        Attachment.objects.filter(message__author=customer).aggregate(total=Sum("size"))["total"]
        or 0
    )
    if used + adding > quota:
        raise ValidationError(
            _(
                "These files would take your attachments past your storage limit of %(quota)s "
                "(%(used)s used). Send fewer or smaller files, or ask us in the message."
            )
            % {"quota": filesizeformat(quota), "used": filesizeformat(used)},
            code="quota",
        )


class OpenTicketForm(CheapChecksFirstMixin, BootstrapFormMixin, forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=255,
        widget=forms.TextInput(attrs={"autofocus": True}),
        help_text=_(
            'A clear, short title of the problem. Not "Tolong Bantu" (Please help), but '
            '"Website NamaDomainAnda.com Error 500 Internal Server".'
        ),
    )
    service = forms.ModelChoiceField(
        label=_("Related Service"),
        queryset=None,
        required=False,
        empty_label=_("None"),
        widget=ServiceSelect,
        help_text=_(
            "If the problem concerns one of your services (a hosting plan, a domain...), "
            "choose it here: it helps our technical team a lot."
        ),
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=Ticket.Priority.choices,
        initial=Ticket.Priority.MEDIUM,
        help_text=_(
            'Use "High" only for emergencies, such as a website that cannot be reached at all.'
        ),
    )
    body = MessageBodyField(
        rows=8,
        help_text=_(
            "Describe the problem in detail: What are you experiencing? What steps did you "
            "take before it happened? What error message appears (copy it exactly)? "
            "When did it happen?"
        ),
    )
    attachments = AttachmentsField(label=_("Attachments"), content_checks_last=True)
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        # Only the customer's own services: another customer's id is "not a valid choice".
        self.fields["service"].queryset = customer.services.order_by("product_name", "domain")
        self.fields["attachments"].help_text = attachments_help_text()

    def clean_subject(self):
        subject = " ".join(self.cleaned_data["subject"].split())
        if not subject:
            raise ValidationError(_("This field is required."), code="required")
        return subject

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        check_customer_quota(self.customer, files)
        return files


class ReplyForm(CheapChecksFirstMixin, BootstrapFormMixin, forms.Form):
    body = MessageBodyField(rows=6)
    attachments = AttachmentsField(label=_("Attachments"), content_checks_last=True)
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The customer replying: their storage quota applies to the files.
        self.customer = customer
        self.fields["attachments"].help_text = attachments_help_text()

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        if self.customer is not None:
            check_customer_quota(self.customer, files)
        return files


class TicketFilterForm(forms.Form):
    STATUS_CHOICES = [("active", _("Active")), ("closed", _("Closed")), ("all", _("All"))]
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
