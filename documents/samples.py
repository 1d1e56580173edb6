"""A realistic context for every document type: the worked examples of docs/documents.md, the
fixtures of the rendering tests and the input of the render benchmark. Keep them plausible —
a person reads the rendered pages in test-artifacts/."""

import datetime as dt
from decimal import Decimal

SAMPLE_CONTEXTS: dict[str, dict] = {
    "acceptance_notice": {
        "application_kind": "承装（修、试）电力设施许可证新申请",
        "application_number": "NF-XK-2026-000123",
        "received_on": dt.date(2026, 3, 2),
        "accepted_on": dt.date(2026, 3, 4),
        "time_limit_days": 20,
        "decision_due_on": dt.date(2026, 4, 1),
        "contact_name": "王建国",
        "contact_phone": "020-38121234",
    },
    "rejection_decision": {
        "application_kind": "承装（修、试）电力设施许可证许可事项变更",
        "application_number": "NF-XK-2026-000131",
        "received_on": dt.date(2026, 3, 3),
        "reasons": [
            "申请人申请提升承装类许可等级，但持有的许可证已于2026年1月15日被依法撤销，不具备申请许可事项变更的主体资格",
        ],
        "legal_basis": "《中华人民共和国行政许可法》第三十二条第一款第（一）项",
    },
    "correction_notice": {
        "application_kind": "承装（修、试）电力设施许可证新申请",
        "application_number": "NF-XK-2026-000127",
        "received_on": dt.date(2026, 3, 2),
        "missing_items": [
            {"name": "安全负责人任职文件及社会保险缴纳证明", "requirement": "缺少近3个月社会保险缴纳证明"},
            {"name": "技术负责人高级职称证书", "requirement": "证书复印件不清晰，请提供清晰的彩色扫描件"},
            {"name": "机具设备购置发票", "requirement": "绝缘电阻测试仪、接地电阻测试仪等3项设备发票缺失"},
            {"name": "企业净资产证明", "requirement": "须提供经会计师事务所审计的上一年度财务报告"},
        ],
        "correction_due_on": dt.date(2026, 3, 20),
        "contact_name": "李明",
        "contact_phone": "020-38121235",
    },
    "tolerant_commitment": {
        "legal_representative": "陈志强",
        "legal_representative_id": "440106197805120318",
        "agent_name": "刘芳",
        "agent_id": "440104198811023526",
        "matter": "承装（修、试）电力设施许可证新申请",
        "reason": "部分专业技术人员职称证书及2项机具设备检测报告尚在办理中",
        "supply_by": dt.date(2026, 3, 14),
        "materials": [
            "电气专业中级职称人员张伟、赵磊的职称证书",
            "SF6气体检漏仪检测报告",
            "回路电阻测试仪检测报告",
        ],
        "signed_on": dt.date(2026, 3, 4),
    },
    "tolerant_correction_notice": {
        "application_kind": "承装（修、试）电力设施许可证新申请",
        "missing_items": [
            "电气专业中级职称人员张伟、赵磊的职称证书",
            "SF6气体检漏仪检测报告",
            "回路电阻测试仪检测报告",
        ],
        "officer_name": "王建国",
    },
    "tolerant_termination_notice": {
        "applied_on": dt.date(2026, 3, 4),
        "matter": "承装（修、试）电力设施许可证新申请",
        "reason": "你（单位）未在承诺期限内补正全部容缺材料",
    },
    "commitment_letter": {
        "matter": "承装（修、试）电力设施许可证新申请（承装类四级、承修类四级）",
        "legal_basis": "《电力供应与使用条例》《承装（修、试）电力设施许可证管理办法》",
        "conditions": [
            "具有法人资格，注册资本、净资产符合申请等级的要求",
            "技术负责人具有电气专业高级职称并从事电力工程技术工作5年以上",
            "专业技术人员、技能人员数量及持证情况符合四级许可条件",
            "具有与申请等级相适应的机具设备和经营场所",
        ],
        "materials": [
            "专业技术人员职称证书及劳动合同",
            "机具设备购置发票或租赁合同",
        ],
        "legal_representative": "陈志强",
    },
    "grant_decision": {
        "application_kind": "承装（修、试）电力设施许可证新申请",
        "application_number": "NF-XK-2026-000123",
        "received_on": dt.date(2026, 3, 2),
        "accepted_on": dt.date(2026, 3, 4),
        "permits": [
            {"category": "承装类", "level": "四级"},
            {"category": "承修类", "level": "四级"},
            {"category": "承试类", "level": "五级"},
        ],
        "licence_number": "6-2-00417-2026",
        "valid_from": dt.date(2026, 3, 25),
        "valid_until": dt.date(2032, 3, 24),
    },
    "denial_decision": {
        "application_kind": "承装（修、试）电力设施许可证许可事项变更（承装类三级）",
        "application_number": "NF-XK-2026-000140",
        "received_on": dt.date(2026, 3, 5),
        "accepted_on": dt.date(2026, 3, 9),
        "reasons": [
            "经现场核查，申报的12名专业技术人员中有5人未在你单位实际任职，不满足承装类三级许可条件中专业技术人员数量要求",
            "申报的工程业绩中有2项无法提供竣工验收证明",
        ],
        "legal_basis": "《承装（修、试）电力设施许可证管理办法》第十一条",
    },
    "licence_certificate": {
        "licence_title": "承装（修、试）电力设施许可证",
        "licence_number": "6-2-00417-2026",
        "legal_representative": "陈志强",
        "address": "广东省广州市天河区珠江新城华夏路10号",
        "permits": [
            {"category": "承装类", "level": "四级"},
            {"category": "承修类", "level": "四级"},
            {"category": "承试类", "level": "五级"},
        ],
        "valid_from": dt.date(2026, 3, 25),
        "valid_until": dt.date(2032, 3, 24),
    },
    "rectification_order": {
        "inspected_on": dt.date(2026, 5, 12),
        "inspection_kind": "“双随机、一公开”现场检查",
        "findings": [
            "承装类四级许可条件要求的安全负责人已于2026年2月离职，未及时补充",
            "2名高压电工作业人员特种作业操作证已过有效期",
            "未按规定在30日内报告人员变化导致不满足许可条件的情况",
        ],
        "legal_basis": "《承装（修、试）电力设施许可证管理办法》第二十八条",
        "rectify_by": dt.date(2026, 6, 30),
        "requirements": [
            "补充配备符合条件的安全负责人并提交任职文件",
            "组织相关人员完成特种作业操作证复审",
        ],
        "contact_name": "王建国",
        "contact_phone": "020-38121234",
    },
    "penalty_decision": {
        "legal_representative": "陈志强",
        "address": "广东省广州市天河区珠江新城华夏路10号",
        "facts": "当事人在申请承装（修、试）电力设施许可证许可事项变更过程中，提交了3名专业技术人员的虚假劳动合同和社会保险缴纳证明，隐瞒上述人员未在当事人处任职的事实。",
        "evidence": [
            "当事人提交的许可申请材料",
            "广州市社会保险基金管理中心出具的参保证明",
            "对当事人法定代表人的询问笔录",
        ],
        "statement": "本机关于2026年6月3日向当事人送达了行政处罚事先告知书，当事人在法定期限内未提出陈述、申辩，也未要求听证。",
        "violated_provisions": "《承装（修、试）电力设施许可证管理办法》第二十一条",
        "discretion": "鉴于当事人信用分类标识为失信，按照国能发监管〔2017〕55号对应违法行为处罚幅度上限处理。",
        "penalty_basis": "《中华人民共和国行政许可法》第七十八条、《承装（修、试）电力设施许可证管理办法》第三十八条",
        "penalties": ["警告", "罚款人民币叁万元整"],
        "fine_amount": Decimal("30000"),
    },
    "credit_repair_decision": {
        "received_on": dt.date(2026, 7, 1),
        "accepted_on": dt.date(2026, 7, 2),
        "record_title": "提供虚假申请材料的行政处罚信息",
        "record_reference": "南方能监罚〔2026〕3号",
        "outcome": "approved",
        "findings": "你单位已全额缴纳罚款，完成整改，按规定作出信用承诺，且自处罚决定作出之日起已满最短公示期限，未再发生同类失信行为。",
        "legal_basis": "《能源行业市场主体信用修复管理办法（试行）》",
    },
    "dishonesty_notice": {
        "behaviour": "在承装（修、试）电力设施许可证许可事项变更申请中提供虚假申请材料",
        "occurred_on": dt.date(2026, 6, 10),
        "grade": "serious",
        "legal_basis": "《能源行业市场主体信用行为清单》",
        "measures": [
            "对你单位法定代表人进行约谈",
            "“双随机、一公开”抽查概率提高20%，以现场检查为主",
            "在信用修复前不适用告知承诺制",
        ],
        "publish_until": dt.date(2027, 6, 9),
        "objection_by": dt.date(2026, 6, 30),
    },
    "supervision_warning": {
        "licence_title": "承装（修、试）电力设施许可证",
        "licence_number": "6-1-00213-2021",
        "found_on": dt.date(2026, 11, 1),
        "warning_kind": "人员不满足许可条件",
        "evidence": [
            "承装类四级许可条件要求技术工人不少于15人，在岗持有效证书的技术工人12人",
            "安全负责人张某的安全生产考核合格证书已于2026年10月31日过期",
        ],
        "required_action": "请你单位对照许可条件及时补充配备相关人员、完成证书复审。",
        "respond_by": dt.date(2026, 12, 1),
        "legal_basis": "《承装（修、试）电力设施许可证管理办法》",
        "contact_name": "王建国",
        "contact_phone": "020-38121234",
    },
}
