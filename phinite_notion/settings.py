"""Settings for every environment; production differs only by environment variables."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# Development may run on throwaway defaults; a production process (DEBUG off) must be given
# real secrets and refuses to start without them.
_DEV_SECRET_KEY = "django-insecure-dev-only-change-me"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else None)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")

# Newest first: the first key encrypts, every key decrypts (rotation with
# `manage.py rotate_encryption_key`).
FIELD_ENCRYPTION_KEY = env.list("FIELD_ENCRYPTION_KEY", default=[])
if not FIELD_ENCRYPTION_KEY:
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEY must be set: `make run` writes a local one into .env; in production "
        "generate one with `python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())'`."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "encrypted_model_fields",
    "workspaces",
    "integrations",
    "assistants",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "workspaces.middleware.CurrentWorkspaceMiddleware",
]

ROOT_URLCONF = "phinite_notion.urls"

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
                "workspaces.context_processors.workspaces",
            ],
        },
    },
]

WSGI_APPLICATION = "phinite_notion.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (with health checks) spare every request and every Celery task a new
# PostgreSQL backend; SQLite gains nothing from them.
DATABASES["default"].setdefault(
    "CONN_MAX_AGE",
    env.int("CONN_MAX_AGE", default=0 if "sqlite" in DATABASES["default"]["ENGINE"] else 60),
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the in-process task runner and the web thread read while one writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env.bool("STATIC_MANIFEST", default=True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "integrations:index"
LOGOUT_REDIRECT_URL = "login"

# --- Security: strict unless DEBUG; each can be overridden from the environment -------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- Notion --------------------------------------------------------------------------------
NOTION_API_BASE_URL = env("NOTION_API_BASE_URL", default="https://api.notion.com")
NOTION_API_VERSION = env("NOTION_API_VERSION", default="2025-09-03")
NOTION_CONNECT_TIMEOUT = env.float("NOTION_CONNECT_TIMEOUT", default=5.0)
NOTION_READ_TIMEOUT = env.float("NOTION_READ_TIMEOUT", default=30.0)
NOTION_RATE_LIMIT_PER_SECOND = env.float("NOTION_RATE_LIMIT_PER_SECOND", default=3.0)
NOTION_RATE_LIMIT_BURST = env.int("NOTION_RATE_LIMIT_BURST", default=10)

# --- Celery --------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
# With backoff 1, 2, 4 … 60 s, eight attempts ride out about two minutes of Notion trouble.
TOOL_CALL_MAX_ATTEMPTS = env.int("TOOL_CALL_MAX_ATTEMPTS", default=8)
TOOL_CALL_STUCK_AFTER_SECONDS = env.int("TOOL_CALL_STUCK_AFTER_SECONDS", default=600)
# How long one attempt holds a call; above the task's hard time limit (150 s) so a live attempt is
# never run twice, while a call whose worker died is taken over once it runs out.
TOOL_CALL_LEASE_SECONDS = env.int("TOOL_CALL_LEASE_SECONDS", default=180)
ACTION_LOG_RETENTION_DAYS = env.int("ACTION_LOG_RETENTION_DAYS", default=90)
# Automations: paused after this many failed runs in a row; schedules are checked this often.
AUTOMATION_MAX_CONSECUTIVE_FAILURES = env.int("AUTOMATION_MAX_CONSECUTIVE_FAILURES", default=5)
AUTOMATION_DISPATCH_SECONDS = env.float("AUTOMATION_DISPATCH_SECONDS", default=30.0)
# Notion webhook deliveries larger than this are refused unread (Notion's events are small).
WEBHOOK_MAX_BODY_BYTES = env.int("WEBHOOK_MAX_BODY_BYTES", default=262_144)

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
