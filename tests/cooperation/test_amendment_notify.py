"""E-mails about amendments: to the other side's coordinators on submission, to the author's
side on approval or return; each in the recipient's language; sent only after the commit."""

import pytest
from django.core import mail

from cooperation.amendments import notify
from cooperation.services import amendments as service
from partners.models import Profile
from tests.cooperation.amendment_helpers import draft, submitted

pytestmark = pytest.mark.clock


def test_nothing_is_sent_before_the_commit(world, django_capture_on_commit_callbacks):
    amendment = draft(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        service.submit_amendment(
            user=world.hki_coordinator, amendment=amendment, expected_version=amendment.version
        )
    assert len(callbacks) == 1 and mail.outbox == []


def test_a_recipient_who_chose_chinese_gets_chinese_only(world, django_capture_on_commit_callbacks):
    Profile.objects.filter(user=world.bj_coordinator).update(preferred_language="zh-hans")
    amendment = draft(world)
    with django_capture_on_commit_callbacks(execute=True):
        service.submit_amendment(
            user=world.hki_coordinator, amendment=amendment, expected_version=amendment.version
        )
    (message,) = mail.outbox
    assert "撤回年度对话" in message.body
    assert "Withdraw the annual dialogue" not in message.body
    assert "2022年3月1日" in message.body
    assert f"/amendments/{amendment.pk}/" in message.body


def test_approval_tells_the_authors_side_with_the_number(world, django_capture_on_commit_callbacks):
    Profile.objects.filter(user=world.hki_coordinator).update(preferred_language="en")
    amendment = submitted(world)
    with django_capture_on_commit_callbacks(execute=True):
        service.approve_amendment(
            user=world.bj_coordinator, amendment=amendment, expected_version=amendment.version
        )
    (message,) = mail.outbox
    assert message.to == [world.hki_coordinator.email]
    assert message.subject.startswith("Amendment approved")
    assert "It is amendment 1 and takes effect on 1 March 2022." in message.body


def test_a_mail_server_failure_does_not_undo_the_decision(world, monkeypatch):
    amendment = submitted(world)

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", broken)
    assert notify.submitted(amendment.pk) == 0
