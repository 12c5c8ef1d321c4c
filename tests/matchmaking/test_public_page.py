"""The B2B participant's page at their secret link: what they see, what they can do, and every
wrong input answered by a message next to what caused it (never a 500, nothing half-saved)."""

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from matchmaking import services
from matchmaking.models import MeetingRequest, Participant
from missions.models import Mission
from missions.services import mission_save
from tests.builders import make_coordinator, make_member, make_organisation, publish
from tests.matchmaking.public_world import at, make_session, make_world, page, place, visitor

pytestmark = pytest.mark.django_db

Status = MeetingRequest.Status


def text_of(response) -> str:
    body = re.sub(r"<svg.*?</svg>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def block(response, anchor: str) -> str:
    """The text of the element with this id (an entry, a request, a section)."""
    html = response.content.decode()
    start = html.index(f'id="{anchor}"')
    end = html.index("</article>", start) if "</article>" in html[start:] else len(html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start:end]))


def post(client, who, **data):
    return client.post(page(who), data)


@pytest.fixture
def w():
    return make_world()


# --- What a participant sees -------------------------------------------------------------------


def test_visitor_sees_who_they_are_and_the_delegation_side_only(client, w):
    response = client.get(page(w.vera))
    assert response.status_code == 200
    text = text_of(response)
    assert "Vera Lind" in text and "Purchasing, Rivian" in text
    assert "Companies of the delegation · 2" in text
    assert "Stampi Canavese" in text and "Anna Rossi" in text
    assert "Offers: Aluminium die casting" in text
    assert "Cablaggi Pinerolo" in text
    # Not the other visitors, and never contact details or internal notes.
    assert "Nordwagen" not in text and "Otto Kramer" not in text
    html = response.content.decode()
    for secret in ("+39 011", "@example.org", "SECRET-NOTE", w.anna.token, w.anna.member.token):
        assert secret not in html


def test_delegation_participant_sees_the_visitors_and_a_link_to_their_delegate_page(client, w):
    response = client.get(page(w.anna))
    text = text_of(response)
    assert "Visiting companies · 3" in text
    assert "Rivian" in text and "Looks for: Castings for battery housings" in text
    assert "Bruno Bianchi" not in text
    delegate = reverse("public:delegate_page", args=[w.anna.member.token])
    assert f'href="{delegate}?lang=' in response.content.decode()
    # Their calendar is their delegate feed (it carries their B2B meetings once published).
    feed = reverse("public:delegate_feed", args=[w.anna.member.token])
    assert feed in response.content.decode()


def test_page_is_in_the_participants_language_and_private(client, w):
    w.anna.person.preferred_language = "it"
    w.anna.person.save()
    response = client.get(page(w.anna))
    assert response.headers["Content-Language"] == "it"
    # (This branch's own strings are in locale/it/pending/mmpublic.po until merged.)
    assert "Delegazione" in text_of(response) and "Vai al contenuto" in text_of(response)
    # same-origin: the link never leaves the site, and the forms' Origin reaches the CSRF
    # check (under no-referrer browsers send "Origin: null" and every POST is refused).
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert '<meta name="referrer" content="same-origin">' in response.content.decode()
    html = response.content.decode()
    for outside in re.findall(r'<a [^>]*href="https?://[^"]*"[^>]*>', html):
        assert 'rel="noreferrer"' in outside, outside
    english = client.get(page(w.anna) + "?lang=en")
    assert english.headers["Content-Language"] == "en"
    assert "Visiting companies" in text_of(english)


def test_limits_and_whether_requests_are_open(client):
    w = make_world(max_requests=2, max_meetings=6)
    text = text_of(client.get(page(w.vera)))
    assert "Requests are open" in text
    assert "You asked for 0 of at most 2 meetings." in text
    assert "At most 6 meetings will be scheduled for you." in text
    w.session.requests_open = False
    services.session_save(session=w.session)
    response = client.get(page(w.vera))
    assert "Requests are closed" in text_of(response)
    assert "Ask to meet" not in text_of(response)


def test_search_filters_the_directory(client, w):
    response = client.get(page(w.anna), {"q": "battery"})
    text = text_of(response)
    assert "1 found." in text and "Rivian" in text and "Nordwagen" not in text
    response = client.get(page(w.anna), {"q": "germany kramer"})
    assert "2 found." in text_of(response)
    response = client.get(page(w.anna), {"q": "x" * 5000})
    assert response.status_code == 200
    assert "Nobody matches this search." in text_of(response)


