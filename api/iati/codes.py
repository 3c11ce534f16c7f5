"""The portal's values as IATI 2.03 codes (https://iatistandard.org/en/iati-standard/203/
codelists/). One place, so the choices are documented and tested together."""

from __future__ import annotations

from cooperation.models import ActivityStatus, FundingSource
from partners.models import AgencyKind
from reviews.lifecycle import Stage

VERSION = "2.03"

# Hierarchy: the plan is the parent activity, its joint activities its children.
PLAN_HIERARCHY = "1"
ACTIVITY_HIERARCHY = "2"

# RelatedActivityType: 1 parent, 2 child.
RELATED_PARENT = "1"
RELATED_CHILD = "2"

# ActivityStatus: 1 pipeline/identification, 2 implementation, 3 finalisation, 4 closed,
# 5 cancelled, 6 suspended.
ACTIVITY_STATUS = {
    ActivityStatus.PLANNED: "1",
    ActivityStatus.IN_PROGRESS: "2",
    ActivityStatus.COMPLETED: "4",
    ActivityStatus.CANCELLED: "5",
    ActivityStatus.ON_HOLD: "6",
}

# The plan's status from its stage (reviews.lifecycle, never ActionPlan.status): an ended plan
# that is being evaluated is in finalisation, a renewed or concluded one is closed.
PLAN_STATUS = {
    Stage.DRAFT: "1",
    Stage.NOT_STARTED: "1",
    Stage.IN_FORCE: "2",
    Stage.ENDED: "3",
    Stage.EVALUATED: "3",
    Stage.RENEWED: "4",
    Stage.CONCLUDED: "4",
}

# ActivityDateType.
PLANNED_START = "1"
ACTUAL_START = "2"
PLANNED_END = "3"
ACTUAL_END = "4"

# OrganisationRole.
ROLE_FUNDING = "1"
ROLE_ACCOUNTABLE = "2"
ROLE_EXTENDING = "3"
ROLE_IMPLEMENTING = "4"

# OrganisationType: a city and its divisions, commissions, bureaus, centres, committees,
# coordinating offices and libraries are local government (11: sub-national government);
# enterprises private sector (70), universities academic (80), federations national NGOs (22),
# anything else "other" (90).
LOCAL_GOVERNMENT = "11"
ORGANISATION_TYPE = {
    AgencyKind.COORDINATING_OFFICE: LOCAL_GOVERNMENT,
    AgencyKind.DIVISION: LOCAL_GOVERNMENT,
    AgencyKind.COMMISSION: LOCAL_GOVERNMENT,
    AgencyKind.BUREAU: LOCAL_GOVERNMENT,
    AgencyKind.CENTRE: LOCAL_GOVERNMENT,
    AgencyKind.COMMITTEE: LOCAL_GOVERNMENT,
    AgencyKind.LIBRARY: LOCAL_GOVERNMENT,
    AgencyKind.ENTERPRISE: "70",
    AgencyKind.UNIVERSITY: "80",
    AgencyKind.FEDERATION: "22",
    AgencyKind.OTHER: "90",
}
OTHER_ORGANISATION = "90"

# DescriptionType: 1 general, 2 objectives.
DESCRIPTION_GENERAL = "1"
DESCRIPTION_OBJECTIVES = "2"

# SectorVocabulary 99: the reporting organisation's own (the plan's themes).
SECTOR_VOCABULARY = "99"

# TransactionType. The two cities fund the plan's activities themselves (Article Three): their
# amounts are commitments (2). A third party's money comes into the activity from outside:
# incoming funds (1). A funding row has no date of its own; the transaction is dated on the
# activity's start (actual, else planned), else the plan's signing or first day.
TRANSACTION_TYPE = {
    FundingSource.FIRST_CITY: "2",
    FundingSource.SECOND_CITY: "2",
    FundingSource.THIRD_PARTY: "1",
}

# What was reported spent of a funding row (Funding.spent) is an expenditure (4).
EXPENDITURE = "4"

# Narrative languages (ISO 639-1) of the bilingual content fields.
LANGUAGES = (("en", "en"), ("zh", "zh_hans"))


def organisation_type(agency) -> str:
    return ORGANISATION_TYPE.get(agency.kind, OTHER_ORGANISATION)
