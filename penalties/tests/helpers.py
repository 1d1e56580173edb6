"""Penalty cases taken to a given step through the services, as an officer would."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
# A Monday with no holiday in the following two weeks.
FILED = dt.date(2026, 3, 2)


def pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def open_case(enterprise, officer, violation="false_materials", *, licence=None, today=FILED, **kwargs):
    from penalties import services

    return services.case_open(
        enterprise=enterprise,
        violation=violation,
        source=kwargs.pop("source", "ex_officio"),
        officer=officer,
        summary=kwargs.pop("summary", "日常监管中发现申请材料存在虚假情况"),
        licence=licence,
        today=today,
        **kwargs,
    )


def investigate(case, officer, *, facts="经查，当事人提交的人员社保证明系伪造。", gains=None):
    from penalties import services

    case = services.case_start_investigation(case=case, officer=officer)
    services.evidence_add(case=case, upload=pdf(), description="询问笔录", actor=officer)
    return services.case_record_facts(case=case, officer=officer, facts=facts, illegal_gains=gains)


def notify(case, officer, *, amount=None, today=FILED, **kwargs):
    from penalties import services
    from penalties.selectors import case_recommendation

    if amount is None:
        amount = case_recommendation(case).amount
    return services.case_notify(
        case=case,
        officer=officer,
        fine_amount=Decimal(amount),
        grounds=kwargs.pop("grounds", "依据《承装（修、试）电力设施许可证管理办法》拟给予行政处罚。"),
        today=today,
        **kwargs,
    )
