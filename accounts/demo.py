from accounts.credit_code import make_code
from accounts.models import Agency, Enterprise, User

DEMO_PASSWORD = "Demo-2026-pass"

# key, name, province, division code, legal representative
DEMO_ENTERPRISES = [
    ("good", "广东粤能电力建设有限公司", "44", "440101", "陈志明"),
    ("trust", "广州南网电力工程有限公司", "44", "440104", "李建华"),
    ("dishonest", "佛山恒达电气安装有限公司", "44", "440604", "王海涛"),
    ("serious", "湛江鸿运电力设备有限公司", "44", "440802", "刘国强"),
    ("gx", "广西桂能输变电工程有限公司", "45", "450103", "黄文斌"),
    ("hn", "海南琼电建设集团有限公司", "46", "460105", "林少华"),
    ("gen", "广东珠江发电有限公司", "44", "440113", "郑卫东"),
    ("bj", "北京京电承装工程有限公司", "11", "110105", "张立新"),
]

# username, role, agency code, enterprise key, real name
DEMO_USERS = [
    ("admin", "admin", None, None, "系统管理员"),
    ("nea_supervisor", "supervisor", "NEA", None, "赵监督"),
    ("nf_supervisor", "supervisor", "NF", None, "钱监督"),
    ("nf_officer", "officer", "NF", None, "孙经办"),
    ("nf_officer2", "officer", "NF", None, "周经办"),
    ("nf_approver", "approver", "NF", None, "吴审批"),
    ("hb_officer", "officer", "HB", None, "郑经办"),
    ("hb_approver", "approver", "HB", None, "冯审批"),
    ("ent_good", "enterprise", None, "good", "陈小燕"),
    ("ent_trust", "enterprise", None, "trust", "李晓明"),
    ("ent_dishonest", "enterprise", None, "dishonest", "王丽"),
    ("ent_serious", "enterprise", None, "serious", "刘强"),
    ("ent_gen", "enterprise", None, "gen", "郑敏"),
    ("ent_bj", "enterprise", None, "bj", "张伟"),
]


def demo_credit_code(division: str, serial: int) -> str:
    return make_code(f"91{division}MA{serial:07d}"[:17])


def seed(ctx: dict) -> None:
    from accounts.services import agency_for_province

    enterprises = {}
    for serial, (key, name, province, division, legal) in enumerate(DEMO_ENTERPRISES, start=1):
        code = demo_credit_code(division, serial)
        enterprise, _ = Enterprise.objects.get_or_create(
            credit_code=code,
            defaults={
                "name": name,
                "province": province,
                "address": f"{name[:2]}市示范路{serial}号",
                "legal_representative": legal,
                "agency": agency_for_province(province),
                "contact_person": legal,
                "contact_phone": f"1380000{serial:04d}",
            },
        )
        enterprises[key] = enterprise
    users = {}
    for username, role, agency_code, enterprise_key, real_name in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                role=role,
                real_name=real_name,
                agency=Agency.objects.get(code=agency_code) if agency_code else None,
                enterprise=enterprises[enterprise_key] if enterprise_key else None,
                is_staff=role == "admin",
                is_superuser=role == "admin",
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        users[username] = user
    ctx.update(password=DEMO_PASSWORD, enterprises=enterprises, users=users)
