"""The credit letters (SPEC §8): 信用修复决定书 and 失信告知书, issued as verifiable PDFs in the
transaction of the decision."""

from __future__ import annotations

from documents.services import document_request

LEGAL_BASIS = "《能源行业市场主体信用信息归集和使用管理办法》（国能资质〔2016〕388号）"


def repair_decision(request, actor):
    """信用修复决定书 for a decided repair (granted or refused)."""
    record = request.record
    return document_request(
        doc_type="credit_repair_decision",
        agency=request.enterprise.agency,
        enterprise=request.enterprise,
        subject_type="credit.creditrequest",
        subject_id=request.pk,
        actor=actor,
        context={
            "received_on": request.filed_at.date(),
            "accepted_on": request.accepted_on,
            "record_title": record.title,
            "record_reference": record.source_ref or str(record.pk),
            "outcome": "approved" if request.state == "granted" else "denied",
            "findings": request.decision_reason
            or (
                "经审查，申请人已履行相关义务并作出信用承诺，符合信用修复条件。"
                if request.state == "granted"
                else "经审查，不符合信用修复条件。"
            ),
            "legal_basis": LEGAL_BASIS,
            "appeal_body": "国家能源局",
        },
    )


def dishonesty_notice(notice, actor):
    """失信告知书 listing the records that count and the measures the enterprise now faces."""
    from credit.selectors import dishonesty_notice_context

    ctx = dishonesty_notice_context(notice)
    records = list(notice.records.all())
    worst = max(records, key=lambda r: {"minor": 1, "serious": 2, "severe": 3}.get(r.grade, 0))
    measures = [
        m.get("text", str(m)) if isinstance(m, dict) else str(m) for m in ctx.get("measures", [])
    ] or ["不适用告知承诺制和容缺受理", "许可审查中列为重点核查对象，必须进行现场核查"]
    return document_request(
        doc_type="dishonesty_notice",
        agency=notice.agency,
        enterprise=notice.enterprise,
        subject_type="credit.dishonestynotice",
        subject_id=notice.pk,
        actor=actor,
        context={
            "behaviour": "；".join(r.title for r in records),
            "occurred_on": worst.occurred_on,
            "grade": worst.grade,
            "legal_basis": LEGAL_BASIS,
            "measures": measures[:12],
            **({"publish_until": worst.publish_until} if worst.publish_until else {}),
        },
    )
