"""Every named URL × every role × object ownership → allowed or refused, as tests/authz_matrix.py says.

The objects and users are built once for the module (inside a transaction rolled back at the end);
each URL is one test that loops over the roles and ownership variants and reports every mismatch.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import authz_matrix as m

VARIANTS = ("own", "other_enterprise", "other_agency")
DENIED = {401, 403, 404, 405}


def walk(resolver=None, namespace=""):
    """(name, route, pattern) of every named URL, namespaces included."""
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace]))
            yield from ((n, str(p.pattern) + r, q) for n, r, q in walk(p, ns))
        elif isinstance(p, URLPattern) and p.name:
            yield ":".join(filter(None, [namespace, p.name])), str(p.pattern), p


def checked_urls() -> list[str]:
    names = []
    for name, _route, _p in walk():
        if name.split(":")[0] in m.SKIPPED_NAMESPACES or name in m.SKIPPED:
            continue
        names.append(name)
    return sorted(set(names))


URL_NAMES = checked_urls()


# --- the world: users per role, objects per ownership variant ----------------------------------
def _build_world():
    from accounts.models import Agency
    from credit import services as credit_services
    from licensing.models import Equipment, EquipmentItem
    from licensing.tests.conftest import submitted
    from penalties.tests.helpers import investigate, notify, open_case
    from tests.factories import EnterpriseFactory, LicenceFactory, PersonnelFactory, UserFactory

    nf, hb, nea = (Agency.objects.get(code=c) for c in ("NF", "HB", "NEA"))
    own, other, far = (EnterpriseFactory(province=p) for p in ("44", "44", "11"))
    users = {
        m.ENTERPRISE: UserFactory(username="mx_clerk", role="enterprise", enterprise=own),
        m.OFFICER: UserFactory(username="mx_officer", role="officer", agency=nf),
        m.APPROVER: UserFactory(username="mx_approver", role="approver", agency=nf),
        m.SUPERVISOR: UserFactory(username="mx_supervisor", role="supervisor", agency=nf),
        m.NEA_SUPERVISOR: UserFactory(username="mx_nea", role="supervisor", agency=nea),
        m.ADMIN: UserFactory(username="mx_root", role="admin", is_staff=True, is_superuser=True),
    }
    clerks = {
        "own": users[m.ENTERPRISE],
        "other_enterprise": UserFactory(username="mx_clerk2", role="enterprise", enterprise=other),
        "other_agency": UserFactory(username="mx_clerk3", role="enterprise", enterprise=far),
    }
    staff = {
        nf.pk: (users[m.OFFICER], users[m.APPROVER]),
        hb.pk: (
            UserFactory(username="mx_far_officer", role="officer", agency=hb),
            UserFactory(username="mx_far_approver", role="approver", agency=hb),
        ),
    }
    item = EquipmentItem.objects.first()
    today = dt.date.today()
    objects = {}
    for variant, enterprise in zip(VARIANTS, (own, other, far), strict=True):
        clerk = clerks[variant]
        officer, approver = staff[enterprise.agency_id]
        application = submitted(clerk)
        record = credit_services.credit_record_create(
            enterprise=enterprise,
            category="dishonest",
            grade="serious",
            title="矩阵测试失信记录",
            occurred_on=today - dt.timedelta(days=10),
            source="test",
        )
        case = notify(investigate(open_case(enterprise, officer), officer), officer)
        objects[variant] = {
            "enterprise": enterprise,
            "application": application,
            "material": application.materials.first(),
            "licence": LicenceFactory(enterprise=enterprise),
            "personnel": PersonnelFactory(enterprise=enterprise),
            "equipment": Equipment.objects.create(enterprise=enterprise, item=item, quantity=1),
            "credit_record": record,
            "credit_request": credit_services.credit_request_file(
                kind="objection", record=record, user=clerk, statement="记录有误"
            ),
            "notice": credit_services.dishonesty_notice_issue(enterprise=enterprise, actor=officer),
            "override": credit_services.tier_override_create(
                enterprise=enterprise,
                tier="good",
                reason="矩阵测试",
                starts_on=today,
                ends_on=today + dt.timedelta(days=90),
                actor=approver,
            ),
            "penalty_case": case,
            "evidence": case.evidence.first(),
        }
        ctx = {
            "variant": variant,
            "enterprise": enterprise,
            "clerk": clerk,
            "officer": officer,
            "approver": approver,
            "users": users,
            "objects": objects[variant],
        }
        for module in m.APP_MODULES:
            if hasattr(module, "build"):
                objects[variant].update(module.build(ctx))
    return users, objects


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


# --- expectations ------------------------------------------------------------------------------
def reaches(role: str, variant: str) -> bool:
    """core.scoping: who sees an object of `variant` (the enterprise user's own, agency 南方)."""
    if role in (m.NEA_SUPERVISOR, m.ADMIN):
        return True
    if role == m.ENTERPRISE:
        return variant == "own"
    if role in (m.OFFICER, m.APPROVER, m.SUPERVISOR):
        return variant in ("own", "other_enterprise")
    return False


def url_for(name: str, entry: m.Entry, objects: dict | None) -> str:
    kwargs = {}
    for key, value in entry.kwargs.items():
        kwargs[key] = getattr(objects[value[0]], value[1]) if isinstance(value, tuple) else value
    if entry.obj:
        kwargs["pk"] = objects[entry.obj].pk
    return reverse(name, kwargs=kwargs)


def outcome(response) -> str:
    location = response.headers.get("Location", "")
    if response.status_code in DENIED or (response.status_code in (301, 302) and "/login" in location):
        return "deny"
    if response.status_code < 400:
        return "allow"
    return f"error {response.status_code}"


def snapshot(obj):
    from core.models import AuditLog

    row = type(obj)._default_manager.filter(pk=obj.pk).values().first() if obj is not None else None
    return row, AuditLog.objects.exclude(action__startswith="auth.").count()


def client_for(role: str, users: dict) -> Client:
    client = Client()
    if role != m.ANON:
        client.force_login(users[role])
    return client


# --- the tests ----------------------------------------------------------------------------------
def test_every_url_has_an_entry():
    missing = [name for name in URL_NAMES if name not in m.REGISTRY]
    assert not missing, (
        "URL names without an entry in tests/authz_matrix.py REGISTRY (add one saying which roles may "
        f"use it and which object its id names, or list it in SKIPPED with a reason): {missing}"
    )


def test_no_stale_entries():
    known = {name for name, _r, _p in walk()}
    stale = sorted(set(m.REGISTRY) - known)
    assert not stale, f"tests/authz_matrix.py names URLs that no longer exist: {stale}"


@pytest.mark.parametrize("name", URL_NAMES)
def test_url_access(name, world, db):
    users, objects = world
    entry = m.REGISTRY.get(name)
    if entry is None:
        pytest.fail(f"{name}: no entry in tests/authz_matrix.py REGISTRY — add one (see its docstring)")
    problems = []
    for variant in VARIANTS if entry.obj else (None,):
        objs = objects[variant] if variant else None
        url = url_for(name, entry, objs)
        for role in m.ROLES:
            allowed = role in entry.roles and (
                entry.obj is None or not entry.scoped or reaches(role, variant)
            )
            if entry.method == "POST" and allowed:
                continue  # the app's own tests make allowed actions succeed
            target = objs[entry.obj] if entry.obj else None
            before = snapshot(target)
            if entry.method == "POST":
                response = client_for(role, users).post(url, {})
            else:
                response = client_for(role, users).get(url, entry.query)
            got = outcome(response)
            want = "allow" if allowed else "deny"
            if got != want:
                problems.append(
                    f"{entry.method} {url} as {role} ({variant or 'no object'}): "
                    f"expected {want}, got {got} ({response.status_code})"
                )
            elif entry.method == "POST" and snapshot(target) != before:
                problems.append(f"POST {url} as {role} ({variant}): refused but the data changed")
    assert not problems, "\n".join(problems)
