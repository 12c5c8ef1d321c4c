"""Sending delegates their links: the service and the admin action."""

from email.header import decode_header, make_header
from email.utils import getaddresses

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from delegations.models import DelegationMember, Person
from delegations.services import person_save
from meetings import calendars
from meetings.notify import member_send_links
from tests.builders import make_member, make_person
from tests.meetings.ics_builders import mission_with_delegate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://missions.example.org"


def test_member_receives_page_and_calendar_links_in_their_language():
    mission, member, _ = mission_with_delegate()  # Mario Rossi prefers Italian
    member_send_links(member=member)
    [message] = mail.outbox
    assert message.to == [f"Mario Rossi <{member.person.email}>"]
    with translation.override("it"):
        subject = gettext("Your agenda for %(mission)s") % {"mission": mission.title}
    assert message.subject == subject
    page = f"https://missions.example.org/d/{member.token}/"
    assert page in message.body
    assert f"{page}calendar.ics" in message.body
    assert f"webcal://missions.example.org/d/{member.token}/calendar.ics" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{page}"' in html


def test_member_without_email_is_refused_and_nothing_is_sent():
    mission, _, _ = mission_with_delegate()
    member = make_member(mission, make_person(email=""))
    with pytest.raises(ValidationError):
        member_send_links(member=member)
    assert mail.outbox == []


def test_admin_action_sends_links_and_names_who_has_no_email(admin_client):
    mission, member, _ = mission_with_delegate()
    nomail = make_member(mission, make_person(first_name="No", last_name="Mail", email=""))
    response = admin_client.post(
        reverse("admin:delegations_delegationmember_changelist"),
        {"action": "send_links", "_selected_action": [member.pk, nomail.pk]},
        follow=True,
    )
    assert [m.to for m in mail.outbox] == [[f"Mario Rossi <{member.person.email}>"]]
    text = response.content.decode()
    assert "Sent the personal links to 1 delegate." in text
    assert "No e-mail address, nothing sent: No Mail." in text


def test_admin_rotation_kills_the_old_link(admin_client, client):
    _, member, _ = mission_with_delegate()
    old = reverse("public:delegate_feed", args=[member.token])
    admin_client.post(
        reverse("admin:delegations_delegationmember_changelist"),
        {"action": "rotate_tokens", "_selected_action": [member.pk]},
    )
    assert client.get(old).status_code == 404
    fresh = DelegationMember.objects.get(pk=member.pk)
    assert client.get(reverse("public:delegate_feed", args=[fresh.token])).status_code == 200


def test_admin_change_page_shows_the_personal_links(admin_client):
    _, member, _ = mission_with_delegate()
    response = admin_client.get(
        reverse("admin:delegations_delegationmember_change", args=[member.pk])
    )
    assert calendars.delegate_feed_url(member) in response.content.decode()


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("Rossi,", "Mario"),  # a comma would split the address in two
        ("Mario <boss@example.com>", "Rossi"),  # angle brackets: another address
        ('Mario "Il Capo"', "Rossi; Jr."),
        ("Márìø", "Ròßi 日本"),
    ],
)
def test_links_reach_exactly_the_person_whatever_their_name(first, last):
    _, member, _ = mission_with_delegate()
    person = member.person
    person.first_name, person.last_name = first, last
    person.save()

    member_send_links(member=member)

    [message] = mail.outbox
    assert [address for _, address in getaddresses(message.recipients())] == [person.email]
    sent = message.message()
    [(name, address)] = getaddresses([str(make_header(decode_header(sent["To"])))])
    assert (name, address) == (f"{first} {last}", person.email)


def test_a_stored_line_break_in_a_name_cannot_add_a_header():
    # Names are refused with CR/LF at input; one stored before that is sent on one line.
    _, member, _ = mission_with_delegate()
    Person.objects.filter(pk=member.person.pk).update(first_name="Mario\r\nBcc: x@example.com")
    member.refresh_from_db()

    member_send_links(member=member)

    [message] = mail.outbox
    assert [address for _, address in getaddresses(message.recipients())] == [member.person.email]
    sent = message.message()
    assert sent["Bcc"] is None
    assert "\n" not in str(make_header(decode_header(sent["To"])))


@pytest.mark.parametrize("field", ["first_name", "last_name"])
@pytest.mark.parametrize("value", ["Mario\nBcc: x@example.com", "Mario\rRossi", "Ma\x00rio"])
def test_names_with_line_breaks_or_control_characters_are_refused_next_to_the_field(field, value):
    person = make_person()
    setattr(person, field, value)
    with pytest.raises(ValidationError) as raised:
        person_save(person=person)
    assert raised.value.message_dict[field] == [
        "A name must be on one line, without control characters."
    ]
