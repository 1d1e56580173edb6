"""The first edition of the credit-measure list, exactly as seed 003 (and SPEC §4's table) reads.

Loaded by the data migration `credit/0002`; afterwards the measures are data that an administrator
edits (a new edition is a new PolicyVersion with its own effective dates). Item 0 is the one measure
that comes from seed 000 二(二) rather than seed 003: notification-commitment (告知承诺制) is not for
失信 / 严重失信 enterprises until their credit is repaired.
"""

G, T, D, S = "good", "trustworthy", "dishonest", "seriously_dishonest"
ALL = (G, T, D, S)

ORDINARY = "按照《承装（修、试）电力设施许可证管理办法》及相关规定办理。"

VIOLATIONS = [
    # item, code, title (seed 003 items 5–12)
    (5, "false_materials", "隐瞒或提供虚假申请材料"),
    (6, "deception_bribery", "以欺骗、贿赂等不正当手段取得许可证、变更许可事项"),
    (7, "licence_misuse", "涂改、倒卖、出租、出借、非法转让许可证"),
    (8, "unlicensed_work", "未取得许可证或超越许可范围非法从事承装、承修、承试电力设施活动"),
    (9, "major_accident", "发生重大以上生产安全事故或重大质量责任事故"),
    (10, "registration_not_filed", "未按照规定办理登记事项变更手续"),
    (
        11,
        "contracting_unlicensed",
        "电力企业将承装（修、试）电力设施业务发包给未取得许可证或者超越许可范围承揽工程的单位或者个人",
    ),
    (
        12,
        "grid_not_reporting",
        "电网企业发现未取得许可证或者超越许可范围承揽用户受电工程的单位或者个人，未按照规定及时报告",
    ),
]


