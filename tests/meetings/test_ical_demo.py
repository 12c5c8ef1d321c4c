"""The demo mission's calendars, read by all three parsers."""

from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from meetings import calendars
from meetings.models import Meeting
from tests.icsparsers import PARSERS, assert_all_parsers_read

pytestmark = pytest.mark.django_db


def test_demo_feeds_parse_everywhere_with_rivian_at_its_exact_instant():
    call_command("load_demo", verbosity=0)
    mission = calendars.mission_with_versions("vtm-michigan-2025")
    rivian = Meeting.objects.get(mission=mission, title="Meeting with Rivian")
    results = assert_all_parsers_read(
        calendars.mission_feed_bytes(mission, language="en"), mission.meetings.all()
    )
    for parser in PARSERS:
        [event] = [e for e in results[parser] if e.uid == rivian.uid]
        # 15:30-16:30 in Pontiac (EDT, UTC-4).
        assert (event.start, event.end) == (
            datetime(2025, 4, 22, 19, 30, tzinfo=UTC),
            datetime(2025, 4, 22, 20, 30, tzinfo=UTC),
        ), parser
    for member in mission.members.select_related("mission", "person"):
        member = calendars.member_by_token(member.token)
        assert_all_parsers_read(calendars.member_feed_bytes(member), member.meetings.all())
