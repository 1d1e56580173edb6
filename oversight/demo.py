"""Demo oversight data, after the licensing demo: the events synced from the audit log, a few
ratings (one real-name 不满意 whose callback is in progress), the callback setting of the southern
bureau and one flagged work item. Idempotent: nothing is added twice."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import Agency
from licensing.models import Application
from oversight import services
from oversight.models import OversightSetting, ServiceEvent, ServiceKind, WorkFlag


def _event(key: str, kind: str):
    app = Application.objects.filter(applicant_note=f"demo:{key}").first()
    if app is None:
        return None
    return ServiceEvent.objects.filter(application=app, kind=kind).order_by("occurred_at").first()


def _rate(event, user, level, comment="", anonymous=False):
    if event is None or hasattr(event, "rating"):
        return None
    return services.rating_create(event=event, user=user, level=level, comment=comment, anonymous=anonymous)


def seed(ctx: dict) -> None:
    u = ctx["users"]
    nf = Agency.objects.get(code="NF")
    if not OversightSetting.objects.filter(agency=nf).exists():
        services.oversight_setting_update(
            agency=nf, actor=u["nf_supervisor"], callback_working_days=5, handlers=[u["nf_approver"]]
        )
    services.oversight_sync()

    _rate(
        _event("approved", ServiceKind.DECISION),
        u["ent_good"],
        "very_satisfied",
        "材料一次性告知清楚，登记事项变更当周办结。",
    )
    _rate(
        _event("tolerant", ServiceKind.TOLERANT_ACCEPTANCE),
        u["ent_trust"],
        "basically_satisfied",
        anonymous=True,
    )
    bad = _rate(
        _event("denied", ServiceKind.DECISION),
        u["ent_dishonest"],
        "dissatisfied",
        "现场核查时间临时变更，未提前告知企业，技术工人未能全部到场。",
    )
    if bad is not None:
        services.callback_record_contact(
            task=bad.callback,
            actor=u["nf_approver"],
            contacted_at=timezone.now(),
            method="phone",
            person=bad.contact_name or "王丽",
            notes="企业反映现场核查改期仅提前半天电话通知；已致歉，承诺三个工作日内核实核查安排记录。",
        )

    if not WorkFlag.objects.filter(manual=True, agency=nf).exists():
        services.work_flag_report(
            actor=u["nf_supervisor"],
            agency=nf,
            rule="intermediary",
            description="企业来电反映：经办人建议其委托某咨询公司代为整理申报材料。需核实是否存在指定中介机构服务。",
            occurred_on=timezone.localdate() - dt.timedelta(days=3),
        )
    services.work_flags_regenerate(full=True)
