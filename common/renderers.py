"""The site's form renderer: what Django ships for Jinja2 drawn by Jinja2, the rest as before.

Django ships every template of its forms for Jinja2 too (``django/forms/jinja2``:
widgets, fields, labels, error lists), with the same markup; Jinja2 draws a select
of twenty options several times faster than the template language, and the filter
forms of the lists hold several. A template only the template language has (the
admin's widgets, crispy-forms' own) is drawn by it, as before.
"""

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


class WidgetsByJinja2(BaseRenderer):
    @cached_property
    def jinja2(self) -> Jinja2:
        return Jinja2()

    @cached_property
    def django_templates(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name):
        try:
            return self.jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self.django_templates.get_template(template_name)
