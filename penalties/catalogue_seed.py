"""The violation catalogue as first loaded (data migration 0002). Administrators edit it afterwards.

The codes and titles are those of credit.policy_seed.VIOLATIONS (seed 003 items 5–12). The articles and
amounts are our best reading of 《承装（修、试）电力设施许可证管理办法》（电监会令第28号, whose 第三十八条
to 第四十五条 seed 003 §三(二) names), 《行政许可法》 and 国能发监管〔2017〕55号; they have NOT been checked by
the legal department (docs/penalties.md lists them for that check; `legal_check` stays empty until then).
"""

from credit.policy_seed import VIOLATIONS

MEASURES = "《国家能源局行政处罚裁量权适用指引》（国能发监管〔2017〕55号）；《承装（修、试）电力设施许可信用监管应用措施清单》第{item}项"
MEASURES_44 = (
    "《承装（修、试）电力设施许可证管理办法》（电监会令第28号）第四十四条；"
    "《承装（修、试）电力设施许可信用监管应用措施清单》第{item}项"
)

# code: the legal content of the row
ROWS = {
    "false_materials": {
        "violated_provision": "《中华人民共和国行政许可法》第三十一条；《承装（修、试）电力设施许可证管理办法》第三十八条（申请人隐瞒有关情况或者提供虚假材料申请许可证）",
        "penalty_provision": "《中华人民共和国行政许可法》第七十八条；《承装（修、试）电力设施许可证管理办法》第三十八条：不予受理或者不予许可，给予警告，并处一万元以上三万元以下罚款；申请人在一年内不得再次申请许可证",
        "fine_rule": "range",
        "fine_min": "10000.00",
        "fine_max": "30000.00",
        "warning": "mandatory",
        "reapply_bar_years": 1,
        "tolerant_bar_years": 2,
        "commitment_bar_years": 2,
        "credit_grade": "serious",
    },
    "deception_bribery": {
        "violated_provision": "《中华人民共和国行政许可法》第三十一条；《承装（修、试）电力设施许可证管理办法》第三十九条（以欺骗、贿赂等不正当手段取得许可证、变更许可事项）",
        "penalty_provision": "《中华人民共和国行政许可法》第六十九条、第七十九条；《承装（修、试）电力设施许可证管理办法》第三十九条：撤销许可，给予警告，并处一万元以上三万元以下罚款；申请人在三年内不得再次申请许可证；构成犯罪的，依法追究刑事责任",
        "fine_rule": "range",
        "fine_min": "10000.00",
        "fine_max": "30000.00",
        "warning": "mandatory",
        "revocation": "mandatory",
        "reapply_bar_years": 3,
        "tolerant_bar_years": 3,
        "commitment_bar_years": 3,
        "credit_grade": "severe",
    },
    "licence_misuse": {
        "violated_provision": "《承装（修、试）电力设施许可证管理办法》第三十四条（不得涂改、倒卖、出租、出借或者以其他形式非法转让许可证）",
        "penalty_provision": "《承装（修、试）电力设施许可证管理办法》第四十条：责令改正，并处一万元以上三万元以下罚款；有违法所得的，没收违法所得；情节严重的，吊销许可证",
        "fine_rule": "range",
        "fine_min": "10000.00",
        "fine_max": "30000.00",
        "rectification": "mandatory",
        "confiscation": "optional",
        "revocation": "optional",
        "credit_grade": "serious",
    },
    "unlicensed_work": {
        "violated_provision": "《承装（修、试）电力设施许可证管理办法》第四条（未取得许可证或者超越许可范围，不得从事承装、承修、承试电力设施活动）",
        "penalty_provision": "《承装（修、试）电力设施许可证管理办法》第四十一条：责令停止违法行为，没收违法所得，并处违法所得一倍以上三倍以下罚款；没有违法所得的，处一万元以上三万元以下罚款",
        "fine_rule": "gains_multiple",
        "fine_min": "10000.00",
        "fine_max": "30000.00",
        "gains_multiple_min": "1.00",
        "gains_multiple_max": "3.00",
        "rectification": "mandatory",
        "confiscation": "mandatory",
        "credit_grade": "serious",
    },
    "major_accident": {
        "violated_provision": "《承装（修、试）电力设施许可证管理办法》第三十三条（应当遵守安全生产、工程质量的有关规定）",
        "penalty_provision": "《承装（修、试）电力设施许可证管理办法》第四十二条：责令改正，并处一万元以上三万元以下罚款；情节严重的，吊销许可证",
        "fine_rule": "range",
        "fine_min": "10000.00",
        "fine_max": "30000.00",
        "rectification": "mandatory",
        "revocation": "optional",
        "credit_grade": "severe",
    },
    "registration_not_filed": {
        "violated_provision": "《承装（修、试）电力设施许可证管理办法》第二十五条（登记事项发生变化的，应当在规定期限内申请办理变更手续）",
        "penalty_provision": "《承装（修、试）电力设施许可证管理办法》第四十三条：责令改正；逾期未改正的，处一千元以上一万元以下罚款",
        "fine_rule": "range",
        "fine_min": "1000.00",
        "fine_max": "10000.00",
        "rectification": "mandatory",
        "credit_grade": "minor",
    },
    "contracting_unlicensed": {
        "violated_provision": "《承装（修、试）电力设施许可证管理办法》第三十六条（电力企业不得将承装、承修、承试电力设施业务发包给未取得许可证或者超越许可范围承揽工程的单位或者个人）",
        "penalty_provision": "《承装（修、试）电力设施许可证管理办法》第四十四条：责令改正，并处一万元以上三万元以下罚款",
        "fine_rule": "range",
        "fine_min": "10000.00",
        "fine_max": "30000.00",
        "rectification": "mandatory",
        "credit_grade": "serious",
    },
    "grid_not_reporting": {
        "violated_provision": "《承装（修、试）电力设施许可证管理办法》第三十七条（电网企业发现未取得许可证或者超越许可范围承揽用户受电工程的，应当及时报告）",
        "penalty_provision": "《承装（修、试）电力设施许可证管理办法》第四十四条：责令改正，并处一万元以上三万元以下罚款",
        "fine_rule": "range",
        "fine_min": "10000.00",
        "fine_max": "30000.00",
        "rectification": "mandatory",
        "credit_grade": "minor",
    },
}


def violations() -> list[dict]:
    rows = []
    for item, code, title in VIOLATIONS:
        basis = (MEASURES_44 if item in (11, 12) else MEASURES).format(item=item)
        rows.append({"code": code, "item": item, "title": title, "discretion_basis": basis, **ROWS[code]})
    return rows