# --- Asking, answering, withdrawing ------------------------------------------------------------


def test_ask_to_meet_with_priority_and_message(client, w):
    url = page(w.vera) + "?lang=en&q=stampi"
    response = client.post(
        url, {"action": "ask", "participant": w.anna.pk, "priority": "must", "message": "Castings"}
    )
    assert response.status_code == 302
    # Back where the form was sent from: the language and the search kept, at the entry.
    assert response.headers["Location"] == f"{url}#participant-{w.anna.pk}"
    made = MeetingRequest.objects.get()
    assert (made.requester, made.requested, made.priority, made.message, made.status) == (
        w.vera,
        w.anna,
        "must",
        "Castings",
        Status.PENDING,
    )
    followed = client.get(response.headers["Location"])
    assert "Request sent to Anna Rossi." in block(followed, f"participant-{w.anna.pk}")
    assert "You asked: Waiting for an answer" in block(followed, f"participant-{w.anna.pk}")
    assert "Must meet" in block(followed, f"request-{made.pk}")


def test_accept_a_received_request_and_the_mutual_match(client, w):
    asked = services.request_create(requester=w.vera, requested=w.anna, priority="nice")
    response = client.get(page(w.anna))
    assert "Waiting for an answer" in block(response, f"request-{asked.pk}")
    response = post(client, w.anna, action="accept", request=asked.pk, version=asked.version)
    assert response.status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.decided_by) == (Status.ACCEPTED, "participant")
    followed = client.get(response.headers["Location"])
    assert "You accepted to meet Vera Lind." in block(followed, f"request-{asked.pk}")
    # Bruno and Otto ask each other: both see a mutual match.
    services.request_create(requester=w.otto, requested=w.bruno)
    post(client, w.bruno, action="ask", participant=w.otto.pk, priority="must")
    response = client.get(page(w.bruno))
    assert "Mutual match" in block(response, f"participant-{w.otto.pk}")
    assert "1 mutual match: you both asked." in text_of(response)


def test_decline_and_withdraw(client, w):
    asked = services.request_create(requester=w.vera, requested=w.anna)
    post(client, w.anna, action="decline", request=asked.pk, version=asked.version)
    asked.refresh_from_db()
    assert asked.status == Status.DECLINED
    mine = services.request_create(requester=w.vera, requested=w.bruno)
    response = post(client, w.vera, action="withdraw", request=mine.pk)
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Status.WITHDRAWN
    followed = client.get(response.headers["Location"])
    assert "Your request to Bruno Bianchi is withdrawn." in block(followed, f"request-{mine.pk}")


# --- Every wrong input: a message where it belongs, nothing saved, never a 500 ----------------


def unchanged(function):
    before = list(MeetingRequest.objects.order_by("pk").values_list())
    response = function()
    assert list(MeetingRequest.objects.order_by("pk").values_list()) == before
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"action": "dance"},
        {"action": "ask"},
        {"action": "ask", "participant": "abc", "priority": "must"},
        {"action": "ask", "participant": "99999999999999999999", "priority": "must"},
        {"action": "accept"},
        {"action": "accept", "request": "-1"},
        {"action": "withdraw", "request": "1.5"},
    ],
)
def test_malformed_posts_get_a_message_and_change_nothing(client, w, data):
    response = unchanged(lambda: post(client, w.vera, **data))
    text = text_of(response)
    assert (
        "Nothing was done" in text
        or "Choose someone from the list of this session." in text
        or "This request is not one of yours." in text
    )


def test_another_sessions_participant_and_request_are_refused(client, w):
    other = make_session(w.mission, title="Second B2B")
    outsider = visitor(other, "Ola", "Berg", make_organisation(name="Volvo"))
    stranger = services.participant_add_member(session=other, member=w.anna.member)
    theirs = services.request_create(requester=outsider, requested=stranger)
    response = unchanged(
        lambda: post(client, w.vera, action="ask", participant=stranger.pk, priority="nice")
    )
    assert "Choose someone from the list of this session." in text_of(response)
    # A request of another session (or of someone else): never acted on.
    response = unchanged(lambda: post(client, w.anna, action="accept", request=theirs.pk))
    assert "This request is not one of yours." in text_of(response)
    response = unchanged(lambda: post(client, w.vera, action="withdraw", request=theirs.pk))
    assert "This request is not one of yours." in text_of(response)


