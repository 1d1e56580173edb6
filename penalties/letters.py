"""行政处罚决定书 as a verifiable PDF, issued in the transaction of the decision."""

from __future__ import annotations

from documents.services import document_request
from penalties.selectors import decision_document_context


def decision_letter(case, actor):
    ctx = decision_document_context(case)
    violation, discretion = ctx["violation"], ctx["discretion"]
    statement = (
        "；".join(s["text"] for s in ctx["statements"])
        if ctx["statements"]
        else (
            "当事人书面放弃陈述、申辩和听证的权利。"
            if ctx["waived"]
            else "当事人在规定期限内未提出陈述、申辩或听证要求。"
        )
    )
    return document_request(
        doc_type="penalty_decision",
        agency=case.agency,
        enterprise=case.enterprise,
        subject_type="penalties.penaltycase",
        subject_id=case.pk,
        actor=actor,
        context={
            "legal_representative": case.enterprise.legal_representative,
            "address": case.enterprise.address,
            "facts": ctx["facts"] or ctx["summary"],
            "evidence": [e["description"] or e["file_name"] for e in ctx["evidence"]]
            or ["案件调查笔录及相关证据材料"],
            "statement": statement,
            "violated_provisions": violation["violated_provision"],
            "penalty_basis": violation["penalty_provision"],
            "discretion": discretion["reasoning"] or "",
            "penalties": ctx["outcomes"] or ["警告"],
            **({"fine_amount": case.fine_amount} if case.fine_amount else {}),
            "appeal_body": ctx["rights"]["review_body"],
        },
    )
