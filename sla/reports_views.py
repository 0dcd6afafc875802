"""/staff/reports/: service level and satisfaction figures for a period, as a page with
charts and as CSV. Staff see their departments only; superusers every department."""

import csv
from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tickets import access
from tickets.access import staff_required
from tickets.models import Department, Ticket

from . import charts, reports

MAX_PERIOD_DAYS = 366
DEFAULT_PERIOD_DAYS = 28


def viewer_departments(user):
    return access.departments_of(user)


class ReportFilterForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=gettext_lazy("All my departments"),
    )
    staff = forms.ModelChoiceField(
        label=gettext_lazy("Staff member"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=gettext_lazy("Everyone"),
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"),
        choices=[("", gettext_lazy("All priorities")), *Ticket.Priority.choices],
        required=False,
    )

    def __init__(self, data, *, user):
        today = timezone.localdate()
        initial = {"start": today - timedelta(days=DEFAULT_PERIOD_DAYS - 1), "end": today}
        # An empty query string is the default period, not a form with errors.
        super().__init__(data if data else None, initial=initial)
        self.departments = list(viewer_departments(user))
        self.fields["department"].queryset = viewer_departments(user)
        self.fields["department"].choices = [("", self.fields["department"].empty_label)] + [
            (d.pk, d.display_name) for d in self.departments
        ]
        staff = (
            get_user_model()
            .objects.filter(is_staff=True, departments__in=[d.pk for d in self.departments])
            .distinct()
            .order_by("name", "email")
        )
        self.fields["staff"].queryset = staff
        # Read once: the choices drawn and the value checked against the same list.
        self.fields["staff"].choices = [("", self.fields["staff"].empty_label)] + [
            (user.pk, user.get_full_name() or user.email) for user in staff
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end of the period must not be before its start."))
            elif (end - start).days >= MAX_PERIOD_DAYS:
                self.add_error("end", _("Choose a period of at most 366 days."))
        return data

    def report_filters(self):
        if self.is_bound:
            data = self.cleaned_data
        else:
            data = {**self.initial, "department": None, "staff": None, "priority": ""}
        start, end = reports.period_bounds(data["start"], data["end"])
        department = data.get("department")
        departments = [department.pk] if department else [d.pk for d in self.departments]
        staff = data.get("staff")
        return reports.Filters(
            start=start,
            end=end,
            departments=departments,
            staff_id=staff.pk if staff else None,
            priority=data.get("priority") or "",
        )


def _hours(seconds):
    return None if seconds is None else round(seconds / 3600, 1)


def table_rows(report):
    """(label, value, unit) of the figures table; the CSV has the same rows."""
    age = {
        "lt1": _("Backlog: under 1 day"),
        "1to3": _("Backlog: 1–3 days"),
        "3to7": _("Backlog: 3–7 days"),
        "7to30": _("Backlog: 7–30 days"),
        "gt30": _("Backlog: over 30 days"),
    }
    rows = [
        ("opened", _("Tickets opened"), report.opened, ""),
        ("closed", _("Tickets closed"), report.closed, ""),
        (
            "fr_median",
            _("First response, median (hours)"),
            _hours(report.first_response_median),
            "h",
        ),
        (
            "fr_p90",
            _("First response, 90th percentile (hours)"),
            _hours(report.first_response_p90),
            "h",
        ),
        ("res_median", _("Resolution, median (hours)"), _hours(report.resolution_median), "h"),
        ("res_p90", _("Resolution, 90th percentile (hours)"), _hours(report.resolution_p90), "h"),
        ("sla_met", _("Service level met"), report.sla_met_pct, "%"),
        ("reopen_rate", _("Reopen rate"), report.reopen_rate_pct, "%"),
        ("replies", _("Staff replies per ticket"), report.replies_per_ticket, ""),
        ("csat", _("Satisfaction (good / rated)"), report.csat_pct, "%"),
        ("rated", _("Ratings"), report.rated, ""),
        (
            "response_rate",
            _("Survey response rate (rated / surveyed)"),
            report.response_rate_pct,
            "%",
        ),
        ("surveyed", _("Surveys sent"), report.surveyed, ""),
    ]
    rows += [
        (f"backlog_{key}", age[key], report.backlog.get(key, 0), "")
        for key, *_b in reports.AGE_BUCKETS
    ]
    return rows


def _csv(report, form):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="netdigi-report.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Figure"), _("Value")])
    for _key, label, value, _unit in table_rows(report):
        writer.writerow([label, "" if value is None else value])
    writer.writerow([])
    writer.writerow(
        [
            _("Week"),
            _("Tickets opened"),
            _("Tickets closed"),
            _("First response, median (hours)"),
            _("Satisfaction (good / rated)"),
        ]
    )
    for week in report.weeks:
        writer.writerow(
            [
                week["week"].isoformat(),
                week["opened"],
                week["closed"],
                "" if week["fr_median"] is None else _hours(week["fr_median"]),
                "" if week["csat"] is None else week["csat"],
            ]
        )
    return response


def _charts(report):
    labels = [date_format(w["week"], "j M") for w in report.weeks]
    return {
        "volume": charts.bars(
            "chart-volume",
            title=_("Weekly volume"),
            description=_("Tickets opened and closed each week of the period."),
            labels=labels,
            series=[
                (_("opened"), charts.BLUE, [w["opened"] for w in report.weeks]),
                (_("closed"), charts.GREEN, [w["closed"] for w in report.weeks]),
            ],
        ),
        "first_response": charts.line(
            "chart-first-response",
            title=_("First response time"),
            description=_("Median first response of the tickets opened each week, in hours."),
            labels=labels,
            name=_("median (hours)"),
            values=[_hours(w["fr_median"]) for w in report.weeks],
            unit="h",
        ),
        "csat": charts.line(
            "chart-csat",
            title=_("Customer satisfaction"),
            description=_("Share of Good ratings among the ratings given each week."),
            labels=labels,
            name=_("good / rated (%)"),
            values=[w["csat"] for w in report.weeks],
            unit="%",
            colour=charts.GREEN,
            top=100,
        ),
    }


@staff_required
@require_GET
def reports_page(request):
    params = request.GET.copy()
    wants_csv = params.pop("format", [""])[-1] == "csv"
    form = ReportFilterForm(params, user=request.user)
    if form.is_bound and not form.is_valid():
        return render(request, "sla/reports.html", {"form": form}, status=400)
    report = reports.build(form.report_filters())
    if wants_csv:
        return _csv(report, form)
    return render(
        request,
        "sla/reports.html",
        {
            "form": form,
            "report": report,
            "rows": table_rows(report),
            "charts": _charts(report),
            "csv_query": (request.GET.urlencode() + "&" if request.GET else "") + "format=csv",
        },
    )
