"""Changing one's password, and resetting a forgotten one by e-mail (Django's own
views, with the site's rules: the reset asked a few times an hour at most, the same
answer whether the account exists or not, the password chosen recorded)."""

import logging
from urllib.parse import urlsplit

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.generic.base import ContextMixin

from accounts import services
from accounts.forms import DeferredResetForm, NewPasswordChangeForm
from common.http import client_ip

logger = logging.getLogger(__name__)


class _Minutes(ContextMixin):
    """Gives the templates how long a reset link works (``PASSWORD_RESET_TIMEOUT``)."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "minutes": reset_minutes()}


def reset_minutes() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 60)


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = NewPasswordChangeForm
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_chosen(user=form.user, session=self.request.session)
        messages.success(self.request, _("Your password is changed."))
        return response


class _ThenMail(HttpResponseRedirect):
    """A redirect that sends its mail once it has been answered (WSGI closes the
    response after sending it), so the time it takes tells nothing."""

    def __init__(self, url: str, mail: list):
        super().__init__(url)
        self.mail = mail

    def close(self) -> None:
        super().close()
        for message in self.mail:
            try:
                message.send()
            except Exception:  # the mail server: the person may ask again
                logger.exception("Could not mail a password reset link")


class PasswordReset(_Minutes, auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = DeferredResetForm
    email_template_name = "accounts/email/password_reset.txt"
    html_email_template_name = "accounts/email/password_reset.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        """Mail only within the limits, after answering; the answer is the same
        either way, as it is whether an account has this address or not."""
        allowed = services.reset_request_allowed(
            address=client_ip(self.request), email=form.cleaned_data["email"]
        )
        if allowed:
            # The links in the mail go to the site's address (SITE_URL), not the request's.
            site = urlsplit(settings.SITE_URL)
            form.save(
                request=self.request,
                use_https=site.scheme == "https",
                token_generator=self.token_generator,
                from_email=self.from_email,
                email_template_name=self.email_template_name,
                subject_template_name=self.subject_template_name,
                html_email_template_name=self.html_email_template_name,
                extra_email_context={
                    "protocol": site.scheme,
                    "domain": site.netloc,
                    "minutes": reset_minutes(),
                },
            )
        return _ThenMail(str(self.success_url), form.outbox)


class PasswordResetDone(_Minutes, auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirm(_Minutes, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_chosen(user=form.user)
        # A new password ends a lockout of the user name: the lockout page says so.
        axes_reset(username=form.user.get_username())
        return response


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
