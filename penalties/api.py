"""API under /api/v1/penalties/: one APIView per operation, stable English codes, scoped reads.

Every step of a case is a POST on the case (`/cases/<id>/<step>/`) answering the case as it now is;
a broken rule answers 400/403/409 with {"detail", "code"}.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from accounts.models import Enterprise
from core.api import validate_input
from core.drf import Pagination
from core.exceptions import DomainError
from core.permissions import HasRole
from core.schema import paginated
from credit.models import Tier
from licensing.models import Licence
from penalties import services
from penalties.models import Evidence, Source, State, Violation
from penalties.selectors import (
    case_for,
    case_list,
    case_recommendation,
    public_decisions,
    recommend,
    today,
)

READERS = ("officer", "approver", "supervisor", "enterprise", "admin")
STAFF = ("officer", "approver")


# --- output -----------------------------------------------------------------------------------------
class PenaltyPartyOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    credit_code = serializers.CharField()


class PenaltyCaseOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    agency = serializers.CharField(source="agency.code")
    enterprise = PenaltyPartyOut()
    violation = serializers.CharField(source="violation.code")
    licence = serializers.SerializerMethodField()
    source = serializers.CharField()
    source_ref = serializers.CharField()
    state = serializers.CharField()
    summary = serializers.CharField()
    facts = serializers.CharField()
    illegal_gains = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    filed_on = serializers.DateField()
    credit_tier = serializers.CharField()
    decision_due = serializers.DateField(allow_null=True)
    policy_version = serializers.CharField()
    fine_position = serializers.CharField()
    fine_lower = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    fine_upper = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    recommended_fine = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    recommendation_text = serializers.CharField()
    fine_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    departure_reason = serializers.CharField()
    warning = serializers.BooleanField()
    rectification = serializers.BooleanField()
    confiscation_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    revoke_licence = serializers.BooleanField()
    reapply_bar_years = serializers.IntegerField()
    tolerant_bar_years = serializers.IntegerField()
    commitment_bar_years = serializers.IntegerField()
    notified_on = serializers.DateField(allow_null=True)
    statement_due = serializers.DateField(allow_null=True)
    hearing_request_due = serializers.DateField(allow_null=True)
    waived = serializers.SerializerMethodField()
    hearing_at = serializers.DateTimeField(allow_null=True)
    hearing_place = serializers.CharField()
    hearing_held_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField()
    decision_number = serializers.CharField(allow_null=True)
    decided_on = serializers.DateField(allow_null=True)
    payment_due = serializers.DateField(allow_null=True)
    executed_on = serializers.DateField(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)
    next_deadline = serializers.SerializerMethodField()

    def get_licence(self, obj) -> str | None:
        return obj.licence.number if obj.licence_id else None

    def get_waived(self, obj) -> bool:
        return obj.waived_at is not None

    def get_next_deadline(self, obj) -> dict:
        label, day = obj.next_deadline()
        return {"what": obj.state, "date": day.isoformat() if day else None, "label": label}


def _case_response(request, case, code=status.HTTP_200_OK) -> Response:
    return Response(PenaltyCaseOut(case_for(request.user, case.pk)).data, status=code)


# --- lists and reads ----------------------------------------------------------------------------------
class CaseListApi(APIView):
    """Cases the caller may see (officers: their agency's; the party: its notified cases)."""

    permission_classes = [HasRole.of(*READERS)]

    class FilterSerializer(serializers.Serializer):
        state = serializers.ChoiceField(choices=["", "open", *State.values], required=False, default="")
        violation = serializers.CharField(required=False, default="", max_length=40)
        source = serializers.ChoiceField(choices=["", *Source.values], required=False, default="")
        q = serializers.CharField(required=False, default="", max_length=100, allow_blank=True)
        overdue = serializers.BooleanField(required=False, default=False)

    @extend_schema(parameters=[FilterSerializer], responses=paginated(PenaltyCaseOut), tags=["penalties"])
    def get(self, request):
        filters = validate_input(self.FilterSerializer, request.query_params)
        paginator = Pagination()
        page = paginator.paginate_queryset(case_list(request.user, **filters), request, view=self)
        return paginator.get_paginated_response(PenaltyCaseOut(page, many=True).data)


class CaseDetailApi(APIView):
    permission_classes = [HasRole.of(*READERS)]

    @extend_schema(responses=PenaltyCaseOut, tags=["penalties"])
    def get(self, request, pk: int):
        return Response(PenaltyCaseOut(case_for(request.user, pk)).data)


class CaseCreateApi(APIView):
    """立案: file a case against an enterprise in the caller's agency's jurisdiction."""

    permission_classes = [HasRole.of(*STAFF)]

    @extend_schema_serializer(component_name="PenaltyCaseCreateIn")
    class InputSerializer(serializers.Serializer):
        enterprise = serializers.IntegerField(required=False)
        credit_code = serializers.CharField(required=False, max_length=18)
        violation = serializers.CharField(max_length=40)
        source = serializers.ChoiceField(choices=Source.values)
        source_ref = serializers.CharField(required=False, default="", allow_blank=True, max_length=100)
        licence = serializers.CharField(required=False, default="", allow_blank=True, max_length=40)
        summary = serializers.CharField(max_length=4000)

        def validate(self, attrs):
            if not attrs.get("enterprise") and not attrs.get("credit_code"):
                raise serializers.ValidationError(
                    {"enterprise": _("Give the enterprise id or its credit code.")}
                )
            return attrs

    @extend_schema(request=InputSerializer, responses={201: PenaltyCaseOut}, tags=["penalties"])
    def post(self, request):
        data = validate_input(self.InputSerializer, request.data)
        lookup = (
            {"pk": data["enterprise"]}
            if data.get("enterprise")
            else {"credit_code": data["credit_code"].upper()}
        )
        enterprise = Enterprise.objects.filter(**lookup).first()
        if enterprise is None:
            raise DomainError(
                _("No enterprise is registered with this credit code."), field="enterprise", code="not_found"
            )
        licence = None
        if data["licence"]:
            licence = Licence.objects.filter(number=data["licence"]).first()
            if licence is None:
                raise DomainError(_("No licence has this number."), field="licence", code="not_found")
        order = None
        if data["source"] == Source.RECTIFICATION and data["source_ref"]:
            from supervision.models import RectificationOrder

            order = RectificationOrder.objects.filter(number=data["source_ref"]).first()
        case = services.case_open(
            enterprise=enterprise,
            violation=data["violation"],
            source=data["source"],
            source_ref=data["source_ref"],
            officer=request.user,
            summary=data["summary"],
            licence=licence,
            rectification_order=order,
        )
        return _case_response(request, case, status.HTTP_201_CREATED)


# --- steps ------------------------------------------------------------------------------------------
@extend_schema_serializer(component_name="PenaltyStepIn")
class StepIn(serializers.Serializer):
    expected_state = serializers.ChoiceField(choices=State.values, required=False)


class CaseStepApi(APIView):
    """A step on one case: validates its input, calls one service, answers the case."""

    permission_classes = [HasRole.of(*STAFF)]
    InputSerializer = StepIn

    def __init_subclass__(cls, **kwargs):
        """Each step's input gets its own name in the OpenAPI components (all are called InputSerializer)."""
        super().__init_subclass__(**kwargs)
        if "InputSerializer" in cls.__dict__:
            name = "Penalty" + cls.__name__.removeprefix("Case").removesuffix("Api") + "In"
            extend_schema_serializer(component_name=name)(cls.InputSerializer)

    def get_serializer(self, *args, **kwargs):  # for the OpenAPI schema
        return self.InputSerializer(*args, **kwargs)

    def perform(self, request, case, data):
        raise NotImplementedError

    @extend_schema(responses=PenaltyCaseOut, tags=["penalties"])
    def post(self, request, pk: int):
        case = case_for(request.user, pk)
        data = validate_input(self.InputSerializer, request.data)
        return _case_response(request, self.perform(request, case, data))


class CaseStartInvestigationApi(CaseStepApi):
    def perform(self, request, case, data):
        return services.case_start_investigation(
            case=case, officer=request.user, expected_state=data.get("expected_state")
        )


class CaseEvidenceApi(CaseStepApi):
    """Upload evidence (multipart): PDF, JPEG or PNG, checked by content."""

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()
        description = serializers.CharField(max_length=300)
        kind = serializers.ChoiceField(
            choices=Evidence.Kind.values, required=False, default=Evidence.Kind.EVIDENCE
        )

    def perform(self, request, case, data):
        services.evidence_add(
            case=case,
            upload=data["file"],
            description=data["description"],
            actor=request.user,
            kind=data["kind"],
        )
        return case


class CaseNoteApi(CaseStepApi):
    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=8000)

    def perform(self, request, case, data):
        services.note_add(case=case, author=request.user, text=data["text"])
        return case


