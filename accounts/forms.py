from django import forms
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class NewPasswordChangeForm(PasswordChangeForm):
    """Django's form, refusing the password one already has: a password an
    administrator chose must really be replaced."""

    def clean(self):
        cleaned = super().clean() or self.cleaned_data
        password = cleaned.get("new_password1")
        if password and not self.has_error("new_password2") and self.user.check_password(password):
            self.add_error(
                "new_password2",
                ValidationError(
                    _("Choose a password other than the one you have."),
                    code="password_unchanged",
                ),
            )
        return cleaned


class DeferredResetForm(PasswordResetForm):
    """Django's form, which keeps the mail it writes (``outbox``) for the view to send
    once the answer has gone: the page then takes as long whether an account has the
    address or not."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outbox: list = []

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from django.core.mail import EmailMultiAlternatives
        from django.template import loader

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        if html_email_template_name is not None:
            message.attach_alternative(
                loader.render_to_string(html_email_template_name, context), "text/html"
            )
        self.outbox.append(message)


class CodeForm(forms.Form):
    """A code of the second factor: what it is good for is the service's to say
    (``accounts.two_factor``), which needs the person and their devices."""

    code = forms.CharField(
        label=_("Authentication code"),
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )
