from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_email(*, subject, body, html, from_email, to):
    """A one-off account email (password reset), rendered by the request, sent here."""
    email = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    if html:
        email.attach_alternative(html, "text/html")
    email.send(fail_silently=False)