class CaseFactsApi(CaseStepApi):
    class InputSerializer(serializers.Serializer):
        facts = serializers.CharField(max_length=20000)
        illegal_gains = serializers.DecimalField(
            max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0
        )

    def perform(self, request, case, data):
        return services.case_record_facts(
            case=case, officer=request.user, facts=data["facts"], illegal_gains=data.get("illegal_gains")
        )


class CaseNotifyApi(CaseStepApi):
    """告知: the intended penalty. Omitted outcomes follow the catalogue (mandatory ones imposed)."""

    class InputSerializer(StepIn):
        fine_amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
        departure_reason = serializers.CharField(
            required=False, default="", allow_blank=True, max_length=4000
        )
        grounds = serializers.CharField(max_length=8000)
        warning = serializers.BooleanField(required=False, allow_null=True, default=None)
        rectification = serializers.BooleanField(required=False, allow_null=True, default=None)
        confiscation = serializers.BooleanField(required=False, allow_null=True, default=None)
        revocation = serializers.BooleanField(required=False, allow_null=True, default=None)

    def perform(self, request, case, data):
        return services.case_notify(
            case=case,
            officer=request.user,
            fine_amount=data["fine_amount"],
            departure_reason=data["departure_reason"],
            grounds=data["grounds"],
            warning=data["warning"],
            rectification=data["rectification"],
            confiscation=data["confiscation"],
            revocation=data["revocation"],
            expected_state=data.get("expected_state"),
        )


