"""责令整改通知书 as a verifiable PDF, issued with the order."""

from __future__ import annotations

from documents.services import document_request

LEGAL_BASIS = "《承装（修、试）电力设施许可证管理办法》"


def order_letter(order, actor):
    return document_request(
        doc_type="rectification_order",
        agency=order.agency,
        enterprise=order.enterprise,
        subject_type="supervision.rectificationorder",
        subject_id=order.pk,
        actor=actor,
        context={
            "inspected_on": order.issued_on,
            "inspection_kind": str(order.get_source_display()),
            "findings": [line.strip() for line in order.findings.splitlines() if line.strip()]
            or [order.findings],
            "legal_basis": LEGAL_BASIS,
            "rectify_by": order.deadline,
            "contact_name": order.issued_by.display_name,
        },
    )
