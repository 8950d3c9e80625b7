"""The deadline calculator for officers and trainers: the last day of a period as the timeline
computes it (`timeline.deadline_compute`, the same functions), with the article and the days
off skipped. No tip is read; a GET form that works without JavaScript."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from toandan.core.access import staff_required
from toandan.tips.deadlines import Deadline
from toandan.tips.handling.timeline import deadline_compute, due_article

RULE_CHOICES = [
    ("decide", _("Decide within 20 days (BLTTHS Art. 147(1))")),
    ("extend", _("Complex case: 2 months (BLTTHS Art. 147(2))")),
    ("procuracy-extend", _("Procuracy extension: up to 2 months (BLTTHS Art. 147(2))")),
    ("resume", _("After resumption: 1 month (BLTTHS Art. 149)")),
    ("forward", _("Forward to the competent unit (joint circulars 01/2017, 01/2021)")),
]


class DeadlineForm(forms.Form):
    rule = forms.ChoiceField(label=_("Deadline"), choices=RULE_CHOICES)
    start = forms.DateField(
        label=_("The period starts from (the day not counted)"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "The day of receipt; for a procuracy extension, the last day of the complex case's "
            "period; for a resumption, the day of the decision to resume."
        ),
    )
    months = forms.IntegerField(
        label=_("Months (procuracy extension)"), required=False, min_value=1, max_value=12
    )
    serious = forms.BooleanField(
        label=_("Forwarding: very serious, especially serious or flagrant (24 h)"), required=False
    )
    remote = forms.BooleanField(label=_("Forwarding: from a remote commune (48 h)"), required=False)


def deadline_lines(deadline: Deadline) -> dict[str, object]:
    """What the calculator shows, shared by the page and `toandan deadline`."""
    hours = deadline.period_end is None
    return {
        "last_day": deadline.due_at.strftime("%d/%m/%Y %H:%M")
        if hours
        else deadline.last_day.strftime("%d/%m/%Y"),
        "article": due_article(deadline.kind),
        "period_end": deadline.period_end.strftime("%d/%m/%Y") if deadline.period_end else "",
        "skipped": [f"{off.day:%d/%m/%Y} ({off.name})" for off in deadline.skipped],
    }


@staff_required(description="staff: computes a legal deadline from a date; reads no tip")
@require_GET
def deadline_calculator(request: HttpRequest) -> HttpResponse:
    form = DeadlineForm(request.GET or None)
    result = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            deadline = deadline_compute(
                data["rule"],
                data["start"],
                remote=data["remote"],
                serious=data["serious"],
                months=data["months"],
            )
        except ValueError as error:
            form.add_error("months", str(error))
        else:
            result = deadline_lines(deadline)
    return render(request, "tips/deadline/calculator.html", {"form": form, "result": result})