class CaseHearingScheduleApi(CaseStepApi):
    class InputSerializer(serializers.Serializer):
        at = serializers.DateTimeField()
        place = serializers.CharField(max_length=200)
        host = serializers.IntegerField()

    def perform(self, request, case, data):
        from django.contrib.auth import get_user_model

        host = get_user_model().objects.filter(pk=data["host"]).first()
        return services.hearing_schedule(
            case=case, officer=request.user, at=data["at"], place=data["place"], host=host
        )


class CaseHearingRecordApi(CaseStepApi):
    class InputSerializer(serializers.Serializer):
        record = serializers.CharField(max_length=20000)
        party_attended = serializers.BooleanField()

    def perform(self, request, case, data):
        return services.hearing_record(
            case=case, officer=request.user, record=data["record"], party_attended=data["party_attended"]
        )


class CaseDecideApi(CaseStepApi):
    """决定 (approver; not one who investigated). Two approvers at once: one wins, the other gets 409."""

    class InputSerializer(StepIn):
        reason = serializers.CharField(required=False, default="", allow_blank=True, max_length=8000)

    def perform(self, request, case, data):
        return services.case_decide(
            case=case, approver=request.user, reason=data["reason"], expected_state=data.get("expected_state")
        )


class CaseReturnApi(CaseStepApi):
    class InputSerializer(StepIn):
        reason = serializers.CharField(max_length=8000)

    def perform(self, request, case, data):
        return services.case_return(
            case=case, approver=request.user, reason=data["reason"], expected_state=data.get("expected_state")
        )


class CaseDismissApi(CaseStepApi):
    class InputSerializer(StepIn):
        reason = serializers.CharField(max_length=8000)

    def perform(self, request, case, data):
        return services.case_dismiss(
            case=case, approver=request.user, reason=data["reason"], expected_state=data.get("expected_state")
        )


class CaseExecutionApi(CaseStepApi):
    class InputSerializer(StepIn):
        note = serializers.CharField(max_length=8000)
        fine_paid_on = serializers.DateField(required=False, allow_null=True, default=None)

    def perform(self, request, case, data):
        return services.execution_record(
            case=case,
            officer=request.user,
            note=data["note"],
            fine_paid_on=data["fine_paid_on"],
            expected_state=data.get("expected_state"),
        )


class CaseCloseApi(CaseStepApi):
    class InputSerializer(StepIn):
        note = serializers.CharField(max_length=8000)

    def perform(self, request, case, data):
        return services.case_close(
            case=case, officer=request.user, note=data["note"], expected_state=data.get("expected_state")
        )


class CaseDepartureReviewApi(CaseStepApi):
    permission_classes = [HasRole.of("supervisor")]

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=4000)

    def perform(self, request, case, data):
        return services.departure_review(case=case, supervisor=request.user, note=data["note"])


# --- the party's steps ----------------------------------------------------------------------------
class CaseStatementApi(CaseStepApi):
    permission_classes = [HasRole.of("enterprise")]

    class InputSerializer(serializers.Serializer):
        text = serializers.CharField(max_length=20000)

    def perform(self, request, case, data):
        services.statement_submit(case=case, actor=request.user, text=data["text"])
        return case


