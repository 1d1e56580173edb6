"""The initial checklists (loaded by migration 0002; an administrator edits them afterwards).

Drawn from the licence conditions of 国家发展改革委令2020年第36号 and the points seed 002 and seed 003
item 13 name: licence conditions maintained (personnel, equipment, net assets, projects) and, for
the higher tiers, compliance with the licensing rules (licence use, scope, subcontracting).
"""

# kind, code, text, guidance
CHECKLISTS = [
    # 现场检查
    (
        "on_site",
        "personnel",
        "人员在岗及资格",
        "核对技术负责人、安全负责人、专业技术人员和技术工人是否在岗，资格证书是否有效，社保是否在本单位缴纳。",
    ),
    (
        "on_site",
        "equipment",
        "机具设备",
        "现场清点许可条件要求的机具设备，核对数量、型号、检验合格情况及产权或租赁证明。",
    ),
    (
        "on_site",
        "safety",
        "安全生产制度",
        "检查安全生产责任制、安全培训记录、应急预案及安全生产许可证等落实情况。",
    ),
    (
        "on_site",
        "licence_use",
        "许可证使用",
        "检查是否存在涂改、倒卖、出租、出借或以其他形式非法转让许可证的情况。",
    ),
    (
        "on_site",
        "scope",
        "承揽范围",
        "检查在建及已完工程是否超越许可类别和等级承揽，是否存在转包、违法分包。",
    ),
    ("on_site", "projects", "工程业绩真实性", "抽查申报及在建工程业绩的合同、验收资料，核实业绩真实性。"),
    ("on_site", "premises", "经营场所", "核实注册地址与实际经营场所是否一致，办公条件是否满足要求。"),
    (
        "on_site",
        "changes",
        "登记事项变更报告",
        "检查名称、法定代表人、住所等登记事项变更是否按规定及时申请变更。",
    ),
    # 非现场检查（资料、数据）
    (
        "off_site",
        "personnel_docs",
        "人员在岗及资格（资料核查）",
        "调阅人员劳动合同、社保缴费记录、职称及资格证书，与系统登记信息比对。",
    ),
    (
        "off_site",
        "equipment_docs",
        "机具设备（资料核查）",
        "调阅设备购置发票、租赁合同、检验报告，与许可条件比对。",
    ),
    ("off_site", "net_assets", "净资产", "调阅最近一期经审计的财务报表，核对净资产是否满足所持等级要求。"),
    (
        "off_site",
        "projects_docs",
        "工程业绩真实性（资料核查）",
        "调阅工程合同、竣工验收证明，必要时向建设单位核实。",
    ),
    (
        "off_site",
        "credit_data",
        "信用及处罚数据",
        "查询能源行业信用信息平台，核实失信行为、行政处罚及整改落实情况。",
    ),
    (
        "off_site",
        "licence_use_docs",
        "许可证使用（资料核查）",
        "核查投标、合同文件中许可证信息的使用是否合规。",
    ),
    # 远程视频核验
    (
        "video",
        "identity",
        "人员身份及在岗（视频）",
        "视频连线逐人核对身份证件与本人，询问岗位职责，确认在岗。",
    ),
    (
        "video",
        "certificates",
        "资格证书原件（视频）",
        "视频展示资格证书原件，核对证书编号、有效期与登记信息。",
    ),
    ("video", "equipment_video", "机具设备（视频）", "视频展示机具设备铭牌、数量及存放场所。"),
    ("video", "premises_video", "经营场所（视频）", "视频展示办公场所及公司标识，核对与注册地址一致。"),
    # 年度自查
    (
        "self",
        "self_personnel",
        "人员在岗及资格",
        "本单位技术负责人、安全负责人、专业技术人员、技术工人数量及资格是否持续满足许可条件。",
    ),
    ("self", "self_equipment", "机具设备", "许可条件要求的机具设备是否齐全、完好，并按规定检验。"),
    ("self", "self_safety", "安全生产制度", "安全生产责任制、教育培训、应急管理等制度是否健全并落实。"),
    ("self", "self_licence_use", "许可证使用", "是否存在涂改、倒卖、出租、出借或非法转让许可证的情况。"),
    ("self", "self_scope", "承揽范围", "是否超越许可范围承揽工程，是否存在转包、违法分包。"),
    ("self", "self_projects", "工程业绩真实性", "报送的工程业绩是否真实、准确。"),
    (
        "self",
        "self_changes",
        "变更及报告义务",
        "人员、资产等不再满足许可条件时是否在30日内报告；登记事项变更是否及时办理。",
    ),
]
