"""Existing third parties join the partnerships that refer to them (issue 13, section 3).

Until now a third party (an agency of no city) was seen by everyone. From here on it belongs to
the partnerships that name it; this names each one in every partnership where a plan refers to
it: as a coordinating office, a responsible agency, in a commitment, leading or taking part in
an activity, organising an event or a programme item, in a delegation, or in an amendment. A
third party's parents are named wherever it is (its page shows its parent). A third party
nothing refers to stays unnamed: administrators see it (/admin/), nobody else, until one names
it or removes it (README: "Partnerships sealed").

Funding names its funder in text, not as an agency: nothing to follow there.
"""

from django.db import migrations

# (app, model, field to the agency, path from that model to its partnership's id)
REFERENCES = [
    ("cooperation", "ActionPlan", "coordinators", "partnership_id"),
    ("cooperation", "ThemeAgency", "agency", "theme__plan__partnership_id"),
    ("cooperation", "Commitment", "agencies", "theme__plan__partnership_id"),
    ("cooperation", "Activity", "first_lead_agency", "theme__plan__partnership_id"),
    ("cooperation", "Activity", "second_lead_agency", "theme__plan__partnership_id"),
    ("cooperation", "Activity", "participants", "theme__plan__partnership_id"),
    ("cooperation", "AmendmentChange", "agency", "amendment__plan__partnership_id"),
    ("events", "Event", "organisers", "plan__partnership_id"),
    ("events", "ProgrammeItem", "organiser", "event__plan__partnership_id"),
    ("events", "DelegationMember", "agency", "event__plan__partnership_id"),
]


def named_pairs(apps) -> set[tuple[int, int]]:
    """(third party id, partnership id) for every reference, and up each one's parents."""
    Agency = apps.get_model("partners", "Agency")
    third_parties = dict(Agency.objects.filter(city__isnull=True).values_list("pk", "parent_id"))
    pairs = set()
    for app, model, field, path in REFERENCES:
        rows = apps.get_model(app, model).objects.filter(**{f"{field}__city__isnull": True})
        pairs |= set(rows.values_list(f"{field}__id", path).distinct())
    named = set()
    for agency_id, partnership_id in pairs:
        seen = set()
        while agency_id in third_parties and agency_id not in seen:
            seen.add(agency_id)
            named.add((agency_id, partnership_id))
            agency_id = third_parties[agency_id]
    return named


def name_third_parties(apps, schema_editor):
    Membership = apps.get_model("partners", "Agency").partnerships.through
    present = set(Membership.objects.values_list("agency_id", "partnership_id"))
    Membership.objects.bulk_create(
        Membership(agency_id=agency, partnership_id=partnership)
        for agency, partnership in sorted(named_pairs(apps) - present)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0003_third_party_partnerships"),
        ("cooperation", "0007_bilingual_notes"),
        ("events", "0001_initial"),
    ]

    operations = [
        # Backwards: the memberships go with the field (0003); nothing to undo here.
        migrations.RunPython(name_third_parties, migrations.RunPython.noop),
    ]
