"""The one settings file of the TOT Insights Hub.

Everything that differs between a laptop and production comes from the
environment. The defaults are safe for development: DEBUG is off unless
``DJANGO_DEBUG`` is set, and the database is a SQLite file beside the code.
``HUB_PRODUCTION=1`` switches on the production checks: the process refuses
to start without a real ``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS``.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = env_bool("HUB_PRODUCTION")
DEBUG = env_bool("DJANGO_DEBUG") and not PRODUCTION

# A development key that is recognisably not a secret; production refuses it.
_DEV_SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver"
)

if PRODUCTION:
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "HUB_PRODUCTION is set but DJANGO_SECRET_KEY is missing or weak: "
            "give at least 50 random characters (python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))')."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("HUB_PRODUCTION is set but DJANGO_ALLOWED_HOSTS is empty.")
    # The archiver and the link checker fetch URLs that anyone could have put in a
    # source; letting them reach loopback is for the tests' local server only.
    if env_bool("HUB_FETCH_ALLOW_LOOPBACK"):
        raise ImproperlyConfigured(
            "HUB_PRODUCTION is set but so is HUB_FETCH_ALLOW_LOOPBACK: the hub would fetch "
            "from its own machine's services. It is for tests only; unset it."
        )
    # Fetching and mailing must not run inside a web request or a publish.
    if os.environ.get("HUB_TASKS_BACKEND", "database") != "database":
        raise ImproperlyConfigured(
            "HUB_PRODUCTION is set but HUB_TASKS_BACKEND is not 'database': production "
            "runs background work in the database queue, with `manage.py db_worker`."
        )

INSTALLED_APPS = [
    # The admin site is the hub's own: staff need a one-time password (hub/accounts).
    "hub.accounts.apps.HubAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    # Staff can publish: a one-time password besides the password, and a lockout
    # after failed logins (README "Security").
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    # The queue of background work (django.tasks): rows in the hub's own database.
    "django_tasks_db",
    "hub",
    "entities",
    "evidence",
    "editorial",
    "downloads",
    # The stored counts readers see, written only by publishing (derived.refresh).
    "derived",
    # The benchmarks' tooling: `manage.py generate_synthetic` (bench/synthetic_data.py).
    "bench",
    # The site's own pages: home, methodology, privacy, search, sitemaps, robots.txt.
    "pages",
]

# What the kernel (hub/) needs of the apps above it, named here so that none of
# its modules imports them (tests/hub/test_layering.py): the model of numbered
# releases, read for the current update (hub.cache, hub.context_processors),
# and the module whose stage_draft, StagingRefused and next_public_id the
# records' admin calls (hub.admin).
HUB_UPDATE_MODEL = "editorial.Update"
HUB_RECORD_STAGING = "editorial.staging"

MIDDLEWARE = [
    # Cross-Origin-Resource-Policy on every response, static files included.
    "hub.middleware.CrossOriginResourcePolicyMiddleware",
    # An oversized query string is a 400 before anything (a debug page too) reads it.
    "hub.middleware.OversizedQueryMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A NUL byte in the path or query string is a 400, before PostgreSQL turns it into a 500.
    "hub.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Everything from here to the page cache is what a page served from the cache
    # still needs: its security headers, the reader's language (the django_language
    # cookie set by /i18n/setlang/, else Accept-Language, else English; URLs carry
    # no prefix) and, on a page with a form, a CSRF token and cookie.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Public pages for anonymous readers, per published update (hub/cache.py). A
    # hit is answered here: what follows only concerns a page being rendered, or
    # a reader with a session (staff), whom the cache never answers.
    "hub.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff security (README "Security"): request.user.is_verified(); idle and absolute session
    # timeouts; every /staff/ page needs a verified one-time password.
    "django_otp.middleware.OTPMiddleware",
    "hub.middleware.SessionTimeoutMiddleware",
    "hub.middleware.StaffOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Turns a login refused for too many failures into the lockout page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hub.urls"
WSGI_APPLICATION = "hub.wsgi.application"

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
                "django.template.context_processors.csp",
                "hub.context_processors.site",
            ],
        },
    },
]

# DATABASE_URL picks the database (postgres://... in production and CI);
# without it, the embedded default is a SQLite file.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is the single-user embedded default: no persistent connections,
    # and WAL so that a reader does not block the writer.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Writers take the lock when their transaction begins and wait up to
    # 20 s for it, so concurrent writes queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file, not shared-cache memory, so that threads lock as in
    # real use; one per test process, so that two runs never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"hub-test-{os.getpid()}.sqlite3")
    }

# PostgreSQL sessions serve short web requests on a small machine: no JIT
# compilation (it cost 130 ms on a search that runs in less) and no parallel
# workers (on 2 cores they compete with the other requests and each start
# costs more than the small index scans the pages are designed for). The
# CSV exports and the publishing set their own. DATABASE_SESSION_OPTIONS
# replaces this.
PG_SESSION_OPTIONS = os.environ.get(
    "DATABASE_SESSION_OPTIONS", "-c jit=off -c max_parallel_workers_per_gather=0"
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and PG_SESSION_OPTIONS:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = PG_SESSION_OPTIONS

# A PostgreSQL read replica (streaming replication of the primary), optional:
# DATABASE_REPLICA_URL sends public reads to it (hub/dbrouter.py); writes, reads
# inside transactions, staff and signed-in requests stay on the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    if PG_SESSION_OPTIONS:
        DATABASES["replica"].setdefault("OPTIONS", {})["options"] = PG_SESSION_OPTIONS
    # Tests use the primary's test database under the replica's name.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["hub.dbrouter.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "hub.dbrouter.primary_pin_middleware",
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds rate-limit counters and cached public pages. HUB_CACHE_URL
# points every app server at the same Redis (redis://127.0.0.1:6379/0), so
# limits are shared and publishing invalidates pages on all of them at once.
# Without it, each process keeps its own in-memory cache (development, tests).
_CACHE_URL = os.environ.get("HUB_CACHE_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "hub.cache_backend.HubRedisCache",
            "LOCATION": _CACHE_URL,
            "KEY_PREFIX": os.environ.get("HUB_CACHE_PREFIX", "hub"),
            "TIMEOUT": 24 * 3600,
        }
        if _CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "hub"}
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface is in English and Ukrainian (README "Languages"). The chosen language
# lives in a cookie, not in the URL: public URLs are permanent. Record names
# keep their original scripts whatever the language.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("uk", "Українська")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates in each language's own long form ("12 March 2024", "12 березня 2024 р.").
FORMAT_MODULE_PATH = ["hub.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Only production collects static files; elsewhere whitenoise reads the finders.
STATIC_ROOT = (
    Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles")) if PRODUCTION else None
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production whitenoise serves straight from the finders, so that
# `make run` needs no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION

# Limits on what a request may carry: hostile query strings get a 400.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Longer query strings are refused too (hub.middleware.OversizedQueryMiddleware).
HUB_MAX_QUERY_STRING = 16384

# Security headers. Content-Security-Policy is enforced everywhere, admin
# included; no inline scripts or styles anywhere in our templates.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# The reader's language choice (/i18n/setlang/): no script needs to read it.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Security (README "Security") ---------------------------------------------
# Cross-Origin-Resource-Policy (hub.middleware): other sites may not embed our responses.
HUB_CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True
# Staff sessions: the cookie dies with the browser; the server ends a session
# after 30 idle minutes or 12 hours after login (hub.middleware).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
HUB_SESSION_IDLE_SECONDS = int(os.environ.get("HUB_SESSION_IDLE_SECONDS", 30 * 60))
HUB_SESSION_ABSOLUTE_SECONDS = int(os.environ.get("HUB_SESSION_ABSOLUTE_SECONDS", 12 * 3600))
SESSION_COOKIE_AGE = HUB_SESSION_ABSOLUTE_SECONDS
# Login: django-axes behind Django's model backend; five failures lock out the
# pair (username, client address) for an hour, never the username everywhere.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "hub.clientip.client_ip"
AXES_LOCKOUT_TEMPLATE = "hub/lockout.html"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "TOT Insights Hub"
# The client address: X-Forwarded-For is believed only from these (addresses or networks).
HUB_TRUSTED_PROXIES = env_list("HUB_TRUSTED_PROXIES")
# The key of the submitters' IP hashes (else derived from SECRET_KEY); how long
# a hash is kept, and how long contact details are kept (purge_contact_data).
HUB_IP_HASH_KEY = os.environ.get("HUB_IP_HASH_KEY", "")
HUB_IP_HASH_DAYS = int(os.environ.get("HUB_IP_HASH_DAYS", "30"))
HUB_CONTACT_RETENTION_DAYS = int(os.environ.get("HUB_CONTACT_RETENTION_DAYS", "180"))
# The correction form (editorial.antispam): per-client rate limits on the shared
# cache, and the age a signed form token must have (a person takes a few seconds).
HUB_CORRECTION_RATES = env_list("HUB_CORRECTION_RATES", "5/m,20/h,50/d")
HUB_FORM_MIN_SECONDS = float(os.environ.get("HUB_FORM_MIN_SECONDS", "3"))
HUB_FORM_MAX_SECONDS = float(os.environ.get("HUB_FORM_MAX_SECONDS", "3600"))
RATELIMIT_USE_CACHE = "default"
if not _CACHE_URL:
    # The in-process cache must not evict rate counters and form nonces under load.
    CACHES["default"].setdefault("OPTIONS", {})["MAX_ENTRIES"] = 100_000
if PRODUCTION and not _CACHE_URL:
    raise ImproperlyConfigured(
        "HUB_PRODUCTION is set but HUB_CACHE_URL is empty: rate limits need the shared "
        "Redis cache (redis://127.0.0.1:6379/0)."
    )

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix: host-only, Secure, path=/ cookies the browser enforces.
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
    if env_bool("DJANGO_BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    },
}

# What the hub says about itself on every page and in every download.
HUB_DATA_LICENSE = "CC BY 4.0"
HUB_DATA_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
HUB_PAGE_SIZE = 50
# Where the frozen data package of each update is written, once, at publishing.
# Shared by every app server (a shared volume in a multi-server deployment).
HUB_DOWNLOADS_ROOT = Path(os.environ.get("HUB_DOWNLOADS_ROOT", BASE_DIR / "var" / "downloads"))
# Archived copies of sources (evidence.archiving), kept under their SHA-256 and
# served only through the snapshot view. Shared by every app server; backed up.
HUB_SNAPSHOTS_ROOT = Path(os.environ.get("HUB_SNAPSHOTS_ROOT", BASE_DIR / "var" / "snapshots"))

# Fetching source URLs (evidence.fetching: the archiver and the link checker).
# Anyone can propose a source URL, so every address a host resolves to is
# checked, and internal ones refused, at every redirect; these bound the rest.
HUB_FETCH_MAX_BYTES = int(os.environ.get("HUB_FETCH_MAX_BYTES", 20 * 1024 * 1024))
HUB_FETCH_CONNECT_TIMEOUT = float(os.environ.get("HUB_FETCH_CONNECT_TIMEOUT", "10"))
HUB_FETCH_READ_TIMEOUT = float(os.environ.get("HUB_FETCH_READ_TIMEOUT", "30"))
HUB_FETCH_TOTAL_TIMEOUT = float(os.environ.get("HUB_FETCH_TOTAL_TIMEOUT", "120"))
HUB_FETCH_MAX_REDIRECTS = 5
# Tests only (their HTTP server listens on 127.0.0.1); production refuses it above.
HUB_FETCH_ALLOW_LOOPBACK = env_bool("HUB_FETCH_ALLOW_LOOPBACK") and not PRODUCTION
# Also ask the Wayback Machine to capture each archived source, and record its
# address (off by default: it tells a third party what the hub is archiving).
HUB_ARCHIVE_INTERNET_ARCHIVE = env_bool("HUB_ARCHIVE_INTERNET_ARCHIVE")
HUB_INTERNET_ARCHIVE_SAVE_URL = os.environ.get(
    "HUB_INTERNET_ARCHIVE_SAVE_URL", "https://web.archive.org/save/"
)

# Background work (django.tasks): archiving sources, checking links, mailing
# submitters. "database" (the default, and production's only choice): each task
# is a row in the hub's own database (django-tasks-db), written in the same
# transaction as the work that asks for it, and run by `manage.py db_worker`
# (`make run` starts one; README "Background work"). "immediate" runs each task
# at once in the process that enqueues it: for a one-off script with no worker,
# and for the tests, which run tasks inline unless they test the queue itself.
HUB_TASKS_BACKEND = os.environ.get("HUB_TASKS_BACKEND", "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
if HUB_TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"HUB_TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, not {HUB_TASKS_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[HUB_TASKS_BACKEND]}}

# The public address, for links in emails and feeds.
HUB_SITE_URL = os.environ.get("HUB_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Notices to submitters: printed to the console in development, SMTP in production.
_EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": (
            {"host": os.environ.get("DJANGO_EMAIL_HOST", "localhost")}
            if _EMAIL_BACKEND.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "corrections@tot-insights-hub.invalid"
)

# django-filter: the empty choice of every filter reads "Any", not dashes.
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("Any")

# Maps (the site maps of the profiles and the site list) -----------------------
# The tile server of the site maps, a Leaflet URL template such as
# "https://{s}.tile.example.org/{z}/{x}/{y}.png" (mind the server's usage
# policy). Empty (the default): no tiles, the markers show on a plain
# background. When set, its host is allowed in the CSP's img-src, and only it.
HUB_MAP_TILE_URL = os.environ.get("HUB_MAP_TILE_URL", "").strip()
HUB_MAP_TILE_ATTRIBUTION = os.environ.get("HUB_MAP_TILE_ATTRIBUTION", "").strip()


def _tile_csp_source(url):
    """ "https://{s}.tile.example.org/{z}/{x}/{y}.png" -> "https://*.tile.example.org"."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    labels = parts.netloc.split(".")
    if labels and "{" in labels[0]:
        labels[0] = "*"
    host = ".".join(labels)
    if parts.scheme not in {"http", "https"} or not parts.netloc or "{" in host:
        raise ImproperlyConfigured(
            "HUB_MAP_TILE_URL must be an http(s) URL template whose host varies at most "
            f"in its first label, not {url!r}."
        )
    return f"{parts.scheme}://{host}"


