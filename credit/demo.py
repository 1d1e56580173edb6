"""Demo credit data: the four demo enterprises get their tiers through real records (idempotent).

good → a commendation; trust → an inspection without findings; dishonest → a serious (较重) record,
with a warning recorded and a pending repair; serious → a severe (严重) record, on the
joint-punishment list, with a dishonesty notice and a pending (accepted) objection.
"""

import datetime as dt

from django.utils import timezone

from credit import services
from credit.models import CreditRequest, DishonestyAction, DishonestyNotice, RequestKind

SOURCE = "demo"


def _record(enterprise, ref: str, **fields):
    return services.credit_record_create(enterprise=enterprise, source=SOURCE, source_ref=ref, **fields)


def seed(ctx: dict) -> None:
    enterprises, users = ctx["enterprises"], ctx["users"]
    officer = users["nf_officer"]
    today = timezone.localdate()

    _record(
        enterprises["good"],
        "demo-good-commendation",
        category="commendation",
        title="电力安全生产先进单位（表彰）",
        description="在电力设施安装工程安全生产工作中成绩突出，予以通报表彰。",
        occurred_on=today - dt.timedelta(days=120),
        published=True,
    )
    _record(
        enterprises["trust"],
        "demo-trust-inspection",
        category="inspection",
        title="“双随机、一公开”抽查：许可条件保持情况良好",
        occurred_on=today - dt.timedelta(days=90),
    )
    serious_record = _record(
        enterprises["dishonest"],
        "demo-dishonest-registration",
        category="dishonest",
        grade="serious",
        title="未按照规定办理登记事项变更手续",
        description="企业法定代表人变更后逾期未申请登记事项变更。",
        occurred_on=today - dt.timedelta(days=60),
        published=True,
    )
    severe_record = _record(
        enterprises["serious"],
        "demo-serious-false-materials",
        category="dishonest",
        grade="severe",
        title="隐瞒有关情况、提供虚假申请材料取得许可证",
        description="经核查，申请材料中3名技术人员的社保缴纳证明系伪造。",
        occurred_on=today - dt.timedelta(days=45),
        published=True,
    )

    if not DishonestyAction.objects.filter(record=serious_record).exists():
        services.dishonesty_action_record(
            record=serious_record,
            took_place_on=today - dt.timedelta(days=50),
            notes="向企业负责人发出警示，要求30日内完成登记事项变更。",
            actor=officer,
        )
    if not CreditRequest.objects.filter(record=serious_record, kind=RequestKind.REPAIR).exists():
        services.credit_request_file(
            kind=RequestKind.REPAIR,
            record=serious_record,
            user=users["ent_dishonest"],
            statement="已于本月完成登记事项变更手续，并缴纳罚款，申请信用修复。",
            commitment=True,
        )
    if not CreditRequest.objects.filter(record=severe_record, kind=RequestKind.OBJECTION).exists():
        objection = services.credit_request_file(
            kind=RequestKind.OBJECTION,
            record=severe_record,
            user=users["ent_serious"],
            statement="涉事技术人员的社保记录因系统迁移未及时显示，现提交社保机构出具的证明，请予以核实。",
        )
        services.credit_request_accept(request=objection, actor=officer)
    if not DishonestyNotice.objects.filter(enterprise=enterprises["serious"]).exists():
        services.dishonesty_notice_issue(enterprise=enterprises["serious"], actor=officer)
    for key in ("good", "trust", "dishonest", "serious", "gx", "hn", "gen", "bj"):
        services.tier_recompute(enterprise=enterprises[key])
