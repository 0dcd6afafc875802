"""The provider door: django-anymail's inbound webhooks (Mailgun, Postmark, Amazon SES,
SendGrid, Brevo...). Our code sees anymail's message, never a provider's payload.

The webhook URLs answer only when ANYMAIL_WEBHOOK_SECRET is set: every provider then has to
send it as HTTP basic auth (anymail checks it), and providers that sign their posts
(Mailgun: MAILGUN_WEBHOOK_SIGNING_KEY) are checked for that too. Without the secret the URLs
are a 404, never an open door. A message that cannot be stored answers 500, so the
provider retries."""

from functools import wraps

from anymail import urls as anymail_urls
from django.conf import settings
from django.http import Http404
from django.urls import URLPattern

from .models import InboundMessage
from .store import store


def provider_verdict(event):
    """ "spam" or "auth_failed" when the provider says so, else ""."""
    message = event.message
    if message.spam_detected:
        return "spam"
    # Amazon SES gives its checks in the notification's receipt.
    esp_event = event.esp_event if isinstance(event.esp_event, dict) else {}
    receipt = esp_event.get("receipt") or {}
    for verdict in ("dkimVerdict", "dmarcVerdict"):
        if str((receipt.get(verdict) or {}).get("status", "")).upper() == "FAIL":
            return "auth_failed"
    return ""


def receive_inbound(sender, event, esp_name, **kwargs):
    """anymail's `inbound` signal: store the message (processing follows the commit)."""
    message = event.message
    store(
        message.as_bytes(),
        source=InboundMessage.Source.WEBHOOK,
        envelope_recipient=message.envelope_recipient or "",
        provider_verdict=provider_verdict(event),
    )


def _require_secret(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not getattr(settings, "ANYMAIL", {}).get("WEBHOOK_SECRET"):
            raise Http404("Inbound webhooks are off: ANYMAIL_WEBHOOK_SECRET is not set.")
        return view(request, *args, **kwargs)

    return wrapped


def inbound_urlpatterns():
    """anymail's inbound webhook URLs, each refused while no webhook secret is set."""
    patterns = []
    for pattern in anymail_urls.urlpatterns:
        if (pattern.name or "").endswith("_inbound_webhook"):
            view = _require_secret(pattern.callback)
            patterns.append(URLPattern(pattern.pattern, view, pattern.default_args, pattern.name))
    return patterns
