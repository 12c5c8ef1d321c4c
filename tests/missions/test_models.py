from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from missions.models import Mission, Venue
from tests.builders import make_mission

pytestmark = pytest.mark.django_db


def test_unknown_time_zone_is_rejected_with_a_clear_message():
    with pytest.raises(ValidationError) as error:
        make_mission(timezone="Detroit")
    assert error.value.message_dict["timezone"] == [
        "“Detroit” is not a known IANA time zone; use a name like America/Detroit."
    ]
    assert Mission.objects.count() == 0


def test_mission_ending_before_it_starts_is_rejected_by_the_model():
    with pytest.raises(ValidationError) as error:
        make_mission(start_date=date(2025, 4, 24), end_date=date(2025, 4, 22))
    assert error.value.message_dict["end_date"] == ["The mission cannot end before it starts."]


def test_mission_ending_before_it_starts_is_rejected_by_the_database():
    mission = make_mission()
    with pytest.raises(IntegrityError), transaction.atomic():
        Mission.objects.filter(pk=mission.pk).update(start_date=date(2025, 5, 1))


def test_slugs_are_unique():
    make_mission(slug="vtm")
    with pytest.raises(ValidationError) as error:
        make_mission(slug="vtm")
    assert "slug" in error.value.message_dict


def test_mission_days_are_listed_in_order():
    mission = make_mission(start_date=date(2025, 4, 22), end_date=date(2025, 4, 24))
    assert mission.days() == [date(2025, 4, 22), date(2025, 4, 23), date(2025, 4, 24)]


def test_venue_needs_both_coordinates_in_the_database():
    mission = make_mission()
    with pytest.raises(IntegrityError), transaction.atomic():
        Venue.objects.create(mission=mission, name="Half", latitude=42)


def test_visible_to_lists_only_coordinated_missions(django_user_model):
    alice = django_user_model.objects.create_user("alice")
    mine = make_mission(coordinators=[alice])
    make_mission()
    assert list(Mission.objects.visible_to(alice)) == [mine]
