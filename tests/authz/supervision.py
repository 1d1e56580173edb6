"""Authorization matrix entries of the supervision app (pages under /supervision/, API under
/api/v1/supervision/) and the builder of its objects (warning, rectification order and its evidence,
commitment check).

The access rules, as supervision/views.py and supervision/api.py state them:
- lists, coverage, revocation candidates, scan runs: staff (officer, approver, supervisor, admin);
  the API's warning/order/check lists are open to the enterprise too (scoped to its own rows);
- detail pages and detail API calls: every logged-in role, narrowed to the user's scope
  (supervision.selectors.*_visible use core.scoping) — an object out of scope is a 404;
- actions (order from a warning, recheck, verify, revoke, record a check): officer/approver;
  answering an order: the enterprise; starting a scan: the administrator.
"""

from __future__ import annotations

import datetime as dt

from tests.authz_matrix import (  # noqa: F401 (the brief's common import list)
    ADMIN,
    ANON,
    APPROVER,
    CASEWORKERS,
    ENTERPRISE,
    EVERYONE,
    LOGGED_IN,
    NEA_SUPERVISOR,
    OFFICER,
    STAFF,
    SUPERVISOR,
    SUPERVISORS,
    Entry,
    roles,
)

E = ENTERPRISE
ACTORS = roles(OFFICER, APPROVER)

ENTRIES: dict[str, Entry] = {
    # --- pages ----------------------------------------------------------------------------------
    "supervision:home": Entry(STAFF),
    "supervision:warnings": Entry(STAFF),
    "supervision:warning": Entry(LOGGED_IN, obj="licence_warning"),
    "supervision:warning-letters": Entry(ACTORS, method="POST", note="bulk 监管预警提示函 of the filter"),
    "supervision:orders": Entry(STAFF),
    "supervision:order": Entry(LOGGED_IN, obj="rectification_order"),
    "supervision:order-evidence": Entry(
        LOGGED_IN, obj="rectification_order", kwargs={"evidence_id": ("order_evidence", "pk")}
    ),
    "supervision:candidates": Entry(STAFF),
    "supervision:checks": Entry(STAFF),
    "supervision:check": Entry(LOGGED_IN, obj="commitment_check"),
    "supervision:scans": Entry(STAFF),
    "supervision:scan-start": Entry(roles(ADMIN), method="POST"),
    "supervision:mine": Entry(roles(E)),
    # --- API ------------------------------------------------------------------------------------
    "api-supervision-warnings": Entry(LOGGED_IN, note="the enterprise sees its own warnings"),
    "api-supervision-warning": Entry(LOGGED_IN, obj="licence_warning"),
    "api-supervision-warning-letters": Entry(ACTORS, method="POST", note="bulk 监管预警提示函 of the filter"),
    "api-supervision-warning-order": Entry(ACTORS, obj="licence_warning", method="POST"),
    "api-supervision-warning-recheck": Entry(ACTORS, obj="licence_warning", method="POST"),
    "api-supervision-orders": Entry(LOGGED_IN, note="the enterprise sees its own orders"),
    "api-supervision-order": Entry(LOGGED_IN, obj="rectification_order"),
    "api-supervision-order-answer": Entry(roles(E), obj="rectification_order", method="POST"),
    "api-supervision-order-verify": Entry(ACTORS, obj="rectification_order", method="POST"),
    "api-supervision-order-revoke-licence": Entry(ACTORS, obj="rectification_order", method="POST"),
    "api-supervision-revocation-candidates": Entry(STAFF),
    "api-supervision-checks": Entry(LOGGED_IN, note="the enterprise sees its own checks"),
    "api-supervision-check": Entry(LOGGED_IN, obj="commitment_check"),
    "api-supervision-check-record": Entry(ACTORS, obj="commitment_check", method="POST"),
    "api-supervision-coverage": Entry(STAFF),
    "api-supervision-scan-runs": Entry(STAFF),
    "api-supervision-scan-start": Entry(roles(ADMIN), method="POST"),
}


def build(ctx) -> dict:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from supervision import services
    from supervision.models import LicenceWarning, OrderEvidence, RectificationOrder
    from tests.factories import LicenceFactory

    today = timezone.localdate()
    enterprise, officer, clerk = ctx["enterprise"], ctx["officer"], ctx["clerk"]
    licence = ctx["objects"]["licence"]

    warning = LicenceWarning.objects.create(
        licence=licence,
        enterprise=enterprise,
        agency=enterprise.agency,
        type=LicenceWarning.Type.PERSONNEL_SHORTFALL,
        evidence="矩阵测试：专业人员不足",
        first_seen_on=today,
        changed_on=today,
    )
    order = services.rectification_order_create(
        enterprise=enterprise,
        officer=officer,
        findings="矩阵测试：补足专业人员",
        deadline=today + dt.timedelta(days=30),
        source=RectificationOrder.Source.OTHER,
        source_id=f"authz-matrix-{ctx['variant']}",
        licence=licence,
    )
    content = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    evidence = OrderEvidence(
        order=order,
        original_name="matrix.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256="0" * 64,
        uploaded_by=clerk,
    )
    # One fixed file shared by every run (the database rolls back, the storage does not: saving a new
    # file per build would leave three more files in MEDIA_ROOT each time the matrix runs).
    name = "rectification/authz-matrix.pdf"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    evidence.file.name = name
    evidence.save()
    commitment_licence = LicenceFactory(
        enterprise=enterprise,
        obtained_via="commitment",
        issued_on=today - dt.timedelta(days=3),
        post_check_due=today + dt.timedelta(days=170),
    )
    check = services.commitment_check_ensure(commitment_licence)
    return {
        "licence_warning": warning,
        "rectification_order": order,
        "order_evidence": evidence,
        "commitment_check": check,
    }
