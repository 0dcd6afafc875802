"""How every form of the product draws its fields: Django's own field rendering
(`{{ form.subject.as_field_group }}`) with one Bootstrap 5 template, forms/field.html.

A form opts in with `bound_field_class = BootstrapBoundField` (BootstrapFormMixin). The
widget gets Bootstrap's classes (`is-invalid` when the field has errors), and the field the
ids the pages' script and styles rely on (`div_id_<name>`, `id_<name>_error`,
`id_<name>_helptext`). Hidden fields are just their input. This module imports no app:
every app may use it. (django-crispy-forms was measured against it and dropped: README,
"Forms".)
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join

FIELD_TEMPLATE = "forms/field.html"

# The Bootstrap class of each kind of widget; files keep only it (no widget-name class).
CONTROL_CLASS = {"checkbox": "form-check-input", "select": "form-select", "input": "form-control"}


def widget_kind(widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
        return "select"
    return "input"


class BootstrapBoundField(BoundField):
    @property
    def kind(self) -> str:
        return widget_kind(self.field.widget)

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if widget.is_hidden:
            return attrs
        kind = widget_kind(widget)
        classes = [attrs.get("class", "")]
        if kind == "file":
            classes.insert(0, "form-control")
        else:
            classes += [type(widget).__name__.lower(), CONTROL_CLASS[kind]]
        if self.errors:
            classes.append("is-invalid")
        attrs["class"] = " ".join(c for c in classes if c)
        return attrs

    def as_field_group(self):
        # The project's templates draw the field; the widget inside it keeps Django's own
        # (faster) form renderer.
        return render_to_string(FIELD_TEMPLATE, {"field": self})


class BootstrapFormMixin:
    """Forms whose fields are drawn with forms/field.html."""

    bound_field_class = BootstrapBoundField


class PlainSelect(forms.Select):
    """Django's <select> with its options written out in Python rather than one template
    per option: the same markup for plain choices, in a fraction of the time. The pages
    with a tight time budget (the admin's ticket page, the staff ticket page) use it for
    their selects. Choices in groups are left to Django's template."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = self._choice_list()
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        wanted = self.format_value(value)
        options, chosen = [], False
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            selected = not chosen and text in wanted
            chosen = chosen or selected
            options.append((text, " selected" if selected else "", label))
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            format_html_join("\n", '<option value="{}"{}>{}</option>', options),
        )

    def _choice_list(self):
        if isinstance(self.choices, ModelChoiceIterator):
            # A model field's choices in one ordinary query: Django's own iteration reads
            # them through a server-side cursor (on PostgreSQL, a cursor declared, fetched
            # and closed: three round trips for a handful of rows).
            field = self.choices.field
            rows = [self.choices.choice(obj) for obj in list(field.queryset)]
            return [("", field.empty_label), *rows] if field.empty_label is not None else rows
        return list(self.choices)
