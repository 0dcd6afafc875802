"""What the customer and staff pages share when a post is sent: running the action with
its files, a refusal for flooding, a confirmation shown once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib import messages

from . import throttle
from .actions import AttachmentsNotStored

logger = logging.getLogger(__name__)


def post_with_files(form, action: Callable[..., Any], **kwargs) -> Any | None:
    """Run `action(**kwargs)`. If its files could not be stored (disk full, storage down),
    nothing was kept: the cause goes to the log, the form's attachments field tells the
    writer (whose text is still in the form), and None is returned for a 503 page. A post
    refused by the flood limits under the customer's lock returns its RateLimited."""
    try:
        return action(**kwargs)
    except throttle.RateLimited as refused:
        return refused
    except AttachmentsNotStored as error:
        logger.exception("Attachments could not be stored (%s)", action.__name__)
        form.add_error("attachments", error.user_message)
        return None


def refuse_flood(request, refusal, render_form: Callable[[int], Any], replying=False):
    """The 429 answer to a post over the flood limits: the form again, with what was
    typed, and Retry-After."""
    retry_after = throttle.slow_down(request, refusal, replying=replying)
    response = render_form(429)
    response["Retry-After"] = retry_after
    return response


def confirm(request, text) -> None:
    """A success message, once: the second submit of a double click finds the first one's
    ticket or reply, and must not stack a second identical confirmation on the page."""
    storage = messages.get_messages(request)
    waiting = [str(message) for message in storage]
    storage.used = False  # only looked at: they are still shown on the next page
    if text not in waiting:
        messages.success(request, text)
