"""PlainSelect (netdigi/formfields.py) writes the same <select> as Django's own Select."""

import pytest
from django import forms
from django.test.html import parse_html

from accounts.models import User
from netdigi.formfields import PlainSelect
from tests.factories import UserFactory

CHOICES = [("", "---------"), ("open", "Open"), ("on_hold", 'On <Hold> & "waiting"')]


def both(choices, value, attrs=None, **widget_attrs):
    plain = PlainSelect(attrs=widget_attrs, choices=choices).render("status", value, attrs)
    django = forms.Select(attrs=widget_attrs, choices=choices).render("status", value, attrs)
    return parse_html(plain), parse_html(django)


@pytest.mark.parametrize("value", ["open", "on_hold", "", None, "missing", ["open"]])
def test_the_markup_is_django_s_for_every_value(value):
    plain, django = both(CHOICES, value, {"id": "id_status", "required": True}, **{"class": "s"})
    assert plain == django


def test_the_label_is_escaped_and_one_option_is_selected():
    html = PlainSelect(choices=CHOICES + [("open", "Open again")]).render("status", "open")
    assert "On &lt;Hold&gt; &amp; &quot;waiting&quot;" in html
    assert html.count(" selected") == 1


def test_grouped_choices_are_left_to_django_s_template():
    grouped = [("Active", [("open", "Open"), ("on_hold", "On hold")]), ("closed", "Closed")]
    plain, django = both(grouped, "on_hold")
    assert plain == django
    assert "<optgroup" in PlainSelect(choices=grouped).render("status", "on_hold")


@pytest.mark.django_db
def test_model_choices_are_read_in_one_query(django_assert_num_queries):
    UserFactory.create_batch(3)
    field = forms.ModelChoiceField(queryset=User.objects.order_by("pk"), widget=PlainSelect)
    plain_field = forms.ModelChoiceField(queryset=User.objects.order_by("pk"))
    first = User.objects.order_by("pk").first()
    with django_assert_num_queries(1):
        plain = field.widget.render("user", first.pk)
    assert parse_html(plain) == parse_html(plain_field.widget.render("user", first.pk))
