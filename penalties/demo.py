"""Demo penalty cases (idempotent): one closed case and one waiting for the party at 告知."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from penalties import services
from penalties.models import PenaltyCase
from penalties.selectors import case_recommendation

DEMO_PDF = b"%PDF-1.4\n% demo evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _evidence(case, officer, description):
    upload = SimpleUploadedFile("demo-evidence.pdf", DEMO_PDF, content_type="application/pdf")
    services.evidence_add(case=case, upload=upload, description=description, actor=officer)


def _closed_case(enterprise, officer, co_investigator, approver, today: dt.date) -> None:
    filed = today - dt.timedelta(days=60)
    case = services.case_open(
        enterprise=enterprise,
        violation="unlicensed_work",
        source="inspection",
        source_ref="DEMO-CF-1",
        officer=officer,
        co_investigator=co_investigator,
        summary="“双随机、一公开”检查发现当事人超越许可范围承揽110千伏变电站安装工程。",
        today=filed,
    )
    services.case_start_investigation(case=case, officer=officer)
    _evidence(case, officer, "现场检查笔录及工程合同复印件")
    services.note_add(
        case=case, author=co_investigator, text="询问当事人项目负责人，其承认超越许可范围承揽工程。"
    )
    services.case_record_facts(
        case=case,
        officer=officer,
        facts="当事人持有承装类四级许可证，于本年度承揽110千伏变电站安装工程，超越许可范围从事承装电力设施活动，违法所得3万元。",
        illegal_gains=Decimal("30000"),
    )
    case = PenaltyCase.objects.get(pk=case.pk)
    services.case_notify(
        case=case,
        officer=officer,
        fine_amount=case_recommendation(case).amount,
        grounds="当事人的行为违反了《承装（修、试）电力设施许可证管理办法》第四条的规定。",
        today=filed + dt.timedelta(days=10),
    )
    services.case_decide(case=case, approver=approver, reason="", today=filed + dt.timedelta(days=25))
    services.execution_record(
        case=case,
        officer=officer,
        note="当事人已缴纳罚款并上缴违法所得，已停止超范围承揽。",
        fine_paid_on=filed + dt.timedelta(days=35),
        today=filed + dt.timedelta(days=36),
    )
    services.case_close(
        case=case, officer=officer, note="处罚决定已全部执行，予以结案。", today=filed + dt.timedelta(days=40)
    )


def _notified_case(enterprise, officer, today: dt.date) -> None:
    case = services.case_open(
        enterprise=enterprise,
        violation="registration_not_filed",
        source="ex_officio",
        source_ref="DEMO-CF-2",
        officer=officer,
        summary="核查发现当事人法定代表人已变更，未按规定办理许可证登记事项变更手续。",
        today=today - dt.timedelta(days=14),
    )
    services.case_start_investigation(case=case, officer=officer)
    _evidence(case, officer, "市场主体登记信息查询结果")
    services.case_record_facts(
        case=case,
        officer=officer,
        facts="当事人法定代表人于三个月前变更，至今未申请办理许可证登记事项变更。",
        illegal_gains=None,
    )
    case = PenaltyCase.objects.get(pk=case.pk)
    services.case_notify(
        case=case,
        officer=officer,
        fine_amount=case_recommendation(case).amount,
        grounds="当事人的行为违反了《承装（修、试）电力设施许可证管理办法》关于登记事项变更的规定。",
        today=today,
    )


def seed(ctx: dict) -> None:
    enterprises, users = ctx["enterprises"], ctx["users"]
    today = timezone.localdate()
    if not PenaltyCase.objects.filter(source_ref="DEMO-CF-1").exists():
        _closed_case(
            enterprises["dishonest"], users["nf_officer"], users["nf_officer2"], users["nf_approver"], today
        )
    if not PenaltyCase.objects.filter(source_ref="DEMO-CF-2").exists():
        _notified_case(enterprises["trust"], users["nf_officer"], today)
