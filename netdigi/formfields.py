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
from django.template.loader import render_to_string

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
