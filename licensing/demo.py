"""Demo licences, rosters and applications in many states. Idempotent: each demo application is
keyed by its applicant note ("demo:<key>") and skipped when it exists."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from licensing import services
from licensing.dates import add_years
from licensing.models import (
    Application,
    Equipment,
    EquipmentRequirement,
    GeneratingUnit,
    Level,
    Licence,
    LicenceCondition,
    LicenceScope,
    Personnel,
    PersonnelRequirement,
    RegistryEntry,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红"


def _level(code):
    return Level.objects.get(scheme__code="NDRC-36-2020", code=code)


def _roster(enterprise, scopes, serial, shortfall=0):
    if Personnel.objects.filter(enterprise=enterprise).exists():
        return
    today = timezone.localdate()
    conditions = [LicenceCondition.objects.get(category=c, level=_level(lv)) for c, lv in scopes]
    need: dict[str, int] = {}
    for req in PersonnelRequirement.objects.filter(condition__in=conditions):
        need[req.role] = max(need.get(req.role, 0), req.min_count)
    n = 0
    for role, count in need.items():
        for i in range(count - (shortfall if role == "skilled_worker" else 0)):
            n += 1
            name = SURNAMES[(serial * 7 + n) % len(SURNAMES)] + GIVEN[(n * 3 + i) % len(GIVEN)]
            expiry = today + dt.timedelta(days=400 + n)
            if role == "safety_lead" and serial == 3:
                expiry = today - dt.timedelta(days=20)  # an expired certificate for the scan to find
            Personnel.objects.create(
                enterprise=enterprise,
                name=name,
                id_number=f"4401{serial:02d}19850101{n:04d}"[:18],
                role=role,
                certificate_no=f"DEMO{serial:02d}{n:05d}",
                certificate_expiry=expiry,
                employed_from=dt.date(2019, 3, 1),
                title="工程师" if role != "skilled_worker" else "",
            )
    items: dict[int, int] = {}
    for req in EquipmentRequirement.objects.filter(condition__in=conditions):
        items[req.item_id] = max(items.get(req.item_id, 0), req.min_count)
    for item_id, count in items.items():
        Equipment.objects.create(enterprise=enterprise, item_id=item_id, quantity=count, model_name="DEMO")


def _licence(
    enterprise, number, scopes, *, issued, via="ordinary", licence_type="facility", business_class=""
):
    licence = Licence.objects.filter(number=number).first()
    if licence:
        return licence
    years = 6 if licence_type == "facility" else 20
    licence = Licence.objects.create(
        number=number,
        licence_type=licence_type,
        business_class=business_class,
        enterprise=enterprise,
        agency=enterprise.agency,
        issued_on=issued,
        valid_from=issued,
        valid_until=add_years(issued, years) - dt.timedelta(days=1),
        obtained_via=via,
        level_scheme=Level.objects.first().scheme if licence_type == "facility" else None,
    )
    for category, level in scopes:
        LicenceScope.objects.create(licence=licence, category=category, level=_level(level))
    return licence


def _draft(key, user, kind, *, licence=None, scopes=None, **kwargs):
    existing = Application.objects.filter(applicant_note=f"demo:{key}").first()
    if existing:
        return existing, False
    app = services.application_create(
        enterprise=user.enterprise,
        kind=kind,
        actor=user,
        licence=licence,
        scopes=[(c, _level(lv).pk) for c, lv in (scopes or [])],
        applicant_note=f"demo:{key}",
        **kwargs,
    )
    upload = ContentFile(PDF, name="营业执照.pdf")
    services.material_add(application=app, kind="business_licence", upload=upload, actor=user)
    return app, True


def seed(ctx: dict) -> None:
    e, u = ctx["enterprises"], ctx["users"]
    today = timezone.localdate()
    officer, officer2, approver = u["nf_officer"], u["nf_officer2"], u["nf_approver"]
    _roster(e["good"], [("install", "3"), ("repair", "3")], 1)
    _roster(e["trust"], [("test", "4"), ("install", "4")], 2, shortfall=3)
    _roster(e["dishonest"], [("install", "4")], 3)
    _roster(e["serious"], [("install", "5")], 4)
    _roster(e["gx"], [("install", "4")], 5)
    _roster(e["bj"], [("repair", "4")], 6)
    # licences: one expiring soon (renewal reminder), one by commitment (post check), a generation licence
    good_lic = _licence(
        e["good"],
        "NF-CX-2020-00101",
        [("install", "3"), ("repair", "3")],
        issued=add_years(today, -6) + dt.timedelta(days=80),
    )
    _licence(e["trust"], "NF-CX-2022-00231", [("test", "4")], issued=dt.date(2022, 5, 10))
    _licence(e["dishonest"], "NF-CX-2021-00310", [("install", "4")], issued=dt.date(2021, 9, 1))
    _licence(e["serious"], "NF-CX-2023-00412", [("install", "5")], issued=dt.date(2023, 4, 18))
    gx = _licence(
        e["gx"],
        "NF-CX-2026-00011",
        [("install", "4")],
        issued=today - dt.timedelta(days=150),
        via="commitment",
    )
    if gx.post_check_due is None:
        from licensing.dates import add_months

        gx.post_check_due = add_months(gx.issued_on, 6)
        gx.save(update_fields=["post_check_due"])
    gen = _licence(
        e["gen"],
        "NF-FD-2008-00007",
        [],
        issued=dt.date(2008, 6, 30),
        licence_type="power_business",
        business_class="generation",
    )
    if not gen.units.exists():
        GeneratingUnit.objects.create(
            licence=gen,
            name="1号机组",
            capacity_mw=600,
            commissioned_on=dt.date(1997, 3, 1),
            design_life_years=30,
        )
        GeneratingUnit.objects.create(
            licence=gen,
            name="2号机组",
            capacity_mw=600,
            commissioned_on=dt.date(2009, 11, 1),
            design_life_years=30,
        )
    _licence(e["bj"], "HB-CX-2024-00058", [("repair", "4")], issued=dt.date(2024, 1, 15))
    for ent in (e["good"], e["trust"]):
        RegistryEntry.objects.get_or_create(
            kind="market_entity", key=ent.credit_code, defaults={"data": {"name": ent.name, "status": "存续"}}
        )
        for person in Personnel.objects.filter(enterprise=ent, role__in=["technical_lead", "safety_lead"]):
            RegistryEntry.objects.get_or_create(
                kind="employment", key=f"{ent.credit_code}:{person.id_number}"
            )
            RegistryEntry.objects.get_or_create(
                kind="qualification",
                key=person.certificate_no,
                defaults={"data": {"name": person.name, "valid_until": "2030-12-31"}},
            )

    ent_good, ent_trust, ent_dis = u["ent_good"], u["ent_trust"], u["ent_dishonest"]
    # a fresh submission awaiting acceptance
    app, new = _draft("submitted", ent_trust, "new", scopes=[("install", "4")])
    if new:
        services.application_submit(application=app, actor=ent_trust)
    # a correction notice out
    app, new = _draft(
        "correction",
        ent_dis,
        "licensed_change",
        licence=Licence.objects.get(number="NF-CX-2021-00310"),
        scopes=[("install", "3")],
    )
    if new:
        services.application_submit(application=app, actor=ent_dis)
        services.application_request_correction(
            application=app,
            officer=officer,
            items=["工程业绩合同扫描件不清晰，请重新提供", "缺少净资产证明（近一期审计报告）"],
        )
    # a timely renewal under review (the good licence expires in about 80 days)
    app, new = _draft("renewal", ent_good, "renewal", licence=good_lic)
    if new:
        services.application_submit(application=app, actor=ent_good)
        services.application_accept(application=app, officer=officer)
        services.application_start_review(application=app, actor=officer)
    # tolerant acceptance awaiting supplement (trust is 3 skilled workers short)
    app, new = _draft(
        "tolerant",
        ent_trust,
        "licensed_change",
        licence=Licence.objects.get(number="NF-CX-2022-00231"),
        scopes=[("test", "4"), ("install", "4")],
    )
    if new:
        services.application_submit(
            application=app,
            actor=ent_trust,
            mode="tolerant",
            sign=True,
            tolerant_items=["技术工人上岗证书3份"],
            tolerant_reason="新招聘人员证书尚在办理",
        )
        services.application_tolerant_accept(application=app, officer=officer2)
    # awaiting the approver's decision
    app, new = _draft("pending", ent_good, "new", scopes=[("test", "5")])
    if new:
        services.application_submit(application=app, actor=ent_good)
        services.application_accept(application=app, officer=officer)
        services.application_start_review(application=app, actor=officer)
        services.application_propose(
            application=app,
            officer=officer,
            outcome="approve",
            text="人员、设备满足承试五级许可条件，建议准予许可。",
        )
    # expert review (clock paused)
    app, new = _draft("experts", ent_dis, "new", scopes=[("test", "5")])
    if new:
        services.application_submit(application=app, actor=ent_dis)
        services.application_accept(application=app, officer=officer2)
        services.application_start_review(application=app, actor=officer2)
        services.application_send_to_experts(application=app, actor=officer2)
    # decided ones: approved (registration change), denied, withdrawn
    app, new = _draft(
        "approved",
        ent_good,
        "registration_change",
        licence=good_lic,
        registration_changes={"address": "广州市天河区珠江新城示范路88号"},
    )
    if new:
        services.application_submit(application=app, actor=ent_good)
        services.application_accept(application=app, officer=officer)
        services.application_propose(
            application=app, officer=officer, outcome="approve", text="登记事项变更材料齐全。"
        )
        services.application_decide(application=app, approver=approver, outcome="approve")
    app, new = _draft("denied", ent_dis, "new", scopes=[("repair", "5")])
    if new:
        services.application_submit(application=app, actor=ent_dis)
        services.application_accept(application=app, officer=officer2)
        services.application_start_review(application=app, actor=officer2)
        services.application_begin_site_inspection(application=app, actor=officer2)
        services.application_record_site_inspection(
            application=app, officer=officer2, result="现场核查发现技术工人实际在岗人数不足。"
        )
        services.application_propose(
            application=app, officer=officer2, outcome="deny", text="人员条件不满足承修五级要求。"
        )
        services.application_decide(application=app, approver=approver, outcome="deny")
    app, new = _draft("withdrawn", ent_trust, "new", scopes=[("repair", "5")])
    if new:
        services.application_submit(application=app, actor=ent_trust)
        services.application_withdraw(application=app, actor=ent_trust, reason="企业调整经营计划")
    # a draft the enterprise is still filling
    _draft("draft", ent_good, "new", scopes=[("install", "2")])
