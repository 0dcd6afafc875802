from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Service(models.Model):
    """Something a customer has bought: a hosting plan, a domain, a VPS..."""

    class Kind(models.TextChoices):
        HOSTING = "hosting", _("Web hosting")
        DOMAIN = "domain", _("Domain")
        VPS = "vps", _("VPS")
        EMAIL = "email", _("Email")
        SSL = "ssl", _("SSL certificate")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        TERMINATED = "terminated", _("Terminated")
        CANCELLED = "cancelled", _("Cancelled")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("owner"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.HOSTING)
    product_name = models.CharField(_("product"), max_length=150)
    domain = models.CharField(_("domain"), max_length=253, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    next_due_date = models.DateField(_("next due date"), null=True, blank=True)
    # The hosting server the service runs on: network incidents name the servers they
    # affect, and a customer is told about the ones that touch their services.
    server = models.CharField(
        _("server"),
        max_length=253,
        blank=True,
        help_text=_("Host name of the server the service runs on, e.g. sg-web-03."),
    )
    domain_expiry = models.DateField(
        _("domain expiry"),
        null=True,
        blank=True,
        help_text=_("For domains: the date the registration expires."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["product_name", "domain", "id"]
        indexes = [
            models.Index(fields=["owner", "status"], name="services_owner_status_idx"),
            # Which customers an incident on a server touches.
            models.Index(fields=["server"], name="services_server_idx"),
        ]

    def __str__(self):
        if self.domain:
            return f"{self.product_name} - {self.domain}"
        return self.product_name
