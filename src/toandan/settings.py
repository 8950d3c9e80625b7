"""Django settings for toandan.

Everything that differs between a laptop (`make run`, SQLite, tasks in-process) and production
(PostgreSQL, Redis task queue, SMTP) is read from the environment here and nowhere else.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext

# Lets admin.ModelAdmin[Model] and similar generic annotations work at run time.
django_stubs_ext.monkeypatch()

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = SRC_DIR.parent.parent
VAR_DIR = Path(os.environ.get("TOANDAN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("TOANDAN_DEBUG", default=False)


def _installation_secret(path: Path) -> str:
    """A random secret made once per installation and kept in var/ (mode 0600).

    There is no built-in fallback key: a public default would leave sessions, the TOTP secrets
    (encrypted with a key derived from this) and the audit chain's key open to anyone who
    read the source. Several app servers must share one key: set TOANDAN_SECRET_KEY.
    """
    if path.exists():
        return path.read_text().strip()
    # The first thing toandan writes, so it makes var/: private, like the database inside it.
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    import secrets
    import tempfile

    value = secrets.token_urlsafe(64)
    # Written in full under another name, then linked into place: a process starting at the same
    # moment (a pytest-xdist worker, `toandan worker` beside `toandan serve`) finds no file or
    # the whole key, never an empty file it would read as an empty key.
    fd, written = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(value)
        try:
            path.hardlink_to(written)
        except FileExistsError:  # another process made it first
            return path.read_text().strip()
    finally:
        Path(written).unlink()
    return value


# Where the installation's own secret lives when TOANDAN_SECRET_KEY is not set (`toandan restore`
# puts the backed-up one back here).
TOANDAN_SECRET_KEY_FILE = VAR_DIR / "secret_key"
SECRET_KEY = os.environ.get("TOANDAN_SECRET_KEY") or _installation_secret(TOANDAN_SECRET_KEY_FILE)
# The audit chain is an HMAC keyed outside the database, so someone who can write to the
# database cannot recompute the chain after editing it. Defaults to a key derived from
# SECRET_KEY; set it explicitly to rotate SECRET_KEY without breaking `toandan audit verify`.
TOANDAN_AUDIT_KEY = os.environ.get("TOANDAN_AUDIT_KEY", "")
# Checkpoints of the audit chain's end (seq and keyed hash), appended by every intact
# `toandan audit verify`: keep this file off the database server, so deleting the newest events
# (or all of them) and rewriting the head is still reported.
TOANDAN_AUDIT_CHECKPOINT_FILE = Path(
    os.environ.get("TOANDAN_AUDIT_CHECKPOINT_FILE", VAR_DIR / "audit" / "checkpoints.jsonl")
)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("TOANDAN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("TOANDAN_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "huey.contrib.djhuey",
    "toandan.core",
    "toandan.media",
    "toandan.audit",
    "toandan.backup",
    "toandan.geo",
    "toandan.orgs",
    "toandan.accounts",
    "toandan.notifications",
    "toandan.documents",
    "toandan.workflow",
    "toandan.workdays",
    "toandan.tips",
    "toandan.initiatives",
    "toandan.antifraud",
    "toandan.awards",
    "toandan.open311",
    "toandan.stats",
    "toandan.exports",
    "toandan.demo",
    "toandan.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "toandan.core.limits.RequestSizeLimitMiddleware",
    # Before anything reads request.GET or request.POST (CSRF, locale, views).
    "toandan.core.middleware.CleanInputTextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed (static files come compressed from WhiteNoise above). BREACH: Django
    # masks the CSRF token on every response and GZipMiddleware adds random padding.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After a change, this browser reads the primary for a while (toandan.core.db_router).
    "toandan.core.db_router.ReplicaPinMiddleware",
    "toandan.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "toandan.accounts.middleware.SessionTimeoutMiddleware",
    "toandan.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "toandan.core.middleware.SecurityHeadersMiddleware",
    "toandan.core.ratelimit.DeviceCookieMiddleware",
]

ROOT_URLCONF = "toandan.urls"
WSGI_APPLICATION = "toandan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "toandan.web.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite under var/ is the embedded default; DATABASE_URL=postgres://... is production and CI.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'toandan.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a background write is in progress.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Streaming replicas (comma-separated URLs) for statistics, dashboards and exports; see
# toandan.core.db_router for what reads them and when the primary is read instead.
TOANDAN_REPLICA_URLS = [
    url.strip() for url in os.environ.get("TOANDAN_REPLICA_URLS", "").split(",") if url.strip()
]
for _number, _url in enumerate(TOANDAN_REPLICA_URLS, start=1):
    DATABASES[f"replica{_number}"] = {
        **dj_database_url.parse(_url, conn_max_age=60),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["toandan.core.db_router.ReplicaRouter"]
TOANDAN_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("TOANDAN_REPLICA_MAX_LAG_SECONDS", "30"))
TOANDAN_REPLICA_PIN_SECONDS = int(os.environ.get("TOANDAN_REPLICA_PIN_SECONDS", "60"))

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "toandan.accounts.validators.CharacterClassValidator"},
]
# Lockout: after this many failed logins in the window, the account is locked for the window.
TOANDAN_LOGIN_MAX_FAILURES = int(os.environ.get("TOANDAN_LOGIN_MAX_FAILURES", "5"))
TOANDAN_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("TOANDAN_LOGIN_LOCKOUT_MINUTES", "15"))
# The lock above is per username *at one address*; per username from everywhere only short soft
# delays (nobody can lock an officer out), per address a spraying allowance
# (toandan.core.ratelimit.login_throttles).
TOANDAN_LOGIN_USER_FREE_FAILURES = int(os.environ.get("TOANDAN_LOGIN_USER_FREE_FAILURES", "20"))
TOANDAN_LOGIN_USER_MAX_DELAY_SECONDS = int(
    os.environ.get("TOANDAN_LOGIN_USER_MAX_DELAY_SECONDS", "60")
)
TOANDAN_LOGIN_ADDRESS_FREE_FAILURES = int(
    os.environ.get("TOANDAN_LOGIN_ADDRESS_FREE_FAILURES", "100")
)
# Idle staff sessions end after this many minutes.
TOANDAN_SESSION_IDLE_MINUTES = int(os.environ.get("TOANDAN_SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("TOANDAN_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Personal API tokens always expire (default and maximum lifetime, in days).
TOANDAN_API_TOKEN_DAYS = int(os.environ.get("TOANDAN_API_TOKEN_DAYS", "90"))
TOANDAN_API_TOKEN_MAX_DAYS = int(os.environ.get("TOANDAN_API_TOKEN_MAX_DAYS", "365"))
# Police roles must enrol TOTP two-factor when this is on (production default: on).
TOANDAN_POLICE_2FA_REQUIRED = env_bool("TOANDAN_POLICE_2FA_REQUIRED", default=True)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["toandan.formats"]

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (app.3f2a….css), compressed copies and a year of caching in production;
    # `toandan setup` and `toandan serve` run collectstatic. DEBUG serves the files as edited.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = True

# --- Background work ------------------------------------------------------------------------
# TOANDAN_TASK_QUEUE: "immediate" (default; tasks run in-process, no server needed) or a
# redis:// URL (a real queue; run `toandan worker` on one or more machines).
TOANDAN_TASK_QUEUE = os.environ.get("TOANDAN_TASK_QUEUE", "immediate")
if TOANDAN_TASK_QUEUE.startswith(("redis://", "rediss://")):
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "toandan",
        "immediate": False,
        "url": TOANDAN_TASK_QUEUE,
        "consumer": {
            "workers": int(os.environ.get("TOANDAN_WORKERS", "4")),
            "worker_type": "thread",
        },
    }
else:
    HUEY = {"huey_class": "huey.MemoryHuey", "name": "toandan", "immediate": True}

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "TOANDAN_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("TOANDAN_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("TOANDAN_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("TOANDAN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TOANDAN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("TOANDAN_EMAIL_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("TOANDAN_EMAIL_FROM", "toandan <no-reply@toandan.local>")

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind a TLS-terminating load balancer (see README, deployment): trust its scheme header and
# send HSTS. Off for `make run`, which serves plain HTTP on 127.0.0.1.
if env_bool("TOANDAN_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("TOANDAN_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Logging --------------------------------------------------------------------------------
# Request logging is off on purpose: citizens' IP addresses and user agents are never written
# to logs (see the tips protection rules). Application loggers still log errors.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "toandan": {"handlers": ["console"], "level": "INFO"},
    },
}

# --- Geography ------------------------------------------------------------------------------
# The date the 2025 reform took effect (Resolution 202/2025/QH15): legacy units are valid until
# the day before, current units from this day.
TOANDAN_GEO_REFORM_DATE = os.environ.get("TOANDAN_GEO_REFORM_DATE", "2025-07-01")

# --- web ---
# The project-wide stylesheet lives in src/toandan/static/ (not in an app), so it is listed here.
STATICFILES_DIRS = [SRC_DIR / "static"]

# --- tips ---
# Keys live outside the database: the key-encryption keys (KEK) that wrap each tip's data key,
# and the pepper of the receipt hash. `make run` creates this file on first use; production
# mounts it from a secret store (and backs it up: without it no tip can be opened).
TOANDAN_KEYRING_FILE = Path(
    os.environ.get("TOANDAN_KEYRING_FILE", VAR_DIR / "keys" / "keyring.json")
)
# Encrypted attachment files.
TOANDAN_ATTACHMENTS_DIR = Path(os.environ.get("TOANDAN_ATTACHMENTS_DIR", VAR_DIR / "attachments"))
TOANDAN_TIP_MAX_ATTACHMENTS = int(os.environ.get("TOANDAN_TIP_MAX_ATTACHMENTS", "5"))
TOANDAN_TIP_MAX_ATTACHMENT_BYTES = int(
    os.environ.get("TOANDAN_TIP_MAX_ATTACHMENT_BYTES", str(20 * 1024 * 1024))
)
TOANDAN_TIP_MAX_TOTAL_BYTES = int(
    os.environ.get("TOANDAN_TIP_MAX_TOTAL_BYTES", str(40 * 1024 * 1024))
)
TOANDAN_TIP_MAX_TEXT_CHARS = int(os.environ.get("TOANDAN_TIP_MAX_TEXT_CHARS", "10000"))
# Non-file request data Django will hold in memory: a JSON tip with its attachments in base64
# (the API has no multipart upload), so about 12 MB of files through the API; the web form
# streams files to disk and is bounded by TOANDAN_MAX_REQUEST_BYTES instead.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
TOANDAN_MAX_REQUEST_BYTES = TOANDAN_TIP_MAX_TOTAL_BYTES + 1024 * 1024
# Photos are decoded to clean them: at most this many pixels per photo and per request (a
# 48-megapixel phone photo passes; larger JPEGs are decoded at half or quarter scale), and at
# most this many files cleaned at once per process; others wait this long, then get 503.
TOANDAN_IMAGE_MAX_PIXELS = int(os.environ.get("TOANDAN_IMAGE_MAX_PIXELS", "50000000"))
TOANDAN_REQUEST_MAX_IMAGE_PIXELS = int(
    os.environ.get("TOANDAN_REQUEST_MAX_IMAGE_PIXELS", "150000000")
)
TOANDAN_FILE_CLEANERS = int(os.environ.get("TOANDAN_FILE_CLEANERS", "2"))
TOANDAN_FILE_CLEANER_WAIT_SECONDS = int(os.environ.get("TOANDAN_FILE_CLEANER_WAIT_SECONDS", "20"))
# How long a tip is kept after it was received, then deleted (storage limitation, Law 91/2025).
# The legal timeline (toandan.tips.handling.timeline): forwarding and decision deadlines. The
# forwarding ones come from joint circulars that predate the 2025 reform, hence configurable.
TOANDAN_TIP_DEADLINES = {
    "forward_urgent_hours": int(os.environ.get("TOANDAN_FORWARD_URGENT_HOURS", "24")),
    "forward_urgent_remote_hours": int(os.environ.get("TOANDAN_FORWARD_REMOTE_HOURS", "48")),
    "forward_days": int(os.environ.get("TOANDAN_FORWARD_DAYS", "7")),
    "decide_days": 20,
    "complex_months": 2,
    "procuracy_max_months": 2,
    "resumed_months": 1,
}
# Revealing a tipster's contact details: a second officer must approve first when on.
TOANDAN_REVEAL_SECOND_APPROVAL = env_bool("TOANDAN_REVEAL_SECOND_APPROVAL", default=False)
# How long an approved reveal may be read before a new request is needed.
TOANDAN_REVEAL_VALID_HOURS = int(os.environ.get("TOANDAN_REVEAL_VALID_HOURS", "24"))
# Duplicate suggestions (toandan.tips.duplicates): open tips received this many days either
# side, with at least this estimated similarity.
TOANDAN_DUPLICATE_WINDOW_DAYS = int(os.environ.get("TOANDAN_DUPLICATE_WINDOW_DAYS", "30"))
TOANDAN_DUPLICATE_THRESHOLD = float(os.environ.get("TOANDAN_DUPLICATE_THRESHOLD", "0.5"))
# Background exports (toandan.exports): where files go and how long they are kept.
TOANDAN_EXPORTS_DIR = Path(os.environ.get("TOANDAN_EXPORTS_DIR", VAR_DIR / "exports"))
TOANDAN_EXPORTS_TTL_HOURS = int(os.environ.get("TOANDAN_EXPORTS_TTL_HOURS", "24"))
TOANDAN_TIP_RETENTION_DAYS = int(os.environ.get("TOANDAN_TIP_RETENTION_DAYS", str(5 * 365)))
# Receipt hash cost: Argon2id over the receipt, then HMAC with the pepper (`tips.intake.receipts`).
# Deliberately light (1 pass, 1 MiB: 0.27 ms by libsodium here; `make bench` prints it). A
# receipt has 66 random bits, not a password's few, and the pepper lives in the keyring file
# outside the database, next to the KEKs: a leaked database alone cannot test a single guess,
# and whoever holds the keyring as well can already decrypt every tip without any receipt. So
# Argon2 only slows an attacker who has both, against 2^66 candidates; online guessing is
# stopped by the throttles, not by the hash. A heavier hash would cost every tip and every
# follow-up tens of milliseconds (and, on the follow-up page, hand a guesser cheap CPU load).
TOANDAN_RECEIPT_ARGON2_TIME_COST = int(os.environ.get("TOANDAN_RECEIPT_ARGON2_TIME_COST", "1"))
TOANDAN_RECEIPT_ARGON2_MEMORY_KIB = int(os.environ.get("TOANDAN_RECEIPT_ARGON2_MEMORY_KIB", "1024"))
# Wrong receipts: free attempts per client key (hashed with a secret that changes daily), then
# the wait doubles from this many seconds.
TOANDAN_RECEIPT_FREE_ATTEMPTS = int(os.environ.get("TOANDAN_RECEIPT_FREE_ATTEMPTS", "5"))
TOANDAN_RECEIPT_BASE_DELAY_SECONDS = int(os.environ.get("TOANDAN_RECEIPT_BASE_DELAY_SECONDS", "2"))
# The free attempts above are per device (address + device cookie); per address, enough for a
# meeting on one Wi-Fi to mistype. No wait is longer than the maximum.
TOANDAN_RECEIPT_ADDRESS_FREE_ATTEMPTS = int(
    os.environ.get("TOANDAN_RECEIPT_ADDRESS_FREE_ATTEMPTS", "50")
)
TOANDAN_RECEIPT_MAX_DELAY_SECONDS = int(os.environ.get("TOANDAN_RECEIPT_MAX_DELAY_SECONDS", "900"))
# Rate limits and throttles live in the cache: the database by default (the table is made by
# `migrate`; only expired entries are ever removed, so a flood of other clients cannot wipe a
# live throttle, as an in-process cache of a few hundred entries would), Redis in production
# (TOANDAN_CACHE_URL=redis://...), shared by the app servers.
TOANDAN_CACHE_URL = os.environ.get("TOANDAN_CACHE_URL", "")
CACHES: dict[str, dict[str, object]]
if TOANDAN_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "toandan.core.cache.RedisCache",
            "LOCATION": TOANDAN_CACHE_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "toandan.core.cache.DatabaseCache",
            "LOCATION": "toandan_cache",
            # Above this many rows each write sweeps the expired ones (never live ones).
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }

# --- open311 ---
# The public list GET /open311/v2/requests shows a tip of a listed category (see
# Category.open311_listed) only from the local midnight that ends this many whole days after
# the day it arrived, dated to the day: the police's first step (forward within 7 days, BLTTHS
# Art. 146, joint circular 01/2017) comes before anyone can see the tip, and polling tells only
# the day. At least one day.
TOANDAN_OPEN311_LIST_DELAY_DAYS = max(
    1, int(os.environ.get("TOANDAN_OPEN311_LIST_DELAY_DAYS", "7"))
)

# --- bench ---
# `make bench` starts the production server with this on: it adds the baseline endpoint
# POST /api/v1/bench/minimal (validate a JSON body, insert one row). Off everywhere else.
TOANDAN_BENCH_ENDPOINTS = env_bool("TOANDAN_BENCH_ENDPOINTS", default=False)

# --- tips-core ---
# Client keys for rate limits: behind N trusted reverse proxies, the client is the N-th address
# from the right of X-Forwarded-For; 0 (no proxy) uses the connection's address only.
TOANDAN_TRUSTED_PROXY_COUNT = int(os.environ.get("TOANDAN_TRUSTED_PROXY_COUNT", "0"))
# The one address the proxy connects to `toandan serve` from, whose X-Forwarded-* headers it
# trusts: a proxy on the same machine by default ("*", any peer, only with a loopback --host).
TOANDAN_TRUSTED_PROXY = os.environ.get("TOANDAN_TRUSTED_PROXY", "").strip() or "127.0.0.1"
# Tip submissions per hour: per client key (GlobaLeaks' 10), and overall. The overall ceiling
# is a circuit breaker, not a quota: no tip may be refused (BLTTHS Art. 144), and anyone able to
# reach it could shut intake for everyone, so it sits far above any real national volume (the
# whole movement counts about 110,000 valuable tips over five years in 20 provinces).
TOANDAN_TIP_RATE_PER_CLIENT_HOUR = int(os.environ.get("TOANDAN_TIP_RATE_PER_CLIENT_HOUR", "10"))
TOANDAN_TIP_RATE_TOTAL_HOUR = int(os.environ.get("TOANDAN_TIP_RATE_TOTAL_HOUR", "20000"))
# The per-client figure above is per device (address + device cookie); per address, room for a
# union meeting or a carrier's NAT full of tipsters.
TOANDAN_TIP_RATE_PER_ADDRESS_HOUR = int(os.environ.get("TOANDAN_TIP_RATE_PER_ADDRESS_HOUR", "200"))
# Tipsters' replies per hour, per tip and per address (a reply may carry files).
TOANDAN_REPLY_RATE_PER_TIP_HOUR = int(os.environ.get("TOANDAN_REPLY_RATE_PER_TIP_HOUR", "20"))
TOANDAN_REPLY_RATE_PER_ADDRESS_HOUR = int(
    os.environ.get("TOANDAN_REPLY_RATE_PER_ADDRESS_HOUR", "200")
)
# The public fraud check (page and API), per minute: per device and per address; appeals to
# delist a number, per hour (toandan.antifraud.limits). Enough for a person checking a batch
# of messages, not for a script walking the numbering plan.
TOANDAN_FRAUD_CHECK_RATE_PER_DEVICE_MINUTE = int(
    os.environ.get("TOANDAN_FRAUD_CHECK_RATE_PER_DEVICE_MINUTE", "30")
)
TOANDAN_FRAUD_CHECK_RATE_PER_ADDRESS_MINUTE = int(
    os.environ.get("TOANDAN_FRAUD_CHECK_RATE_PER_ADDRESS_MINUTE", "600")
)
TOANDAN_FRAUD_APPEAL_RATE_PER_DEVICE_HOUR = int(
    os.environ.get("TOANDAN_FRAUD_APPEAL_RATE_PER_DEVICE_HOUR", "5")
)
TOANDAN_FRAUD_APPEAL_RATE_PER_ADDRESS_HOUR = int(
    os.environ.get("TOANDAN_FRAUD_APPEAL_RATE_PER_ADDRESS_HOUR", "50")
)
# The public check's per-process copies (toandan.antifraud.known): the keys of all indicators
# are read again every REFRESH seconds (new rows only) and whole every REBUILD seconds; the
# rows of identifiers checked lately are kept VERDICT_CACHE seconds, so another app server
# shows a verification or a delisting at most that late (this one at once). REFRESH 0: at
# every check; VERDICT_CACHE 0: no rows kept.
TOANDAN_FRAUD_KNOWN_REFRESH_SECONDS = float(
    os.environ.get("TOANDAN_FRAUD_KNOWN_REFRESH_SECONDS", "1")
)
TOANDAN_FRAUD_KNOWN_REBUILD_SECONDS = float(
    os.environ.get("TOANDAN_FRAUD_KNOWN_REBUILD_SECONDS", "3600")
)
TOANDAN_FRAUD_VERDICT_CACHE_SECONDS = float(
    os.environ.get("TOANDAN_FRAUD_VERDICT_CACHE_SECONDS", "5")
)
# A fraud warning's link opened from one address counts at most this many browsers a day per
# unit (each browser once): reloads and scripts cannot inflate a unit's reach.
TOANDAN_FRAUD_REACH_PER_ADDRESS_DAY = int(
    os.environ.get("TOANDAN_FRAUD_REACH_PER_ADDRESS_DAY", "20")
)
# After `toandan fraud rotate-range-key`, the old key of the hash-prefix API answers this
# many days more, while partner apps fetch the new one.
TOANDAN_FRAUD_RANGE_KEY_OVERLAP_DAYS = int(
    os.environ.get("TOANDAN_FRAUD_RANGE_KEY_OVERLAP_DAYS", "30")
)
# Wrong receipts overall, per hour, before everyone waits (1 s, doubling, up to the maximum).
TOANDAN_RECEIPT_GLOBAL_FREE_ATTEMPTS = int(
    os.environ.get("TOANDAN_RECEIPT_GLOBAL_FREE_ATTEMPTS", "1000")
)
TOANDAN_RECEIPT_GLOBAL_MAX_DELAY_SECONDS = int(
    os.environ.get("TOANDAN_RECEIPT_GLOBAL_MAX_DELAY_SECONDS", "10")
)

# --- notifications ---
# The address citizens and staff open the site at ("https://toandan.example.vn"): printed on
# the receipt card and in the links of emails. Production (not DEBUG) must set it: `toandan
# serve` and `toandan worker` refuse to start without it (`make run` sets it).
TOANDAN_SITE_URL = os.environ.get("TOANDAN_SITE_URL", "").strip() or (
    "http://127.0.0.1:8000" if DEBUG else ""
)

# --- tips-web ---
# The follow-up page keeps the opened tip in the session only this long without use.
TOANDAN_TIP_FOLLOWUP_SESSION_MINUTES = int(
    os.environ.get("TOANDAN_TIP_FOLLOWUP_SESSION_MINUTES", "15")
)
