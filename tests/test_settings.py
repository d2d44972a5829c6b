"""Settings come from the environment; production refuses to start without its secrets.

Each case imports the settings in a fresh interpreter, because they are read
once at start-up. Every variable a case depends on is set (or removed)
explicitly, and cases that need a variable to be truly unset also switch off
the repository's .env, so no result depends on whether a developer has one.
"""

import ast
import json
import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from django.conf import global_settings, settings
from django.db import connection

import danvan.settings as project_settings
from tests.fresh import run_python

REPO = Path(__file__).resolve().parent.parent
# Variables the settings read; removed from the inherited environment so that
# neither the shell running the tests nor pytest-env decides a case.
READ_BY_SETTINGS = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "DB_CONN_MAX_AGE",
    "MEDIA_ROOT",
    "EMAIL_BACKEND",
    "PYTHON_DOTENV_DISABLED",
)
SHOW_SETTINGS = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "ENGINE": db.get("ENGINE"),
    "NAME": str(db.get("NAME")),
    "HOST": db.get("HOST"),
    "PORT": db.get("PORT"),
    "USER": db.get("USER"),
    "CONN_MAX_AGE": db.get("CONN_MAX_AGE"),
    "OPTIONS": db.get("OPTIONS", {}),
    "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    "EMAIL_BACKEND": settings.EMAIL_BACKEND,
    "STATICFILES_BACKEND": settings.STORAGES["staticfiles"]["BACKEND"],
}))
"""
# Makes python-dotenv a no-op before the settings import it.
WITHOUT_DOTENV = "import dotenv\ndotenv.load_dotenv = lambda *args, **kwargs: False\n"


def run_settings(
    env: dict[str, str], *, use_dotenv: bool = True, code: str = SHOW_SETTINGS, cwd: Path = REPO
) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in READ_BY_SETTINGS}
    full_env["DJANGO_SETTINGS_MODULE"] = "danvan.settings"
    full_env.update(env)
    prelude = "" if use_dotenv else WITHOUT_DOTENV
    # Reading a setting imports the settings module, which is all a case needs:
    # django.setup() would also import every app, five times the time of a case.
    return run_python("-c", prelude + code, env=full_env, cwd=cwd, timeout=60)


def loaded(env: dict[str, str], **kwargs) -> dict:
    result = run_settings(env, **kwargs)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- production refuses to start without its secrets ---------------------------------


# An empty SECRET_KEY in the environment also keeps any .env value out; ALLOWED_HOSTS
# of only commas and spaces counts as none.
@pytest.mark.parametrize(
    ("secret_key", "allowed_hosts", "missing"),
    [
        ("", "example.gov.vn", "SECRET_KEY"),
        ("s3cret-for-the-test", "", "ALLOWED_HOSTS"),
        ("s3cret-for-the-test", " , ,", "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_with_an_empty_secret(secret_key, allowed_hosts, missing):
    env = {"DEBUG": "0", "SECRET_KEY": secret_key, "ALLOWED_HOSTS": allowed_hosts}
    result = run_settings(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_refuses_to_start_with_no_secret_key_at_all():
    result = run_settings({"DEBUG": "0", "ALLOWED_HOSTS": "example.gov.vn"}, use_dotenv=False)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("debug", ["0", "false", "no", "off", "OFF", "False", ""])
def test_a_no_or_nothing_leaves_debug_off_and_the_secret_key_required(debug):
    result = run_settings({"DEBUG": debug, "SECRET_KEY": "", "ALLOWED_HOSTS": "example.gov.vn"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_once_both_are_set():
    values = loaded(
        {
            "DEBUG": "0",
            "SECRET_KEY": "s3cret-for-the-test",
            "ALLOWED_HOSTS": " danvan.example.gov.vn , 10.0.0.5 ,",
        }
    )
    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == "s3cret-for-the-test"
    assert values["ALLOWED_HOSTS"] == ["danvan.example.gov.vn", "10.0.0.5"]
    assert values["STATICFILES_BACKEND"].startswith("whitenoise.")
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


# --- development runs with nothing set -------------------------------------------------


@pytest.mark.parametrize("debug", ["1", "true", "True", "yes", "on", " 1 "])
def test_development_runs_without_a_secret_key(debug):
    values = loaded({"DEBUG": debug, "SECRET_KEY": "", "ALLOWED_HOSTS": ""}, use_dotenv=False)
    assert values["DEBUG"] is True
    assert values["SECRET_KEY"]  # a development-only key fills in
    assert "insecure" in values["SECRET_KEY"]


def test_development_serves_localhost_by_default():
    values = loaded({"DEBUG": "1"}, use_dotenv=False)
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


# --- a value that cannot be read stops the start, naming the variable ------------------


def test_a_typo_in_debug_stops_the_start_rather_than_meaning_no():
    result = run_settings({"DEBUG": "ture", "SECRET_KEY": "s3cret", "ALLOWED_HOSTS": "x.test"})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DEBUG='ture'" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SECURE_SSL_REDIRECT", "ye"),
        ("SESSION_COOKIE_SECURE", "2"),
        ("EMAIL_USE_TLS", "enabled"),
        ("EMAIL_PORT", "25a"),
        ("SESSION_COOKIE_AGE", "30m"),
        ("REMINDER_DAYS_BEFORE", "7;3;1"),
        ("LOG_FORMAT", "xml"),
    ],
)
def test_a_value_that_cannot_be_read_stops_the_start_naming_its_variable(name, value):
    result = run_settings({"DEBUG": "1", name: value}, use_dotenv=False)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{name}=" in result.stderr


SHOW_READ_VALUES = """
import json
from django.conf import settings
print(json.dumps({
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SESSION_EXPIRE_AT_BROWSER_CLOSE": settings.SESSION_EXPIRE_AT_BROWSER_CLOSE,
    "EMAIL_PORT": settings.EMAIL_PORT,
    "REMINDER_DAYS_BEFORE": settings.REMINDER_DAYS_BEFORE,
}))
"""


def test_yes_and_no_are_read_in_any_case_and_empty_values_mean_the_defaults():
    values = loaded(
        {
            "DEBUG": "On",
            "SECURE_SSL_REDIRECT": "YES",
            "SESSION_EXPIRE_AT_BROWSER_CLOSE": "",
            "EMAIL_PORT": " ",
            "REMINDER_DAYS_BEFORE": " 5, 2 ",
        },
        use_dotenv=False,
        code=SHOW_READ_VALUES,
    )
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "EMAIL_PORT": 25,
        "REMINDER_DAYS_BEFORE": [5, 2],
    }


# --- the database -----------------------------------------------------------------------


def test_the_default_database_is_sqlite_next_to_the_code():
    values = loaded({"DEBUG": "1"}, use_dotenv=False)
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(values["NAME"]) == REPO / "db.sqlite3"


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_a_postgres_database_url_selects_postgresql(scheme):
    url = f"{scheme}://danvan:pw@db.example.test:5433/danvan_prod"
    values = loaded({"DEBUG": "1", "DATABASE_URL": url})
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["NAME"] == "danvan_prod"
    assert values["HOST"] == "db.example.test"
    assert values["PORT"] == 5433
    assert values["USER"] == "danvan"
    assert values["CONN_MAX_AGE"] == 60


def test_postgresql_connections_compile_no_statement_keeping_the_urls_own_options():
    # JIT compiling took 200 ms of the register's 8 ms statement (tools/bench/findings.md).
    values = loaded({"DEBUG": "1", "DATABASE_URL": "postgres://u@h/d"})
    assert values["OPTIONS"] == {"options": "-c jit=off"}
    url = "postgres://u@h/d?sslmode=require&options=-c%20statement_timeout%3D5000"
    values = loaded({"DEBUG": "1", "DATABASE_URL": url})
    assert values["OPTIONS"] == {
        "sslmode": "require",
        "options": "-c statement_timeout=5000 -c jit=off",
    }


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
def test_the_running_postgresql_connection_has_jit_off():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_connection_reuse_can_be_tuned():
    values = loaded(
        {"DEBUG": "1", "DATABASE_URL": "postgres://u@h/d", "DB_CONN_MAX_AGE": "0"},
    )
    assert values["CONN_MAX_AGE"] == 0


def test_an_empty_database_url_as_in_env_example_means_sqlite():
    # `make` copies .env.example, with its "DATABASE_URL=", to .env.
    values = loaded({"DEBUG": "1", "DATABASE_URL": ""})
    assert values["ENGINE"] == "django.db.backends.sqlite3"


def test_empty_media_root_and_email_backend_as_in_env_example_mean_the_defaults():
    values = loaded({"DEBUG": "1", "MEDIA_ROOT": "", "EMAIL_BACKEND": ""})
    assert Path(values["MEDIA_ROOT"]) == REPO / "media"
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


# --- the .env file --------------------------------------------------------------------


@pytest.fixture
def project_copy(tmp_path):
    """The settings module alone in a scratch project, so a .env can be written next to it."""
    (tmp_path / "danvan").mkdir()
    (tmp_path / "danvan" / "__init__.py").write_text("")
    shutil.copy(REPO / "danvan" / "settings.py", tmp_path / "danvan" / "settings.py")
    return tmp_path


def read_settings_module(project: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in READ_BY_SETTINGS}
    full_env.update(env)
    code = textwrap.dedent(
        f"""
        import json
        import danvan.settings as s
        assert s.__file__.startswith({str(project)!r}), s.__file__
        print(json.dumps({{
            "DEBUG": s.DEBUG,
            "SECRET_KEY": s.SECRET_KEY,
            "ENGINE": s.DATABASES["default"]["ENGINE"],
            "MEDIA_ROOT": str(s.MEDIA_ROOT),
            "EMAIL_BACKEND": s.EMAIL_BACKEND,
        }}))
        """
    )
    return run_python("-c", code, env=full_env, cwd=project, timeout=60)


def test_a_dot_env_file_fills_in_what_the_environment_leaves_unset(project_copy):
    (project_copy / ".env").write_text("DEBUG=0\nSECRET_KEY=from-dot-env\nALLOWED_HOSTS=x.test\n")
    result = read_settings_module(project_copy, {})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == "from-dot-env"


def test_a_dot_env_copied_from_the_example_runs_for_development(project_copy):
    shutil.copy(REPO / ".env.example", project_copy / ".env")
    result = read_settings_module(project_copy, {})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is True
    assert values["SECRET_KEY"]
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(values["MEDIA_ROOT"]) == project_copy / "media"
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def read_through_manage_py(project: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """The settings as manage.py's commands read them (its development defaults first)."""
    shutil.copy(REPO / "manage.py", project / "manage.py")
    full_env = {k: v for k, v in os.environ.items() if k not in READ_BY_SETTINGS}
    full_env.update(env)
    code = "import manage, json\nmanage.development_defaults()\n" + textwrap.dedent(
        """
        import danvan.settings as s
        print(json.dumps({"DEBUG": s.DEBUG, "SECRET_KEY": s.SECRET_KEY}))
        """
    )
    return run_python("-c", code, env=full_env, cwd=project, timeout=60)


