"""Agendas in and out: imports (CSV, Excel, .ics invitations), exports (CSV, Excel) and the
printed programme booklet (PDF). No models; everything is written through the services."""

from django.urls import path, re_path

from transfer import download_views, ics_views, participant_views, views

app_name = "transfer"

MISSION_KIND = r"^missions/(?P<slug>[-a-zA-Z0-9_]+)/import/(?P<kind>meetings|delegates)/"

urlpatterns: list = [
    # Meetings and delegates of a mission.
    re_path(MISSION_KIND + r"$", views.import_upload, name="import"),
    re_path(MISSION_KIND + r"commit/$", views.import_commit, name="import_commit"),
    re_path(
        MISSION_KIND + r"template\.(?P<fmt>csv|xlsx)$",
        views.import_template,
        name="import_template",
    ),
    # Partner organisations and contacts: the shared directory.
    path("partners/import/", views.import_upload, {"kind": "partners"}, name="import_partners"),
    path(
        "partners/import/commit/",
        views.import_commit,
        {"kind": "partners"},
        name="import_partners_commit",
    ),
    re_path(
        r"^partners/import/template\.(?P<fmt>csv|xlsx)$",
        views.import_template,
        {"kind": "partners"},
        name="import_partners_template",
    ),
    # Participants of a B2B matchmaking session (transfer/participant_views.py).
    path(
        "missions/<slug:slug>/b2b/<int:session>/import/",
        participant_views.participants_upload,
        name="import_participants",
    ),
    path(
        "missions/<slug:slug>/b2b/<int:session>/import/commit/",
        participant_views.participants_commit,
        name="import_participants_commit",
    ),
    re_path(
        r"^missions/(?P<slug>[-a-zA-Z0-9_]+)/b2b/(?P<session>[0-9]+)/import/template\.(?P<fmt>csv|xlsx)$",
        participant_views.participants_template,
        name="import_participants_template",
    ),
    # The programme booklet (PDF): read-only, GET and HEAD.
    path(
        "missions/<slug:slug>/booklet.pdf",
        download_views.mission_booklet,
        name="mission_booklet",
    ),
    path(
        "missions/<slug:slug>/delegation/<int:pk>/booklet.pdf",
        download_views.member_booklet,
        name="member_booklet",
    ),
    # .ics invitations from partners: upload, preview, import.
    path("missions/<slug:slug>/import/invitations/", ics_views.ics_import, name="ics_import"),
    # The agenda, the roster and the partners as CSV or Excel (GET only).
    path(
        "missions/<slug:slug>/export/<slug:what>.<slug:fmt>",
        download_views.export,
        name="export",
    ),
]
