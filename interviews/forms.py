from __future__ import annotations

from django import forms


class CustomQuestionForm(forms.Form):
    title = forms.CharField(max_length=120, min_length=4, strip=True)
    prompt = forms.CharField(
        max_length=2000,
        min_length=20,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Write it as an interviewer would say it. Graded by the base rubric.",
    )
