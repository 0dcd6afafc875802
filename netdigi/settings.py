"""
Settings of the Netdigi Member Area.

Everything comes from the environment (django-environ). The defaults make a laptop work
with nothing else installed: SQLite, console email, Celery tasks run in-process.
Production sets DATABASE_URL, CELERY_BROKER_URL, EMAIL_URL, SECRET_KEY and ALLOWED_HOSTS.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A .env file next to manage.py is read when present; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# ---------------------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
WHITENOISE_USE_FINDERS = DEBUG

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only for a developer's laptop: DEBUG on and no key given.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

# Earlier keys, still accepted while rotating SECRET_KEY (sessions, reset links, the
# digests of recovery codes).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Absolute base of links in emails, e.g. https://member.netdigi.co.id
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="Netdigi Member Area")

INSTALLED_APPS = [
    # Django's admin on the helpdesk's own site class (netdigi/admin_site.py).
    "netdigi.admin_site.HelpdeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "axes",
    "csp",
    "accounts",
    "services",
    "tickets",
    "notifications",
    "scheduling",
    "mailin",
    "anymail",
    "ratelimits",
    "kb",
    "search",
    "sla",
    "network",
    # Two-factor sign-in (twofactor/): after the device apps, whose admin it replaces.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "twofactor",
]
# The benchmark tools (`manage.py seed_bench`, bench/) where the source tree has them: a
# development checkout, not the Docker image (deploy/Dockerfile.dockerignore leaves bench/
# out). Only configuration names it; no product module imports bench.
if (BASE_DIR / "bench" / "apps.py").is_file():
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session has passed a second factor.
    "django_otp.middleware.OTPMiddleware",
    # After LocaleMiddleware and AuthenticationMiddleware: a logged-in user's saved
    # language wins over the browser's.
    "accounts.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sends a signed-in user who owes a second factor to enter it (or to enrol one).
    "twofactor.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: turns a login refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "netdigi.urls"
WSGI_APPLICATION = "netdigi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "network.context_processors.network_status",
            ],
        },
    },
]

# ---------------------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent readers and one writer without "database is locked" under runserver.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Behind PgBouncer in transaction pooling mode: each transaction may run on another server
    # connection, so a cursor kept open between transactions (QuerySet.iterator()) is lost.
    # See README, "PgBouncer".
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DISABLE_SERVER_SIDE_CURSORS", default=False
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a login while its email and address (or the address) are locked out.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.EmailBackend",
]
# Email is unique case-insensitively through a functional unique constraint, which the
# check for a plain unique field does not see. A few indexes carry extra columns for
# PostgreSQL's index-only scans (tickets/models.py); SQLite keeps them as plain indexes.
SILENCED_SYSTEM_CHECKS = ["auth.W004", "models.W040"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A session lasts two weeks of inactivity at most; logging out deletes it on the server.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=14 * 24 * 3600)

# Failed logins (django-axes, with the counting of accounts/throttle.py). One email tried
# from one address is locked after LOGIN_FAILURE_LIMIT failures; one address, whatever the
# emails it tries, after LOGIN_FAILURE_LIMIT_PER_IP. Both for LOGIN_COOLOFF_MINUTES, then
# counting starts again. Never by email alone: a stranger elsewhere cannot lock a customer
# out. Unknown emails are counted like known ones, so the answers do not tell them apart.
AXES_HANDLER = "accounts.throttle.LoginThrottleHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_LIMIT_PER_IP = env.int("LOGIN_FAILURE_LIMIT_PER_IP", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
# The login form's email field is called "username"; "Alice@X" and "alice@x" count as one.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.throttle.login_email"
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_ip"
# Behind N reverse proxies that each append to X-Forwarded-For, the client's address is the
# Nth entry from the right. 0 (direct connections): REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# ...and only on connections from these proxies (addresses or networks): a client reaching
# gunicorn directly could write any X-Forwarded-For and pick the address it is counted as.
TRUSTED_PROXY_IPS = env.list("TRUSTED_PROXY_IPS", default=["127.0.0.1", "::1"])
for _proxy in TRUSTED_PROXY_IPS:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXY_IPS: {_proxy!r} is not an address.") from None
# A success forgets only its own email's failures from that address (LoginThrottleHandler):
# logging into one's own account never wipes the failures counted against another's.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "accounts.throttle.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# A try refused by a lockout adds no row (axes would add one per email and user agent, and
# append the form to it): LoginThrottleHandler only starts the address's cool-off again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The log of logins (axes' AccessLog) is kept this many days (pruned by beat).
LOGIN_LOG_DAYS = env.int("LOGIN_LOG_DAYS", default=90)
# Password reset requests (accounts/reset_limits.py), "COUNT/PERIOD" as the ticket limits:
# per email address whoever asks, and per client address whatever the emails. Past either
# no email is sent; the answer is the same.
PASSWORD_RESET_RATE_LIMIT = env.str("PASSWORD_RESET_RATE_LIMIT", default="3/1h")
PASSWORD_RESET_RATE_LIMIT_PER_IP = env.str("PASSWORD_RESET_RATE_LIMIT_PER_IP", default="20/1h")

# Two-factor sign-in (twofactor/). Staff must pass a second factor (authenticator app,
# passkey or recovery code) before any page, /staff/ and /admin/ included; customers may
# enrol from "Account security", or must when CUSTOMER_2FA_REQUIRED is on.
STAFF_2FA_REQUIRED = env.bool("STAFF_2FA_REQUIRED", default=True)
CUSTOMER_2FA_REQUIRED = env.bool("CUSTOMER_2FA_REQUIRED", default=False)
# Asked at each password login whether the account still owes its code (accounts/throttle.py
# then keeps the failed attempts counted until the code is given).
LOGIN_SECOND_FACTOR_OWED = "twofactor.policy.owes_code"
OTP_TOTP_ISSUER = SITE_NAME
# Passkeys are a second factor only: the password is always asked first.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = SITE_NAME
# The relying party is the host the browser talks to (checked against ALLOWED_HOSTS), and
# the only origin accepted is that host's own (twofactor/passkeys.py).
OTP_WEBAUTHN_RP_ID_CALLABLE = "twofactor.passkeys.relying_party_id"
OTP_WEBAUTHN_HELPER_CLASS = "twofactor.passkeys.PasskeyHelper"
# No fixed list of origins: PasskeyHelper accepts the request's own origin only.
SILENCED_SYSTEM_CHECKS += ["otp_webauthn.E030"]

# ---------------------------------------------------------------------------------------
# Language and time
# ---------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("id", _("Bahasa Indonesia"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Jakarta")
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------------------
# Static files and private media
# ---------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Attachments are private: stored under random names and served only by a view that
# checks who asks. MEDIA_ROOT is never exposed by URL.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = None

# The private folder of the attachments (ATTACHMENTS_STORAGE=local, the default).
STORAGES_ATTACHMENTS_LOCAL = {"location": MEDIA_ROOT / "private", "base_url": None}
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "public"},
    },
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": STORAGES_ATTACHMENTS_LOCAL,
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

# Attachments in an S3-compatible bucket (AWS S3, MinIO, Ceph, Wasabi...) instead of the
# private folder, so that any number of web and worker hosts share them: ATTACHMENTS_STORAGE=s3
# and django-storages' own variables. The bucket stays private: objects get no ACL (the
# bucket's own policy applies, which must not be public) and the only URLs ever made are
# presigned ones that expire (ATTACHMENTS_S3_URL_SECONDS), after the app's access check.
ATTACHMENTS_STORAGE = env.str("ATTACHMENTS_STORAGE", default="local")
if ATTACHMENTS_STORAGE not in ("local", "s3"):
    raise ImproperlyConfigured("ATTACHMENTS_STORAGE is 'local' or 's3'.")
# Downloads of attachments stored in S3: streamed through the app (False, the default: every
# security header of ours goes with the file, and the bucket need not be reachable from the
# internet), or answered with a redirect to a presigned URL of ATTACHMENTS_S3_URL_SECONDS
# (True: large files cost the web process nothing, but S3 can only set Content-Type,
# Content-Disposition and Cache-Control on the answer, not nosniff and the sandboxing CSP).
# Thumbnails are always streamed: pages show them as images of our own origin.
ATTACHMENTS_S3_REDIRECT = env.bool("ATTACHMENTS_S3_REDIRECT", default=False)
ATTACHMENTS_S3_URL_SECONDS = env.int("ATTACHMENTS_S3_URL_SECONDS", default=60)
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="") or None
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
# django-storages' S3 backend, as ATTACHMENTS_STORAGE=s3 uses it (and move_attachments).
ATTACHMENTS_S3_OPTIONS = {
    "bucket_name": AWS_STORAGE_BUCKET_NAME,
    "endpoint_url": AWS_S3_ENDPOINT_URL,
    "access_key": AWS_ACCESS_KEY_ID,
    "secret_key": AWS_SECRET_ACCESS_KEY,
    "region_name": AWS_S3_REGION_NAME,
    # MinIO and Ceph usually want "path"; AWS takes either.
    "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
    "signature_version": "s3v4",
    "default_acl": None,
    "querystring_auth": True,
    "querystring_expire": ATTACHMENTS_S3_URL_SECONDS,
    "custom_domain": None,
    # Names are random (tickets.models.attachment_path): no existence check per save.
    "file_overwrite": True,
    "location": "",
}
if ATTACHMENTS_STORAGE == "s3":
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("ATTACHMENTS_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": ATTACHMENTS_S3_OPTIONS,
    }

# Shared by every process of every host (Redis in production: CACHE_URL=redis://host:6379/2).
# The app keeps nothing in it that must survive: sessions, flood counts, login failures and
# the periodic tasks' claims are database rows; only the knowledgebase's rate limits
# (kb/throttle.py) are counted here. Without CACHE_URL: this
# process's memory, which is right for one process only.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# Uploads larger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Files are received by a handler that stops keeping one once it passes the attachment size
# limit and keeps none beyond the count limit; temporary files are anonymous (no leftovers).
FILE_UPLOAD_HANDLERS = ["tickets.upload_handlers.AttachmentUploadHandler"]
# A whole request may hold the attachments plus the form: 5 x 10 MB and some room.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# ---------------------------------------------------------------------------------------
# Tickets
# ---------------------------------------------------------------------------------------
TICKET_ATTACHMENT_MAX_FILES = env.int("TICKET_ATTACHMENT_MAX_FILES", default=5)
TICKET_ATTACHMENT_MAX_BYTES = env.int("TICKET_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Pillow refuses images above this many pixels (decompression bombs).
TICKET_IMAGE_MAX_PIXELS = env.int("TICKET_IMAGE_MAX_PIXELS", default=40_000_000)
# ...and all the images of one post together (0: no limit), read from their headers before
# any is decoded: what one request may make the server decode.
TICKET_IMAGE_MAX_PIXELS_PER_POST = env.int("TICKET_IMAGE_MAX_PIXELS_PER_POST", default=100_000_000)
# What one customer's own uploads may take in total, over all their tickets (0: no limit).
TICKET_CUSTOMER_QUOTA_BYTES = env.int("TICKET_CUSTOMER_QUOTA_BYTES", default=500 * 1024 * 1024)
TICKET_NUMBER_DIGITS = 6
TICKETS_PER_PAGE = 25
TICKET_AUTOCLOSE_HOURS = env.int("TICKET_AUTOCLOSE_HOURS", default=72)
# Flood protection of the customer pages (tickets/throttle.py): "COUNT/PERIOD" with PERIOD
# in s, m, h or d; "0" turns a limit off. New tickets of one customer, and posts of one
# customer (replies plus the first messages of new tickets).
TICKET_RATE_LIMIT = env.str("TICKET_RATE_LIMIT", default="5/10m")
TICKET_REPLY_RATE_LIMIT = env.str("TICKET_REPLY_RATE_LIMIT", default="20/10m")

# ---------------------------------------------------------------------------------------
# Knowledgebase and search
# ---------------------------------------------------------------------------------------
# The suggestions while a customer types a subject, and "This solved my problem", per
# user ("COUNT/PERIOD", "0" off; kb/throttle.py counts them in the cache below).
KB_SUGGEST_RATE_LIMIT = env.str("KB_SUGGEST_RATE_LIMIT", default="60/1m")
KB_SOLVED_RATE_LIMIT = env.str("KB_SOLVED_RATE_LIMIT", default="10/10m")
# Those counts live in the cache (CACHES above): with CACHE_URL every web process counts
# together; without it each process counts alone.

# ---------------------------------------------------------------------------------------
# Service levels and satisfaction (sla/)
# ---------------------------------------------------------------------------------------
# Breach warnings go out this many minutes before a clock breaches (and at the breach).
SLA_WARNING_MINUTES = env.int("SLA_WARNING_MINUTES", default=30)
# The calendar and targets are cached this long in each process (0: read every time).
SLA_POLICY_CACHE_SECONDS = env.int("SLA_POLICY_CACHE_SECONDS", default=60)
# Signed links in emails (rate, close) work for this many days.
SLA_LINK_MAX_AGE_DAYS = env.int("SLA_LINK_MAX_AGE_DAYS", default=30)
# A rating can be changed for this many days after it was given.
SLA_RATING_CHANGE_DAYS = env.int("SLA_RATING_CHANGE_DAYS", default=7)
# No satisfaction survey for a customer who rated a ticket in the last CSAT_MIN_DAYS days.
CSAT_MIN_DAYS = env.int("CSAT_MIN_DAYS", default=7)
# Network status
# ---------------------------------------------------------------------------------------
# The banner of every page is read from the cache (network/status.py; CACHES above): with
# CACHE_URL every web process sees a change at once, without it each process's copy lags
# behind another process's change by NETWORK_STATUS_CACHE_SECONDS at most.
# At most this long before a change made by another process shows in the banner.
NETWORK_STATUS_CACHE_SECONDS = env.int("NETWORK_STATUS_CACHE_SECONDS", default=60)
# The public /status/ page may be kept this long by browsers and proxies.
NETWORK_STATUS_PAGE_MAX_AGE = env.int("NETWORK_STATUS_PAGE_MAX_AGE", default=30)
# Linked tickets written per transaction when an update is posted to all of them.
NETWORK_BROADCAST_BATCH = env.int("NETWORK_BROADCAST_BATCH", default=200)
# A broadcast not finished this many seconds after it was posted is started again.
NETWORK_BROADCAST_RESUME_AFTER = env.float("NETWORK_BROADCAST_RESUME_AFTER", default=300.0)

# ---------------------------------------------------------------------------------------
# Email
# ---------------------------------------------------------------------------------------
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Netdigi Support <support@netdigi.co.id>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ---------------------------------------------------------------------------------------
# Incoming email (mailin/): replies by email and tickets by email
# ---------------------------------------------------------------------------------------
# Stored messages are deleted after this many days (0: kept for ever).
INBOUND_RETENTION_DAYS = env.int("INBOUND_RETENTION_DAYS", default=90)
# Messages still unprocessed this many seconds after arriving are handed to the workers again.
INBOUND_REDISPATCH_AFTER = env.float("INBOUND_REDISPATCH_AFTER", default=120.0)
# A reply to a ticket closed for longer than this opens a new ticket naming the old one.
TICKET_REOPEN_DAYS = env.int("TICKET_REOPEN_DAYS", default=30)
# The authserv-id(s) of our own receiving server's Authentication-Results header; those of
# anyone else are ignored. Empty: no DMARC/DKIM verdict is read.
EMAIL_AUTHSERV_ID = [
    value.lower() for value in env.list("EMAIL_AUTHSERV_ID", default=[]) if value.strip()
]
# IMAP polling: imaps://user:password@host:993/INBOX (empty: no polling). With XOAUTH2 the
# password is an OAuth 2 access token (Microsoft 365, Gmail).
EMAIL_INBOX_URL = env.str("EMAIL_INBOX_URL", default="")
EMAIL_INBOX_XOAUTH2 = env.bool("EMAIL_INBOX_XOAUTH2", default=False)
# XOAUTH2 with a refresh token: a fresh access token is asked for at every pass.
EMAIL_INBOX_OAUTH2_TOKEN_URL = env.str("EMAIL_INBOX_OAUTH2_TOKEN_URL", default="")
EMAIL_INBOX_OAUTH2_CLIENT_ID = env.str("EMAIL_INBOX_OAUTH2_CLIENT_ID", default="")
EMAIL_INBOX_OAUTH2_CLIENT_SECRET = env.str("EMAIL_INBOX_OAUTH2_CLIENT_SECRET", default="")
EMAIL_INBOX_OAUTH2_REFRESH_TOKEN = env.str("EMAIL_INBOX_OAUTH2_REFRESH_TOKEN", default="")
# Where processed messages are moved on the IMAP server.
EMAIL_INBOX_DONE_FOLDER = env.str("EMAIL_INBOX_DONE_FOLDER", default="Processed")
EMAIL_INBOX_POLL_SECONDS = env.float("EMAIL_INBOX_POLL_SECONDS", default=60.0)
# Provider webhooks (django-anymail inbound): the shared secret of the webhook URL
# ("user:password", sent by the provider as HTTP basic auth) and the provider's own keys.
ANYMAIL = {
    "WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default="") or None,
    "MAILGUN_WEBHOOK_SIGNING_KEY": env.str("MAILGUN_WEBHOOK_SIGNING_KEY", default="") or None,
    "POSTMARK_WEBHOOK_SECRET": None,
}
ANYMAIL = {key: value for key, value in ANYMAIL.items() if value}

# ---------------------------------------------------------------------------------------
# Celery
# ---------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
if not CELERY_BROKER_URL:
    # No broker: run tasks in-process. They are enqueued after commit, so this is the
    # same path as production, minus the worker.
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = False
    CELERY_BROKER_URL = "memory://"
# Task messages carry ids only, as JSON: nothing a worker unpickles.
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A message is acknowledged when its task has finished, and given back to the queue when
# the worker process dies under it: a killed worker loses no email (tasks are idempotent).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task still running when the broker connection drops finishes (its row says whether the
# mail went out); cancelling it halfway through an SMTP exchange would only add duplicates.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_WORKER_MAX_TASKS_PER_CHILD = 1000
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=150)
# Email has a queue of its own, so a burst of other work never delays it. Workers consume
# both: `celery -A netdigi worker -Q notifications,celery`.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"notifications.tasks.*": {"queue": "notifications"}}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis hands an unacknowledged message to another worker after this many seconds. It
    # must exceed the longest retry countdown (NOTIFICATION_RETRY_BACKOFF_MAX), or retries
    # waiting for their time would be delivered twice.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=7200),
    # Publishing makes one connection attempt and gives up: a request never waits for a
    # broker that is down (the notification row stays pending; the re-dispatch sends it).
    "max_retries": 0,
    "socket_connect_timeout": 2,
    # A broker that accepts connections but never answers must not hang a request either.
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Workers and beat, on the other hand, keep reconnecting until the broker is back.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_PUBLISH_RETRY = False

# The outbox (notifications/tasks.py). An SMTP error or time-out is retried after
# BACKOFF, 2 x BACKOFF, 4 x BACKOFF ... seconds (at most BACKOFF_MAX), until the row has had
# MAX_ATTEMPTS attempts; then it is marked failed and can be sent again from the admin.
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=8)
NOTIFICATION_RETRY_BACKOFF = env.float("NOTIFICATION_RETRY_BACKOFF", default=30.0)
NOTIFICATION_RETRY_BACKOFF_MAX = env.float("NOTIFICATION_RETRY_BACKOFF_MAX", default=1800.0)
# Rows per send task: a task sends them one after the other over one SMTP connection.
NOTIFICATION_SEND_BATCH = env.int("NOTIFICATION_SEND_BATCH", default=50)
# Rows still pending this many seconds after they were due (a broker outage, a lost task)
# are handed to the workers again by the periodic re-dispatch, which beat runs every
# NOTIFICATION_REDISPATCH_EVERY seconds.
NOTIFICATION_REDISPATCH_AFTER = env.float("NOTIFICATION_REDISPATCH_AFTER", default=180.0)
NOTIFICATION_REDISPATCH_EVERY = env.float("NOTIFICATION_REDISPATCH_EVERY", default=60.0)
# Sent outbox rows are kept this many days as the log of what was mailed, then deleted by
# a daily pass (0 keeps them for ever). Pending and failed rows are never deleted.
NOTIFICATION_RETENTION_DAYS = env.int("NOTIFICATION_RETENTION_DAYS", default=90)

# Periodic tasks, run by `celery -A netdigi beat`. Beat claims each run in the database before
# sending it (scheduling/claims.py), so a beat on every host still runs each task once a period.
CELERY_BEAT_SCHEDULER = "scheduling.claims:ClaimingScheduler"
CELERY_BEAT_SCHEDULE = {
    # Send notifications that are still pending after a broker outage or a lost task.
    "notifications-redispatch-pending": {
        "task": "notifications.tasks.redispatch_pending",
        "schedule": NOTIFICATION_REDISPATCH_EVERY,
    },
    # Delete sent outbox rows older than NOTIFICATION_RETENTION_DAYS (daily).
    "notifications-prune-sent": {
        "task": "notifications.tasks.prune_sent",
        "schedule": 86400.0,
    },
    # Close tickets left "Answered" for TICKET_AUTOCLOSE_HOURS (every 10 minutes).
    "tickets-autoclose": {"task": "tickets.tasks.autoclose_tickets", "schedule": 600.0},
    # Incoming email: fetch the IMAP mailbox, process what a broker outage left behind,
    # delete stored messages past INBOUND_RETENTION_DAYS.
    "mailin-fetch-email": {
        "task": "mailin.tasks.fetch_email",
        "schedule": EMAIL_INBOX_POLL_SECONDS,
    },
    "mailin-process-waiting": {"task": "mailin.tasks.process_waiting", "schedule": 60.0},
    "mailin-prune": {"task": "mailin.tasks.prune_inbound", "schedule": 3600.0},
    # Expired sessions (daily) and login records no limit reads any more (hourly).
    "accounts-clear-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": 24 * 3600.0,
    },
    "accounts-prune-login-records": {
        "task": "accounts.tasks.prune_login_records",
        "schedule": 3600.0,
    },
    # Service levels: lost clock refreshes caught up, breach warnings sent (every minute).
    "sla-pass": {"task": "sla.tasks.service_level_pass", "schedule": 60.0},
    # Broadcasts of incident updates that were not started (broker down) or not finished.
    "network-resume-broadcasts": {
        "task": "network.tasks.resume_broadcasts",
        "schedule": NETWORK_BROADCAST_RESUME_AFTER / 2,
    },
}

# ---------------------------------------------------------------------------------------
# Security (production values are tightened when DEBUG is off)
# ---------------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No script of ours reads a cookie: none is readable from JavaScript.
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy of every page (django-csp), the admin included: scripts only from
# our own static files, never inline, never eval; nothing may frame us. Inline style
# *attributes* stay allowed (the admin's thread marks internal notes with them); <style>
# blocks do not. Attachments are served with a stricter, sandboxing policy of their own.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-elem": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        # Bootstrap draws its icons (toggler, close button, select arrow) as data: SVGs.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe the health check over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    LANGUAGE_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Failed logins and lock-outs are warnings; every successful login is not news.
        "axes": {"level": "WARNING"},
    },
}
