"""Wall-clock times typed in a mission's zone, and their conversion to aware UTC.

The mission's IANA zone is the one truth for input: a Pontiac meeting is typed in
Detroit time wherever the coordinator's laptop is.
"""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

# City names of zones agencies use most, translated, so that "20:00 Roma" reads right in
# Italian; any other zone falls back to the city part of its IANA name.
ZONE_CITIES = {
    "Europe/Rome": _("Rome"),
    "Europe/London": _("London"),
    "Europe/Paris": _("Paris"),
    "Europe/Berlin": _("Berlin"),
    "Europe/Brussels": _("Brussels"),
    "Europe/Madrid": _("Madrid"),
    "Europe/Warsaw": _("Warsaw"),
    "America/Detroit": _("Detroit"),
    "America/New_York": _("New York"),
    "America/Chicago": _("Chicago"),
    "America/Los_Angeles": _("Los Angeles"),
    "America/Mexico_City": _("Mexico City"),
    "America/Sao_Paulo": _("São Paulo"),
    "Asia/Tokyo": _("Tokyo"),
    "Asia/Shanghai": _("Shanghai"),
    "Asia/Dubai": _("Dubai"),
    "Asia/Singapore": _("Singapore"),
    "Asia/Kolkata": _("Mumbai"),
}


def zone_city(key: str) -> str:
    """A short, translated name for a zone: "Roma" for Europe/Rome in Italian."""
    return str(ZONE_CITIES.get(key) or key.rsplit("/", 1)[-1].replace("_", " "))


def aware_from_local(value: datetime, tz: ZoneInfo) -> datetime:
    """Attach `tz` to a naive wall-clock time; reject times that do not exist or repeat."""
    candidate = value.replace(tzinfo=tz, fold=0)
    params = {"time": formats.date_format(value, "DATETIME_FORMAT"), "zone": tz.key}
    try:
        round_trip = candidate.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    except (OverflowError, ValueError):
        # 9999-12-31 22:00 in Detroit is past the last instant Python can hold in UTC.
        raise ValidationError(
            _("%(time)s is out of range: choose a date between the years 2000 and 2100."),
            code="out_of_range",
            params=params,
        ) from None
    if round_trip != value.replace(fold=0):
        raise ValidationError(
            _(
                "%(time)s does not exist in %(zone)s: the clocks go forward then. "
                "Choose a time outside the skipped hour."
            ),
            code="nonexistent_time",
            params=params,
        )
    if candidate.utcoffset() != value.replace(tzinfo=tz, fold=1).utcoffset():
        raise ValidationError(
            _(
                "%(time)s happens twice in %(zone)s: the clocks go back then. "
                "Choose a time outside the repeated hour."
            ),
            code="ambiguous_time",
            params=params,
        )
    return candidate.astimezone(UTC)


class LocalSplitDateTimeField(forms.SplitDateTimeField):
    """A date and a time that stay naive: the form attaches the mission's zone."""

    def compress(self, data_list: list) -> datetime | None:
        if not data_list:
            return None
        day, clock = data_list
        if day in self.empty_values:
            raise ValidationError(self.error_messages["invalid_date"], code="invalid_date")
        if clock in self.empty_values:
            raise ValidationError(self.error_messages["invalid_time"], code="invalid_time")
        return datetime.combine(day, clock)

    def prepare_value(self, value):
        # Initial values are already naive local times (see MissionLocalTimesMixin).
        if isinstance(value, datetime):
            return [value.date(), value.time()]
        return value


class LocalDateTimeWidget(forms.SplitDateTimeWidget):
    """Native date and time pickers."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs=attrs,
            date_attrs={"type": "date"},
            time_attrs={"type": "time", "step": 300},
            date_format="%Y-%m-%d",
            time_format="%H:%M",
        )


class MissionLocalTimesMixin:
    """For ModelForms whose datetime fields are typed in the mission's zone.

    Subclasses list the fields in `local_datetime_fields` and declare them as
    LocalSplitDateTimeField; `get_mission_for_times()` says whose zone applies.
    """

    local_datetime_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mission = self.get_mission_for_times(initial=True)
        for name in self.local_datetime_fields:
            value = self.initial.get(name)
            if isinstance(value, datetime) and value.tzinfo is not None and mission is not None:
                self.initial[name] = value.astimezone(mission.tz).replace(tzinfo=None)

    def get_mission_for_times(self, initial: bool = False):
        if not initial:
            mission = getattr(self, "cleaned_data", {}).get("mission")
            if mission is not None:
                return mission
        if getattr(self.instance, "mission_id", None) or getattr(self.instance, "mission", None):
            try:
                return self.instance.mission
            except Exception:  # noqa: BLE001 - unsaved relation
                return None
        return getattr(self, "mission", None)

    def clean(self):
        cleaned = super().clean()
        mission = self.get_mission_for_times()
        if mission is None:
            # No valid mission chosen (admin forms): a naive time must not reach the model.
            for name in self.local_datetime_fields:
                if isinstance(cleaned.get(name), datetime):
                    self.add_error(
                        name, _("Choose the mission first: this time is read in its zone.")
                    )
            return cleaned
        try:
            tz = mission.tz
        except Exception:  # noqa: BLE001 - invalid zone, reported on the mission form
            return cleaned
        for name in self.local_datetime_fields:
            value = cleaned.get(name)
            if isinstance(value, datetime) and value.tzinfo is None:
                try:
                    cleaned[name] = aware_from_local(value, tz)
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned


def local_day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The aware instants where a local calendar day starts and the next one starts."""
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(date.fromordinal(day.toordinal() + 1), time.min, tzinfo=tz)
    return start, end
