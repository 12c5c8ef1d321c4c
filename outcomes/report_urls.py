"""The mission report: the page and its PDF, Excel and CSV downloads (outcomes/report_views.py)."""

from django.urls import path

from outcomes import report_views

app_name = "report"

urlpatterns = [
    path("missions/<slug:slug>/report/", report_views.report_page, name="page"),
    path("missions/<slug:slug>/report.pdf", report_views.report_pdf, name="pdf"),
    path("missions/<slug:slug>/report.xlsx", report_views.report_xlsx_view, name="xlsx"),
    path("missions/<slug:slug>/report.csv", report_views.report_csv_view, name="csv"),
]
