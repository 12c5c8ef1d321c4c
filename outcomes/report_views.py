"""The mission report: a page for the coordinators and its PDF, Excel and CSV for the funder.

Thin views: the mission through get_mission_for_user (404 for anyone else), the figures from
outcomes.report.mission_report (a fixed number of queries), then a template, WeasyPrint
(config.pdf, shared with the booklet) or openpyxl (outcomes.report_sheets). Everything is in
the user's language.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from config.pdf import html_to_pdf
from missions.views import get_mission_for_user
from outcomes.charts import bar_chart, stacked_bar_chart
from outcomes.report import MissionReport, mission_report
from outcomes.report_sheets import report_csv, report_xlsx

# Where the PDF is rendered: not a real host; only our static files are fetched under it.
PDF_BASE_URL = "https://report.invalid/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_charts(report: MissionReport) -> dict[str, str]:
    """The SVGs, safe to put in the page: charts.py escapes every label."""
    charts = {
        "by_day": stacked_bar_chart(
            [
                (
                    formats.date_format(row.day, "D j M"),
                    [row.tally.held, row.tally.not_held, row.tally.not_recorded],
                )
                for row in report.by_day
            ],
            series=[_("Held"), _("Not held"), _("Not recorded")],
            ident="chart-days",
            title=_("Meetings per day"),
        ),
        "by_kind": bar_chart(
            [(label, tally.planned) for label, tally in report.by_kind if tally.planned],
            ident="chart-kinds",
            narrow=True,
            title=_("Meetings by kind"),
        ),
        "org_kind": bar_chart(
            report.organisations_by_kind,
            ident="chart-org-kinds",
            narrow=True,
            title=_("Organisations met by kind"),
        ),
        "org_country": bar_chart(
            report.organisations_by_country,
            ident="chart-org-countries",
            narrow=True,
            title=_("Organisations met by country"),
        ),
        "org_sector": bar_chart(
            report.organisations_by_sector,
            ident="chart-org-sectors",
            title=_("Organisations met by sector"),
        ),
        "interest": bar_chart(
            report.interest,
            ident="chart-interest",
            narrow=True,
            title=_("Held meetings by interest shown"),
        ),
    }
    return {name: mark_safe(svg) for name, svg in charts.items()}  # noqa: S308


def _context(request, slug: str) -> dict:
    mission = get_mission_for_user(request, slug)
    report = mission_report(mission)
    return {"mission": mission, "report": report, "charts": report_charts(report), "tab": "report"}


def _download(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def report_page(request, slug: str):
    return render(request, "outcomes/report.html", _context(request, slug))


@login_required
@require_safe
def report_pdf(request, slug: str):
    context = _context(request, slug)
    html = render_to_string("outcomes/report_pdf.html", context, request)
    pdf = html_to_pdf(
        html, base_url=PDF_BASE_URL, stylesheets=["css/report.css", "css/report_pdf.css"]
    )
    return _download(pdf, "application/pdf", f"{slug}-report.pdf")


@login_required
@require_safe
def report_xlsx_view(request, slug: str):
    mission = get_mission_for_user(request, slug)
    return _download(report_xlsx(mission_report(mission)), XLSX, f"{slug}-report.xlsx")


@login_required
@require_safe
def report_csv_view(request, slug: str):
    mission = get_mission_for_user(request, slug)
    return _download(
        report_csv(mission_report(mission)), "text/csv; charset=utf-8", f"{slug}-meetings.csv"
    )