def test_same_side_colleague_and_own_organisation_refused(client, w):
    response = unchanged(
        lambda: post(client, w.anna, action="ask", participant=w.bruno.pk, priority="nice")
    )
    assert "Choose someone from the list of this session." in text_of(response)
    # Otto and Lena work for the same company; Otto may not ask Anna's colleague... but he
    # may ask Anna: the same-organisation rule is the service's (tested there).
    response = unchanged(
        lambda: post(client, w.otto, action="ask", participant=w.otto.pk, priority="nice")
    )
    assert "Choose someone from the list of this session." in text_of(response)


def test_duplicate_bad_priority_long_message_and_the_limit(client):
    w = make_world(max_requests=1)
    post(client, w.vera, action="ask", participant=w.anna.pk, priority="nice")
    response = unchanged(
        lambda: post(client, w.vera, action="ask", participant=w.anna.pk, priority="nice")
    )
    assert "You already asked to meet Anna Rossi." in text_of(response)
    response = unchanged(
        lambda: post(client, w.vera, action="ask", participant=w.bruno.pk, priority="urgent")
    )
    assert "Choose how much you want this meeting." in block(response, f"participant-{w.bruno.pk}")
    response = unchanged(
        lambda: post(
            client,
            w.vera,
            action="ask",
            participant=w.bruno.pk,
            priority="must",
            message="x" * 1001,
        )
    )
    entry = block(response, f"participant-{w.bruno.pk}")
    assert "The message is 1001 characters long; at most 1000." in entry
    # The form comes back open with what was typed.
    html = response.content.decode()
    assert f'value="must" id="priority-{w.bruno.pk}-must" checked' in html
    assert "x" * 1001 + "</textarea>" in html
    response = unchanged(
        lambda: post(client, w.vera, action="ask", participant=w.bruno.pk, priority="must")
    )
    assert "At most 1 requests per participant in this session." in block(
        response, f"participant-{w.bruno.pk}"
    )


def test_closed_requests_already_answered_and_withdrawn_ones(client, w):
    asked = services.request_create(requester=w.vera, requested=w.anna)
    services.request_decide(request=asked, accept=True)
    response = unchanged(lambda: post(client, w.anna, action="decline", request=asked.pk))
    assert "no longer waiting for an answer (Accepted)" in block(response, f"request-{asked.pk}")
    mine = services.request_create(requester=w.vera, requested=w.bruno)
    services.request_withdraw(request=mine)
    response = unchanged(lambda: post(client, w.vera, action="withdraw", request=mine.pk))
    assert "cannot be withdrawn (Withdrawn)" in block(response, f"request-{mine.pk}")
    # A withdrawn request cannot be sent again: the directory shows no "Ask to meet".
    assert "Ask to meet" not in block(client.get(page(w.vera)), f"participant-{w.bruno.pk}")
    w.session.requests_open = False
    services.session_save(session=w.session)
    late = MeetingRequest.objects.create(session=w.session, requester=w.otto, requested=w.anna)
    response = unchanged(lambda: post(client, w.anna, action="accept", request=late.pk))
    assert "Requests are closed for this session." in block(response, f"request-{late.pk}")
    response = unchanged(
        lambda: post(client, w.otto, action="ask", participant=w.bruno.pk, priority="nice")
    )
    assert "Requests are closed for this session." in text_of(response)


def test_a_stale_answer_is_refused_with_the_current_state(client, w):
    asked = services.request_create(requester=w.vera, requested=w.anna)
    stale = asked.version
    services.request_set_priority(request=asked, priority="must")  # a coordinator, meanwhile
    response = unchanged(
        lambda: post(client, w.anna, action="accept", request=asked.pk, version=stale)
    )
    assert "This request changed meanwhile" in block(response, f"request-{asked.pk}")


def test_a_scheduled_request_cannot_be_withdrawn(client, w):
    asked = services.request_create(requester=w.vera, requested=w.anna)
    services.request_decide(request=asked, accept=True)
    place(asked, at(w.mission, date(2026, 3, 24), 9, 30))
    response = unchanged(lambda: post(client, w.vera, action="withdraw", request=asked.pk))
    assert "already scheduled" in block(response, f"request-{asked.pk}")


def test_csrf_is_checked(w):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        page(w.vera), {"action": "ask", "participant": w.anna.pk, "priority": "nice"}
    )
    assert response.status_code == 403
    assert not MeetingRequest.objects.exists()


# --- Bad links ----------------------------------------------------------------------------------


