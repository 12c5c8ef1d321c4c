from django.urls import path

from delegations import history_views, views

app_name = "delegations"

urlpatterns = [
    path("missions/<slug:slug>/delegation/", views.roster, name="roster"),
    path("missions/<slug:slug>/delegation/add/", views.member_add, name="member_add"),
    path("missions/<slug:slug>/delegation/paste/", views.member_paste, name="member_paste"),
    path("missions/<slug:slug>/delegation/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path(
        "missions/<slug:slug>/delegation/<int:pk>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "missions/<slug:slug>/delegation/<int:pk>/new-link/",
        views.member_rotate_token,
        name="member_rotate_token",
    ),
    path(
        "missions/<slug:slug>/delegation/<int:pk>/send-links/",
        views.member_send_links,
        name="member_send_links",
    ),
    path(
        "missions/<slug:slug>/delegation/send-links/",
        views.send_all_links,
        name="send_all_links",
    ),
    path(
        "missions/<slug:slug>/delegation/<int:pk>/history/",
        history_views.member_history,
        name="member_history",
    ),
    path("partners/", views.partners, name="partners"),
    path("partners/new/", views.organisation_form, name="organisation_create"),
    path("partners/<int:pk>/", views.organisation_detail, name="organisation"),
    path("partners/<int:pk>/edit/", views.organisation_form, name="organisation_edit"),
    path(
        "partners/<int:pk>/history/",
        history_views.organisation_history,
        name="organisation_history",
    ),
    path("partners/contacts/", views.contacts, name="contacts"),
    path("partners/contacts/new/", views.contact_form, name="contact_create"),
    path("partners/contacts/<int:pk>/edit/", views.contact_form, name="contact_edit"),
    path(
        "partners/contacts/<int:pk>/history/", history_views.contact_history, name="contact_history"
    ),
]
