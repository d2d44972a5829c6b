"""The mails: one notification, or a person's digest of the day, in plain text and
HTML, written in the site's language whatever the language of the page that
caused them."""

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from common.text import one_line


def _address(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _message(*, to: str, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    context = {
        **context,
        "inbox_url": _address(reverse("notifications:inbox")),
        "settings_url": _address(reverse("notifications:settings")),
    }
    message = EmailMultiAlternatives(
        subject=one_line(subject),
        body=render_to_string(f"notifications/email/{template}.txt", context),
        to=[to],
    )
    message.attach_alternative(
        render_to_string(f"notifications/email/{template}.html", context), "text/html"
    )
    return message


def single(notification) -> EmailMultiAlternatives:
    with translation.override(settings.LANGUAGE_CODE):
        return _message(
            to=notification.user.email,
            subject=notification.mail_title,
            template="notification",
            context={
                "user": notification.user,
                "notification": notification,
                "url": _address(notification.url),
            },
        )


def digest(user, items: list, *, day: datetime.date) -> EmailMultiAlternatives:
    with translation.override(settings.LANGUAGE_CODE):
        return _message(
            to=user.email,
            subject=ngettext(
                "Dân vận: %(count)d notification of %(day)s",
                "Dân vận: %(count)d notifications of %(day)s",
                len(items),
            )
            % {"count": len(items), "day": f"{day:%d/%m/%Y}"},
            template="digest",
            context={
                "user": user,
                "items": [(item, _address(item.url)) for item in items],
                "day": day,
            },
        )