def test_bad_rotated_and_draft_links_are_the_same_404(client, w):
    old = page(w.vera)
    services.participant_rotate_token(participant=w.vera)
    for url in (old, "/b2b/short/", "/b2b/" + "N0body" * 7 + "x/"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert client.post(url, {"action": "ask"}).status_code == 404
    assert client.get(page(Participant.objects.get(pk=w.vera.pk))).status_code == 200
    w.mission.status = Mission.Status.DRAFT
    mission_save(mission=w.mission)
    assert client.get(page(w.anna)).status_code == 404
    # The mission's coordinators may look at a draft's page, not act on it.
    client.force_login(make_coordinator(w.mission))
    response = client.get(page(w.anna))
    assert "Preview: this mission is still a draft" in text_of(response)
    assert post(client, w.anna, action="ask", participant=w.vera.pk).status_code == 404


# --- Meetings: the latest PUBLISHED version only -------------------------------------------------


def test_only_published_meetings_are_shown(client, w):
    asked = services.request_create(requester=w.vera, requested=w.anna, priority="must")
    services.request_decide(request=asked, accept=True)
    meeting = place(asked, at(w.mission, date(2026, 3, 24), 10, 10))
    for who in (w.vera, w.anna):
        text = text_of(client.get(page(who)))
        assert "The schedule is not published yet." in text
        assert meeting.title not in text
    publish(w.mission)
    vera = client.get(page(w.vera))
    assert "10:10–10:30" in block(vera, f"meeting-{meeting.pk}")
    assert "With: Anna Rossi" in block(vera, f"meeting-{meeting.pk}")
    assert "Scheduled" in block(vera, f"request-{asked.pk}")
    anna = client.get(page(w.anna))
    assert "Vera Lind" in block(anna, f"meeting-{meeting.pk}")
    # A later, unpublished move is not shown until it is published.
    meeting.start = at(w.mission, date(2026, 3, 24), 11, 0)
    meeting.end = at(w.mission, date(2026, 3, 24), 11, 20)
    from meetings.services import meeting_save

    meeting_save(meeting=meeting)
    assert "10:10–10:30" in block(client.get(page(w.vera)), f"meeting-{meeting.pk}")
    publish(w.mission)
    assert "11:00–11:20" in block(client.get(page(w.vera)), f"meeting-{meeting.pk}")


def test_a_published_mission_with_no_meeting_for_them_says_so(client, w):
    publish(w.mission)
    text = text_of(client.get(page(w.otto)))
    assert "No meetings for you in the published programme yet." in text


# --- Queries -------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 12])
def test_page_queries_do_not_grow(client, django_assert_num_queries, count):
    w = make_world()
    rivian = w.vera.person.organisation
    others = [visitor(w.session, "Guest", f"Number{n}", rivian) for n in range(count - 1)]
    for n, guest in enumerate([w.vera, *others]):
        asked = services.request_create(requester=guest, requested=w.anna)
        services.request_decide(request=asked, accept=True)
        place(asked, at(w.mission, date(2026, 3, 24), 9, 30) + timedelta(minutes=20 * n))
    publish(w.mission)
    # 1 participant by token (with the latest version's id); 2 the version's snapshot;
    # 3 the other side's directory; 4 the participant's requests
    with django_assert_num_queries(4):
        response = client.get(page(w.anna))
    assert response.content.decode().count('id="meeting-') == count
    assert response.content.decode().count('class="card mb-2 b2b-request') == count


def test_the_delegate_page_links_to_the_b2b_page_of_participants_only(client, w):
    response = client.get(reverse("public:delegate_page", args=[w.anna.member.token]))
    assert "Your B2B meetings page" in text_of(response)
    assert f'href="{page(w.anna)}?lang=' in response.content.decode()
    assert "VTM Torino 2026 B2B" in text_of(response)
    outsider = make_member(w.mission)
    response = client.get(reverse("public:delegate_page", args=[outsider.token]))
    assert response.status_code == 200
    assert "Your B2B meetings page" not in text_of(response)


def test_the_secret_link_is_kept_out_of_log_lines(w):
    from meetings.logfilter import redact

    for line in (
        f"POST {page(w.vera)} 403",
        f"GET /b2b/{w.vera.token}/calendar.ics HTTP/1.1",
        f"Forbidden (CSRF cookie not set.): /B2B/{w.vera.token}/",
    ):
        assert w.vera.token not in redact(line)
