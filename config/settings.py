"""Chalktalk settings: one file, read from the environment.

With nothing set, the app runs on embedded defaults (SQLite, tasks run in-process,
in-memory channel layer) so that `make run` works on a fresh machine.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_float, env_int, env_list, env_str, env_url, ip_networks

BASE_DIR = Path(__file__).resolve().parent.parent

# development (the default: a newcomer's machine), test, or production.
ENVIRONMENT = env_str("CHALKTALK_ENV", "development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"CHALKTALK_ENV={ENVIRONMENT!r}: use development, test or production."
    )
PRODUCTION = ENVIRONMENT == "production"
TESTING = ENVIRONMENT == "test"
DEBUG = env_bool("DEBUG", default=ENVIRONMENT == "development")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when CHALKTALK_ENV=production.")
    SECRET_KEY = "insecure-dev-only-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "accounts",
    "interviews",
    "rubric",
    "live",
]

MIDDLEWARE = [
    "config.security.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", {"postgres", "postgresql", "sqlite"})
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # Under ASGI each request may run on a different thread: a pool bounds the connections
        # per process instead of leaving one persistent connection per thread.
        DATABASES["default"]["OPTIONS"] = {
            "pool": {"min_size": 1, "max_size": env_int("DB_POOL_SIZE", 10), "timeout": 10}
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            # Several threads write autosaves at once; wait instead of failing.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
# Channels' live-server test case expects the test database to be named test_<NAME>.
DATABASES["default"].setdefault("TEST", {})
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["TEST"]["NAME"] = "test_" + str(DATABASES["default"]["NAME"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, Celery, Channels ---------------------------------------------
REDIS_URL = env_url("REDIS_URL", {"redis", "rediss"})

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Without Redis there is no worker: run tasks in-process, right after commit.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Fail fast when the broker is down at submit: the grade stays queued and the
# periodic sweep enqueues it again later.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "chalktalk")
CELERY_BEAT_SCHEDULE = {
    "requeue-stale-grades": {"task": "rubric.tasks.requeue_stale_grades", "schedule": 60.0},
}

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            # Fail fast when Redis is down: the cache is an optimisation, never a dependency.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions are read on every autosave: serve them from the cache, backed by the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# channels_redis waits for a socket's messages with a blocking read of 5 s (BZPOPMIN), over and
# over while the socket is idle. redis-py's default socket timeout is also 5 s, so that read often
# timed out first and the error killed the consumer: idle sockets dropped every ~5 s. The read
# timeout must outlast the blocking read; a dead Redis still fails at once (connection refused).
CHANNEL_LAYER_SOCKET_TIMEOUT_SECONDS = 15
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": CHANNEL_LAYER_SOCKET_TIMEOUT_SECONDS,
                        "socket_connect_timeout": 2,
                        "socket_keepalive": True,
                        "health_check_interval": 30,
                    }
                ]
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- LLM feedback (optional) ---------------------------------------------
OPENAI_API_KEY = env_str("OPENAI_API_KEY")
LLM_BASE_URL = env_url("LLM_BASE_URL", {"http", "https"})
LLM_MODEL = env_str("LLM_MODEL", "gpt-4o-mini")
# Feedback is on when a key is set (local servers such as Ollama accept any key).
LLM_ENABLED = bool(OPENAI_API_KEY)
LLM_TIMEOUT_SECONDS = env_int("LLM_TIMEOUT_SECONDS", 60)
# A follow-up is asked while the candidate waits: past this, the bank's probe is asked instead.
LLM_PROBE_TIMEOUT_SECONDS = env_float("LLM_PROBE_TIMEOUT_SECONDS", 4.0)
LLM_DAILY_LIMIT_PER_USER = env_int("LLM_DAILY_LIMIT_PER_USER", 10)
LLM_DAILY_LIMIT_TOTAL = env_int("LLM_DAILY_LIMIT_TOTAL", 500)
# For the cost estimate recorded with each feedback (USD per million tokens).
LLM_PRICE_INPUT_PER_MTOK = env_float("LLM_PRICE_INPUT_PER_MTOK", 0.15)
LLM_PRICE_OUTPUT_PER_MTOK = env_float("LLM_PRICE_OUTPUT_PER_MTOK", 0.60)

# --- Board corrections on the results page --------------------------------
# Each correction regrades the attempt (a few milliseconds), so a modest limit per user and hour.
BOARD_CORRECTIONS_PER_HOUR = env_int("BOARD_CORRECTIONS_PER_HOUR", 30)

# --- Auth -----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "question_list"
LOGOUT_REDIRECT_URL = "login"

# --- Security -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the page reads the token from <body hx-headers>, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    # Behind TLS by default; `make prod-local` turns these off for plain http on loopback.
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    # The load balancer terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Everything the pages load comes from this server. Excalidraw injects styles and uses blob:
# workers and data: images; htmx needs nothing beyond 'self'.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    # Excalidraw subsets fonts with WebAssembly; without this it silently fetches them from a CDN.
    "script-src": ["'self'", "'wasm-unsafe-eval'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "object-src": ["'none'"],
}

# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated).
# Empty: the TCP peer is the client. Web runs uvicorn with --no-proxy-headers, so this is the only
# place that decides (see "Running behind a proxy safely" in the README).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
ip_networks("TRUSTED_PROXIES", TRUSTED_PROXIES)

# Failed logins allowed per username and per address within the window, then a pause.
LOGIN_FAILURES_PER_USER = env_int("LOGIN_FAILURES_PER_USER", 5)
LOGIN_FAILURES_PER_IP = env_int("LOGIN_FAILURES_PER_IP", 20)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 300)

# --- I18N, static ---------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Only what the browser needs: the island's sources and node_modules under static/whiteboard stay out.
STATICFILES_DIRS = [
    ("css", BASE_DIR / "static" / "css"),
    ("js", BASE_DIR / "static" / "js"),
    ("whiteboard/build", BASE_DIR / "static" / "whiteboard" / "build"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Outside production static files come from the finders; there is no collected folder yet.
warnings.filterwarnings("ignore", message="No directory at")
# WhiteNoise streams files with a synchronous iterator; under ASGI Django says so on every file.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)

# --- Product limits -------------------------------------------------------
# Whiteboard scenes may be up to 5 MB (checked with a clear error in the view).
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
STAGE_TEXT_MAX_CHARS = 20_000
FOLLOW_UP_REPLY_MAX_CHARS = 2_000  # a reply to one follow-up question
FOLLOW_UP_ASKS_PER_MINUTE = 30  # each ask grades the draft in-process (a few ms)
# How often one person may ask for the work-heavy pages, per minute (interviews.ratelimit).
PREVIEWS_PER_MINUTE = 60
COMPARES_PER_MINUTE = 30
# A time report larger than this is a sleeping laptop or a forged request.
STAGE_TIME_MAX_DELTA_SECONDS = 120
GRADE_STALE_AFTER_SECONDS = env_int("GRADE_STALE_AFTER_SECONDS", 120)
# Live sessions: how long an invite link works, and what one websocket may send.
LIVE_INVITE_TTL_HOURS = env_int("LIVE_INVITE_TTL_HOURS", 24)
LIVE_MESSAGE_MAX_BYTES = 16 * 1024
LIVE_NOTE_MAX_CHARS = 2_000
LIVE_QUESTIONS_PER_STAGE = 8  # probes and the curveball a live interviewer asks in one stage
LIVE_RATE_PER_SECOND = 10  # sustained messages per person and session, bursts of LIVE_RATE_BURST
LIVE_RATE_BURST = 30
# Relay frames (keystrokes, strokes, the pointer: each page sends each at most 10 a second) have
# their own allowance, and may be larger (a stage's whole text, a long stroke). Never stored.
LIVE_RELAY_RATE_PER_SECOND = 40
LIVE_RELAY_RATE_BURST = 200  # 5 s of it: a server that stalls, then catches up, does not trip it
LIVE_RELAY_MAX_BYTES = 64 * 1024
# After "end", how long the candidate's page may take to save its last edits before the end anyway.
LIVE_END_GRACE_SECONDS = 5.0

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "config.logging.JsonFormatter"},
        "plain": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": env_str("LOG_FORMAT", "json" if PRODUCTION else "plain"),
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
