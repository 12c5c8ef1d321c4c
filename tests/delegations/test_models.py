import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from delegations.models import DelegationMember
from tests.builders import local, make_member, make_mission, make_person

pytestmark = pytest.mark.django_db


def test_a_person_is_once_per_delegation():
    mission, person = make_mission(), make_person()
    make_member(mission, person)
    with pytest.raises(ValidationError) as error:
        make_member(mission, person)
    assert error.value.messages == ["This person is already in the mission's delegation."]
    assert DelegationMember.objects.count() == 1


def test_a_person_once_per_delegation_is_enforced_by_the_database():
    mission, person = make_mission(), make_person()
    make_member(mission, person)
    with pytest.raises(IntegrityError), transaction.atomic():
        DelegationMember.objects.create(mission=mission, person=person)


def test_the_same_person_can_join_two_missions():
    person = make_person()
    make_member(make_mission(), person)
    make_member(make_mission(), person)
    assert person.memberships.count() == 2


def test_departure_before_arrival_is_rejected():
    mission = make_mission()
    with pytest.raises(ValidationError) as error:
        make_member(
            mission,
            arrival=local(mission, 2025, 4, 22, 12),
            departure=local(mission, 2025, 4, 21, 12),
        )
    assert error.value.message_dict["departure"] == ["Departure must be after arrival."]


def test_tokens_are_long_and_distinct():
    mission = make_mission()
    first, second = make_member(mission), make_member(mission)
    assert len(first.token) >= 43  # 256 bits, base64url
    assert first.token != second.token
