from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Delivery, Kind


class PreferencesForm(forms.Form):
    """One choice of delivery per kind of event, named by the kind."""

    def __init__(self, *args, kinds: list[Kind], current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=current[kind.value],
                error_messages={"invalid_choice": _("Choose one of the ways offered.")},
            )
