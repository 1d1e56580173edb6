"""API of field supervision: one APIView per operation, stable English codes, lists paginated."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Enterprise
from core.api import validate_input
from core.drf import Pagination
from core.permissions import HasRole
from core.schema import paginated
from core.scoping import scope_queryset
from credit.models import Grade, Tier
from inspections import selectors, services
from inspections.models import (
    ChecklistItem,
    ConflictDeclaration,
    Inspection,
    InspectionKind,
    ItemResult,
    ListKind,
)
from licensing.models import Category, LicenceType

READERS = ("officer", "approver", "supervisor", "admin")
STAFF = ("officer", "approver")
TAG = ["inspections"]


def _paginated(view, request, qs, serializer_class):
    paginator = Pagination()
    page = paginator.paginate_queryset(qs, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def _enterprise(user, pk: int) -> Enterprise:
    return get_object_or_404(
        scope_queryset(Enterprise.objects.select_related("agency"), user, enterprise_field="pk"), pk=pk
    )


def _staff(agency, pk: int):
    return get_object_or_404(get_user_model().objects.filter(agency=agency, role__in=STAFF), pk=pk)


class PersonOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class EnterpriseRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    credit_code = serializers.CharField()


# --- campaigns ---------------------------------------------------------------------------------------------
class CampaignOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    name = serializers.CharField()
    agency = serializers.CharField(source="agency.code")
    state = serializers.CharField()
    licence_type = serializers.CharField()
    category = serializers.CharField()
    provinces = serializers.ListField(child=serializers.CharField())
    tiers = serializers.ListField(child=serializers.CharField())
    population_size = serializers.IntegerField()
    sample_size = serializers.IntegerField()
    pool_size = serializers.IntegerField()
    conflict_years = serializers.IntegerField()
    due_on = serializers.DateField()
    seed = serializers.CharField()
    algorithm_version = serializers.CharField()
    inputs_sha256 = serializers.CharField()
    result_sha256 = serializers.CharField()
    drawn_at = serializers.DateTimeField()
    published_at = serializers.DateTimeField(allow_null=True)


class CampaignListApi(APIView):
    permission_classes = [HasRole.of(*READERS)]

    @extend_schema(responses=paginated(CampaignOut), tags=TAG)
    def get(self, request):
        return _paginated(self, request, selectors.campaigns_for(request.user), CampaignOut)


class CampaignDrawApi(APIView):
    """Define a 双随机 campaign and draw it (enterprises weighted by credit tier, two inspectors each)."""

    permission_classes = [HasRole.of(*STAFF)]

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        licence_type = serializers.ChoiceField(choices=LicenceType.values)
        category = serializers.ChoiceField(
            choices=Category.values, required=False, allow_blank=True, default=""
        )
        level = serializers.IntegerField(required=False, allow_null=True, default=None)
        provinces = serializers.ListField(
            child=serializers.CharField(max_length=2), required=False, default=list
        )
        tiers = serializers.ListField(
            child=serializers.ChoiceField(choices=Tier.values), required=False, default=list
        )
        sample_size = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
        sample_rate = serializers.DecimalField(
            max_digits=5, decimal_places=2, required=False, allow_null=True, default=None
        )
        inspector_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
        conflict_years = serializers.IntegerField(min_value=0, max_value=10, default=3)
        default_kind = serializers.ChoiceField(choices=InspectionKind.values, default=InspectionKind.OFF_SITE)
        due_on = serializers.DateField()

    @extend_schema(request=InputSerializer, responses={201: CampaignOut}, tags=TAG)
    def post(self, request):
        from licensing.models import Level

        data = validate_input(self.InputSerializer, request.data)
        level_id = data.pop("level", None)
        level = Level.objects.filter(pk=level_id).first() if level_id else None
        if level_id and level is None:
            raise serializers.ValidationError({"level": ["Unknown level."]})
        campaign = services.campaign_draw(officer=request.user, level=level, **data)
        return Response(CampaignOut(campaign).data, status=status.HTTP_201_CREATED)


class CampaignReportOut(serializers.Serializer):
    drawn = serializers.IntegerField()
    inspectors = serializers.IntegerField()
    inspected = serializers.IntegerField()
    short = serializers.IntegerField()
    rectified = serializers.IntegerField()
    referred = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    pending = serializers.IntegerField()
    by_tier = serializers.SerializerMethodField()

    def get_by_tier(self, obj) -> list[dict]:
        return [
            {"tier": tier, "drawn": drawn, "inspected": done, "short": short}
            for tier, _label, drawn, done, short in obj.by_tier
        ]


class CampaignDetailApi(APIView):
    permission_classes = [HasRole.of(*READERS)]

    class OutputSerializer(CampaignOut):
        report = CampaignReportOut()

    @extend_schema(responses=OutputSerializer, tags=TAG)
    def get(self, request, pk: int):
        campaign = selectors.campaign_get(request.user, pk)
        campaign.report = selectors.campaign_report(campaign)
        return Response(self.OutputSerializer(campaign).data)


class TargetOut(serializers.Serializer):
    position = serializers.IntegerField(source="draw_position")
    inspection = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    enterprise = EnterpriseRef()
    tier_at_draw = serializers.CharField(source="draw_tier")
    kind = serializers.CharField()
    inspectors = serializers.SerializerMethodField()
    state = serializers.CharField()
    result = serializers.CharField()

    def get_inspectors(self, obj) -> list[int]:
        return list(obj.inspector_ids)


class CampaignTargetsApi(APIView):
    permission_classes = [HasRole.of(*READERS)]

    @extend_schema(responses=paginated(TargetOut), tags=TAG)
    def get(self, request, pk: int):
        campaign = selectors.campaign_get(request.user, pk)
        return _paginated(self, request, selectors.campaign_targets(campaign), TargetOut)


class CampaignVerifyApi(APIView):
    """Re-run the draw from the stored inputs (or from `inputs` you supply) and compare it with the
    recorded assignments and the recorded hash. `ok` is true only if everything matches."""

    permission_classes = [HasRole.of(*READERS)]

    class InputSerializer(serializers.Serializer):
        inputs = serializers.JSONField(required=False)

    class OutputSerializer(serializers.Serializer):
        ok = serializers.BooleanField()
        hash_ok = serializers.BooleanField()
        stored_sha256 = serializers.CharField()
        computed_sha256 = serializers.CharField()
        given_sha256 = serializers.CharField()
        inputs_differences = serializers.ListField(child=serializers.CharField())
        result_differences = serializers.ListField(child=serializers.CharField())
        drawn = serializers.IntegerField()
        error = serializers.CharField(allow_blank=True)

    @extend_schema(request=InputSerializer, responses=OutputSerializer, tags=TAG)
    def post(self, request, pk: int):
        campaign = selectors.campaign_get(request.user, pk)
        data = validate_input(self.InputSerializer, request.data)
        inputs = data.get("inputs")
        if inputs is not None and not isinstance(inputs, dict):
            raise serializers.ValidationError({"inputs": ["Expected an object."]})
        return Response(self.OutputSerializer(selectors.campaign_verification(campaign, inputs)).data)


class CampaignPublishApi(APIView):
    permission_classes = [HasRole.of(*STAFF)]

    @extend_schema(request=None, responses=CampaignOut, tags=TAG)
    def post(self, request, pk: int):
        campaign = services.campaign_publish(
            campaign=selectors.campaign_get(request.user, pk), officer=request.user
        )
        return Response(CampaignOut(campaign).data)


# --- inspections -----------------------------------------------------------------------------------------------
class ItemOut(serializers.Serializer):
    checklist_item = serializers.IntegerField(source="checklist_item_id", allow_null=True)
    text_of_item = serializers.CharField(source="checklist_item.text", default="")
    outcome = serializers.CharField()
    severity = serializers.CharField()
    text = serializers.CharField()


class InspectionOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    enterprise = EnterpriseRef()
    origin = serializers.CharField()
    kind = serializers.CharField()
    campaign = serializers.IntegerField(source="campaign_id", allow_null=True)
    # Not required: the inspected enterprise's view leaves the inspectors out.
    lead_inspector = PersonOut(required=False)
    second_inspector = PersonOut(required=False)
    due_on = serializers.DateField()
    state = serializers.CharField()
    inspected_on = serializers.DateField(allow_null=True)
    result = serializers.CharField()
    worst_severity = serializers.CharField()
    tier_at_inspection = serializers.CharField()


class InspectionListApi(APIView):
    permission_classes = [HasRole.of(*READERS, "enterprise")]

    class FilterSerializer(serializers.Serializer):
        state = serializers.ChoiceField(choices=Inspection.State.values, required=False)
        origin = serializers.ChoiceField(choices=Inspection.Origin.values, required=False)
        kind = serializers.ChoiceField(choices=InspectionKind.values, required=False)

    @extend_schema(parameters=[FilterSerializer], responses=paginated(InspectionOut), tags=TAG)
    def get(self, request):
        filters = validate_input(self.FilterSerializer, request.query_params)
        qs = selectors.inspections_for(request.user, **filters)
        serializer = EnterpriseInspectionOut if request.user.role == "enterprise" else InspectionOut
        return _paginated(self, request, qs, serializer)


class EnterpriseInspectionOut(InspectionOut):
    """What the inspected enterprise sees: no inspector identities in the list."""

    lead_inspector = None
    second_inspector = None


class InspectionDetailOut(InspectionOut):
    summary = serializers.CharField()
    items = ItemOut(many=True, source="items_list")
    rectification_order = serializers.IntegerField(source="rectification_order_id", allow_null=True)
    credit_record = serializers.IntegerField(source="credit_record_id", allow_null=True)


class EnterpriseInspectionDetailOut(InspectionDetailOut):
    lead_inspector = None
    second_inspector = None


class InspectionDetailApi(APIView):
    permission_classes = [HasRole.of(*READERS, "enterprise")]

    @extend_schema(responses=InspectionDetailOut, tags=TAG)
    def get(self, request, pk: int):
        inspection = selectors.inspection_get(request.user, pk)
        inspection.items_list = list(selectors.inspection_items(inspection))
        out = EnterpriseInspectionDetailOut if request.user.role == "enterprise" else InspectionDetailOut
        return Response(out(inspection).data)


class InspectionPlanApi(APIView):
    """An ad hoc inspection (key / targeted / problem supervision) by two named inspectors."""

    permission_classes = [HasRole.of(*STAFF)]

    class InputSerializer(serializers.Serializer):
        enterprise = serializers.IntegerField()
        origin = serializers.ChoiceField(choices=Inspection.Origin.values)
        kind = serializers.ChoiceField(choices=InspectionKind.values)
        reason = serializers.CharField()
        lead_inspector = serializers.IntegerField()
        second_inspector = serializers.IntegerField()
        due_on = serializers.DateField()

    @extend_schema(request=InputSerializer, responses={201: InspectionOut}, tags=TAG)
    def post(self, request):
        data = validate_input(self.InputSerializer, request.data)
        enterprise = _enterprise(request.user, data.pop("enterprise"))
        agency = request.user.agency
        inspection = services.inspection_plan(
            officer=request.user,
            enterprise=enterprise,
            lead_inspector=_staff(agency, data.pop("lead_inspector")),
            second_inspector=_staff(agency, data.pop("second_inspector")),
            **data,
        )
        return Response(InspectionOut(inspection).data, status=status.HTTP_201_CREATED)


class InspectionRecordApi(APIView):
    permission_classes = [HasRole.of(*STAFF)]

    class ItemIn(serializers.Serializer):
        checklist_item = serializers.IntegerField(required=False, allow_null=True, default=None)
        outcome = serializers.ChoiceField(choices=ItemResult.Outcome.values)
        severity = serializers.ChoiceField(choices=[*Grade.values, ""], required=False, default="")
        text = serializers.CharField(required=False, allow_blank=True, default="")

    class VideoIn(serializers.Serializer):
        started_at = serializers.DateTimeField()
        ended_at = serializers.DateTimeField()
        participants = serializers.CharField()
        checked = serializers.CharField()
        recording_ref = serializers.CharField(max_length=200)

    class InputSerializer(serializers.Serializer):
        inspected_on = serializers.DateField()
        kind = serializers.ChoiceField(choices=InspectionKind.values, required=False)
        summary = serializers.CharField()
        items = serializers.ListField(child=serializers.DictField(), allow_empty=False)
        video = serializers.DictField(required=False)
        rectify_by = serializers.DateField(required=False, allow_null=True, default=None)
        refer_penalty = serializers.BooleanField(default=False)
        penalty_reason = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=InspectionOut, tags=TAG)
    def post(self, request, pk: int):
        inspection = selectors.inspection_get(request.user, pk)
        data = validate_input(self.InputSerializer, request.data)
        items = [validate_input(self.ItemIn, raw) for raw in data.pop("items")]
        video = data.pop("video", None)
        inspection = services.inspection_record(
            inspection=inspection,
            officer=request.user,
            items=[
                services.ItemInput(i["checklist_item"], i["outcome"], i["severity"], i["text"]) for i in items
            ],
            video=services.VideoInput(**validate_input(self.VideoIn, video)) if video else None,
            **data,
        )
        return Response(InspectionOut(inspection).data)


class InspectionCancelApi(APIView):
    permission_classes = [HasRole.of(*STAFF)]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField()

    @extend_schema(request=InputSerializer, responses=InspectionOut, tags=TAG)
    def post(self, request, pk: int):
        inspection = selectors.inspection_get(request.user, pk)  # scope first: out of scope is a 404
        data = validate_input(self.InputSerializer, request.data)
        inspection = services.inspection_cancel(
            inspection=inspection, officer=request.user, reason=data["reason"]
        )
        return Response(InspectionOut(inspection).data)


class ChecklistApi(APIView):
    permission_classes = [HasRole.of(*READERS, "enterprise")]

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        kind = serializers.CharField()
        code = serializers.CharField()
        text = serializers.CharField()
        guidance = serializers.CharField()

    @extend_schema(responses=OutputSerializer(many=True), tags=TAG)
    def get(self, request):
        items = ChecklistItem.objects.filter(active=True).order_by("kind", "position")
        return Response(self.OutputSerializer(items, many=True).data)


# --- 严重失信 coverage, tasks ---------------------------------------------------------------------------------------
class KeyCoverageApi(APIView):
    permission_classes = [HasRole.of(*READERS)]

    class InputSerializer(serializers.Serializer):
        year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)

    class OutputSerializer(serializers.Serializer):
        year = serializers.IntegerField()
        tiers = serializers.ListField(child=serializers.CharField())
        total = serializers.IntegerField()
        covered = serializers.IntegerField()
        percent = serializers.IntegerField()
        missing = EnterpriseRef(many=True)

    @extend_schema(parameters=[InputSerializer], responses=OutputSerializer, tags=TAG)
    def get(self, request):
        year = validate_input(self.InputSerializer, request.query_params).get("year")
        return Response(self.OutputSerializer(selectors.key_coverage(request.user, year)).data)


class TasksApi(APIView):
    permission_classes = [HasRole.of(*STAFF)]

    class FilterSerializer(serializers.Serializer):
        category = serializers.ChoiceField(choices=Category.values, required=False)
        tier = serializers.ChoiceField(choices=Tier.values, required=False)
        province = serializers.CharField(max_length=2, required=False)

    class TaskOut(serializers.Serializer):
        type = serializers.CharField()
        id = serializers.IntegerField()
        enterprise = EnterpriseRef()
        due_on = serializers.DateField(allow_null=True)

    @extend_schema(parameters=[FilterSerializer], responses=TaskOut(many=True), tags=TAG)
    def get(self, request):
        tasks = selectors.my_tasks(
            request.user, **validate_input(self.FilterSerializer, request.query_params)
        )
        rows = (
            [
                {"type": "inspection", "id": i.pk, "enterprise": i.enterprise, "due_on": i.due_on}
                for i in tasks.inspections
            ]
            + [
                {"type": "list_entry", "id": e.pk, "enterprise": e.enterprise, "due_on": e.plan_due}
                for e in tasks.entries
            ]
            + [
                {
                    "type": "self_inspection",
                    "id": r.pk,
                    "enterprise": r.enterprise,
                    "due_on": r.campaign.verify_due_on,
                }
                for r in tasks.reports
            ]
            + [
                {"type": "complaint", "id": c.pk, "enterprise": c.enterprise, "due_on": None}
                for c in tasks.complaints
            ]
        )
        return Response(self.TaskOut(rows, many=True).data)


# --- three lists, complaints ----------------------------------------------------------------------------------------
class EntryOut(serializers.Serializer):
    id = serializers.IntegerField()
    list_kind = serializers.CharField()
    enterprise = EnterpriseRef()
    reason = serializers.CharField()
    source_type = serializers.CharField()
    source_id = serializers.CharField()
    responsible = PersonOut(allow_null=True)
    supervision_plan = serializers.CharField()
    plan_due = serializers.DateField(allow_null=True)
    state = serializers.CharField()
    listed_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolution = serializers.CharField()


class ThreeListApi(APIView):
    permission_classes = [HasRole.of(*READERS)]

    class FilterSerializer(serializers.Serializer):
        list_kind = serializers.ChoiceField(choices=ListKind.values, required=False)
        status = serializers.ChoiceField(choices=["open", "resolved", "all"], default="open")

    @extend_schema(parameters=[FilterSerializer], responses=paginated(EntryOut), tags=TAG)
    def get(self, request):
        filters = validate_input(self.FilterSerializer, request.query_params)
        return _paginated(self, request, selectors.three_list_entries(request.user, **filters), EntryOut)


class ThreeListAddApi(APIView):
    permission_classes = [HasRole.of(*STAFF)]

    class InputSerializer(serializers.Serializer):
        enterprise = serializers.IntegerField()
        list_kind = serializers.ChoiceField(choices=ListKind.values)
        reason = serializers.CharField()
        source_type = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)
        source_id = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)

    @extend_schema(request=InputSerializer, responses={201: EntryOut}, tags=TAG)
    def post(self, request):
        data = validate_input(self.InputSerializer, request.data)
        entry = services.three_list_add(
            enterprise=_enterprise(request.user, data.pop("enterprise")), officer=request.user, **data
        )
        return Response(EntryOut(entry).data, status=status.HTTP_201_CREATED)


class ThreeListPlanApi(APIView):
    permission_classes = [HasRole.of(*STAFF)]

    class InputSerializer(serializers.Serializer):
        responsible = serializers.IntegerField()
        plan = serializers.CharField()
        plan_due = serializers.DateField()

    @extend_schema(request=InputSerializer, responses=EntryOut, tags=TAG)
    def post(self, request, pk: int):
        entry = selectors.three_list_entry_get(request.user, pk)
        data = validate_input(self.InputSerializer, request.data)
        entry = services.three_list_plan(
            entry=entry,
            officer=request.user,
            responsible=_staff(entry.agency, data["responsible"]),
            plan=data["plan"],
            plan_due=data["plan_due"],
        )
        return Response(EntryOut(entry).data)


class ThreeListResolveApi(APIView):
    permission_classes = [HasRole.of(*STAFF)]

    class InputSerializer(serializers.Serializer):
        resolution = serializers.CharField()

    @extend_schema(request=InputSerializer, responses=EntryOut, tags=TAG)
    def post(self, request, pk: int):
        entry = selectors.three_list_entry_get(request.user, pk)
        data = validate_input(self.InputSerializer, request.data)
        return Response(EntryOut(services.three_list_resolve(entry=entry, officer=request.user, **data)).data)


class ComplaintOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    enterprise = EnterpriseRef()
    channel = serializers.CharField()
    content = serializers.CharField()
    complainant_name = serializers.CharField()
    complainant_contact = serializers.CharField()
    received_at = serializers.DateTimeField()
    state = serializers.CharField()
    note = serializers.CharField()
    entry = serializers.IntegerField(source="entry_id", allow_null=True)


class ComplaintListApi(APIView):
    permission_classes = [HasRole.of(*READERS)]

    @extend_schema(responses=paginated(ComplaintOut), tags=TAG)
    def get(self, request):
        return _paginated(self, request, selectors.complaints_for(request.user), ComplaintOut)


class ComplaintRegisterApi(APIView):
    permission_classes = [HasRole.of(*STAFF)]

    class InputSerializer(serializers.Serializer):
        enterprise = serializers.IntegerField()
        content = serializers.CharField()
        complainant_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
        complainant_contact = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=100
        )

    @extend_schema(request=InputSerializer, responses={201: ComplaintOut}, tags=TAG)
    def post(self, request):
        data = validate_input(self.InputSerializer, request.data)
        complaint = services.complaint_register(
            officer=request.user, enterprise=_enterprise(request.user, data.pop("enterprise")), **data
        )
        return Response(ComplaintOut(complaint).data, status=status.HTTP_201_CREATED)


class ComplaintExamineApi(APIView):
    permission_classes = [HasRole.of(*STAFF)]

    class InputSerializer(serializers.Serializer):
        accept = serializers.BooleanField()
        note = serializers.CharField()

    @extend_schema(request=InputSerializer, responses=ComplaintOut, tags=TAG)
    def post(self, request, pk: int):
        complaint = selectors.complaint_get(request.user, pk)
        data = validate_input(self.InputSerializer, request.data)
        return Response(
            ComplaintOut(services.complaint_examine(complaint=complaint, officer=request.user, **data)).data
        )


# --- problem library, conflicts, referrals ---------------------------------------------------------------------------------
class ProblemLibraryApi(APIView):
    permission_classes = [HasRole.of(*READERS)]

    class FindingOut(serializers.Serializer):
        inspection = serializers.CharField(source="inspection.number")
        inspected_on = serializers.DateField(source="inspection.inspected_on")
        item = serializers.CharField(source="checklist_item.text", default="")
        severity = serializers.CharField()
        text = serializers.CharField()

    class OrderOut(serializers.Serializer):
        number = serializers.CharField()
        state = serializers.CharField()
        deadline = serializers.DateField()
        source = serializers.CharField()

    class DiscrepancyOut(serializers.Serializer):
        campaign = serializers.CharField(source="campaign.title")
        severity = serializers.CharField(source="discrepancy_severity")
        note = serializers.CharField(source="verification_note")

    class OutputSerializer(serializers.Serializer):
        enterprise = EnterpriseRef()
        findings = serializers.SerializerMethodField()
        entries = EntryOut(many=True)
        orders = serializers.SerializerMethodField()
        discrepancies = serializers.SerializerMethodField()

        def get_findings(self, obj) -> list[dict]:
            return ProblemLibraryApi.FindingOut(obj.findings, many=True).data

        def get_orders(self, obj) -> list[dict]:
            return ProblemLibraryApi.OrderOut(obj.orders, many=True).data

        def get_discrepancies(self, obj) -> list[dict]:
            return ProblemLibraryApi.DiscrepancyOut(obj.discrepancies, many=True).data

    @extend_schema(responses=OutputSerializer, tags=TAG)
    def get(self, request, enterprise_id: int):
        return Response(self.OutputSerializer(selectors.problem_library(request.user, enterprise_id)).data)


class ConflictOut(serializers.Serializer):
    id = serializers.IntegerField()
    inspector = PersonOut()
    enterprise = EnterpriseRef()
    relation = serializers.CharField()
    detail = serializers.CharField()
    declared_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)


class ConflictListApi(APIView):
    permission_classes = [HasRole.of(*READERS)]

    @extend_schema(responses=paginated(ConflictOut), tags=TAG)
    def get(self, request):
        return _paginated(self, request, selectors.conflicts_for(request.user), ConflictOut)


class ConflictDeclareApi(APIView):
    permission_classes = [HasRole.of(*STAFF, "admin")]

    class InputSerializer(serializers.Serializer):
        inspector = serializers.IntegerField()
        enterprise = serializers.IntegerField()
        relation = serializers.ChoiceField(choices=ConflictDeclaration.Relation.values)
        detail = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: ConflictOut}, tags=TAG)
    def post(self, request):
        data = validate_input(self.InputSerializer, request.data)
        enterprise = _enterprise(request.user, data["enterprise"])
        declaration = services.conflict_declare(
            inspector=_staff(enterprise.agency, data["inspector"]),
            enterprise=enterprise,
            relation=data["relation"],
            detail=data["detail"],
            actor=request.user,
        )
        return Response(ConflictOut(declaration).data, status=status.HTTP_201_CREATED)


class ConflictWithdrawApi(APIView):
    permission_classes = [HasRole.of(*STAFF, "admin")]

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField()

    @extend_schema(request=InputSerializer, responses=ConflictOut, tags=TAG)
    def post(self, request, pk: int):
        declaration = get_object_or_404(selectors.conflicts_for(request.user), pk=pk)
        data = validate_input(self.InputSerializer, request.data)
        return Response(
            ConflictOut(services.conflict_withdraw(declaration=declaration, actor=request.user, **data)).data
        )


class ReferralOut(serializers.Serializer):
    id = serializers.IntegerField()
    enterprise = EnterpriseRef()
    inspection = serializers.IntegerField(source="inspection_id", allow_null=True)
    source_type = serializers.CharField()
    source_id = serializers.CharField()
    reason = serializers.CharField()
    referred_at = serializers.DateTimeField()
    state = serializers.CharField()
    case_reference = serializers.CharField()
    note = serializers.CharField()


class ReferralListApi(APIView):
    """Penalty referrals the penalties app consumes: `state=open` are waiting for a case decision."""

    permission_classes = [HasRole.of(*READERS)]

    class FilterSerializer(serializers.Serializer):
        state = serializers.ChoiceField(choices=["open", "taken", "declined"], required=False)

    @extend_schema(parameters=[FilterSerializer], responses=paginated(ReferralOut), tags=TAG)
    def get(self, request):
        filters = validate_input(self.FilterSerializer, request.query_params)
        return _paginated(self, request, selectors.referrals_for(request.user, **filters), ReferralOut)


class ReferralTakeApi(APIView):
    permission_classes = [HasRole.of(*STAFF)]

    class InputSerializer(serializers.Serializer):
        case_reference = serializers.CharField(max_length=60)

    @extend_schema(request=InputSerializer, responses=ReferralOut, tags=TAG)
    def post(self, request, pk: int):
        referral = get_object_or_404(selectors.referrals_for(request.user), pk=pk)
        data = validate_input(self.InputSerializer, request.data)
        return Response(
            ReferralOut(services.penalty_referral_take(referral=referral, actor=request.user, **data)).data
        )


class ReferralDeclineApi(APIView):
    permission_classes = [HasRole.of(*STAFF)]

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField()

    @extend_schema(request=InputSerializer, responses=ReferralOut, tags=TAG)
    def post(self, request, pk: int):
        referral = get_object_or_404(selectors.referrals_for(request.user), pk=pk)
        data = validate_input(self.InputSerializer, request.data)
        return Response(
            ReferralOut(services.penalty_referral_decline(referral=referral, actor=request.user, **data)).data
        )


# --- self-inspection -----------------------------------------------------------------------------------------------
class SelfReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    campaign = serializers.IntegerField(source="campaign_id")
    enterprise = EnterpriseRef()
    submitted_at = serializers.DateTimeField()
    tier_at_submission = serializers.CharField()
    verification_mode = serializers.CharField()
    state = serializers.CharField()
    verifier = serializers.IntegerField(source="verifier_id", allow_null=True)
    attachment_sha256 = serializers.CharField()


class SelfSubmitApi(APIView):
    """The enterprise's annual self-inspection report: `answers` as JSON {checklist item id: {compliant, note}};
    multipart with an optional PDF `attachment`."""

    permission_classes = [HasRole.of("enterprise")]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class InputSerializer(serializers.Serializer):
        summary = serializers.CharField()
        answers = serializers.JSONField()
        attachment = serializers.FileField(required=False)

    @extend_schema(request=InputSerializer, responses={201: SelfReportOut}, tags=TAG)
    def post(self, request, pk: int):
        campaign = selectors.self_campaign_get(request.user, pk)
        data = validate_input(self.InputSerializer, request.data)
        raw = data["answers"]
        if not isinstance(raw, dict):
            raise serializers.ValidationError({"answers": ["Expected an object."]})
        try:
            answers = {int(k): (bool(v["compliant"]), str(v.get("note", ""))) for k, v in raw.items()}
        except (TypeError, ValueError, KeyError, AttributeError):
            raise serializers.ValidationError({"answers": ["Each answer is {compliant, note}."]}) from None
        report = services.self_inspection_submit(
            campaign=campaign,
            actor=request.user,
            summary=data["summary"],
            answers=answers,
            attachment=data.get("attachment"),
        )
        return Response(SelfReportOut(report).data, status=status.HTTP_201_CREATED)


class SelfDrawApi(APIView):
    permission_classes = [HasRole.of(*STAFF)]

    class InputSerializer(serializers.Serializer):
        verifier_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        state = serializers.CharField()
        seed = serializers.CharField()
        inputs_sha256 = serializers.CharField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer, tags=TAG)
    def post(self, request, pk: int):
        campaign = selectors.self_campaign_get(request.user, pk)
        data = validate_input(self.InputSerializer, request.data)
        campaign = services.self_inspection_draw(campaign=campaign, officer=request.user, **data)
        return Response(self.OutputSerializer(campaign).data)


class SelfReportListApi(APIView):
    permission_classes = [HasRole.of(*READERS)]

    @extend_schema(responses=paginated(SelfReportOut), tags=TAG)
    def get(self, request, pk: int):
        campaign = selectors.self_campaign_get(request.user, pk)
        return _paginated(self, request, selectors.self_reports(campaign), SelfReportOut)


class SelfVerifyApi(APIView):
    permission_classes = [HasRole.of(*STAFF)]

    class InputSerializer(serializers.Serializer):
        matches = serializers.BooleanField()
        note = serializers.CharField()
        severity = serializers.ChoiceField(choices=[*Grade.values, ""], required=False, default="")

    @extend_schema(request=InputSerializer, responses=SelfReportOut, tags=TAG)
    def post(self, request, pk: int):
        report = selectors.self_report_get(request.user, pk)
        data = validate_input(self.InputSerializer, request.data)
        return Response(
            SelfReportOut(services.self_inspection_verify(report=report, officer=request.user, **data)).data
        )


def _name_schema_components() -> None:
    """Name every serializer of this module after its view in the OpenAPI schema
    (InspectionsCampaignDrawInput …): nested Input/OutputSerializer names repeat across apps."""
    from drf_spectacular.utils import extend_schema_serializer

    def visit(cls, prefix: str) -> None:
        for name, member in list(vars(cls).items()):
            if isinstance(member, type) and issubclass(member, serializers.BaseSerializer):
                base = name.removesuffix("Serializer")
                extend_schema_serializer(component_name=f"{prefix}{base}")(member)

    for name, member in list(globals().items()):
        if not isinstance(member, type) or member.__module__ != __name__:
            continue
        if issubclass(member, APIView):
            visit(member, "Inspections" + name.removesuffix("Api"))
        elif issubclass(member, serializers.BaseSerializer):
            extend_schema_serializer(component_name="Inspections" + name)(member)
            visit(member, "Inspections" + name)


_name_schema_components()
