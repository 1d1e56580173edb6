"""The authorization matrix: for every named URL of `config.urls`, who may use it.

tests/test_authorization_matrix.py walks the URL configuration and checks every URL name here against
every role and, where the URL carries an object id, against three objects: the enterprise user's own
(agency 南方), another enterprise's of the same agency, and an enterprise's of another agency (华北).
A URL name missing from REGISTRY fails the test: add an entry when you add a URL.

An entry says:
- `roles`: the roles that may use the URL (see ROLES); everyone else must be refused (403/404, 401 or a
  redirect to the login page for anonymous users);
- `obj`: the object type whose id fills the URL's first int argument (a key of `BUILDERS` in
  tests/test_authorization_matrix.py) — ownership then narrows `roles` by `core.scoping` rules:
  an enterprise user reaches only its own enterprise's object, agency staff their agency's, the NEA
  supervisor and the administrator all (set `scoped=False` for objects anyone allowed may see);
- `kwargs`: further URL arguments, fixed values or `("obj_attr", name)` taken from the built objects;
- `query`: GET parameters that make the request valid (so a 400 is not mistaken for a refusal);
- `method`: "GET" for pages and lists, "POST" for actions (only refusals are checked for POST: the
  refused call must leave the object and the audit log unchanged — the app's own tests make allowed
  POSTs succeed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ANON = "anonymous"
ENTERPRISE = "enterprise"
OFFICER = "officer"
APPROVER = "approver"
SUPERVISOR = "supervisor"  # of a dispatched (regional) agency
NEA_SUPERVISOR = "nea_supervisor"  # of the national agency
ADMIN = "admin"
ROLES = (ANON, ENTERPRISE, OFFICER, APPROVER, SUPERVISOR, NEA_SUPERVISOR, ADMIN)

LOGGED_IN = frozenset(ROLES) - {ANON}
EVERYONE = frozenset(ROLES)
STAFF = frozenset({OFFICER, APPROVER, SUPERVISOR, NEA_SUPERVISOR, ADMIN})
CASEWORKERS = frozenset({OFFICER, APPROVER})
SUPERVISORS = frozenset({SUPERVISOR, NEA_SUPERVISOR})


def roles(*names: str) -> frozenset[str]:
    out: set[str] = set()
    for name in names:
        out |= {SUPERVISOR, NEA_SUPERVISOR} if name == "supervisors" else {name}
    return frozenset(out)


@dataclass(frozen=True)
class Entry:
    roles: frozenset[str]
    obj: str | None = None
    kwargs: dict = field(default_factory=dict)
    method: str = "GET"
    query: dict = field(default_factory=dict)  # GET parameters a valid request needs
    scoped: bool = True
    note: str = ""


# URLs the matrix does not check, each with its reason.
SKIPPED_NAMESPACES = {"admin": "Django admin: staff-only by django.contrib.admin, tested in each app"}
SKIPPED = {
    "set_language": "Django i18n view (POST, no data)",
    "javascript-catalog": "Django i18n catalogue (public, static text)",
    "schema": "OpenAPI schema (public by design; fuzzed by tests/test_api_schemathesis.py)",
    "swagger-ui": "API docs (public, static)",
    "redoc": "API docs (public, static)",
    "logout": "Django logout (POST; every role may log out)",
}

E = ENTERPRISE
REGISTRY: dict[str, Entry] = {
    # --- core / accounts ------------------------------------------------------------------------
    "home": Entry(EVERYONE),
    "healthz": Entry(EVERYONE),
    "login": Entry(EVERYONE),
    "register": Entry(EVERYONE),
    "password_change": Entry(LOGGED_IN),
    "profile": Entry(LOGGED_IN),
    "api-calendar-add": Entry(EVERYONE, query={"start": "2026-03-02", "days": 5}),
    "api-calendar-between": Entry(EVERYONE, query={"start": "2026-03-02", "end": "2026-03-20"}),
    "api-calendar-year": Entry(EVERYONE, query={"year": 2026}),
    "api-me": Entry(LOGGED_IN),
    "api-token": Entry(EVERYONE, method="POST", note="public login endpoint"),
    "api-agencies": Entry(EVERYONE),
    "api-enterprises": Entry(LOGGED_IN),
    "api-enterprise-register": Entry(EVERYONE, method="POST", note="public registration"),
    # --- licensing: enterprise portal -----------------------------------------------------------
    "portal:home": Entry(roles(E)),
    "portal:applications": Entry(roles(E)),
    "portal:application-new": Entry(roles(E)),
    "portal:personnel": Entry(roles(E)),
    "portal:personnel-leave": Entry(roles(E), obj="personnel", method="POST"),
    "portal:equipment": Entry(roles(E)),
    "portal:equipment-retire": Entry(roles(E), obj="equipment", method="POST"),
    "public:home": Entry(EVERYONE),
    # --- licensing: shared pages ----------------------------------------------------------------
    "application": Entry(LOGGED_IN, obj="application"),
    "application-act": Entry(
        roles(E, OFFICER, APPROVER), obj="application", kwargs={"action": "withdraw"}, method="POST"
    ),
    "application-material-upload": Entry(roles(E), obj="application", method="POST"),
    "application-material": Entry(LOGGED_IN, obj="application", kwargs={"material_id": ("material", "pk")}),
    "licence": Entry(LOGGED_IN, obj="licence"),
    "workbench:home": Entry(roles(OFFICER, APPROVER)),
    "workbench:approvals": Entry(roles(APPROVER)),
    "dashboard:home": Entry(roles("supervisors", APPROVER, ADMIN)),
    # --- licensing API ---------------------------------------------------------------------------
    "api-applications": Entry(LOGGED_IN),
    "api-application": Entry(LOGGED_IN, obj="application"),
    "api-application-history": Entry(LOGGED_IN, obj="application"),
    "api-application-materials": Entry(roles(E), obj="application", method="POST"),
    **{
        f"api-application-{action}": Entry(roles(E), obj="application", method="POST")
        for action in ("submit", "withdraw", "supplement", "answer")
    },
    **{
        f"api-application-{action}": Entry(roles(OFFICER, APPROVER), obj="application", method="POST")
        for action in (
            "request-correction",
            "reject",
            "accept",
            "tolerant-accept",
            "start-review",
            "ask-applicant",
            "begin-site-inspection",
            "record-site-inspection",
            "send-to-experts",
            "experts-returned",
            "request-extension",
            "propose",
            "return",
        )
    },
    **{
        f"api-application-{action}": Entry(roles(APPROVER), obj="application", method="POST")
        for action in ("decide-extension", "approve", "deny")
    },
    "api-licences": Entry(LOGGED_IN),
    "api-licence": Entry(LOGGED_IN, obj="licence"),
    "api-public-licences": Entry(EVERYONE),
    # --- credit ----------------------------------------------------------------------------------
    "credit:officer-home": Entry(STAFF),
    "credit:record-create": Entry(roles(OFFICER, APPROVER, ADMIN)),
    "credit:record-detail": Entry(STAFF | {E}, obj="credit_record"),
    "credit:action-create": Entry(roles(OFFICER, APPROVER, ADMIN), obj="credit_record"),
    "credit:enterprise-credit": Entry(STAFF, obj="enterprise"),
    "credit:override-create": Entry(roles(APPROVER, ADMIN), obj="enterprise"),
    "credit:notice-issue": Entry(roles(OFFICER, APPROVER, ADMIN), obj="enterprise", method="POST"),
    "credit:override-list": Entry(STAFF),
    "credit:override-cancel": Entry(roles(APPROVER, ADMIN), obj="override", method="POST"),
    "credit:request-list": Entry(STAFF),
    "credit:request-detail": Entry(STAFF | {E}, obj="credit_request"),
    "credit:request-transition": Entry(
        roles(OFFICER, APPROVER, ADMIN),
        obj="credit_request",
        kwargs={"action": "accept"},
        method="POST",
    ),
    "credit:action-list": Entry(STAFF),
    "credit:joint-list": Entry(STAFF),
    "credit:notice-list": Entry(STAFF),
    "credit:notice-detail": Entry(STAFF | {E}, obj="notice"),
    "credit:enterprise-home": Entry(roles(E)),
    "credit:enterprise-tier": Entry(roles(E)),
    "credit:request-file": Entry(roles(E), obj="credit_record", kwargs={"kind": "objection"}),
    "credit:public-dishonest": Entry(EVERYONE),
    "api-credit-policy-resolve": Entry(EVERYONE, query={"kind": "new", "tier": "good"}),
    "api-credit-policy-measures": Entry(EVERYONE),
    "api-credit-records": Entry(LOGGED_IN),
    "api-credit-tier": Entry(LOGGED_IN, obj="enterprise"),
    "api-credit-requests": Entry(LOGGED_IN),
    "api-credit-request-create": Entry(roles(E), method="POST"),
    "api-credit-request": Entry(LOGGED_IN, obj="credit_request"),
    **{
        f"api-credit-request-{action}": Entry(
            roles(OFFICER, APPROVER, ADMIN), obj="credit_request", method="POST"
        )
        for action in ("accept", "not-accept", "grant", "refuse")
    },
    "api-credit-dishonest-list": Entry(EVERYONE),
    # --- penalties -------------------------------------------------------------------------------
    "penalties:home": Entry(roles(OFFICER, APPROVER, "supervisors")),
    "penalties:case-new": Entry(roles(OFFICER, APPROVER)),
    "penalties:case": Entry(roles(OFFICER, APPROVER, "supervisors"), obj="penalty_case"),
    "penalties:evidence": Entry(
        roles(OFFICER, APPROVER, "supervisors"),
        obj="penalty_case",
        kwargs={"evidence_id": ("evidence", "pk")},
    ),
    "penalties:case-action": Entry(
        roles(OFFICER, APPROVER), obj="penalty_case", kwargs={"action": "start"}, method="POST"
    ),
    "penalties:departures": Entry(roles(APPROVER, "supervisors")),
    "penalties:departure-review": Entry(roles("supervisors"), obj="penalty_case", method="POST"),
    "penalties:catalogue": Entry(roles(OFFICER, APPROVER, "supervisors")),
    "penalties:enterprise-home": Entry(roles(E)),
    "penalties:enterprise-case": Entry(
        roles(E), obj="penalty_case", note="the party sees its case once notified (the builder notifies)"
    ),
    "penalties:enterprise-action": Entry(
        roles(E), obj="penalty_case", kwargs={"action": "statement"}, method="POST"
    ),
    "penalties:public": Entry(EVERYONE),
    "api-penalty-cases": Entry(LOGGED_IN),
    "api-penalty-case-create": Entry(roles(OFFICER, APPROVER), method="POST"),
    "api-penalty-case": Entry(LOGGED_IN, obj="penalty_case"),
    **{
        f"api-penalty-case-{action}": Entry(roles(OFFICER, APPROVER), obj="penalty_case", method="POST")
        for action in (
            "start-investigation",
            "evidence",
            "notes",
            "facts",
            "notify",
            "hearing-schedule",
            "hearing-record",
            "decide",
            "return",
            "dismiss",
            "execution",
            "close",
        )
    },
    **{
        f"api-penalty-case-{action}": Entry(roles(E), obj="penalty_case", method="POST")
        for action in ("statements", "hearing-request", "waive")
    },
    "api-penalty-case-departure-review": Entry(roles("supervisors"), obj="penalty_case", method="POST"),
    "api-penalty-recommendation": Entry(STAFF, query={"violation": "false_materials", "tier": "good"}),
    "api-penalty-violations": Entry(EVERYONE),
    "api-penalty-decisions": Entry(EVERYONE),
    "application-doubtful": Entry(CASEWORKERS, obj="application", method="POST"),
    "personnel-id-number": Entry(
        roles(ENTERPRISE, OFFICER, APPROVER),
        obj="personnel",
        note="full ID number, audited; supervisors and admins see masked lists only",
    ),
}

# Each app merged after the matrix was written keeps its entries (and the builders of its object types)
# in tests/authz/<app>.py: ENTRIES (same form as above) and optionally build(ctx) -> {type: object}.
AUTHZ_MODULES = ("documents", "supervision", "inspections", "oversight")


def _load_app_modules():
    import importlib

    modules = []
    for name in AUTHZ_MODULES:
        try:
            module = importlib.import_module(f"tests.authz.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.authz.{name}":
                raise
            continue
        REGISTRY.update(module.ENTRIES)
        modules.append(module)
    return modules


APP_MODULES = _load_app_modules()
