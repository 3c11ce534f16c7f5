"""What the amendment tests share: a valid draft, and the amendment's stored state."""

import datetime

from cooperation.amendments.models import Amendment, ChangeKind
from cooperation.services import amendments as service

EFFECTIVE = datetime.date(2022, 3, 1)


def values(**kwargs):
    result = {
        "title_en": "Withdraw the annual dialogue",
        "title_zh_hans": "撤回年度对话",
        "reason_en": "Replaced by the joint committee.",
        "reason_zh_hans": "由联合委员会取代。",
        "effective_on": EFFECTIVE,
    }
    result.update(kwargs)
    return result


def withdraw(commitment):
    return [{"kind": ChangeKind.WITHDRAW_COMMITMENT, "commitment": commitment}]


def draft(world, user=None, changes=None, **kwargs):
    return service.draft_amendment(
        user=user or world.hki_coordinator,
        plan=world.plan,
        changes=changes if changes is not None else withdraw(world.commitment),
        **values(**kwargs),
    )


def submitted(world, **kwargs):
    amendment = draft(world, **kwargs)
    return service.submit_amendment(
        user=world.hki_coordinator, amendment=amendment, expected_version=amendment.version
    )


def approved(world, **kwargs):
    amendment = submitted(world, **kwargs)
    return service.approve_amendment(
        user=world.bj_coordinator, amendment=amendment, expected_version=amendment.version
    )


def state(amendment):
    stored = Amendment.objects.get(pk=amendment.pk)
    return (
        stored.status,
        stored.number,
        stored.version,
        stored.title_en,
        stored.return_comment,
        stored.decided_by_id,
        list(stored.changes.values_list("kind", "commitment_id", "theme_id", "text_en")),
    )
