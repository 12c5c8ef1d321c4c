"""Meeting.outcome (a text field) becomes the summary of an Outcome, marked held.

Runs before meetings' migration that removes the field; backwards, the summary goes back
into Meeting.outcome (and the Outcome rows made here are deleted with the table later).
"""

from django.db import migrations


def outcome_text_to_outcomes(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    Outcome = apps.get_model("outcomes", "Outcome")
    rows = (
        Meeting.objects.exclude(outcome="")
        .filter(result__isnull=True)
        .values_list("pk", "outcome", "status")
    )
    Outcome.objects.bulk_create(
        # A cancelled meeting cannot have been held (Outcome.clean): keep its words anyway.
        Outcome(meeting_id=pk, summary=text, held="cancelled" if status == "cancelled" else "held")
        for pk, text, status in rows.iterator()
    )


def outcomes_to_outcome_text(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    Outcome = apps.get_model("outcomes", "Outcome")
    for meeting_id, summary in Outcome.objects.exclude(summary="").values_list(
        "meeting_id", "summary"
    ):
        Meeting.objects.filter(pk=meeting_id).update(outcome=summary)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_hist_venue_restrict"),
        ("outcomes", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(outcome_text_to_outcomes, outcomes_to_outcome_text, elidable=True),
    ]
