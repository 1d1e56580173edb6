"""Which actions a user may take on an application now — for the page's buttons and the API's
`actions` field. The services re-check everything; this only decides what to offer."""

from __future__ import annotations

from licensing.models import OPEN_STATES, Application, Mode, State

OFFICER = ("officer", "approver")

# code: (roles, states)
ACTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "submit": (("enterprise",), (State.DRAFT, State.CORRECTION_REQUESTED)),
    "supplement": (("enterprise",), (State.TOLERANT_ACCEPTED,)),
    "answer": (("enterprise",), (State.AWAITING_APPLICANT,)),
    "withdraw": (("enterprise",), tuple(OPEN_STATES)),
    "request_correction": (OFFICER, (State.SUBMITTED,)),
    "reject": (OFFICER, (State.SUBMITTED,)),
    "accept": (OFFICER, (State.SUBMITTED,)),
    "tolerant_accept": (OFFICER, (State.SUBMITTED,)),
    "start_review": (OFFICER, (State.ACCEPTED, State.SUPPLEMENTED)),
    "ask_applicant": (OFFICER, (State.UNDER_REVIEW,)),
    "begin_site_inspection": (OFFICER, (State.UNDER_REVIEW,)),
    "record_site_inspection": (OFFICER, (State.SITE_INSPECTION,)),
    "send_to_experts": (OFFICER, (State.UNDER_REVIEW,)),
    "experts_returned": (OFFICER, (State.EXPERT_REVIEW,)),
    "propose": (OFFICER, (State.ACCEPTED, State.UNDER_REVIEW)),
    "request_extension": (
        OFFICER,
        tuple(s for s in OPEN_STATES if s not in (State.SUBMITTED, State.CORRECTION_REQUESTED)),
    ),
    "decide": (("approver",), (State.PENDING_DECISION,)),
    "decide_extension": (("approver",), tuple(OPEN_STATES)),
}


def available_actions(app: Application, user) -> list[str]:
    role = "admin" if user.is_superuser else getattr(user, "role", None)
    result = []
    for code, (roles, states) in ACTIONS.items():
        if role not in roles or app.state not in states:
            continue
        if role == "enterprise" and user.enterprise_id != app.enterprise_id:
            continue
        if role in OFFICER and user.agency_id != app.agency_id:
            continue
        if code == "request_correction" and app.correction_requested_on is not None:
            continue
        if code == "tolerant_accept" and app.mode != Mode.TOLERANT:
            continue
        if code == "request_extension" and (
            app.extension_days or app.extension_requested or not app.accepted_on
        ):
            continue
        if code == "decide" and user.pk in (app.handled_by_id, app.proposed_by_id):
            continue
        if code == "decide_extension" and not app.extension_requested:
            continue
        if code == "propose" and app.state == State.ACCEPTED and app.site_inspection == "mandatory":
            continue
        result.append(code)
    return result