def test_manage_py_on_a_checkout_with_nothing_set_runs_for_development(project_copy):
    """`manage.py makemigrations --check` on a fresh clone: .env.example's values."""
    shutil.copy(REPO / ".env.example", project_copy / ".env.example")
    result = read_through_manage_py(project_copy, {})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["DEBUG"] is True


def test_manage_py_leaves_a_configured_site_as_it_is(project_copy):
    """A site with its SECRET_KEY (or a .env) never gets the example's DEBUG=1."""
    shutil.copy(REPO / ".env.example", project_copy / ".env.example")
    result = read_through_manage_py(
        project_copy, {"SECRET_KEY": "s3cret-for-the-test", "ALLOWED_HOSTS": "x.test"}
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"DEBUG": False, "SECRET_KEY": "s3cret-for-the-test"}
    (project_copy / ".env").write_text("SECRET_KEY=\n")
    refused = read_through_manage_py(project_copy, {})
    assert "SECRET_KEY is not set" in refused.stderr


def test_makemigrations_check_runs_on_a_fresh_clone_with_nothing_set():
    """What CI and a newcomer run: no model change without its migration."""
    env = {k: v for k, v in os.environ.items() if k not in READ_BY_SETTINGS}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = run_python(
        "manage.py", "makemigrations", "--check", "--dry-run", env=env, cwd=REPO, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_real_environment_wins_over_the_dot_env_file(project_copy):
    (project_copy / ".env").write_text("DEBUG=0\nSECRET_KEY=from-dot-env\nALLOWED_HOSTS=x.test\n")
    result = read_settings_module(project_copy, {"SECRET_KEY": "from-environment"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["SECRET_KEY"] == "from-environment"


def test_an_empty_secret_key_in_the_environment_is_missing_even_with_one_in_dot_env(
    project_copy,
):
    (project_copy / ".env").write_text("DEBUG=0\nSECRET_KEY=from-dot-env\nALLOWED_HOSTS=x.test\n")
    result = read_settings_module(project_copy, {"SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_an_empty_secret_key_in_dot_env_is_missing_too(project_copy):
    (project_copy / ".env").write_text("DEBUG=0\nSECRET_KEY=\nALLOWED_HOSTS=x.test\n")
    result = read_settings_module(project_copy, {})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


# --- language and time ----------------------------------------------------------------


def test_the_site_speaks_vietnamese_with_english_available():
    assert settings.LANGUAGE_CODE == "vi"
    assert dict(settings.LANGUAGES).keys() == {"vi", "en"}
    assert settings.USE_I18N is True
    assert REPO / "locale" in [Path(p) for p in settings.LOCALE_PATHS]


def test_the_site_keeps_time_in_hanoi():
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ is True


def test_uploaded_evidence_is_not_served_as_static_files():
    assert settings.MEDIA_URL is None
    media_root = Path(settings.MEDIA_ROOT).resolve()
    static_dirs = [Path(settings.STATIC_ROOT)] + [
        Path(entry[1] if isinstance(entry, tuple) else entry) for entry in settings.STATICFILES_DIRS
    ]
    for static_dir in static_dirs:
        static_dir = static_dir.resolve()
        assert media_root != static_dir
        assert static_dir not in media_root.parents


# --- every setting the code reads is declared, and every variable documented ----------

APP_PACKAGES = ("common", "danvan", "directives", "quarters", "reports", "sampledata")


def app_sources() -> dict[Path, str]:
    return {
        path: path.read_text()
        for package in APP_PACKAGES
        for path in (REPO / package).rglob("*.py")
        if "migrations" not in path.parts
    }


def variables_read_by_settings() -> set[str]:
    """The first argument of every os.getenv, os.environ[...] and env* helper in settings.py."""
    tree = ast.parse((REPO / "danvan" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("getenv", "get") or called.startswith("env"):
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    names.add(first.value)
        elif isinstance(node, ast.Subscript) and "environ" in ast.unparse(node.value):
            names.add(ast.literal_eval(node.slice))
    return names


def test_the_code_reads_settings_directly_never_with_a_fallback_of_its_own():
    # getattr(settings, "X", default) hides a setting nobody declared behind a
    # second default, which the operator cannot see in settings.py or .env.example.
    found = [
        f"{path.relative_to(REPO)}:{number}"
        for path, text in app_sources().items()
        for number, line in enumerate(text.splitlines(), start=1)
        if re.search(r"getattr\(\s*(django_)?settings\s*,", line)
    ]
    assert found == []


def test_every_setting_the_code_reads_is_declared_in_settings_py_or_by_django():
    read = {
        name
        for text in app_sources().values()
        for name in re.findall(r"\bsettings\.([A-Z][A-Z0-9_]*)\b", text)
    }
    declared = set(dir(project_settings)) | set(dir(global_settings))
    assert read  # the scan found the reads
    assert sorted(read - declared) == []


def test_every_variable_the_settings_read_is_listed_in_env_example():
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (REPO / ".env.example").read_text(), re.M))
    read = variables_read_by_settings()
    assert {"DEBUG", "SECRET_KEY", "EVIDENCE_MAX_BYTES"} <= read  # the scan found the reads
    assert sorted(read - listed) == []
