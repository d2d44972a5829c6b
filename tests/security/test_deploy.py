"""Production settings pass ``check --deploy``; every response carries the security headers."""

import re
import secrets
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories as f
from tests.fresh import manage

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates"

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "danvan.example",
    "SESSION_COOKIE_SECURE": "1",
    "CSRF_COOKIE_SECURE": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "BEHIND_PROXY": "1",
    "LOG_FORMAT": "text",
}


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_is_clean_with_only_the_three_required_settings():
    """Secure by default: nothing but DEBUG=0, a key and the hosts (issue 18)."""
    only = {key: PRODUCTION[key] for key in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")}
    blank = dict.fromkeys(
        (
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_HSTS_PRELOAD",
            "BEHIND_PROXY",
        ),
        "",
    )
    result = manage("check", "--deploy", "--fail-level", "WARNING", env={**blank, **only})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_stays_on_plain_http():
    code = (
        "from django.conf import settings;"
        "print(settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE,"
        " settings.SECURE_HSTS_SECONDS)"
    )
    result = manage("shell", "-c", code, env={"DEBUG": "1", "SECURE_SSL_REDIRECT": ""})
    assert result.stdout.strip().endswith("False False 0"), result.stdout + result.stderr


def test_check_deploy_complains_when_the_secure_settings_are_left_off():
    insecure = {**PRODUCTION, "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=insecure)
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout
    assert "security.W012" in result.stderr + result.stdout


# --- headers on every page ----------------------------------------------------------


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    response = client.get(reverse("login"))
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["base-uri"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_signed_in_pages_and_downloads_carry_the_policy_too(client):
    f.QuarterFactory(year=2024, number=1)
    client.force_login(f.reviewer())
    for url in [reverse("home"), reverse("quarters:indicators_xlsx", args=["2024-q1"])]:
        response = client.get(url)
        assert response.status_code == 200
        assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_admin_works_under_the_same_policy(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert re.search(rb"<script(?![^>]*\bsrc=)[^>]*>\s*\S", response.content) is None


@pytest.mark.django_db
def test_pages_forbid_framing_and_sniffing_and_keep_referrers_home(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_session_and_csrf_cookies_are_out_of_scripts_reach(settings):
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.CSRF_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_behind_the_proxy_https_is_read_from_x_forwarded_proto():
    code = (
        "from django.conf import settings;"
        "print(settings.SECURE_PROXY_SSL_HEADER, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " settings.SECURE_HSTS_PRELOAD)"
    )
    result = manage("shell", "-c", code, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("('HTTP_X_FORWARDED_PROTO', 'https') True True")
    result = manage("shell", "-c", code, env={**PRODUCTION, "BEHIND_PROXY": "0"})
    assert result.stdout.strip().endswith("None True True")


# --- no inline scripts or styles in our templates ------------------------------------

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def template_files() -> list[Path]:
    """The templates of pages. Mail bodies (``*/email/``) are not served, so no
    Content-Security-Policy applies to them, and mail readers ignore stylesheets:
    their few styles are inline, as mail's must be."""
    return sorted(path for path in TEMPLATES.rglob("*.html") if path.parent.name != "email")


def test_templates_have_no_inline_scripts():
    offenders = []
    for path in template_files():
        for attributes, body in SCRIPT_TAG.findall(path.read_text()):
            if "src=" in attributes:
                assert not body.strip(), f"{path}: a <script src> with code inside"
            elif 'type="application/json"' not in attributes:
                offenders.append(str(path.relative_to(REPO)))
    assert not offenders, f"inline <script> blocks (CSP forbids them): {offenders}"


def test_templates_have_no_inline_event_handlers_styles_or_javascript_urls():
    offenders = []
    for path in template_files():
        text = path.read_text()
        if INLINE_HANDLER.search(text) or "javascript:" in text.lower():
            offenders.append(f"{path.relative_to(REPO)}: inline handler or javascript: URL")
        if re.search(r"\sstyle\s*=|<style\b", text, re.IGNORECASE):
            offenders.append(f"{path.relative_to(REPO)}: inline style")
    assert not offenders, "\n".join(offenders)
