"""Strings of third-party packages that ship no Vietnamese catalog.

Listed here so that ``makemessages`` keeps them in our catalog, whose
translations take precedence (LOCALE_PATHS). Never imported.
"""

from django.utils.translation import gettext_noop

# django-simple-history: the admin's history pages.
SIMPLE_HISTORY = (
    gettext_noop("Change history: %s"),
    gettext_noop("Changed"),
    gettext_noop("Created"),
    gettext_noop("Deleted"),
    gettext_noop("Revert %s"),
    gettext_noop("View %s"),
    gettext_noop("View history: %s"),
    gettext_noop("You may edit it again below"),
    gettext_noop(
        "Choose a date from the list below to revert to a previous version of this object."
    ),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop("Press the 'Change History' button below to edit the history."),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("Change History"),
    gettext_noop("Change reason"),
    gettext_noop("Changed by"),
    gettext_noop("Changes"),
    gettext_noop("Comment"),
    gettext_noop("Date/time"),
    gettext_noop("Object"),
    gettext_noop("Revert"),
)
