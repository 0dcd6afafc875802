from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Rating


class RatingForm(forms.Form):
    score = forms.ChoiceField(
        label=_("How did we do?"), choices=Rating.Score.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Anything you want to tell us? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
