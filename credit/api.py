"""Credit API, `/api/v1/credit/`: one APIView per operation, stable English codes in payloads."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import validate_input
from core.drf import Pagination
from core.permissions import HasRole
from core.schema import paginated as page_of
from credit import selectors, services
from credit.models import (
    CreditRecord,
    Grade,
    RecordCategory,
    RecordStatus,
    RequestKind,
    RequestState,
    Tier,
)

READERS = ("officer", "approver", "supervisor", "admin", "enterprise")
STAFF = ("officer", "approver", "admin")


def paginated(view: APIView, request, queryset, serializer_class) -> Response:
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


# --- policy (public) --------------------------------------------------------------------------------
class ResolvedPolicyOut(serializers.Serializer):
    time_limit_days = serializers.IntegerField()
    same_day = serializers.BooleanField()
    tolerant_allowed = serializers.BooleanField()
    personnel_gap_max = serializers.IntegerField(allow_null=True)
    equipment_gap_max = serializers.IntegerField(allow_null=True)
    site_inspection = serializers.ChoiceField(choices=["exempt", "as_needed", "mandatory"])
    materials_exempt = serializers.BooleanField()
    lost_notice_required = serializers.BooleanField()
    commitment_allowed = serializers.BooleanField()
    policy_version = serializers.CharField()


class PolicyResolveApi(APIView):
    """What applies to an application of `kind` by an enterprise of `tier` on `on` (seed 003 items 0–4).

    `mode=tolerant` for a tolerant-accepted application (a reduced limit marked 容缺受理的除外 falls back
    to the statutory one). Store `policy_version` with whatever you decide from the answer.
    """

    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="CreditPolicyResolveInput")
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=list(selectors.APPLICATION_KINDS))
        tier = serializers.ChoiceField(choices=Tier.values)
        on = serializers.DateField(required=False)
        mode = serializers.ChoiceField(choices=["ordinary", "tolerant"], required=False, default="ordinary")

    @extend_schema(parameters=[InputSerializer], responses=ResolvedPolicyOut, tags=["credit"])
    def get(self, request):
        data = validate_input(self.InputSerializer, request.query_params)
        resolved = selectors.policy_resolve(
            data["kind"], data["tier"], data.get("on"), tolerant=data["mode"] == "tolerant"
        )
        return Response(ResolvedPolicyOut(resolved.as_api()).data)


class PolicyMeasuresApi(APIView):
    """Every measure of the edition in force on `on` (default today): the 54 measures of seed 003
    as cells item × scope × violation × tier, plus item 0 (告知承诺制, seed 000)."""

    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="CreditPolicyMeasuresInput")
    class InputSerializer(serializers.Serializer):
        on = serializers.DateField(required=False)
        tier = serializers.ChoiceField(choices=Tier.values, required=False)
        item = serializers.IntegerField(min_value=0, max_value=14, required=False)

    @extend_schema_serializer(component_name="CreditPolicyMeasuresOutput")
    class OutputSerializer(serializers.Serializer):
        policy_version = serializers.CharField(source="policy.code")
        item = serializers.IntegerField()
        scope = serializers.CharField()
        violation = serializers.CharField()
        tier = serializers.CharField()
        text = serializers.CharField()
        commitment_allowed = serializers.BooleanField(allow_null=True)
        materials_exempt = serializers.BooleanField(allow_null=True)
        lost_notice_required = serializers.BooleanField(allow_null=True)
        tolerant_allowed = serializers.BooleanField(allow_null=True)
        personnel_gap_max = serializers.IntegerField(allow_null=True)
        equipment_gap_max = serializers.IntegerField(allow_null=True)
        site_inspection = serializers.CharField()
        time_limit_days = serializers.IntegerField(allow_null=True)
        same_day = serializers.BooleanField(allow_null=True)
        limit_applies_to_tolerant = serializers.BooleanField(allow_null=True)
        fine_position = serializers.CharField()
        selection_probability_change = serializers.IntegerField(allow_null=True)
        inspection_manner = serializers.CharField()
        always_selected = serializers.BooleanField(allow_null=True)
        self_inspection_verification = serializers.CharField()

    @extend_schema(parameters=[InputSerializer], responses=page_of(OutputSerializer), tags=["credit"])
    def get(self, request):
        data = validate_input(self.InputSerializer, request.query_params)
        policy = selectors.policy_on(data.get("on"))
        measures = selectors.measures_of(policy, data.get("tier")).select_related("policy")
        if "item" in data:
            measures = measures.filter(item=data["item"])
        return paginated(
            self, request, measures.order_by("item", "scope", "violation", "tier"), self.OutputSerializer
        )


# --- records and tiers (scoped) ---------------------------------------------------------------------
class RecordOut(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name")
    credit_code = serializers.CharField(source="enterprise.credit_code")

    class Meta:
        model = CreditRecord
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "credit_code",
            "category",
            "grade",
            "title",
            "description",
            "source",
            "source_ref",
            "occurred_on",
            "counts_until",
            "published",
            "publish_until",
            "status",
            "ended_on",
            "disputed",
        ]


class RecordListApi(APIView):
    """Credit records the caller may see: its agency's enterprises, or its own enterprise's."""

    permission_classes = [HasRole.of(*READERS)]

    @extend_schema_serializer(component_name="CreditRecordListInput")
    class InputSerializer(serializers.Serializer):
        enterprise = serializers.IntegerField(required=False, min_value=1)
        category = serializers.ChoiceField(choices=RecordCategory.values, required=False)
        grade = serializers.ChoiceField(choices=Grade.values, required=False)
        status = serializers.ChoiceField(choices=RecordStatus.values, required=False)
        published = serializers.BooleanField(required=False, allow_null=True, default=None)
        disputed = serializers.BooleanField(required=False, allow_null=True, default=None)

    @extend_schema(parameters=[InputSerializer], responses=page_of(RecordOut), tags=["credit"])
    def get(self, request):
        data = validate_input(self.InputSerializer, request.query_params)
        records = selectors.records_filtered(
            request.user,
            category=data.get("category", ""),
            grade=data.get("grade", ""),
            status=data.get("status", ""),
            published=data.get("published"),
            disputed=data.get("disputed"),
            enterprise_id=data.get("enterprise"),
        )
        return paginated(self, request, records, RecordOut)


class EnterpriseTierApi(APIView):
    """The tier of an enterprise on a date (default today), why, and the records or override behind it."""

    permission_classes = [HasRole.of(*READERS)]

    @extend_schema_serializer(component_name="CreditEnterpriseTierInput")
    class InputSerializer(serializers.Serializer):
        on = serializers.DateField(required=False)

    @extend_schema_serializer(component_name="CreditEnterpriseTierOutput")
    class OutputSerializer(serializers.Serializer):
        enterprise = serializers.IntegerField()
        on = serializers.DateField()
        tier = serializers.ChoiceField(choices=Tier.values)
        reason = serializers.CharField()
        record_ids = serializers.ListField(child=serializers.IntegerField())
        override_id = serializers.IntegerField(allow_null=True)

    @extend_schema(parameters=[InputSerializer], responses=OutputSerializer, tags=["credit"])
    def get(self, request, pk: int):
        data = validate_input(self.InputSerializer, request.query_params)
        enterprise = selectors.enterprise_get(request.user, pk)
        on = data.get("on") or timezone.localdate()
        snapshot = selectors.tier_of(enterprise, on)
        return Response(
            self.OutputSerializer(
                {
                    "enterprise": enterprise.pk,
                    "on": on,
                    "tier": snapshot.tier,
                    "reason": snapshot.reason,
                    "record_ids": list(snapshot.record_ids),
                    "override_id": snapshot.override_id,
                }
            ).data
        )


# --- repairs and objections --------------------------------------------------------------------------
class RequestOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=RequestKind.values)
    enterprise = serializers.IntegerField(source="enterprise_id")
    record = serializers.IntegerField(source="record_id")
    statement = serializers.CharField()
    commitment = serializers.BooleanField()
    state = serializers.ChoiceField(choices=RequestState.values)
    filed_at = serializers.DateTimeField()
    accepted_on = serializers.DateField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    due_provisional = serializers.BooleanField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField()
    policy_version = serializers.CharField()


class RequestListApi(APIView):
    """Repairs and objections the caller may see."""

    permission_classes = [HasRole.of(*READERS)]

    @extend_schema_serializer(component_name="CreditRequestListInput")
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=RequestKind.values, required=False)
        state = serializers.ChoiceField(choices=RequestState.values, required=False)
        overdue = serializers.BooleanField(required=False, default=False)

    @extend_schema(parameters=[InputSerializer], responses=page_of(RequestOut), tags=["credit"])
    def get(self, request):
        data = validate_input(self.InputSerializer, request.query_params)
        requests = selectors.requests_filtered(
            request.user, kind=data.get("kind", ""), state=data.get("state", ""), overdue=data["overdue"]
        )
        return paginated(self, request, requests, RequestOut)


class RequestCreateApi(APIView):
    """An enterprise files a credit repair or an objection about one of its own records."""

    permission_classes = [HasRole.of("enterprise")]

    @extend_schema_serializer(component_name="CreditRequestCreateInput")
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=RequestKind.values)
        record = serializers.IntegerField(min_value=1)
        statement = serializers.CharField(max_length=5000)
        commitment = serializers.BooleanField(required=False, default=False)

    @extend_schema(request=InputSerializer, responses={201: RequestOut}, tags=["credit"])
    def post(self, request):
        data = validate_input(self.InputSerializer, request.data)
        record = CreditRecord.objects.filter(pk=data["record"]).first()
        if record is None:
            raise serializers.ValidationError({"record": ["No such credit record."]})
        created = services.credit_request_file(
            kind=data["kind"],
            record=record,
            user=request.user,
            statement=data["statement"],
            commitment=data["commitment"],
        )
        return Response(RequestOut(created).data, status=status.HTTP_201_CREATED)


class RequestDetailApi(APIView):
    permission_classes = [HasRole.of(*READERS)]

    @extend_schema(responses=RequestOut, tags=["credit"])
    def get(self, request, pk: int):
        return Response(RequestOut(selectors.request_get(request.user, pk)).data)


class _RequestTransitionApi(APIView):
    permission_classes = [HasRole.of(*STAFF)]
    service = None
    takes_reason = True

    @extend_schema_serializer(component_name="CreditRequestTransitionInput")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")

    @extend_schema(request=InputSerializer, responses=RequestOut, tags=["credit"])
    def post(self, request, pk: int):
        data = validate_input(self.InputSerializer, request.data)
        credit_request = selectors.request_get(request.user, pk)
        kwargs = {"request": credit_request, "actor": request.user}
        if self.takes_reason:
            kwargs["reason"] = data["reason"]
        return Response(RequestOut(type(self).service(**kwargs)).data)


class RequestAcceptApi(_RequestTransitionApi):
    """Accept a submitted request; the decision is due 15 working days later (seed 000 item 八)."""

    service = staticmethod(services.credit_request_accept)
    takes_reason = False


class RequestNotAcceptApi(_RequestTransitionApi):
    """Refuse to accept a submitted request (不予受理); `reason` is required."""

    service = staticmethod(services.credit_request_refuse_to_accept)


class RequestGrantApi(_RequestTransitionApi):
    """Grant an accepted request: a repair repairs the record, an objection revokes it; tier recomputed."""

    service = staticmethod(services.credit_request_grant)


class RequestRefuseApi(_RequestTransitionApi):
    """Refuse an accepted request; `reason` is required."""

    service = staticmethod(services.credit_request_refuse)


# --- the public dishonest list -------------------------------------------------------------------------
class DishonestListApi(APIView):
    """Published negative records still listed and not repaired: no personal data."""

    permission_classes = [AllowAny]

    @extend_schema_serializer(component_name="CreditDishonestListOutput")
    class OutputSerializer(serializers.Serializer):
        enterprise_name = serializers.CharField(source="enterprise.name")
        credit_code = serializers.CharField(source="enterprise.credit_code")
        category = serializers.CharField()
        grade = serializers.CharField()
        title = serializers.CharField()
        occurred_on = serializers.DateField()
        publish_until = serializers.DateField(allow_null=True)
        disputed = serializers.BooleanField()

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="enterprise name or credit code")],
        responses=page_of(OutputSerializer),
        tags=["credit"],
    )
    def get(self, request):
        records = selectors.dishonest_list()
        query = (request.query_params.get("q") or "").strip()[:100]
        if query:
            records = records.filter(
                Q(enterprise__name__icontains=query) | Q(enterprise__credit_code__iexact=query)
            )
        return paginated(self, request, records, self.OutputSerializer)
