"""Bootstrap 5 form fields, drawn by one small template.

`{% load form_fields %}` then `{% form_field form.subject %}`: the label (with the asterisk
of a required field), the widget with Bootstrap's classes (`is-invalid` when the field has
errors), its errors and its help text, with the same ids and classes as the crispy-forms
Bootstrap 5 pack (`div_id_<name>`, `id_<name>_error`, `id_<name>_helptext`) that the
pages' script and styles rely on. Hidden fields are just their input.
"""

from django import forms, template

register = template.Library()


def _kind(widget):
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
        return "select"
    return "input"


# The Bootstrap class of each kind of widget; files keep only it (no widget-name class).
_CONTROL_CLASS = {"checkbox": "form-check-input", "select": "form-select", "input": "form-control"}


@register.inclusion_tag("includes/form_field.html")
def form_field(field):
    if field.is_hidden:
        return {"hidden": True, "widget": field.as_widget()}
    kind = _kind(field.field.widget)
    classes = [field.field.widget.attrs.get("class", "")]
    if kind == "file":
        classes.insert(0, "form-control")
    else:
        classes.append(type(field.field.widget).__name__.lower())
        classes.append(_CONTROL_CLASS[kind])
    if field.errors:
        classes.append("is-invalid")
    return {
        "field": field,
        "kind": kind,
        "errors": field.errors,
        "widget": field.as_widget(attrs={"class": " ".join(c for c in classes if c)}),
    }
