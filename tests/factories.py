import factory

from accounts.credit_code import make_code
from accounts.models import Agency, Enterprise, User

TEST_PASSWORD = "Test-pass-2026"


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试电力工程有限公司{n:04d}")
    credit_code = factory.Sequence(lambda n: make_code(f"91440101MA{n:07d}"))
    legal_representative = "张三"
    province = "44"
    address = "广州市天河区测试路1号"
    agency = factory.LazyAttribute(lambda o: Agency.objects.get(jurisdictions__province=o.province))
    contact_phone = "13800000000"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    real_name = factory.LazyAttribute(lambda o: o.username)
    role = "enterprise"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


# --- licensing --------------------------------------------------------------------------------
import datetime as dt  # noqa: E402

from licensing.models import (  # noqa: E402
    Equipment,
    EquipmentRequirement,
    GeneratingUnit,
    Level,
    Licence,
    LicenceCondition,
    LicenceScope,
    Personnel,
    PersonnelRequirement,
)


def level(code: str = "4") -> Level:
    return Level.objects.get(scheme__code="NDRC-36-2020", code=code)


class LicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Licence
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"NF-CX-2024-{n:05d}")
    licence_type = "facility"
    enterprise = factory.SubFactory(EnterpriseFactory)
    agency = factory.LazyAttribute(lambda o: o.enterprise.agency)
    issued_on = dt.date(2024, 3, 1)
    valid_from = dt.date(2024, 3, 1)
    valid_until = dt.date(2030, 2, 28)

    @factory.post_generation
    def scopes(obj, create, extracted, **kwargs):
        """scopes=[("install", "4"), …]; default 承装四级."""
        if not create:
            return
        for category, level_code in extracted if extracted is not None else [("install", "4")]:
            LicenceScope.objects.create(licence=obj, category=category, level=level(level_code))


class PersonnelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Personnel

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"员工{n:04d}")
    id_number = factory.Sequence(lambda n: f"44010119800101{n % 10000:04d}")
    role = "skilled_worker"
    certificate_no = factory.Sequence(lambda n: f"CERT{n:06d}")
    certificate_expiry = dt.date(2030, 12, 31)
    employed_from = dt.date(2020, 1, 1)


class GeneratingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GeneratingUnit

    licence = factory.SubFactory(
        LicenceFactory, licence_type="power_business", business_class="generation", scopes=[]
    )
    name = factory.Sequence(lambda n: f"{n + 1}号机组")
    capacity_mw = 600
    commissioned_on = dt.date(2000, 6, 1)
    design_life_years = 30


def staff_enterprise(
    enterprise,
    scopes=(("install", "4"),),
    *,
    personnel_shortfall: dict | None = None,
    equipment_missing: int = 0,
) -> None:
    """Give `enterprise` the roster and equipment the conditions of `scopes` require, minus a shortfall:
    personnel_shortfall={"skilled_worker": 3} leaves 3 people out; equipment_missing=1 leaves one item out."""
    personnel_shortfall = personnel_shortfall or {}
    conditions = [LicenceCondition.objects.get(category=c, level=level(lv)) for c, lv in scopes]
    roles: dict[str, int] = {}
    for req in PersonnelRequirement.objects.filter(condition__in=conditions):
        roles[req.role] = max(roles.get(req.role, 0), req.min_count)
    for role, count in roles.items():
        for _ in range(max(0, count - personnel_shortfall.get(role, 0))):
            PersonnelFactory(enterprise=enterprise, role=role)
    items: dict[int, int] = {}
    for req in EquipmentRequirement.objects.filter(condition__in=conditions):
        items[req.item_id] = max(items.get(req.item_id, 0), req.min_count)
    for index, (item_id, count) in enumerate(sorted(items.items())):
        if index < equipment_missing:
            continue
        Equipment.objects.create(enterprise=enterprise, item_id=item_id, quantity=count)
