"""A documented sample of the licence conditions (许可条件), loaded by migration licensing/0002.

The real thresholds are in 《承装（修、试）电力设施许可证管理办法》(国家发展改革委令2020年第36号) and its
annex; this sample keeps their shape (personnel by role, equipment items, net assets, projects for
the higher levels) with round numbers that fall with the level. Administrators replace them in the
admin (docs/assumptions.md).
"""

LEVELS = [
    # code, name, rank, voltage scope
    ("1", "一级", 1, "各电压等级"),
    ("2", "二级", 2, "330千伏以下"),
    ("3", "三级", 3, "110千伏以下"),
    ("4", "四级", 4, "35千伏以下"),
    ("5", "五级", 5, "10千伏以下"),
]

EQUIPMENT = [
    ("tension_machine", "张力机"),
    ("puller", "牵引机"),
    ("crane", "起重机械"),
    ("crimper", "液压压接机"),
    ("winch", "机动绞磨"),
    ("bucket_truck", "绝缘斗臂车"),
    ("cable_fault_locator", "电缆故障测试仪"),
    ("insulation_tester", "绝缘电阻测试仪"),
    ("grounding_tester", "接地电阻测试仪"),
    ("test_transformer", "试验变压器"),
    ("dielectric_loss_tester", "介质损耗测试仪"),
    ("relay_tester", "继电保护测试仪"),
    ("partial_discharge_tester", "局部放电测试仪"),
]

EQUIPMENT_BY_CATEGORY = {
    "install": [
        "tension_machine",
        "puller",
        "crane",
        "crimper",
        "winch",
        "insulation_tester",
        "grounding_tester",
    ],
    "repair": [
        "bucket_truck",
        "cable_fault_locator",
        "crimper",
        "crane",
        "insulation_tester",
        "grounding_tester",
    ],
    "test": [
        "test_transformer",
        "dielectric_loss_tester",
        "relay_tester",
        "partial_discharge_tester",
        "insulation_tester",
        "grounding_tester",
    ],
}

# rank → (professionals, skilled workers, how many equipment items of the category list, net assets 万元)
BY_RANK = {
    1: (30, 60, 6, 5000),
    2: (20, 40, 5, 2000),
    3: (12, 25, 4, 800),
    4: (6, 15, 3, 200),
    5: (3, 8, 2, 50),
}
PROJECTS = {1: "近5年完成二级以上工程业绩", 2: "近5年完成三级以上工程业绩", 3: "近5年完成四级以上工程业绩"}


def conditions():
    for category, items in EQUIPMENT_BY_CATEGORY.items():
        for code, _name, rank, _scope in LEVELS:
            professionals, skilled, n_items, net_assets = BY_RANK[rank]
            yield {
                "category": category,
                "level": code,
                "net_assets_min": net_assets,
                "projects_required": PROJECTS.get(rank, ""),
                "personnel": {
                    "technical_lead": 1,
                    "safety_lead": 1,
                    "professional": professionals,
                    "skilled_worker": skilled,
                },
                "equipment": {item: 1 for item in items[: n_items + (1 if rank <= 2 else 0)]},
            }