class CaseHearingRequestApi(CaseStepApi):
    permission_classes = [HasRole.of("enterprise")]

    def perform(self, request, case, data):
        return services.hearing_request(
            case=case, actor=request.user, expected_state=data.get("expected_state")
        )


class CaseWaiveApi(CaseStepApi):
    permission_classes = [HasRole.of("enterprise")]

    class InputSerializer(StepIn):
        text = serializers.CharField(max_length=2000)

    def perform(self, request, case, data):
        return services.rights_waive(
            case=case, actor=request.user, text=data["text"], expected_state=data.get("expected_state")
        )


# --- recommendation preview, catalogue, public decisions -----------------------------------------------
class FineRecommendationOut(serializers.Serializer):
    violation = serializers.CharField()
    tier = serializers.CharField()
    position = serializers.CharField()
    policy_version = serializers.CharField()
    measure_text = serializers.CharField()
    lower = serializers.DecimalField(max_digits=14, decimal_places=2)
    upper = serializers.DecimalField(max_digits=14, decimal_places=2)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    reasoning = serializers.CharField()


class RecommendationApi(APIView):
    """The fine the policy recommends: for a case (its tier at filing), or for a violation and a tier."""

    permission_classes = [HasRole.of("officer", "approver", "supervisor", "admin")]

    class InputSerializer(serializers.Serializer):
        case = serializers.IntegerField(required=False)
        violation = serializers.CharField(required=False, max_length=40)
        tier = serializers.ChoiceField(choices=Tier.values, required=False)
        illegal_gains = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, min_value=0)

        def validate(self, attrs):
            if not attrs.get("case") and not (attrs.get("violation") and attrs.get("tier")):
                raise serializers.ValidationError(_("Give a case, or a violation and a tier."))
            return attrs

    @extend_schema(parameters=[InputSerializer], responses=FineRecommendationOut, tags=["penalties"])
    def get(self, request):
        data = validate_input(self.InputSerializer, request.query_params)
        gains = data.get("illegal_gains")
        if data.get("case"):
            rec = case_recommendation(case_for(request.user, data["case"]), gains)
        else:
            violation = Violation.objects.filter(code=data["violation"]).first()
            if violation is None:
                raise DomainError(_("Unknown violation type."), field="violation", code="bad_violation")
            rec = recommend(violation, data["tier"], on=today(), illegal_gains=gains)
        return Response(FineRecommendationOut(rec).data)


class ViolationTypeOut(serializers.ModelSerializer):
    class Meta:
        model = Violation
        fields = [
            "code",
            "item",
            "title",
            "violated_provision",
            "penalty_provision",
            "discretion_basis",
            "fine_rule",
            "fine_min",
            "fine_max",
            "gains_multiple_min",
            "gains_multiple_max",
            "warning",
            "rectification",
            "confiscation",
            "revocation",
            "reapply_bar_years",
            "tolerant_bar_years",
            "commitment_bar_years",
            "credit_grade",
            "active",
        ]


class ViolationListApi(APIView):
    """The violation catalogue: legal basis, fine range and other outcomes (public law)."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(responses=ViolationTypeOut(many=True), tags=["penalties"])
    def get(self, request):
        return Response(ViolationTypeOut(Violation.objects.order_by("item"), many=True).data)


class PenaltyDecisionOut(serializers.Serializer):
    decision_number = serializers.CharField()
    decided_on = serializers.DateField()
    agency = serializers.CharField(source="agency.name")
    party = serializers.CharField(source="enterprise.name")
    credit_code = serializers.CharField(source="enterprise.credit_code")
    violation = serializers.CharField(source="violation.code")
    violation_title = serializers.CharField(source="violation.title")
    fine_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    confiscation_amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    warning = serializers.BooleanField()
    revoke_licence = serializers.BooleanField()


class PublicDecisionListApi(APIView):
    """Published penalty decisions (no login); a repaired or expired record is no longer listed."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, default="", allow_blank=True, max_length=100)

    @extend_schema(parameters=[FilterSerializer], responses=paginated(PenaltyDecisionOut), tags=["penalties"])
    def get(self, request):
        from django.db.models import Q

        q = validate_input(self.FilterSerializer, request.query_params)["q"].strip()
        qs = public_decisions()
        if q:
            qs = qs.filter(
                Q(enterprise__name__icontains=q)
                | Q(enterprise__credit_code__iexact=q)
                | Q(decision_number__icontains=q)
            )
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(PenaltyDecisionOut(page, many=True).data)
