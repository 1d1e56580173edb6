"""The notices and decisions licensing issues (SPEC §8), built from the application's own data and
handed to the documents app in the transaction of the event that issues them."""

from __future__ import annotations

from documents.models import Document
from documents.services import document_request
from licensing.models import Application, Kind, Licence, LicenceType

SUBJECT = "licensing.application"
LICENCE_SUBJECT = "licensing.licence"
APPEAL_BODY = "国家能源局"
LAW = "《中华人民共和国行政许可法》"

KIND_TITLES = {
    Kind.NEW: "新申请",
    Kind.LICENSED_CHANGE: "许可事项变更",
    Kind.REGISTRATION_CHANGE: "登记事项变更",
    Kind.RENEWAL: "有效期延续",
    Kind.REISSUE: "补办",
    Kind.CANCELLATION: "注销",
}
CATEGORY_TITLES = {"install": "承装类", "repair": "承修类", "test": "承试类"}


def licence_title(licence_type: str, business_class: str = "") -> str:
    if licence_type == LicenceType.FACILITY:
        return "承装（修、试）电力设施许可证"
    return {
        "generation": "电力业务许可证（发电类）",
        "transmission": "电力业务许可证（输电类）",
        "supply": "电力业务许可证（供电类）",
    }.get(business_class, "电力业务许可证")


def matter(app: Application) -> str:
    return f"{licence_title(app.licence_type, app.business_class)}{KIND_TITLES[app.kind]}"


def _issue(
    app: Application, doc_type: str, context: dict, actor, *, subject=SUBJECT, subject_id=None
) -> Document:
    return document_request(
        doc_type=doc_type,
        agency=app.agency,
        enterprise=app.enterprise,
        subject_type=subject,
        subject_id=subject_id or app.pk,
        context=context,
        actor=actor,
    )


def _actor(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def acceptance_notice(app: Application, actor) -> Document:
    return _issue(
        app,
        "acceptance_notice",
        {
            "application_kind": matter(app),
            "application_number": app.number,
            "received_on": app.received_on,
            "accepted_on": app.accepted_on,
            "time_limit_days": app.time_limit_days or 0,
            "decision_due_on": app.deadline,
            "deemed_accepted": app.deemed_accepted,
            **({"contact_name": app.handled_by.display_name} if app.handled_by_id else {}),
        },
        _actor(actor),
    )


def rejection_decision(app: Application, actor) -> Document:
    return _issue(
        app,
        "rejection_decision",
        {
            "application_kind": matter(app),
            "application_number": app.number,
            "received_on": app.received_on,
            "reasons": [app.not_accepted_reason],
            "legal_basis": f"{LAW}第三十二条",
            "appeal_body": APPEAL_BODY,
        },
        actor,
    )


def correction_notice(app: Application, actor) -> Document:
    return _issue(
        app,
        "correction_notice",
        {
            "application_kind": matter(app),
            "application_number": app.number,
            "received_on": app.received_on,
            "missing_items": [
                {"name": item, "requirement": "请按本通知补正"} for item in app.correction_items
            ],
            "contact_name": actor.display_name,
        },
        actor,
    )


def tolerant_documents(app: Application, actor) -> list[Document]:
    signer = app.created_by
    letter = _issue(
        app,
        "tolerant_commitment",
        {
            # The platform keeps no ID number of the legal representative: the letter refers to the proof
            # filed with the application instead of printing personal data.
            "legal_representative": app.enterprise.legal_representative,
            "legal_representative_id": "见身份证明材料",
            "agent_name": signer.display_name,
            "matter": matter(app),
            "reason": app.tolerant_reason or "部分人员、机具设备材料尚在办理",
            "supply_by": app.tolerant_due_on,
            "materials": app.tolerant_items,
            "signed_on": app.tolerant_signed_at.date() if app.tolerant_signed_at else app.accepted_on,
        },
        actor,
    )
    notice = _issue(
        app,
        "tolerant_correction_notice",
        {
            "application_kind": matter(app),
            "missing_items": app.tolerant_items,
            "officer_name": actor.display_name,
        },
        actor,
    )
    return [letter, notice]


def tolerant_termination_notice(app: Application) -> Document:
    return _issue(
        app,
        "tolerant_termination_notice",
        {
            "applied_on": app.received_on,
            "matter": matter(app),
            "reason": "你（单位）未在承诺期限内补正全部容缺材料",
        },
        None,
    )


def commitment_letter(app: Application, actor) -> Document:
    from licensing.conditions import conditions_for

    conditions, _missing = conditions_for([(s.category, s.level_id) for s in app.scopes.all()])
    lines = [
        f"{CATEGORY_TITLES[c.category]}{c.level.name}：{c.projects_required or '人员、机具设备符合许可条件'}"
        for c in conditions
    ] or ["符合所申请许可事项的法定条件"]
    return _issue(
        app,
        "commitment_letter",
        {
            "matter": matter(app),
            "legal_basis": "《承装（修、试）电力设施许可证管理办法》",
            "conditions": lines,
            "materials": ["营业执照", "人员、机具设备清单"],
            "legal_representative": app.enterprise.legal_representative,
            "signed_on": app.commitment_signed_at.date() if app.commitment_signed_at else app.received_on,
        },
        actor,
    )


def _permits(licence: Licence) -> list[dict]:
    if licence.licence_type != LicenceType.FACILITY:
        return [{"category": licence.get_business_class_display()}]
    return [{"category": CATEGORY_TITLES[s.category], "level": s.level.name} for s in licence.scopes.all()]


def grant_documents(app: Application, actor) -> list[Document]:
    """准予许可决定书, and (except for a cancellation) the licence certificate, superseding the old one."""
    licence = app.licence
    issued = [
        _issue(
            app,
            "grant_decision",
            {
                "application_kind": matter(app),
                "application_number": app.number,
                "received_on": app.received_on,
                "accepted_on": app.accepted_on,
                "permits": _permits(licence),
                "licence_number": licence.number,
                "valid_from": licence.valid_from,
                "valid_until": licence.valid_until,
                "legal_basis": "《承装（修、试）电力设施许可证管理办法》"
                if app.licence_type == LicenceType.FACILITY
                else "《电力业务许可证管理规定》",
            },
            actor,
        )
    ]
    if app.kind != Kind.CANCELLATION:
        previous = Document.objects.filter(
            doc_type="licence_certificate",
            subject_type=LICENCE_SUBJECT,
            subject_id=str(licence.pk),
            validity="current",
        ).first()
        issued.append(
            document_request(
                doc_type="licence_certificate",
                agency=app.agency,
                enterprise=app.enterprise,
                subject_type=LICENCE_SUBJECT,
                subject_id=licence.pk,
                actor=actor,
                supersedes=previous,
                context={
                    "licence_title": licence_title(licence.licence_type, licence.business_class),
                    "licence_number": licence.number,
                    "legal_representative": app.enterprise.legal_representative,
                    "address": app.enterprise.address,
                    "permits": _permits(licence),
                    "valid_from": licence.valid_from,
                    "valid_until": licence.valid_until,
                },
            )
        )
    return issued


def denial_decision(app: Application, actor) -> Document:
    return _issue(
        app,
        "denial_decision",
        {
            "application_kind": matter(app),
            "application_number": app.number,
            "received_on": app.received_on,
            "accepted_on": app.accepted_on,
            "reasons": [app.decision_reason],
            "legal_basis": f"{LAW}第三十八条",
            "appeal_body": APPEAL_BODY,
        },
        actor,
    )