def measures() -> list[dict]:
    rows: list[dict] = []

    def add(item, scope, tier, text, violation="", **values):
        rows.append(
            {"item": item, "scope": scope, "tier": tier, "violation": violation, "text": text, **values}
        )

    # item 0 — 告知承诺制 (seed 000 二(二), 二(三))
    for scope in ("new", "licensed_change", "renewal"):
        for tier in (G, T):
            add(0, scope, tier, "可采取告知承诺制等便利性措施。", commitment_allowed=True)
        for tier in (D, S):
            add(
                0, scope, tier, "严格进行许可审查，在其信用修复前不适用告知承诺制。", commitment_allowed=False
            )

    # item 1 — 递交申请材料
    add(
        1,
        "renewal",
        G,
        "减免人员、机具设备、经营场所、净资产、工程业绩（三级及以上）等证明材料，申请人只提供相应清单，"
        "许可机关简化办理程序，采用签批等绿色通道方式办理。",
        materials_exempt=True,
    )
    for tier in (T, D, S):
        add(1, "renewal", tier, ORDINARY, materials_exempt=False)
    for tier in (G, T):
        add(
            1,
            "reissue",
            tier,
            "不再要求在规定的媒体上刊登遗失声明，由许可机关在官方网站发布公告。",
            lost_notice_required=False,
        )
    for tier in (D, S):
        add(1, "reissue", tier, ORDINARY, lost_notice_required=True)

    # item 2 — 容缺受理
    tolerant_text = (
        "申请人基本条件具备、主要申请材料齐全且符合法定形式，人员和机具设备部分欠缺的，除技术负责人、安全负责人外的"
        "各类人员容缺不超过要求数量的{p}%，机具设备容缺不超过总项数的{e}%，由申请人签署申请容缺受理承诺书，"
        "承诺在约定期限（10日）内补正补齐材料，许可机关予以受理。"
    )
    for scope in ("new", "licensed_change"):
        add(
            2,
            scope,
            G,
            tolerant_text.format(p=40, e=30),
            tolerant_allowed=True,
            personnel_gap_max=40,
            equipment_gap_max=30,
        )
        add(
            2,
            scope,
            T,
            tolerant_text.format(p=30, e=20),
            tolerant_allowed=True,
            personnel_gap_max=30,
            equipment_gap_max=20,
        )
        for tier in (D, S):
            add(2, scope, tier, ORDINARY + "不实行容缺受理。", tolerant_allowed=False)
    add(
        2,
        "renewal",
        G,
        tolerant_text.format(p=40, e=30),
        tolerant_allowed=True,
        personnel_gap_max=40,
        equipment_gap_max=30,
    )
    for tier in (T, D, S):
        add(2, "renewal", tier, ORDINARY, tolerant_allowed=False)

    # item 3 — 现场核查
    key_check = (
        "列为重点核查对象，加强申请材料真实性以及证明效力等方面的审查，必须进行现场核查。"
        "现场核查逐项核实其提交的有关人员、机具设备等相关证明材料。"
    )
    for scope in ("new", "licensed_change"):
        for tier in (G, T):
            add(3, scope, tier, "根据需要进行现场核查。", site_inspection="as_needed")
        for tier in (D, S):
            add(3, scope, tier, key_check, site_inspection="mandatory")
    add(3, "renewal", G, "可免于现场核查。", site_inspection="exempt")
    add(3, "renewal", T, "根据需要进行现场核查。", site_inspection="as_needed")
    for tier in (D, S):
        add(3, "renewal", tier, key_check, site_inspection="mandatory")

    # item 4 — 办理时限 (working days)
    for scope in ("new", "licensed_change"):
        add(
            4,
            scope,
            G,
            "审批时间由20日压缩为15日（容缺受理的除外）。",
            time_limit_days=15,
            same_day=False,
            limit_applies_to_tolerant=False,
        )
        for tier in (T, D, S):
            add(4, scope, tier, ORDINARY, time_limit_days=20, same_day=False)
    add(
        4,
        "renewal",
        G,
        "审批时间由20日压缩为10日（容缺受理的除外）。",
        time_limit_days=10,
        same_day=False,
        limit_applies_to_tolerant=False,
    )
    for tier in (T, D, S):
        add(4, "renewal", tier, ORDINARY, time_limit_days=20, same_day=False)
    for tier in (G, T):
        add(4, "registration_change", tier, "审批时间由15日压缩为10日。", time_limit_days=10, same_day=False)
    for tier in (D, S):
        add(4, "registration_change", tier, ORDINARY, time_limit_days=15, same_day=False)
    add(4, "reissue", G, "受理当日补发许可证。", time_limit_days=0, same_day=True)
    add(4, "reissue", T, "受理之日起5日内补发许可证。", time_limit_days=5, same_day=False)
    for tier in (D, S):
        add(4, "reissue", tier, ORDINARY, time_limit_days=None, same_day=False)

    # items 5–12 — 行政处罚: fine position within the discretion range (国能发监管〔2017〕55号)
    for item, code, title in VIOLATIONS:
        add(
            item,
            "penalty",
            G,
            f"{title}：罚款幅度按照对应违法行为处罚幅度下限处理。",
            violation=code,
            fine_position="lower",
        )
        add(
            item,
            "penalty",
            T,
            f"{title}：罚款幅度按照对应违法行为处罚幅度范围内处理。",
            violation=code,
            fine_position="within",
        )
        for tier in (D, S):
            add(
                item,
                "penalty",
                tier,
                f"{title}：罚款幅度按照对应违法行为处罚幅度上限处理。",
                violation=code,
                fine_position="upper",
            )

    # item 13 — 重点监管对象筛选
    add(
        13,
        "daily",
        G,
        "“双随机、一公开”随机抽中概率降低20%，检查以非现场监管为主的方式进行。",
        selection_probability_change=-20,
        inspection_manner="off_site",
        always_selected=False,
    )
    add(
        13,
        "daily",
        T,
        "按照“双随机、一公开”随机抽取，检查通过现场检查或非现场监管的方式进行。",
        selection_probability_change=0,
        inspection_manner="either",
        always_selected=False,
    )
    add(
        13,
        "daily",
        D,
        "“双随机、一公开”随机抽中概率提高20%，检查以现场检查为主的方式进行，除检查许可条件的维持情况外，"
        "同时对其执行承装（修、试）电力设施许可法规制度的情况进行检查。",
        selection_probability_change=20,
        inspection_manner="on_site",
        always_selected=False,
    )
    add(
        13,
        "daily",
        S,
        "列为重点监管对象，每年至少对其开展一次现场检查，除检查许可条件的维持情况外，同时对其执行承装（修、试）"
        "电力设施许可法规制度的情况进行检查；在开展专项监管、定点监管或问题监管时，将其列为必查监管对象。",
        selection_probability_change=None,
        inspection_manner="on_site",
        always_selected=True,
    )

    # item 14 — 报送自查报告
    add(
        14,
        "annual",
        G,
        "按照许可机关要求开展自查并报送自查报告，一般情况下许可机关对其自查情况免于核查。",
        self_inspection_verification="none",
    )
    add(
        14,
        "annual",
        T,
        "按照许可机关要求开展自查并报送自查报告，由许可机关按照“双随机、一公开”的办法，对其自查情况进行抽查。",
        self_inspection_verification="spot_check",
    )
    for tier in (D, S):
        add(
            14,
            "annual",
            tier,
            "按照许可机关要求开展自查并报送自查报告，由许可机关按照“双随机、一公开”的办法，对自查情况进行重点核查。",
            self_inspection_verification="key",
        )
    return rows
