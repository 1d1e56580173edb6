"""Authorization matrix entries of the oversight app (pages under /oversight/, /dashboard/ and the
public disclosure pages under /public/, API under /api/v1/oversight/) and the builder of its objects
(service event, a real-name bad rating with its callback, a work flag).

The access rules, as oversight/views.py and oversight/api.py state them:
- 好差评: the enterprise rates its own service events (`rate`, `ratings`); rating lists are for staff
  (the API's event and rating lists also for the enterprise, scoped to its own rows);
- callbacks: lists and detail for staff, but an officer sees only the callbacks given to it (or all of
  its agency's when it is a designated handler) — the builder's callback goes to an approver, so the
  officer is refused; recording contact and closing: the handler (assignee, designated handler,
  approver or supervisor of the agency; a national supervisor reads but does not handle); reassigning:
  approver or supervisor of the agency;
- the callback setting and work flags: the supervision group (supervisors; the administrator reads);
  reporting and deciding a flag: supervisors only;
- dashboards: supervisors, approvers and the administrator;
- disclosure pages: everyone, no login.
"""

from __future__ import annotations

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
COMMITMENT_NUMBER = "MX-COMMIT-0001"  # the published commitment letter the builder makes (own variant)

CALLBACK_READERS = roles(APPROVER, "supervisors", ADMIN)
CALLBACK_HANDLERS = roles(APPROVER, SUPERVISOR)
FLAG_READERS = roles("supervisors", ADMIN)
DASHBOARD = roles("supervisors", APPROVER, ADMIN)
OFFICER_NOTE = "an officer reaches only the callbacks given to it (or as designated handler)"
HANDLER_NOTE = OFFICER_NOTE + "; a national supervisor reads but does not handle"

ENTRIES: dict[str, Entry] = {
    # --- pages: 好差评 ------------------------------------------------------------------------------
    "oversight:ratings": Entry(roles(E)),
    "oversight:rate": Entry(roles(E), obj="service_event", method="POST"),
    "oversight:rating-list": Entry(STAFF),
    # --- pages: callbacks ---------------------------------------------------------------------------
    "oversight:callbacks": Entry(STAFF, note="an officer's list holds only its own callbacks"),
    "oversight:callback": Entry(CALLBACK_READERS, obj="callback", note=OFFICER_NOTE),
    "oversight:callback-contact": Entry(CALLBACK_HANDLERS, obj="callback", method="POST", note=HANDLER_NOTE),
    "oversight:callback-close": Entry(CALLBACK_HANDLERS, obj="callback", method="POST", note=HANDLER_NOTE),
    "oversight:callback-reassign": Entry(
        roles(APPROVER, SUPERVISOR),
        obj="callback",
        method="POST",
        note="approver or supervisor of the agency",
    ),
    "oversight:settings": Entry(
        FLAG_READERS, note="a supervisor edits its agency's setting, national viewers choose the agency"
    ),
    # --- pages: daily work supervision --------------------------------------------------------------
    "oversight:flags": Entry(FLAG_READERS),
    "oversight:flag": Entry(FLAG_READERS, obj="work_flag"),
    "oversight:flag-report": Entry(roles("supervisors")),
    "oversight:flag-decide": Entry(
        roles("supervisors"), obj="work_flag", kwargs={"decision": "confirm"}, method="POST"
    ),
    # --- dashboards (dashboard:home is in tests/authz_matrix.py) ------------------------------------
    "dashboard:export": Entry(DASHBOARD),
    # --- public disclosure --------------------------------------------------------------------------
    "disclosure:home": Entry(EVERYONE),
    "disclosure:decisions": Entry(EVERYONE),
    "disclosure:commitments": Entry(EVERYONE),
    "disclosure:commitment": Entry(EVERYONE, kwargs={"number": COMMITMENT_NUMBER}),
    # --- API ----------------------------------------------------------------------------------------
    "api-oversight-events": Entry(LOGGED_IN, note="the enterprise sees its own events"),
    "api-oversight-ratings": Entry(LOGGED_IN, note="GET; the enterprise sees its own ratings"),
    "api-oversight-callbacks": Entry(STAFF, note="an officer's list holds only its own callbacks"),
    "api-oversight-callback": Entry(CALLBACK_READERS, obj="callback", note=OFFICER_NOTE),
    "api-oversight-callback-contact": Entry(
        CALLBACK_HANDLERS, obj="callback", method="POST", note=HANDLER_NOTE
    ),
    "api-oversight-callback-close": Entry(
        CALLBACK_HANDLERS, obj="callback", method="POST", note=HANDLER_NOTE
    ),
    "api-oversight-flags": Entry(FLAG_READERS),
    "api-oversight-flag-report": Entry(roles("supervisors"), method="POST"),
    "api-oversight-flag-decide": Entry(roles("supervisors"), obj="work_flag", method="POST"),
    "api-oversight-dashboard": Entry(DASHBOARD),
}


def build(ctx) -> dict:
    """A fresh application of the enterprise, accepted (a service event) and rated 不满意 by name (a
    callback); a work flag of its agency reported by hand; for the own variant the application is then
    decided and published as a commitment letter numbered COMMITMENT_NUMBER."""
    from django.utils import timezone

    from licensing import services as licensing
    from licensing.models import Application
    from licensing.tests.conftest import submitted
    from oversight import services
    from oversight.models import ServiceEvent
    from tests.authz_matrix import NEA_SUPERVISOR as NEA

    enterprise, clerk, officer = ctx["enterprise"], ctx["clerk"], ctx["officer"]
    application = licensing.application_accept(application=submitted(clerk), officer=officer)
    services.service_events_sync(enterprise=enterprise)
    event = ServiceEvent.objects.filter(application=application).order_by("pk").first()
    rating = services.rating_create(
        event=event, user=clerk, level="dissatisfied", comment="矩阵测试：窗口要求重复提交材料"
    )
    supervisor = ctx["users"][SUPERVISOR]
    if supervisor.agency_id != enterprise.agency_id:
        supervisor = ctx["users"][NEA]  # the national supervision group reports for any agency
    flag = services.work_flag_report(
        actor=supervisor,
        agency=enterprise.agency,
        rule="intermediary",
        description="矩阵测试：经办人推荐中介代办",
        occurred_on=timezone.localdate(),
        application=application,
    )
    if ctx["variant"] == "own":
        Application.objects.filter(pk=application.pk).update(
            number=COMMITMENT_NUMBER,
            state="approved",
            mode="commitment",
            commitment_signed_at=timezone.now(),
            decided_on=timezone.localdate(),
        )
    return {"service_event": event, "rating": rating, "callback": rating.callback, "work_flag": flag}
