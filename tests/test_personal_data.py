"""Personal data (ID numbers, mobile numbers): masked in logs, in lists and in the audit log."""

import datetime as dt
import io
import logging

import pytest

from core.logfilters import PersonalDataFilter, mask_personal_data

ID_NUMBER = "44010119800101123X"
MOBILE = "13912345678"


def console_handler():
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    masked = [h for h in handlers if any(isinstance(f, PersonalDataFilter) for f in h.filters)]
    assert masked, "config LOGGING: the console handler must carry the personal_data filter"
    return masked[0]


def test_every_configured_handler_masks():
    from django.conf import settings

    for name, handler in settings.LOGGING["handlers"].items():
        assert "personal_data" in handler.get("filters", []), f"LOGGING handler {name!r} lacks the filter"


def test_log_record_is_masked_in_the_output():
    handler = console_handler()
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        log = logging.getLogger("licensing.anything")
        log.warning("person %s phone %s", ID_NUMBER, MOBILE)
        log.error("inline %s/%s", ID_NUMBER.lower(), "+86 " + MOBILE)
        try:
            raise ValueError(f"bad id {ID_NUMBER}")
        except ValueError:
            log.exception("failed for %s", MOBILE)
    finally:
        handler.setStream(previous)
    output = stream.getvalue()
    assert ID_NUMBER not in output and ID_NUMBER.lower() not in output and MOBILE not in output
    assert "440101********123X" in output and "139****5678" in output
    assert "ValueError: bad id 440101********123X" in output


@pytest.mark.parametrize(
    "text",
    [
        "licence NF-CX-2024-00001",
        "credit code 91440101MA00000012",
        "serial 123456789012345678901",  # longer digit runs are not ID numbers
        "amount 100000",
    ],
)
def test_mask_leaves_other_numbers(text):
    assert mask_personal_data(text) == text


def test_audit_rows_never_hold_a_full_id_number(enterprise_user):
    from core.models import AuditLog
    from licensing import roster

    person = roster.personnel_add(
        enterprise=enterprise_user.enterprise,
        actor=enterprise_user,
        name="李四",
        id_number=ID_NUMBER,
        role="skilled_worker",
        employed_from=dt.date(2024, 1, 1),
    )
    roster.personnel_leave(person=person, actor=enterprise_user, on=dt.date(2025, 1, 1))
    rows = list(AuditLog.objects.values_list("before", "after", "reason", "context"))
    assert rows
    assert ID_NUMBER not in repr(rows)