if HUB_MAP_TILE_URL:
    SECURE_CSP["img-src"] = [*SECURE_CSP["img-src"], _tile_csp_source(HUB_MAP_TILE_URL)]

# Caching per published update (hub/cache.py) ---------------------------------
# Public pages for anonymous readers (each stored with the update it shows), and
# list counts and facet counts (keyed by it), are cached per published update, so
# publishing retires them all at once (the middleware's place is in MIDDLEWARE above).
TEMPLATES[0]["OPTIONS"]["context_processors"] += ["hub.cache.site_context"]
HUB_PAGE_CACHE = env_bool("HUB_PAGE_CACHE", True)
# Each process also keeps copies of the pages it served last, up to this many bytes
# (hub.cache.RecentPages): a hit then reads only the small site state from Redis.
HUB_PAGE_CACHE_LOCAL_BYTES = int(os.environ.get("HUB_PAGE_CACHE_LOCAL_BYTES", 32 * 1024 * 1024))
HUB_COUNT_CACHE = env_bool("HUB_COUNT_CACHE", True)
# Per-record parts of pages (a citation's footnote, a claim's block), cached per
# update and language, so that a page no reader asked for yet renders only what
# no page showed before (hub/fragments.py).
HUB_FRAGMENT_CACHE = env_bool("HUB_FRAGMENT_CACHE", True)
HUB_PAGE_CACHE_SECONDS = int(os.environ.get("HUB_PAGE_CACHE_SECONDS", 24 * 3600))
# How long a server trusts the shared latest-update number before reading it
# again (a publish through the staff pages refreshes it at once).
HUB_SITE_STATE_SECONDS = int(os.environ.get("HUB_SITE_STATE_SECONDS", 60))
