"""The attachments of a mail, put through exactly the checks of the web form."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import ngettext

from tickets.forms import check_customer_quota
from tickets.uploads import check_upload, clean_filename


def check(mail_files, customer):
    """(accepted CheckedFiles, refusals). Each refusal is the web form's own message for the
    file ("name: why"), in the customer's language."""
    accepted, refused = [], []
    max_files = settings.TICKET_ATTACHMENT_MAX_FILES
    with translation.override(customer.language or settings.LANGUAGE_CODE):
        for mail_file in mail_files:
            if len(accepted) >= max_files:
                too_many = ngettext(
                    "You can attach at most %(count)d file.",
                    "You can attach at most %(count)d files.",
                    max_files,
                ) % {"count": max_files}
                refused.append(f"{clean_filename(mail_file.name)}: {too_many}")
                continue
            upload = SimpleUploadedFile(mail_file.name, mail_file.data)
            try:
                accepted.append(check_upload(upload))
            except ValidationError as error:
                refused.append(error.messages[0])
        try:
            check_customer_quota(customer, accepted)
        except ValidationError as error:
            refused += [f"{checked.name}: {error.messages[0]}" for checked in accepted]
            accepted = []
    return accepted, refused
