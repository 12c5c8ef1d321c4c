"""E-mailing delegates their links: one rule for absolute links, refused while a draft, and
everyone at once with a preview (issue 8, findings 3 and 4, roster item 4)."""

import pytest
from django.core import mail
from django.urls import reverse

from missions.models import Mission
from tests.builders import make_coordinator, make_member, make_mission, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def mission():
    return make_mission(slug="vtm-stuttgart", title="VTM Stuttgart", timezone="Europe/Berlin")


@pytest.fixture
def coordinator(client, mission):
    user = make_coordinator(mission)
    client.force_login(user)
    return user


def send_all_url(mission):
    return reverse("delegations:send_all_links", args=[mission.slug])


def delegation(mission):
    anna = make_member(
        mission,
        make_person(
            first_name="Anna",
            last_name="Bianchi",
            email="anna@example.org",
            preferred_language="it",
        ),
    )
    bob = make_member(
        mission,
        make_person(
            first_name="Bob", last_name="Carter", email="bob@example.org", preferred_language="en"
        ),
    )
    carla = make_member(mission, make_person(first_name="Carla", last_name="Dotti", email=""))
    return anna, bob, carla


def draft(mission):
    Mission.objects.filter(pk=mission.pk).update(status=Mission.Status.DRAFT)


# --- Finding 3: a draft mission's links do not work, so nothing is sent --------------------


def test_sending_one_delegate_their_links_is_refused_for_a_draft_mission(
    client, coordinator, mission
):
    anna, _, _ = delegation(mission)
    draft(mission)

    response = client.post(
        reverse("delegations:member_send_links", args=[mission.slug, anna.pk]), follow=True
    )

    page = response.content.decode()
    assert "Nothing was sent: VTM Stuttgart is still a draft" in page
    assert "Sent Anna Bianchi" not in page
    assert mail.outbox == []


def test_roster_of_a_draft_mission_says_links_do_not_work_yet(client, coordinator, mission):
    delegation(mission)
    draft(mission)

    page = client.get(reverse("delegations:roster", args=[mission.slug])).content.decode()

    assert 'id="links-status"' in page
    assert "Delegates' links do not work yet." in page


def test_roster_of_a_published_mission_has_no_draft_notice(client, coordinator, mission):
    delegation(mission)

    page = client.get(reverse("delegations:roster", args=[mission.slug])).content.decode()

    assert 'id="links-status"' not in page
    assert "E-mail everyone their links" in page


def test_roster_of_a_published_mission_shows_the_programme_feed_address(
    client, coordinator, mission, settings
):
    settings.SITE_URL = "https://missions.example.org"

    page = client.get(reverse("delegations:roster", args=[mission.slug])).content.decode()

    feed = "https://missions.example.org" + reverse(
        "public:mission_feed", kwargs={"key": mission.feed_token}
    )
    assert f'value="{feed}"' in page
    assert "It works once the mission is published." not in page


# --- Finding 4: every absolute link is on SITE_URL ----------------------------------------


def test_roster_email_delegate_page_and_feed_give_the_same_links(
    client, coordinator, mission, settings
):
    settings.SITE_URL = "http://127.0.0.1:8101"
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    anna, _, _ = delegation(mission)
    page_url = "http://127.0.0.1:8101" + reverse("public:delegate_page", args=[anna.token])
    feed_url = "http://127.0.0.1:8101" + reverse("public:delegate_feed", args=[anna.token])
    webcal = "webcal://127.0.0.1:8101" + reverse("public:delegate_feed", args=[anna.token])

    roster = client.get(
        reverse("delegations:roster", args=[mission.slug]), HTTP_HOST="localhost:9999"
    ).content.decode()
    client.post(
        reverse("delegations:member_send_links", args=[mission.slug, anna.pk]),
        HTTP_HOST="localhost:9999",
    )
    delegate_page = client.get(
        reverse("public:delegate_page", args=[anna.token]), HTTP_HOST="localhost:9999"
    ).content.decode()
    feed = client.get(feed_url, HTTP_HOST="localhost:9999").content.decode()

    assert f'value="{page_url}"' in roster and f'value="{feed_url}"' in roster
    assert page_url in mail.outbox[0].body and webcal in mail.outbox[0].body
    assert f'href="{webcal}"' in delegate_page and f'value="{feed_url}"' in delegate_page
    assert "SOURCE;VALUE=URI:" + feed_url in feed.replace("\r\n ", "")
    assert "localhost:9999" not in roster + mail.outbox[0].body + delegate_page + feed


