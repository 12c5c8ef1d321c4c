"""The admin's History pages: every model, changes in words, secrets hidden, bounded queries."""

import pytest
from django.urls import reverse

from delegations.services import delegation_member_rotate_token
from meetings.models import Meeting
from meetings.services import meeting_delete, meeting_save
from tests.history.test_views import text
from tests.test_admin import one_of_each, our_models, superuser_client  # noqa: F401

pytestmark = pytest.mark.django_db


def history_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])


def test_every_model_has_a_history_page_in_the_admin(superuser_client, one_of_each):  # noqa: F811
    for model in our_models():
        obj = one_of_each[model._meta.model_name]
        response = superuser_client.get(history_url(obj))
        assert response.status_code == 200, model
        assert "Created" in text(response)


def test_meeting_history_in_the_admin_speaks_local_time_and_names(
    superuser_client,  # noqa: F811
    one_of_each,  # noqa: F811
):
    meeting = one_of_each["meeting"]
    member = one_of_each["delegationmember"]
    meeting.start = meeting.start.replace(hour=meeting.start.hour + 1)
    meeting.end = meeting.end.replace(hour=meeting.end.hour + 1)
    meeting_save(meeting=meeting, attendees=[])
    page = text(superuser_client.get(history_url(meeting)))
    assert "Start: Tue 22 Apr 2025, 14:00 EDT → Tue 22 Apr 2025, 15:00 EDT" in page
    assert f"Delegation attendees: → − {member.person.full_name}" in page


def test_a_rotated_link_is_told_but_never_shown_in_the_admin(
    superuser_client,  # noqa: F811
    one_of_each,  # noqa: F811
):
    member = one_of_each["delegationmember"]
    old = member.token
    delegation_member_rotate_token(member=member)
    html = superuser_client.get(history_url(member)).content.decode()
    assert "a new secret link" in html
    assert old not in html and member.token not in html


def test_a_deleted_meetings_history_stays_readable_in_the_admin(
    superuser_client,  # noqa: F811
    one_of_each,  # noqa: F811
):
    meeting = one_of_each["meeting"]
    pk, url = meeting.pk, history_url(meeting)
    meeting_delete(meeting=meeting)
    response = superuser_client.get(url)
    assert response.status_code == 200
    assert "Deleted" in text(response)
    assert Meeting.history.filter(id=pk).count() == 2


@pytest.mark.parametrize("changes", [1, 40])
def test_admin_history_queries_do_not_grow(
    superuser_client,  # noqa: F811
    one_of_each,  # noqa: F811
    django_assert_num_queries,
    changes,
):
    meeting = one_of_each["meeting"]
    member = one_of_each["delegationmember"]
    for n in range(changes):
        meeting.title = f"Title {n}"
        meeting_save(meeting=meeting, attendees=[member] if n % 2 else [])
    url = history_url(meeting)
    superuser_client.get(url)
    # 1 session, 2 user, 3 the meeting, 4 count and 5 page of records, 6 the record before
    # the page, 7 the mission's zone, 8-10 attendees, organisations, contacts in the
    # records, 11 delegates and 12 venues named.
    with django_assert_num_queries(12):
        response = superuser_client.get(url)
    assert response.status_code == 200


def test_admin_refuses_to_delete_a_venue_with_meetings_and_says_why(
    superuser_client,  # noqa: F811
    one_of_each,  # noqa: F811
):
    venue = one_of_each["venue"]
    url = reverse("admin:missions_venue_delete", args=[venue.pk])
    page = text(superuser_client.get(url))
    assert "would require deleting the following protected related objects" in page
    assert "Meeting: " in page
    assert superuser_client.post(url, {"post": "yes"}).status_code in (200, 403)
    assert type(venue).objects.filter(pk=venue.pk).exists()
