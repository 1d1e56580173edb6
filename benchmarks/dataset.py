"""A synthetic national dataset shaped like the NEA's work (docs/benchmarks.md, "The dataset").

At scale 1: 50 000 enterprises, 60 000 licences (with their scopes), 2 500 000 personnel rows,
100 000 generating units, 1 000 000 applications with their transition history in core_auditlog,
500 000 credit records, an EnterpriseCredit row per enterprise, equipment, and the staff of every
agency. Proportions follow what an agency's register looks like after ten years: most applications
decided and old, a few hundred open per agency spread over every queue state; most licences valid;
most enterprises 守信; some enterprises short of their licence conditions so the monthly scan has
findings. The first rows of every distribution cycle through all its values, so every state, tier
and status is present at any scale.

Everything it writes can be recognised (and removed by `seed_scale --reset`):
- enterprises by their e-mail domain `@seed-scale.invalid` (a reserved TLD: no real enterprise has
  it); their credit codes carry `QW` in positions 9–10 and a valid check character;
- users by the username prefix `scale_`;
- licence and application numbers by the prefix `SS-`;
- everything else by its foreign key to those rows; audit rows by actor or by the application /
  licence they record.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from accounts.credit_code import make_code
from accounts.models import Agency, Enterprise, Jurisdiction, User
from benchmarks.loader import EMPTY_OBJECT, Loader, RawJson
from core.calendar import get_calendar
from core.models import AuditLog
from credit.models import (
    CreditRecord,
    EnterpriseCredit,
    JointPunishmentEntry,
    PolicyVersion,
    RecordStatus,
    Tier,
)
from licensing.dates import add_months, add_years
from licensing.models import (
    Application,
    ApplicationScope,
    ClockPause,
    Equipment,
    EquipmentRequirement,
    GeneratingUnit,
    Level,
    LevelScheme,
    Licence,
    LicenceScope,
    LicenceStatus,
    Personnel,
    PersonnelRequirement,
    State,
    TolerantBar,
)

EMAIL_DOMAIN = "seed-scale.invalid"
USER_PREFIX = "scale_"
NUMBER_PREFIX = "SS-"
CREDIT_CODE_MARK = "QW"
HISTORY_START = dt.date(2016, 1, 4)
ORIGINATION_FROM = dt.date(2016, 4, 1)  # licences issued since have their new application in the data


@dataclass(frozen=True)
class Sizes:
    enterprises: int
    licences: int
    personnel: int
    units: int
    applications: int
    credit_records: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        """The dataset at `scale` (1 = national size), never so small that a state or tier is missing."""
        if scale <= 0:
            raise ValueError("scale must be positive")
        enterprises = max(24, round(50_000 * scale))
        return cls(
            enterprises=enterprises,
            licences=max(enterprises + 8, round(60_000 * scale)),
            personnel=max(enterprises * 50, round(2_500_000 * scale)),
            units=max(12, round(100_000 * scale)),
            applications=max(320, round(1_000_000 * scale)),
            credit_records=max(enterprises * 10, round(500_000 * scale)),
        )


class Distribution:
    """Draws from weighted values; the first len(values) draws (by index) take each value once, so
    every value is present at any scale."""

    def __init__(self, weights: list[tuple]):
        self.values = [v for v, _w in weights]
        self.cumulative = list(itertools.accumulate(w for _v, w in weights))

    def draw(self, rng: random.Random, index: int | None = None):
        if index is not None and index < len(self.values):
            return self.values[index]
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.cumulative[-1])]


# --- distributions -------------------------------------------------------------------------------
# Where the licensed enterprises are (weights, roughly the size of each province's power sector).
PROVINCE_WEIGHTS = {
    "44": 9, "32": 8, "33": 7, "37": 7, "41": 5, "51": 5, "13": 4, "42": 4, "43": 4, "35": 4, "34": 4,
    "36": 3, "45": 3, "53": 3, "52": 3, "61": 3, "21": 3, "11": 3, "31": 3, "14": 3, "15": 3, "50": 3,
    "12": 2, "22": 2, "23": 2, "62": 2, "65": 2, "46": 1, "63": 1, "64": 1, "54": 1,
}  # fmt: skip
PROVINCE_SHORT = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古", "21": "辽宁", "22": "吉林",
    "23": "黑龙江", "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西",
    "37": "山东", "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
    "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏", "61": "陕西", "62": "甘肃",
    "63": "青海", "64": "宁夏", "65": "新疆",
}  # fmt: skip
BRANDS = [
    "华能", "恒达", "鸿运", "宏远", "中电", "国信", "瑞丰", "永盛", "金源", "天成", "新能", "泰和", "长兴", "中盛",
    "安泰", "远航", "明珠", "东方", "南方", "北辰", "启明", "盛世", "润达", "博远", "兴业", "中恒", "正泰", "嘉禾",
    "汇通", "鼎盛", "信达", "华电", "广源", "同创", "立信", "宏基", "海润", "联合", "星火", "光大",
]  # fmt: skip
FACILITY_SUFFIXES = [
    "电力工程有限公司", "电力建设有限公司", "输变电工程有限公司", "电气安装有限公司", "电力设备安装有限公司",
    "电力科技有限公司", "机电工程有限公司", "电力试验研究有限公司", "送变电工程有限公司",
]  # fmt: skip
BUSINESS_SUFFIXES = {
    "generation": ["发电有限公司", "新能源有限公司", "风力发电有限公司", "光伏发电有限公司", "热电有限公司"],
    "transmission": ["输电有限公司"],
    "supply": ["供电有限公司", "配售电有限公司"],
}
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红文斌海波宁鹏飞俊辉凯琳婷雪晨浩宇"
ROADS = [
    "人民", "解放", "建设", "中山", "和平", "新华", "胜利", "光明", "长江", "黄河", "东风", "朝阳", "南京", "北京",
    "滨江", "科技", "工业", "发展",
]  # fmt: skip

TIER_WEIGHTS = [
    (Tier.TRUSTWORTHY, 0.63),
    (Tier.GOOD, 0.25),
    (Tier.DISHONEST, 0.09),
    (Tier.SERIOUSLY_DISHONEST, 0.03),
]
PRIMARY_STATUS_WEIGHTS = [
    (LicenceStatus.VALID, 0.90),
    (LicenceStatus.SUSPENDED, 0.015),
    (LicenceStatus.REVOKED, 0.015),
    (LicenceStatus.EXPIRED, 0.04),
    (LicenceStatus.CANCELLED, 0.03),
]
BUSINESS_CLASS_WEIGHTS = [("generation", 0.70), ("supply", 0.22), ("transmission", 0.08)]
LEVEL_RANK_WEIGHTS = [(5, 0.35), (4, 0.35), (3, 0.20), (2, 0.07), (1, 0.03)]
CATEGORY_COUNT_WEIGHTS = [(1, 0.55), (2, 0.30), (3, 0.15)]

# Final states of the applications (fractions). Open ones are about 2 %: a few hundred per agency.
STATE_WEIGHTS = [
    (State.APPROVED, 0.9163),
    (State.DENIED, 0.012),
    (State.NOT_ACCEPTED, 0.02),
    (State.WITHDRAWN, 0.025),
    (State.TERMINATED, 0.0025),
    (State.DRAFT, 0.003),
    (State.SUBMITTED, 0.004),
    (State.CORRECTION_REQUESTED, 0.002),
    (State.ACCEPTED, 0.0015),
    (State.TOLERANT_ACCEPTED, 0.001),
    (State.SUPPLEMENTED, 0.0007),
    (State.UNDER_REVIEW, 0.006),
    (State.AWAITING_APPLICANT, 0.0015),
    (State.SITE_INSPECTION, 0.0012),
    (State.EXPERT_REVIEW, 0.0012),
    (State.PENDING_DECISION, 0.0021),
]
KIND_WEIGHTS = [
    ("registration_change", 0.36),
    ("renewal", 0.22),
    ("licensed_change", 0.16),
    ("new", 0.12),
    ("reissue", 0.09),
    ("cancellation", 0.05),
]
UNIT_KINDS = {
    # kind: (capacity range MW, design life years, weight)
    "thermal": ((300, 1000), 30, 0.25),
    "hydro": ((20, 700), 50, 0.20),
    "wind": ((2, 6), 20, 0.35),
    "solar": ((5, 100), 25, 0.20),
}
TIERS = Distribution(TIER_WEIGHTS)
PRIMARY_STATUSES = Distribution(PRIMARY_STATUS_WEIGHTS)
BUSINESS_CLASSES = Distribution(BUSINESS_CLASS_WEIGHTS)
LEVEL_RANKS = Distribution(LEVEL_RANK_WEIGHTS)
CATEGORY_COUNTS = Distribution(CATEGORY_COUNT_WEIGHTS)
STATES = Distribution(STATE_WEIGHTS)
KINDS = Distribution(KIND_WEIGHTS)
MODES_APPROVED = Distribution([("ordinary", 0.8), ("tolerant", 0.08), ("commitment", 0.12)])
OBTAINED_VIA = Distribution([("ordinary", 0.82), ("tolerant", 0.06), ("commitment", 0.12)])
PERSONNEL_ROLES = ("technical_lead", "safety_lead", "professional", "skilled_worker")
PLAIN_STAFF_NEED = {"technical_lead": 1, "safety_lead": 1, "professional": 10, "skilled_worker": 10}


class WorkingDays:
    """add_working_days over a precomputed list of working days (the same answers as core.calendar,
    a bisect instead of a day-by-day walk, for a million applications)."""

    def __init__(self, start: dt.date, end: dt.date):
        calendar = get_calendar()
        self.days = []
        day = start
        while day <= end:
            if calendar.is_workday(day):
                self.days.append(day)
            day += dt.timedelta(days=1)

    def add(self, start: dt.date, n: int) -> dt.date:
        if n == 0:
            return start
        return self.days[bisect.bisect_right(self.days, start) + n - 1]

    def back(self, end: dt.date, n: int) -> dt.date:
        """The working day n working days before `end` (the last working day ≤ end is 0)."""
        return self.days[max(0, bisect.bisect_right(self.days, end) - 1 - n)]

    def between(self, start: dt.date, end: dt.date) -> int:
        return bisect.bisect_right(self.days, end) - bisect.bisect_right(self.days, start)


@dataclass
class EnterprisePlan:
    pk: int
    agency_id: int
    province: str
    tier: str
    business_class: str = ""  # power-business-only enterprises: their class; facility holders: ""
    user_id: int = 0
    licences: list[LicencePlan] = field(default_factory=list)
    need: dict[str, int] = field(default_factory=dict)
    equipment_need: dict[int, int] = field(default_factory=dict)


@dataclass
class LicencePlan:
    pk: int
    number: str
    enterprise: EnterprisePlan
    licence_type: str
    business_class: str
    status: str
    issued_on: dt.date
    valid_until: dt.date
    scopes: list[tuple[str, int]] = field(default_factory=list)
    originated: bool = False


class NationalDataset:
    def __init__(self, sizes: Sizes, *, seed: int = 20260101, today: dt.date | None = None, log=None):
        self.sizes = sizes
        self.rng = random.Random(seed)
        uniform = self.rng.random
        # random.randint is slow for millions of draws; this is the same distribution, 3× faster
        self.randint = lambda low, high: low + int(uniform() * (high - low + 1))
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.log = log or (lambda message: None)
        self.tz = timezone.get_current_timezone()
        self.wd = WorkingDays(HISTORY_START - dt.timedelta(days=400), add_years(self.today, 2))

    # --- entry point --------------------------------------------------------------------------
    def build(self, loader: Loader) -> None:
        import time

        steps = [
            ("reference data", self._reference_data),
            ("agency staff", lambda: self._staff(loader)),
            ("enterprises and their users", lambda: self._enterprises(loader)),
            ("licences and scopes", lambda: self._licences(loader)),
            ("generating units", lambda: self._units(loader)),
            ("personnel and equipment", lambda: self._personnel_and_equipment(loader)),
            ("credit records and tiers", lambda: self._credit(loader)),
            ("applications and their history", lambda: self._applications(loader)),
        ]
        for label, step in steps:
            started = time.monotonic()
            step()
            self.log(f"  {label}: {time.monotonic() - started:.1f} s")

    # --- reference data (already in the database: migrations load it) ----------------------------
    def _reference_data(self) -> None:
        self.agencies = {a.pk: a for a in Agency.objects.all()}
        self.agency_of_province = dict(Jurisdiction.objects.values_list("province", "agency_id"))
        scheme = LevelScheme.objects.filter(code="NDRC-36-2020").first() or LevelScheme.objects.first()
        self.scheme_id = scheme.pk
        self.level_by_rank = {lv.rank: lv.pk for lv in Level.objects.filter(scheme=scheme)}
        self.personnel_need: dict[tuple[str, int], dict[str, int]] = {}
        for category, level_id, role, n in PersonnelRequirement.objects.values_list(
            "condition__category", "condition__level_id", "role", "min_count"
        ):
            self.personnel_need.setdefault((category, level_id), {})[role] = n
        self.equipment_need: dict[tuple[str, int], dict[int, int]] = {}
        for category, level_id, item_id, n in EquipmentRequirement.objects.values_list(
            "condition__category", "condition__level_id", "item_id", "min_count"
        ):
            self.equipment_need.setdefault((category, level_id), {})[item_id] = n
        from licensing.models import EquipmentItem

        self.equipment_items = list(EquipmentItem.objects.values_list("pk", flat=True))
        self.policies = list(PolicyVersion.objects.order_by("effective_from"))
        self.usernames: dict[int, str] = {}
        rng = self.rng
        self._names = [  # 4096 names drawn once; picking from them is cheap
            rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            for _ in range(4096)
        ]
        self._policy_cache: dict = {}

    # --- agencies' staff ------------------------------------------------------------------------
    def _staff(self, loader: Loader) -> None:
        shares = {pk: 0.0 for pk in self.agencies}
        total = sum(PROVINCE_WEIGHTS.values())
        for province, weight in PROVINCE_WEIGHTS.items():
            agency_id = self.agency_of_province.get(province)
            if agency_id:
                shares[agency_id] += weight / total
        rows = []
        for agency in self.agencies.values():
            if agency.is_national:
                rows += [(agency, "supervisor", i) for i in range(3)]
                continue
            share = shares[agency.pk]
            rows += [(agency, "officer", i) for i in range(max(3, round(share * 120 * self._staff_scale())))]
            rows += [(agency, "approver", i) for i in range(max(2, round(share * 24 * self._staff_scale())))]
            rows += [(agency, "supervisor", i) for i in range(2)]
        block = loader.reserve_ids(User, len(rows))
        self.officers: dict[int, list[int]] = {}
        self.approvers: dict[int, list[int]] = {}
        self.supervisors: dict[int, list[int]] = {}
        for offset, (agency, role, i) in enumerate(rows):
            pk = block.first + offset
            username = f"{USER_PREFIX}{agency.code.lower()}_{role}{i + 1}"
            self.usernames[pk] = username
            {"officer": self.officers, "approver": self.approvers, "supervisor": self.supervisors}[
                role
            ].setdefault(agency.pk, []).append(pk)
            loader.add(User, self._user_row(pk, username, role, agency_id=agency.pk))
        loader.table(User).flush()

    def _staff_scale(self) -> float:
        return min(1.0, max(0.05, self.sizes.enterprises / 50_000))

    def _user_row(self, pk: int, username: str, role: str, *, agency_id=None, enterprise_id=None) -> dict:
        return {
            "id": pk,
            # Unusable password: the benchmarks log in with force_login and API tokens.
            "password": "!seed-scale",
            "username": username,
            "real_name": self._person_name(),
            "email": f"{username}@{EMAIL_DOMAIN}",
            "is_active": True,
            "date_joined": self.now,
            "role": role,
            "agency_id": agency_id,
            "enterprise_id": enterprise_id,
        }

    # --- enterprises ----------------------------------------------------------------------------
    def _person_name(self) -> str:
        return self._names[self.rng.getrandbits(12)]

    def _enterprises(self, loader: Loader) -> None:
        n = self.sizes.enterprises
        rng = self.rng
        provinces = list(PROVINCE_WEIGHTS)
        weights = list(PROVINCE_WEIGHTS.values())
        block = loader.reserve_ids(Enterprise, n)
        users = loader.reserve_ids(User, n)
        self.enterprises: list[EnterprisePlan] = []
        for i in range(n):
            pk = block.first + i
            # every agency gets enterprises even at the tiniest scale
            province = provinces[i] if i < len(provinces) else rng.choices(provinces, weights)[0]
            agency_id = self.agency_of_province[province]
            plan = EnterprisePlan(pk=pk, agency_id=agency_id, province=province, tier=TIERS.draw(rng, i))
            if i % 8 == 7:  # one in eight holds a power-business licence only
                plan.business_class = BUSINESS_CLASSES.draw(rng, i // 8)
            plan.user_id = users.first + i
            self.enterprises.append(plan)
            suffixes = BUSINESS_SUFFIXES[plan.business_class] if plan.business_class else FACILITY_SUFFIXES
            name = f"{PROVINCE_SHORT[province]}{rng.choice(BRANDS)}{rng.choice(BRANDS)}{rng.choice(suffixes)}"
            division = f"{province}{self.randint(1, 9):02d}{self.randint(1, 20):02d}"
            legal = self._person_name()
            loader.add(
                Enterprise,
                {
                    "id": pk,
                    "name": name,
                    "credit_code": make_code(f"91{division}{CREDIT_CODE_MARK}{i:07d}"),
                    "legal_representative": legal,
                    "province": province,
                    "address": f"{PROVINCE_SHORT[province]}{rng.choice(ROADS)}路{self.randint(1, 999)}号",
                    "agency_id": agency_id,
                    "contact_person": legal,
                    "contact_phone": f"1{self.randint(3, 9)}{self.randint(0, 999_999_999):09d}",
                    "email": f"contact{i}@{EMAIL_DOMAIN}",
                    "created_at": self.now,
                },
            )
            username = f"{USER_PREFIX}e{pk}"
            self.usernames[plan.user_id] = username
            loader.add(User, self._user_row(plan.user_id, username, "enterprise", enterprise_id=pk))

    # --- licences -------------------------------------------------------------------------------
    def _licence_number(self, agency_id: int, code: str, year: int) -> str:
        key = (agency_id, code, year)
        self._licence_seq[key] = self._licence_seq.get(key, 0) + 1
        return f"{NUMBER_PREFIX}{self.agencies[agency_id].code}-{code}-{year}-{self._licence_seq[key]:05d}"

    def _licences(self, loader: Loader) -> None:
        rng = self.rng
        n_primary = len(self.enterprises)
        n_extra = self.sizes.licences - n_primary
        block = loader.reserve_ids(Licence, self.sizes.licences)
        self._licence_seq: dict = {}
        self.licences: list[LicencePlan] = []
        next_pk = block.first
        for i, ent in enumerate(self.enterprises):
            status = PRIMARY_STATUSES.draw(rng, i)
            plan = self._licence_plan(next_pk, ent, ent.business_class, status)
            next_pk += 1
            ent.licences.append(plan)
            self.licences.append(plan)
        for j in range(n_extra):
            ent = self.enterprises[rng.randrange(n_primary)]
            if j % 5 < 2:
                # a second, valid licence of the other type (a grid company that also installs)
                business_class = rng.choice(("supply", "generation")) if not ent.business_class else ""
                plan = self._licence_plan(next_pk, ent, business_class, LicenceStatus.VALID)
            else:
                # a predecessor: cancelled, revoked or expired before the current one was granted
                status = (LicenceStatus.CANCELLED, LicenceStatus.EXPIRED, LicenceStatus.REVOKED)[j % 3]
                current = ent.licences[0]
                plan = self._licence_plan(next_pk, ent, current.business_class, status, before=current)
            next_pk += 1
            ent.licences.append(plan)
            self.licences.append(plan)

        scope_rows = sum(len(lic.scopes) for lic in self.licences)
        scope_block = loader.reserve_ids(LicenceScope, scope_rows)
        scope_pk = scope_block.first
        for lic in self.licences:
            loader.add(
                Licence,
                {
                    "id": lic.pk,
                    "number": lic.number,
                    "licence_type": lic.licence_type,
                    "business_class": lic.business_class,
                    "enterprise_id": lic.enterprise.pk,
                    "agency_id": lic.enterprise.agency_id,
                    "level_scheme_id": self.scheme_id if lic.licence_type == "facility" else None,
                    "status": lic.status,
                    "issued_on": lic.issued_on,
                    "valid_from": lic.issued_on,
                    "valid_until": lic.valid_until,
                    "obtained_via": OBTAINED_VIA.draw(rng),
                    "status_reason": {
                        LicenceStatus.REVOKED: "以欺骗手段取得许可，依法撤销",
                        LicenceStatus.CANCELLED: "企业申请注销",
                        LicenceStatus.SUSPENDED: "责令整改期间暂停",
                    }.get(lic.status, ""),
                    "created_at": self._at(lic.issued_on),
                },
            )
            for category, level_id in lic.scopes:
                loader.add(
                    LicenceScope,
                    {"id": scope_pk, "licence_id": lic.pk, "category": category, "level_id": level_id},
                )
                scope_pk += 1

    def _licence_plan(self, pk, ent, business_class, status, before: LicencePlan | None = None):
        rng = self.rng
        licence_type = "power_business" if business_class else "facility"
        years = 20 if business_class else 6
        today = self.today
        if before is not None:
            valid_until = before.issued_on - dt.timedelta(days=self.randint(1, 400))
            issued_on = add_years(valid_until, -years) + dt.timedelta(days=1)
        elif status == LicenceStatus.EXPIRED:
            valid_until = today - dt.timedelta(days=self.randint(1, 3 * 365))
            issued_on = add_years(valid_until, -years) + dt.timedelta(days=1)
        else:
            # issued at any time of its validity: some expire within 30 / 60 / 90 days (the scan reminds)
            issued_on = today - dt.timedelta(days=self.randint(1, years * 365 - 1))
            valid_until = add_years(issued_on, years) - dt.timedelta(days=1)
        code = {"": "CX", "generation": "FD", "transmission": "SD", "supply": "GD"}[business_class]
        plan = LicencePlan(
            pk=pk,
            number=self._licence_number(ent.agency_id, code, issued_on.year),
            enterprise=ent,
            licence_type=licence_type,
            business_class=business_class,
            status=status,
            issued_on=issued_on,
            valid_until=valid_until,
        )
        if licence_type == "facility":
            rank = LEVEL_RANKS.draw(rng)
            count = CATEGORY_COUNTS.draw(rng)
            for category in sorted(rng.sample(("install", "repair", "test"), count)):
                plan.scopes.append((category, self.level_by_rank[rank]))
        return plan

    # --- generating units -----------------------------------------------------------------------
    def _units(self, loader: Loader) -> None:
        rng = self.rng
        generators = [lic for lic in self.licences if lic.business_class == "generation"]
        total = self.sizes.units
        if not generators:
            return
        generators = generators[:total]
        weights = [rng.expovariate(1.0) for _ in generators]
        scale = total / sum(weights)
        counts = [max(1, int(w * scale)) for w in weights]
        diff = total - sum(counts)
        i = 0
        while diff:
            step = 1 if diff > 0 else -1
            if step > 0 or counts[i % len(counts)] > 1:
                counts[i % len(counts)] += step
                diff -= step
            i += 1
        block = loader.reserve_ids(GeneratingUnit, total)
        pk = block.first
        kinds = list(UNIT_KINDS)
        kind_weights = [UNIT_KINDS[k][2] for k in kinds]
        for lic, count in zip(generators, counts, strict=True):
            kind = rng.choices(kinds, kind_weights)[0]
            (low, high), life, _w = UNIT_KINDS[kind]
            for n in range(count):
                if rng.random() < 0.03:
                    # reaches the end of its design life within a year: the scan reminds
                    end = self.today + dt.timedelta(days=self.randint(-60, 365))
                    commissioned = add_years(end, -life)
                else:
                    commissioned = dt.date(1990, 1, 1) + dt.timedelta(
                        days=self.randint(0, (self.today - dt.date(1990, 1, 1)).days)
                    )
                loader.add(
                    GeneratingUnit,
                    {
                        "id": pk,
                        "licence_id": lic.pk,
                        "name": f"{n + 1}号机组",
                        "capacity_mw": Decimal(self.randint(low * 100, high * 100)) / 100,
                        "commissioned_on": commissioned,
                        "design_life_years": life,
                    },
                )
                pk += 1

    # --- personnel and equipment ------------------------------------------------------------------
    def _needs(self, ent: EnterprisePlan) -> None:
        facility = [lic for lic in ent.licences if lic.licence_type == "facility"]
        current = [lic for lic in facility if lic.status in ("valid", "suspended")] or facility
        scopes = [s for lic in current for s in lic.scopes]
        if not scopes:
            ent.need = dict(PLAIN_STAFF_NEED)
            return
        for scope in scopes:
            for role, n in self.personnel_need.get(scope, {}).items():
                ent.need[role] = max(ent.need.get(role, 0), n)
            for item, n in self.equipment_need.get(scope, {}).items():
                ent.equipment_need[item] = max(ent.equipment_need.get(item, 0), n)
        for role in PERSONNEL_ROLES:
            ent.need.setdefault(role, 0)

    def _personnel_and_equipment(self, loader: Loader) -> None:
        rng = self.rng
        for ent in self.enterprises:
            self._needs(ent)
        # Each enterprise employs its requirement times 1.1–2.2, scaled so the total is exact.
        minimum = [sum(e.need.values()) + 2 for e in self.enterprises]
        weights = [m * rng.uniform(1.1, 2.2) for m in minimum]
        factor = self.sizes.personnel / sum(weights)
        budgets = [max(m, round(w * factor)) for m, w in zip(minimum, weights, strict=True)]
        diff = self.sizes.personnel - sum(budgets)
        i = 0
        while diff and i < 10 * len(budgets) * max(1, abs(diff)):
            k = i % len(budgets)
            if diff > 0:
                budgets[k] += 1
                diff -= 1
            elif budgets[k] > minimum[k]:
                budgets[k] -= 1
                diff += 1
            i += 1

        block = loader.reserve_ids(Personnel, sum(budgets))
        self._personnel_pk = block.first
        facility_holders = [
            e
            for e in self.enterprises
            if any(lic.licence_type == "facility" and lic.status == "valid" for lic in e.licences)
        ]
        # 6 % short of a personnel requirement, 1 % of a lead, 4 % of an equipment item: the scan's work
        short_people = {e.pk for e in facility_holders if rng.random() < 0.06}
        short_lead = {e.pk for e in facility_holders if rng.random() < 0.01}
        short_equipment = {e.pk for e in facility_holders if rng.random() < 0.04}
        if facility_holders:  # present at every scale
            short_people.add(facility_holders[0].pk)
            short_lead.add(facility_holders[-1].pk)
            short_equipment.add(facility_holders[len(facility_holders) // 2].pk)
        self.short = {"personnel": short_people, "lead": short_lead, "equipment": short_equipment}
        for ent, budget in zip(self.enterprises, budgets, strict=True):
            self._roster(loader, ent, budget, ent.pk in short_people, ent.pk in short_lead)

        equipment_rows = []
        for ent in self.enterprises:
            items = dict(ent.equipment_need)
            missing = rng.choice(sorted(items)) if items and ent.pk in short_equipment else None
            for item, need in sorted(items.items()):
                if item == missing:
                    if rng.random() < 0.5:
                        equipment_rows.append((ent.pk, item, need, False))  # out of service
                    continue
                equipment_rows.append((ent.pk, item, need + self.randint(0, 2), True))
            for item in rng.sample(self.equipment_items, self.randint(0, 2)):
                if item not in items:
                    equipment_rows.append((ent.pk, item, self.randint(1, 3), True))
        block = loader.reserve_ids(Equipment, len(equipment_rows))
        for offset, (enterprise_id, item, quantity, in_service) in enumerate(equipment_rows):
            loader.add(
                Equipment,
                {
                    "id": block.first + offset,
                    "enterprise_id": enterprise_id,
                    "item_id": item,
                    "model_name": f"{rng.choice('ABCDEFGH')}{self.randint(100, 999)}",
                    "serial_no": f"SN{block.first + offset:09d}",
                    "quantity": quantity,
                    "acquired_on": self.today - dt.timedelta(days=self.randint(30, 4000)),
                    "in_service": in_service,
                },
            )

    def _roster(self, loader: Loader, ent: EnterprisePlan, budget: int, short: bool, short_lead: bool):
        """Qualified staff meet every requirement (unless the enterprise is short); the rest of the
        budget is more staff, some no longer counting (left, certificate expired, not insured)."""
        rng = self.rng
        qualified = dict(ent.need)
        disqualified: dict[str, int] = dict.fromkeys(PERSONNEL_ROLES, 0)
        if short:
            role = rng.choice(
                [r for r in ("professional", "skilled_worker") if qualified[r] > 0] or ["skilled_worker"]
            )
            missing = min(qualified[role], self.randint(1, 3))
            qualified[role] -= missing
            disqualified[role] += missing
        if short_lead:
            qualified["technical_lead"] = 0
            disqualified["technical_lead"] += 1
        extra = budget - sum(qualified.values()) - sum(disqualified.values())
        for _ in range(max(0, extra)):
            role = "professional" if rng.random() < 0.4 else "skilled_worker"
            if rng.random() < 0.12:
                disqualified[role] += 1
            else:
                qualified[role] += 1
        division = f"{ent.province}0{self.randint(1, 9)}0{self.randint(1, 9)}"
        for role in PERSONNEL_ROLES:
            for _ in range(qualified[role]):
                self._person(loader, ent, role, division, None)
            for _ in range(disqualified[role]):
                self._person(loader, ent, role, division, rng.choice(("left", "expired", "uninsured")))

    def _person(self, loader: Loader, ent: EnterprisePlan, role: str, division: str, problem: str | None):
        rng = self.rng
        pk = self._personnel_pk
        self._personnel_pk += 1
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=self.randint(0, 14000))
        body = f"{division}{birth:%Y%m%d}{self.randint(0, 999):03d}"
        employed_from = self.today - dt.timedelta(days=self.randint(60, 5000))
        certificate_expiry = self.today + dt.timedelta(days=self.randint(30, 2000))
        employed_until = None
        insured = True
        if problem == "left":
            employed_until = self.today - dt.timedelta(days=self.randint(1, 700))
        elif problem == "expired":
            certificate_expiry = self.today - dt.timedelta(days=self.randint(1, 400))
        elif problem == "uninsured":
            insured = False
        loader.add(
            Personnel,
            {
                "id": pk,
                "enterprise_id": ent.pk,
                "name": self._person_name(),
                "id_number": body + _id_check(body),
                "role": role,
                "title": ""
                if role == "skilled_worker"
                else rng.choice(("工程师", "高级工程师", "助理工程师")),
                "certificate_no": f"{role[:2].upper()}{pk:010d}",
                "certificate_expiry": certificate_expiry,
                "employed_from": employed_from,
                "employed_until": employed_until,
                "insured": insured,
            },
        )

    # --- credit ---------------------------------------------------------------------------------
    def _credit(self, loader: Loader) -> None:
        """Records that make each enterprise's stored tier the tier the written rules derive
        (credit.selectors.derive_tier), plus older records that no longer count."""
        n = len(self.enterprises)
        base, remainder = divmod(self.sizes.credit_records, n)
        block = loader.reserve_ids(CreditRecord, self.sizes.credit_records)
        self._record_pk = block.first
        self._joint: list[tuple[int, int, dt.date]] = []
        for i, ent in enumerate(self.enterprises):
            budget = base + (1 if i < remainder else 0)
            budget -= self._defining_records(loader, ent)
            for _ in range(max(0, budget)):
                self._filler_record(loader, ent)
            loader.add(
                EnterpriseCredit,
                {
                    "enterprise_id": ent.pk,
                    "tier": ent.tier,
                    "reason": _TIER_REASON[ent.tier],
                    "computed_at": self.now,
                },
            )
        loader.note_ids(EnterpriseCredit, self.enterprises[0].pk, n)
        written = self._record_pk - block.first
        if written != self.sizes.credit_records:
            raise RuntimeError(f"credit records: planned {self.sizes.credit_records}, wrote {written}")
        if self._joint:
            jblock = loader.reserve_ids(JointPunishmentEntry, len(self._joint))
            for offset, (record_id, enterprise_id, listed_on) in enumerate(self._joint):
                loader.add(
                    JointPunishmentEntry,
                    {
                        "id": jblock.first + offset,
                        "record_id": record_id,
                        "enterprise_id": enterprise_id,
                        "listed_on": listed_on,
                        "created_at": self._at(listed_on),
                    },
                )

    def _record(
        self, loader, ent, *, category, grade, title, occurred_on, counts_until, published=False, **extra
    ):
        pk = self._record_pk
        self._record_pk += 1
        loader.add(
            CreditRecord,
            {
                "id": pk,
                "enterprise_id": ent.pk,
                "category": category,
                "grade": grade,
                "title": title,
                "source": "platform",
                "occurred_on": occurred_on,
                "counts_until": counts_until,
                "published": published,
                "publish_until": counts_until if published else None,
                "created_at": self._at(occurred_on),
                **extra,
            },
        )
        return pk

    def _defining_records(self, loader, ent) -> int:
        rng, today = self.rng, self.today
        if ent.tier == Tier.SERIOUSLY_DISHONEST:
            occurred = today - dt.timedelta(days=self.randint(1, 900))
            pk = self._record(
                loader, ent, category="dishonest", grade="severe", title="提供虚假申请材料（严重失信）",
                occurred_on=occurred, counts_until=add_months(occurred, 36) - dt.timedelta(days=1), published=True,
            )  # fmt: skip
            self._joint.append((pk, ent.pk, occurred))
            return 1
        if ent.tier == Tier.DISHONEST:
            occurred = today - dt.timedelta(days=self.randint(1, 300))
            self._record(
                loader, ent, category="penalty", grade="serious", title="超越许可范围承揽工程（较重）",
                occurred_on=occurred, counts_until=add_months(occurred, 12) - dt.timedelta(days=1), published=True,
            )  # fmt: skip
            return 1
        if ent.tier == Tier.TRUSTWORTHY and rng.random() < 0.5:
            occurred = today - dt.timedelta(days=self.randint(1, 80))
            self._record(
                loader, ent, category="dishonest", grade="minor", title="未按时报送年度自查报告（轻微）",
                occurred_on=occurred, counts_until=add_months(occurred, 3) - dt.timedelta(days=1),
            )  # fmt: skip
            return 1
        if ent.tier == Tier.GOOD:
            occurred = today - dt.timedelta(days=self.randint(1, 900))
            self._record(
                loader, ent, category="commendation", grade="", title="安全生产先进单位",
                occurred_on=occurred, counts_until=add_months(occurred, 36) - dt.timedelta(days=1),
            )  # fmt: skip
            return 1
        return 0

    def _filler_record(self, loader, ent) -> None:
        """A record that does not count today: an inspection without findings, an expired or repaired
        negative record, an old commendation."""
        rng, today = self.rng, self.today
        kind = rng.random()
        if kind < 0.55:
            occurred = today - dt.timedelta(days=self.randint(1, 3000))
            self._record(
                loader, ent, category="inspection", grade="", title="行政检查：未发现问题",
                occurred_on=occurred, counts_until=None,
            )  # fmt: skip
        elif kind < 0.80:
            grade = rng.choice(("minor", "serious"))
            months = 3 if grade == "minor" else 12
            occurred = today - dt.timedelta(days=self.randint(months * 31 + 1, 3000))
            self._record(
                loader, ent, category=rng.choice(("inspection", "penalty", "dishonest")), grade=grade,
                title="检查发现问题（已过期）", occurred_on=occurred,
                counts_until=add_months(occurred, months) - dt.timedelta(days=1),
            )  # fmt: skip
        elif kind < 0.85:
            occurred = today - dt.timedelta(days=self.randint(40, 300))
            ended = occurred + dt.timedelta(days=self.randint(20, 39))
            self._record(
                loader, ent, category="dishonest", grade="serious", title="未及时办理登记事项变更（已修复）",
                occurred_on=occurred, counts_until=add_months(occurred, 12) - dt.timedelta(days=1),
                status=RecordStatus.REPAIRED, ended_on=ended,
            )  # fmt: skip
        else:
            occurred = today - dt.timedelta(days=self.randint(37 * 31, 3000))
            self._record(
                loader, ent, category="commendation", grade="", title="守信激励（已过期）",
                occurred_on=occurred, counts_until=add_months(occurred, 36) - dt.timedelta(days=1),
            )  # fmt: skip

    # --- applications ---------------------------------------------------------------------------
    def _policy(self, kind: str, tier: str, on: dt.date, tolerant: bool):
        """The policy in force (cached per combination); before the first edition: the statute."""
        from credit.selectors import policy_resolve

        version = next(
            (
                p
                for p in reversed(self.policies)
                if p.effective_from <= on and (p.effective_to is None or p.effective_to >= on)
            ),
            None,
        )
        if version is None or not tier:
            return None
        key = (kind, tier, version.code, tolerant)
        if key not in self._policy_cache:
            self._policy_cache[key] = policy_resolve(kind, tier, on, tolerant=tolerant)
        return self._policy_cache[key]

    def _at(self, day: dt.date, minute: int | None = None) -> dt.datetime:
        minute = self.randint(8 * 60 + 30, 17 * 60 + 30) if minute is None else minute
        return dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=self.tz)

    def _applications(self, loader: Loader) -> None:
        rng = self.rng
        n = self.sizes.applications
        block = loader.reserve_ids(Application, n)
        self._app_seq: dict = {}
        self._audit_pk = None
        self._pending_audit: list[dict] = []
        self._pauses: list[dict] = []
        self._bars: list[dict] = []
        self._app_scopes: list[dict] = []
        # Applications go to enterprises in proportion to their licences (more licences, more changes).
        owners = [ent for ent in self.enterprises for _ in ent.licences]
        for i in range(n):
            state = STATES.draw(rng, i)
            ent = owners[rng.randrange(len(owners))] if i >= len(self.enterprises) else self.enterprises[i]
            self._application(loader, block.first + i, ent, state, i)
            if len(self._pending_audit) >= 50_000:
                self._flush_audit(loader)
        self._flush_audit(loader)
        for model, rows in (
            (ClockPause, self._pauses),
            (TolerantBar, self._bars),
            (ApplicationScope, self._app_scopes),
        ):
            if rows:
                b = loader.reserve_ids(model, len(rows))
                for offset, row in enumerate(rows):
                    loader.add(model, {"id": b.first + offset, **row})

    def _flush_audit(self, loader: Loader) -> None:
        if not self._pending_audit:
            return
        b = loader.reserve_ids(AuditLog, len(self._pending_audit))
        for offset, row in enumerate(self._pending_audit):
            row["id"] = b.first + offset
            loader.add(AuditLog, row)
        self._pending_audit = []

    def _history_day(self) -> dt.date:
        if not hasattr(self, "_years"):
            last = self.today - dt.timedelta(days=30)
            weights = []
            for year in range(HISTORY_START.year, last.year + 1):
                start, end = max(HISTORY_START, dt.date(year, 1, 1)), min(last, dt.date(year, 12, 31))
                # about 15 % more applications every year (seed 002: applications doubled in a year
                # at one bureau; nationally the growth is slower)
                weights.append(
                    ((start, (end - start).days), 1.15 ** (year - HISTORY_START.year) * (end - start).days)
                )
            self._years = Distribution(weights)
        start, days = self._years.draw(self.rng)
        return start + dt.timedelta(days=self.randint(0, days))

    def _number(self, agency_id: int, day: dt.date) -> str:
        key = (agency_id, day)
        self._app_seq[key] = self._app_seq.get(key, 0) + 1
        return f"{NUMBER_PREFIX}{self.agencies[agency_id].code}{day:%Y%m%d}{self._app_seq[key]:05d}"

    def _application(self, loader: Loader, pk: int, ent: EnterprisePlan, state: str, index: int) -> None:
        rng, wd, today = self.rng, self.wd, self.today
        open_state = state not in (
            State.APPROVED,
            State.DENIED,
            State.NOT_ACCEPTED,
            State.WITHDRAWN,
            State.TERMINATED,
        )
        valid = [lic for lic in ent.licences if lic.status in ("valid", "suspended")]
        kind = KINDS.draw(rng, index)
        licence = None
        if kind == "new" and state == State.APPROVED:
            # an approved new application is where a licence came from (licensing.services sets it)
            candidates = [
                lic for lic in ent.licences if not lic.originated and lic.issued_on >= ORIGINATION_FROM
            ]
            if candidates:
                licence = candidates[0]
                licence.originated = True
            else:
                kind = "registration_change"
        history_day = None
        if kind != "new":
            if open_state:
                licence = rng.choice(valid) if valid else None
            else:
                # a day of the last ten years (more in recent years), and a licence in force that day
                history_day = self._history_day()
                # (a licence issued after that day was renewed since: issued_on is its latest certificate)
                active = [lic for lic in ent.licences if lic.issued_on <= history_day <= lic.valid_until]
                licence = rng.choice(active or ent.licences)
            if licence is None:
                kind = "new"
        mode = "ordinary"
        if state in (State.TOLERANT_ACCEPTED, State.SUPPLEMENTED, State.TERMINATED):
            mode = "tolerant"
        elif state == State.APPROVED and kind in ("new", "licensed_change", "renewal"):
            mode = MODES_APPROVED.draw(rng)
        licence_type = (
            licence.licence_type if licence else ("facility" if rng.random() < 0.88 else "power_business")
        )
        business_class = (
            licence.business_class if licence else ("" if licence_type == "facility" else "generation")
        )

        # --- when it was received ---
        if open_state:
            if state in (State.DRAFT, State.SUBMITTED):
                received = wd.back(today, self.randint(0, 4))
            elif state == State.CORRECTION_REQUESTED:
                received = wd.back(today, self.randint(3, 25))
            else:
                received = wd.back(
                    today, self.randint(3, 24) if rng.random() < 0.95 else self.randint(25, 45)
                )
        elif kind == "new" and licence is not None:
            # far enough before the issue date for the whole procedure (acceptance + time limit)
            received = wd.back(licence.issued_on, self.randint(28, 40))
        elif history_day is not None:
            received = wd.back(history_day, 0)
        else:
            low = max(HISTORY_START, licence.issued_on if licence else HISTORY_START)
            high = min(today - dt.timedelta(days=30), licence.valid_until if licence else today)
            if high <= low:
                low, high = HISTORY_START, today - dt.timedelta(days=30)
            received = wd.back(low + dt.timedelta(days=self.randint(0, (high - low).days)), 0)
        if received < HISTORY_START:
            received = wd.add(HISTORY_START, 0)

        tier = ent.tier if received >= dt.date(2020, 1, 1) else ""
        policy = self._policy(kind, tier, received, mode == "tolerant")
        statutory = 15 if kind == "registration_change" else 20
        limit = policy.time_limit_days if policy else statutory
        officer = rng.choice(self.officers[ent.agency_id])
        approver = rng.choice(self.approvers[ent.agency_id])
        clerk = ent.user_id

        row = {
            "id": pk,
            "enterprise_id": ent.pk,
            "agency_id": ent.agency_id,
            "kind": kind,
            "mode": mode,
            "licence_type": licence_type,
            "business_class": business_class,
            "licence_id": licence.pk if licence else None,
            "state": state,
            "contact_name": self._person_name(),
            "contact_phone": f"13{self.randint(0, 999_999_999):09d}",
            "created_by_id": clerk,
        }
        if kind == "registration_change":
            row["registration_changes"] = RawJson(json.dumps({"address": "新注册地址"}, ensure_ascii=False))
        elif kind == "reissue":
            row["reissue_reason"] = "许可证遗失"
        elif kind == "cancellation":
            row["cancellation_reason"] = "企业停止相关业务"
        if kind in ("new", "licensed_change") and licence_type == "facility":
            scopes = licence.scopes if licence and licence.scopes else [("install", self.level_by_rank[4])]
            for category, level_id in scopes:
                self._app_scopes.append({"application_id": pk, "category": category, "level_id": level_id})

        events: list[tuple[str, int | None, str, str, dt.date]] = []  # action, actor, from, to, day
        created = wd.back(received, self.randint(0, 3))
        events.append(("create", clerk, "", State.DRAFT, created))
        row["created_at"] = self._at(created)
        if state == State.DRAFT:
            self._finish(loader, row, events, tier, policy)
            return
        row["number"] = self._number(ent.agency_id, received)
        row["submitted_at"] = self._at(received)
        row["received_on"] = received
        row["acceptance_due"] = wd.add(received, 5)
        events.append(("submit", clerk, State.DRAFT, State.SUBMITTED, received))
        if state == State.SUBMITTED:
            self._finish(loader, row, events, tier, policy)
            return
        if state == State.CORRECTION_REQUESTED:
            day = wd.add(received, self.randint(1, 3))
            row.update(
                correction_requested_on=day, correction_items=RawJson('["营业执照副本", "人员社保证明"]')
            )
            events.append(("request_correction", officer, State.SUBMITTED, State.CORRECTION_REQUESTED, day))
            self._finish(loader, row, events, tier, policy)
            return
        if state == State.NOT_ACCEPTED:
            day = wd.add(received, self.randint(1, 5))
            row.update(not_accepted_reason="申请事项不属于本机关职权范围", decided_on=day)
            events.append(("reject", officer, State.SUBMITTED, State.NOT_ACCEPTED, day))
            self._finish(loader, row, events, tier, policy)
            return

        # accepted (or tolerant-accepted), within 5 working days; 3 % deemed accepted on the day received
        deemed = mode != "tolerant" and rng.random() < 0.03
        accepted_on = received if deemed else wd.add(received, self.randint(0, 4))
        if open_state and accepted_on > today:
            accepted_on = today
        row.update(
            accepted_on=accepted_on,
            acceptance_due=None,
            deemed_accepted=deemed,
            handled_by_id=officer,
            credit_tier=tier,
            policy_version=policy.policy_version if policy else "",
            time_limit_days=limit,
            same_day=bool(policy and policy.same_day),
            site_inspection=policy.site_inspection if policy else "",
            materials_exempt=bool(policy and policy.materials_exempt),
        )
        paused_days = 0
        if mode == "tolerant":
            row.update(
                tolerant_items=RawJson('["部分技术工人社保证明"]'),
                tolerant_reason="社保证明正在办理",
                tolerant_signed_at=self._at(received),
                tolerant_due_on=accepted_on + dt.timedelta(days=10),
                personnel_gap_pct=Decimal("12.5"),
                equipment_gap_pct=Decimal("0.0"),
            )
            events.append(("tolerant_accept", officer, State.SUBMITTED, State.TOLERANT_ACCEPTED, accepted_on))
            if state == State.TOLERANT_ACCEPTED:
                row["deadline"] = wd.add(accepted_on, limit)
                self._pauses.append(
                    {"application_id": pk, "reason": "tolerant", "started_on": accepted_on, "ended_on": None}
                )
                self._finish(loader, row, events, tier, policy)
                return
            if state == State.TERMINATED:
                day = accepted_on + dt.timedelta(days=11)
                paused_days = wd.between(accepted_on, day)
                row.update(
                    terminated_reason="未按承诺期限补正材料",
                    decided_on=day,
                    deadline=wd.add(accepted_on, limit + paused_days),
                )
                self._pauses.append(
                    {
                        "application_id": pk,
                        "reason": "tolerant",
                        "started_on": accepted_on,
                        "ended_on": day,
                        "working_days": paused_days,
                    }
                )
                self._bars.append(
                    {
                        "enterprise_id": ent.pk,
                        "application_id": pk,
                        "starts_on": day,
                        "ends_on": add_years(day, 2) - dt.timedelta(days=1),
                    }
                )
                events.append(("terminate", None, State.TOLERANT_ACCEPTED, State.TERMINATED, day))
                self._finish(loader, row, events, tier, policy)
                return
            day = min(today, accepted_on + dt.timedelta(days=self.randint(2, 9)))
            paused_days = wd.between(accepted_on, day)
            self._pauses.append(
                {
                    "application_id": pk,
                    "reason": "tolerant",
                    "started_on": accepted_on,
                    "ended_on": day,
                    "working_days": paused_days,
                }
            )
            events.append(("supplement", clerk, State.TOLERANT_ACCEPTED, State.SUPPLEMENTED, day))
            review_from, review_state = day, State.SUPPLEMENTED
        else:
            action = "deemed_accept" if deemed else "accept"
            events.append((action, None if deemed else officer, State.SUBMITTED, State.ACCEPTED, accepted_on))
            review_from, review_state = accepted_on, State.ACCEPTED
        row["paused_working_days"] = paused_days
        row["deadline"] = wd.add(accepted_on, limit + paused_days)
        if state in (State.ACCEPTED, State.SUPPLEMENTED):
            self._finish(loader, row, events, tier, policy)
            return
        if state == State.WITHDRAWN and rng.random() < 0.5:
            day = wd.add(review_from, self.randint(1, 5))
            row.update(withdrawn_reason="企业主动撤回申请", decided_on=day)
            events.append(("withdraw", clerk, review_state, State.WITHDRAWN, day))
            self._finish(loader, row, events, tier, policy)
            return

        remaining = max(1, wd.between(review_from, row["deadline"]))
        if open_state:
            remaining = max(1, wd.between(review_from, today))
        start = wd.add(review_from, min(remaining, self.randint(0, 2)))
        if open_state and start > today:
            start = today
        events.append(("start_review", officer, review_state, State.UNDER_REVIEW, start))
        if state == State.UNDER_REVIEW:
            self._finish(loader, row, events, tier, policy)
            return
        pause_state = {
            State.AWAITING_APPLICANT: ("ask_applicant", "applicant"),
            State.EXPERT_REVIEW: ("send_to_experts", "expert_review"),
        }
        if state in pause_state:
            action, reason = pause_state[state]
            day = min(today, wd.add(start, self.randint(1, 4)))
            self._pauses.append({"application_id": pk, "reason": reason, "started_on": day, "ended_on": None})
            events.append((action, officer, State.UNDER_REVIEW, state, day))
            self._finish(loader, row, events, tier, policy)
            return
        if state == State.SITE_INSPECTION:
            day = min(today, wd.add(start, self.randint(1, 4)))
            events.append(("begin_site_inspection", officer, State.UNDER_REVIEW, State.SITE_INSPECTION, day))
            self._finish(loader, row, events, tier, policy)
            return
        if state == State.WITHDRAWN:
            day = wd.add(start, self.randint(1, 5))
            row.update(withdrawn_reason="企业主动撤回申请", decided_on=day)
            events.append(("withdraw", clerk, State.UNDER_REVIEW, State.WITHDRAWN, day))
            self._finish(loader, row, events, tier, policy)
            return

        span = max(1, wd.between(start, row["deadline"]))
        proposed = wd.add(
            start, max(0, min(span - 1, self.randint(1, span)) if not open_state else self.randint(0, 2))
        )
        if open_state and proposed > today:
            proposed = today
        outcome = "deny" if state == State.DENIED else "approve"
        row.update(
            proposed_outcome=outcome,
            proposal="经审查，拟" + ("不予许可" if outcome == "deny" else "准予许可"),
            proposed_by_id=officer,
        )
        if row.get("site_inspection") == "mandatory":
            row.update(site_inspection_done=True, site_inspection_result="现场核查符合许可条件")
        events.append(("propose", officer, State.UNDER_REVIEW, State.PENDING_DECISION, proposed))
        if state == State.PENDING_DECISION:
            self._finish(loader, row, events, tier, policy)
            return
        decided = wd.add(proposed, self.randint(0, 2))
        if kind == "new" and licence is not None:
            decided = max(proposed, licence.issued_on)
        row.update(
            decided_on=decided,
            decided_by_id=approver,
            decision_reason="符合法定条件" if outcome == "approve" else "不符合许可条件",
        )
        if outcome == "approve":
            row["certificate_due"] = wd.add(decided, 10)
            if kind == "renewal":
                row["renewal_timely"] = True
        events.append((outcome, approver, State.PENDING_DECISION, state, decided))
        self._finish(loader, row, events, tier, policy)

    def _finish(self, loader: Loader, row: dict, events: list, tier: str, policy) -> None:
        """The application row and its history: one audit row per transition, shaped like
        licensing.services._save writes them (before/after snapshots, tier and policy in context)."""
        deadline = row.get("deadline")
        deadline_text = deadline.isoformat() if deadline else None
        policy_version = row.get("policy_version", "")
        credit_tier = row.get("credit_tier", "")
        deadline_json = f'"{deadline_text}"' if deadline_text else "null"
        tail = f'"deadline": {deadline_json}, "credit_tier": "{credit_tier}", "policy_version": "{policy_version}"}}'
        context = RawJson(f'{{"credit_tier": "{credit_tier}", "policy_version": "{policy_version}"}}')
        object_id = str(row["id"])
        previous_at = None
        for action, actor, before_state, after_state, day in events:
            at = self._at(day)
            if previous_at is not None and at <= previous_at:
                at = previous_at + dt.timedelta(minutes=self.randint(5, 90))
            previous_at = at
            # the JSON of licensing.services._snapshot, formatted directly (no value needs escaping)
            before = RawJson(f'{{"state": "{before_state}", {tail}') if before_state else None
            self._pending_audit.append(
                {
                    "actor_id": actor,
                    "actor_repr": self.usernames[actor] if actor else "system",
                    "at": at,
                    "object_type": "licensing.application",
                    "object_id": object_id,
                    "action": f"application.{action}",
                    "before": before,
                    "after": RawJson(f'{{"state": "{after_state}", {tail}'),
                    "context": context if before_state else EMPTY_OBJECT,
                }
            )
        row["updated_at"] = previous_at
        loader.add(Application, row)


def _id_check(body17: str) -> str:
    """The check character of a resident ID number (GB 11643, ISO 7064 MOD 11-2)."""
    total = sum(
        int(c) * w for c, w in zip(body17, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), strict=True)
    )
    return "10X98765432"[total % 11]


_TIER_REASON = {
    Tier.SERIOUSLY_DISHONEST: "严重失信记录：提供虚假申请材料（严重失信）",
    Tier.DISHONEST: "较重失信记录：超越许可范围承揽工程（较重）",
    Tier.TRUSTWORTHY: "无失信记录或仅一条轻微记录",
    Tier.GOOD: "无失信记录，获表彰：安全生产先进单位",
}