# --- Roster item 4: everyone at once, with a preview ---------------------------------------


def test_preview_lists_who_gets_what_in_which_language_and_who_has_no_email(
    client, coordinator, mission
):
    delegation(mission)

    page = client.get(send_all_url(mission)).content.decode()
    print(page[page.find("<table") : page.find("</table")])

    assert "2 delegates get an e-mail" in page
    assert (
        "<td>Anna Bianchi</td><td>anna@example.org</td><td>Italiano</td>"
        '<td lang="it">La sua agenda per VTM Stuttgart</td>'
    ) in page
    assert (
        "<td>Bob Carter</td><td>bob@example.org</td><td>English</td>"
        '<td lang="en">Your agenda for VTM Stuttgart</td>'
    ) in page
    assert "No e-mail address, they get nothing:" in page
    assert "Carla Dotti" in page
    assert "Send 2 e-mails" in page
    assert mail.outbox == []


def test_sending_everyone_their_links_writes_each_in_their_language(client, coordinator, mission):
    anna, bob, _ = delegation(mission)

    response = client.post(send_all_url(mission), follow=True)

    page = response.content.decode()
    assert "Sent their links to 2 delegates: Anna Bianchi, Bob Carter." in page
    assert "No e-mail address, nothing sent: Carla Dotti." in page
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"Anna Bianchi <anna@example.org>", "Bob Carter <bob@example.org>"}
    to_anna, to_bob = (
        by_address["Anna Bianchi <anna@example.org>"],
        by_address["Bob Carter <bob@example.org>"],
    )
    assert to_anna.subject == "La sua agenda per VTM Stuttgart"
    assert to_bob.subject == "Your agenda for VTM Stuttgart"
    assert anna.token in to_anna.body and bob.token not in to_anna.body


def test_sending_everyone_is_refused_for_a_draft_and_the_preview_says_why(
    client, coordinator, mission
):
    delegation(mission)
    draft(mission)

    preview = client.get(send_all_url(mission)).content.decode()
    response = client.post(send_all_url(mission), follow=True)

    assert "Nothing can be sent yet." in preview
    assert "Send 2 e-mails" not in preview
    assert "Nothing was sent: VTM Stuttgart is still a draft" in response.content.decode()
    assert mail.outbox == []


def test_a_server_refusing_one_message_is_reported_and_the_others_go(
    client, coordinator, mission, monkeypatch
):
    delegation(mission)
    from meetings import notify

    real = notify.member_send_links

    def flaky(*, member):
        if member.person.first_name == "Bob":
            raise OSError("connection refused")
        real(member=member)

    monkeypatch.setattr(notify, "member_send_links", flaky)

    response = client.post(send_all_url(mission), follow=True)

    page = response.content.decode()
    assert "Sent their links to 1 delegate: Anna Bianchi." in page
    assert "Could not be sent, try again later: Bob Carter." in page
    assert len(mail.outbox) == 1


def test_another_coordinator_cannot_preview_or_send(client, mission):
    delegation(mission)
    other = make_mission(slug="other")
    client.force_login(make_coordinator(other))

    assert client.get(send_all_url(mission)).status_code == 404
    assert client.post(send_all_url(mission)).status_code == 404
    assert mail.outbox == []


def test_admin_action_sends_nothing_to_delegates_of_a_draft_mission(admin_client, mission):
    anna, _, _ = delegation(mission)
    draft(mission)

    response = admin_client.post(
        reverse("admin:delegations_delegationmember_changelist"),
        {"action": "send_links", "_selected_action": [anna.pk]},
        follow=True,
    )

    assert mail.outbox == []
    assert "Not sent, their mission is still a draft" in response.content.decode()
    assert "Anna Bianchi." in response.content.decode()


def test_preview_queries_do_not_grow_with_the_delegation(client, coordinator, mission):
    make_member(mission)
    client.get(send_all_url(mission))  # warm the session and the translations
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(send_all_url(mission))
    for _ in range(5):
        make_member(mission)
    with CaptureQueriesContext(connection) as six:
        page = client.get(send_all_url(mission)).content.decode()

    assert "6 delegates get an e-mail" in page
    # session, user, mission (with the permission check), members with people
    assert len(six) == len(one) <= 5
