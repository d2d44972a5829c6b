"""Changing one's password, resetting a forgotten one by e-mail (Django's own
views, with the site's rules: the reset asked a few times an hour at most, the same
answer whether the account exists or not, the password chosen recorded), and the
pages of two-factor sign-in (its rules: ``accounts.two_factor``)."""

import logging
from urllib.parse import urlencode, urlsplit

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from django.views.generic.base import ContextMixin
from django_otp import login as otp_login

from accounts import services, two_factor
from accounts.forms import CodeForm, DeferredResetForm, NewPasswordChangeForm
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


# --- Two-factor sign-in ------------------------------------------------------------


class _TwoFactorStep(LoginRequiredMixin, auth_views.RedirectURLMixin, FormView):
    """A step that takes a code, then goes on to where the person was going (``next``,
    on this site only) or home."""

    form_class = CodeForm
    next_page = "home"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next": self.get_redirect_url()}

    def signed_in_with(self, device) -> None:
        """The session has given its second factor: a new session key for it."""
        otp_login(self.request, device)
        self.request.session.pop(two_factor.VERIFY_STEP, None)
        self.request.session.cycle_key()
        rotate_token(self.request)


class TwoFactorVerify(_TwoFactorStep):
    template_name = "accounts/two_factor_verify.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and (user.is_verified() or not two_factor.has_two_factor(user)):
            return HttpResponseRedirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            device = two_factor.verify(user=self.request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
            return self.form_invalid(form)
        self.signed_in_with(device)
        if device.name == two_factor.RECOVERY_DEVICE:
            left = two_factor.recovery_codes_left(self.request.user)
            messages.warning(
                self.request,
                ngettext(
                    "You signed in with a recovery code: %(left)d is left. "
                    "Take new ones on the two-factor page.",
                    "You signed in with a recovery code: %(left)d are left. "
                    "Take new ones on the two-factor page.",
                    left,
                )
                % {"left": left},
            )
        return HttpResponseRedirect(self.get_success_url())


class _HoldsSecret:
    """A page showing a second factor's key or recovery codes: never compressed
    (``danvan.compression``), so its size tells nothing of them."""

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)  # type: ignore[misc]
        response.holds_secret = True
        return response


class TwoFactorSetup(_HoldsSecret, _TwoFactorStep):
    template_name = "accounts/two_factor_setup.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and two_factor.has_two_factor(user):
            if user.is_verified():
                messages.info(request, _("Two-factor sign-in is already set up."))
                return redirect("two_factor")
            # Set up in another session: this one gives a code like any sign-in.
            return _ask_for_code(request, then=self.get_redirect_url())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        key = two_factor.pending_key(self.request.session)
        return {
            **super().get_context_data(**kwargs),
            # Paths only, drawn by qrcode: no text of the user's in the markup.
            "qr_svg": mark_safe(two_factor.setup_qr_svg(user, key)),  # noqa: S308  # nosec B308 B703
            "key_text": two_factor.key_for_typing(key),
            "required": two_factor.required(user),
        }

    def form_valid(self, form):
        session = self.request.session
        try:
            device, codes = two_factor.set_up(
                user=self.request.user,
                key=two_factor.pending_key(session),
                code=form.cleaned_data["code"],
                session_key=session.session_key,
            )
        except ValidationError as error:
            form.add_error("code", error)
            return self.form_invalid(form)
        self.signed_in_with(device)
        session.pop(two_factor.PENDING_KEY, None)
        session[two_factor.NEW_CODES] = codes
        messages.success(self.request, _("Two-factor sign-in is set up."))
        return redirect(_with_next(reverse("two_factor_codes"), self.get_success_url()))


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class RecoveryCodes(_HoldsSecret, LoginRequiredMixin, auth_views.RedirectURLMixin, TemplateView):
    """The new recovery codes, shown once (they are kept only as the codes to check)."""

    template_name = "accounts/two_factor_codes.html"
    next_page = "two_factor"

    def get(self, request, *args, **kwargs):
        codes = request.session.pop(two_factor.NEW_CODES, None)
        if not codes:
            messages.info(request, _("Recovery codes are shown once, when they are made."))
            return redirect("two_factor")
        return self.render_to_response(
            self.get_context_data(codes=codes, next=self.get_success_url())
        )


class TwoFactorPage(LoginRequiredMixin, TemplateView):
    """One's second factor: whether it is on, the recovery codes left, the changes on
    record, and the buttons to set it up, take new codes or turn it off."""

    template_name = "accounts/two_factor.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "device": two_factor.app_device(user),
            "codes_left": two_factor.recovery_codes_left(user),
            "required": two_factor.required(user),
            "events": two_factor.changes_of(user)[:10],
        }


def _ask_for_code(request, *, then: str):
    """This session has not given the second factor its person has: it does now
    (``accounts.middleware`` keeps it on the code page), then goes on to ``then``."""
    request.session[two_factor.VERIFY_STEP] = True
    return redirect(_with_next(reverse("two_factor_verify"), then))


def _code_given_or_asked(request):
    """A change to a second factor is made from a session that gave it; another one
    (signed in before it was set up, elsewhere) gives a code first."""
    if two_factor.has_two_factor(request.user) and not request.user.is_verified():
        return _ask_for_code(request, then=reverse("two_factor"))
    return None


@login_required
@require_POST
def two_factor_new_codes(request):
    if asked := _code_given_or_asked(request):
        return asked
    try:
        codes = two_factor.new_recovery_codes(user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("two_factor")
    request.session[two_factor.NEW_CODES] = codes
    return redirect("two_factor_codes")


@login_required
@require_POST
def two_factor_off(request):
    if asked := _code_given_or_asked(request):
        return asked
    try:
        two_factor.turn_off(user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Two-factor sign-in is turned off."))
    return redirect("two_factor")
