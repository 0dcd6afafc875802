from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        # Email is the login and is unique whatever its case.
        return self.get(email__iexact=email)

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A Member Area login: a customer, or a staff member when is_staff is set."""

    email = models.EmailField(_("email address"), max_length=254)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Staff members answer tickets and may log into the admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    # Staff emails, each of which a staff member can turn off for themselves.
    notify_new_ticket = models.BooleanField(
        _("email me about new tickets"),
        default=True,
        help_text=_("A new ticket arrives in one of my departments."),
    )
    notify_customer_reply = models.BooleanField(
        _("email me about customer replies"),
        default=True,
        help_text=_(
            "A customer replies on a ticket assigned to me, or on an unassigned ticket of "
            "one of my departments."
        ),
    )
    notify_ticket_moved = models.BooleanField(
        _("email me about moved tickets"),
        default=True,
        help_text=_("A ticket is moved into one of my departments."),
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("A user with this email address already exists."),
            ),
        ]
        indexes = [
            # The staff among many customers: assignee choices, department staff.
            models.Index(fields=["id"], name="accounts_user_staff_idx", condition=Q(is_staff=True)),
        ]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def save(self, *args, **kwargs):
        # Stored in lower case so that the unique index and lookups agree.
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return (self.name.split() or [self.email])[0]

    @property
    def display_name(self):
        return self.name or self.email

    @property
    def name_for_customers(self):
        """How customers see this user: by name, and a staff member without one as
        "Netdigi Support" (a staff login's email address is not for customers)."""
        if self.is_staff and not self.name:
            return _("Netdigi Support")
        return self.display_name
