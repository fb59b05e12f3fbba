"""Email (locmem and a real SMTP sink) and SMS (a fake provider on loopback)."""

from __future__ import annotations

import base64
import email

import pytest
from django.core import mail

from calmdesk.actions.outbox import send_due
from calmdesk.actions.surveys import do_send_survey
from calmdesk.models import OutboxMessage
from calmdesk.sms import SmsError, send_sms
from tests.followup.conftest import resolved_case
from tests.followup.fakes import FakeSmsProvider, SmtpSink

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms(settings):
    provider = FakeSmsProvider()
    settings.CALMDESK_SMS_URL = provider.url
    settings.CALMDESK_SMS_USER, settings.CALMDESK_SMS_PASSWORD = "AC1", "secret"
    settings.CALMDESK_SMS_FROM = "+15550001111"
    yield provider
    provider.close()


def test_twilio_compatible_request(sms):
    result = send_sms("+447700900123", "Hi Dana & co: 100% sorted?", key="survey:1")
    req = sms.requests[0]
    assert req["path"].endswith("/Messages.json")
    assert req["fields"] == {
        "To": "+447700900123",
        "From": "+15550001111",
        "Body": "Hi Dana & co: 100% sorted?",
    }
    assert req["headers"]["Authorization"] == "Basic " + base64.b64encode(b"AC1:secret").decode()
    assert req["headers"]["Idempotency-Key"] == "survey:1"
    assert result.provider_id == "SM0001"


def test_json_provider_by_template(sms, settings):
    settings.CALMDESK_SMS_CONTENT_TYPE = "application/json"
    settings.CALMDESK_SMS_BODY_TEMPLATE = '{"to": $to, "from": $sender, "text": $body}'
    send_sms("+447700900123", 'Quote " and \\ backslash')
    assert sms.requests[0]["fields"] == {
        "to": "+447700900123",
        "from": "+15550001111",
        "text": 'Quote " and \\ backslash',
    }


@pytest.mark.parametrize(("code", "retry"), [(500, True), (429, True), (400, False), (401, False)])
def test_provider_errors_say_whether_to_retry(settings, code, retry):
    provider = FakeSmsProvider(fail_with=code)
    settings.CALMDESK_SMS_URL = provider.url
    try:
        with pytest.raises(SmsError) as err:
            send_sms("+447700900123", "hello")
        assert err.value.retry is retry
    finally:
        provider.close()


def test_sms_survey_through_the_outbox_with_retry_and_backoff(
    org, settings, django_capture_on_commit_callbacks
):
    import time_machine

    provider = FakeSmsProvider(fail_with=503)
    settings.CALMDESK_SMS_URL = provider.url
    try:
        with time_machine.travel("2026-03-02 09:00:00+00:00", tick=False) as t:
            case = resolved_case(
                org, channel="sms", email="", phone="+447700900123", external_id="s1"
            )
            with django_capture_on_commit_callbacks(execute=True):
                survey = do_send_survey(case.customer, "nps", conversation=case)
            row = OutboxMessage.objects.get(survey=survey)
            assert (row.state, row.attempts) == ("pending", 1) and "503" in row.last_error
            t.shift(10)
            assert send_due() == 0 and len(provider.requests) == 1  # backing off (30 s)
            provider.fail_with = 0
            t.shift(25)
            assert send_due() == 1
    finally:
        provider.close()
    row.refresh_from_db()
    assert (row.state, row.attempts, row.provider_id) == ("sent", 2, "SM0001")
    body = provider.requests[-1]["fields"]["Body"]
    assert "/follow-up/s/" in body and "Opt out: http" in body and "{" not in body


def test_email_survey_through_a_real_smtp_server(org, settings, django_capture_on_commit_callbacks):
    sink = SmtpSink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    try:
        case = resolved_case(org)
        with django_capture_on_commit_callbacks(execute=True):
            survey = do_send_survey(case.customer, "csat", conversation=case)
    finally:
        sink.close()
    assert len(sink.messages) == 1
    got = email.message_from_string(sink.messages[0]["data"])
    assert sink.messages[0]["to"] == ["dana@example.com"]
    assert got["Message-ID"] == f"<cd.survey.{survey.pk}@calmdesk.localhost>"
    assert got["List-Unsubscribe"].strip().startswith("<http") and got["List-Unsubscribe-Post"]
    assert got["Auto-Submitted"] == "auto-generated"
    assert "/follow-up/s/" in got.get_payload(decode=True).decode()


def test_email_survey_with_locmem(org, django_capture_on_commit_callbacks):
    case = resolved_case(org)
    with django_capture_on_commit_callbacks(execute=True):
        do_send_survey(case.customer, "csat", conversation=case)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dana@example.com"]
    assert "Hi Dana," in mail.outbox[0].body
