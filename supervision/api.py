"""Supervision API (/api/v1/supervision/): one view per operation, stable codes, scoped lists.

Lists take the same filters as the pages (the filter forms validate them: a bad value is a 400).
Actions are POSTs that call the services; a broken rule answers 4xx {"detail", "code"}.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import validate_input
from core.permissions import HasRole
from supervision import selectors, services
from supervision.forms import CheckFilterForm, OrderFilterForm, WarningFilterForm
from supervision.letters import warning_letters_bulk
from supervision.models import CommitmentCheck

EVERYONE = HasRole.of("enterprise", "officer", "approver", "supervisor", "admin")
STAFF = HasRole.of("officer", "approver", "supervisor", "admin")
ACTORS = HasRole.of("officer", "approver")
ENTERPRISE = HasRole.of("enterprise")


def _filters(form_class, request) -> dict:
    form = form_class(request.query_params or None, user=request.user)
    if form.is_bound and not form.is_valid():
        raise serializers.ValidationError(form.errors.get_json_data())
    return form.filters()


def _parameters(form_class) -> list[OpenApiParameter]:
    return [OpenApiParameter(name, str, required=False) for name in form_class.base_fields]


# --- output shapes -------------------------------------------------------------------------------


class WarningOut(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    key = serializers.CharField()
    status = serializers.CharField()
    evidence = serializers.CharField()
    details = serializers.JSONField()
    due_on = serializers.DateField(allow_null=True)
    licence = serializers.CharField(source="licence.number")
    enterprise_id = serializers.IntegerField()
    enterprise = serializers.CharField(source="enterprise.name")
    agency = serializers.CharField(source="agency.code")
    tier = serializers.CharField(allow_null=True)
    owner = serializers.CharField(source="owner.username", allow_null=True, default=None)
    first_seen_on = serializers.DateField()
    changed_on = serializers.DateField()
    closed_on = serializers.DateField(allow_null=True)
    resolution = serializers.CharField()
    order = serializers.CharField(source="order.number", allow_null=True, default=None)


class OrderOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.CharField()
    source = serializers.CharField()
    source_id = serializers.CharField()
    enterprise_id = serializers.IntegerField()
    enterprise = serializers.CharField(source="enterprise.name")
    agency = serializers.CharField(source="agency.code")
    licence = serializers.CharField(source="licence.number", allow_null=True, default=None)
    findings = serializers.CharField()
    deadline = serializers.DateField()
    issued_on = serializers.DateField()
    issued_by = serializers.CharField(source="issued_by.username")
    answer = serializers.CharField()
    answered_on = serializers.DateField(allow_null=True)
    verification_note = serializers.CharField()
    closed_on = serializers.DateField(allow_null=True)
    escalation_reason = serializers.CharField()
    licence_revoked_on = serializers.DateField(allow_null=True)


class CheckOut(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    licence = serializers.CharField(source="licence.number")
    enterprise_id = serializers.IntegerField()
    enterprise = serializers.CharField(source="enterprise.name")
    agency = serializers.CharField(source="agency.code")
    tier = serializers.CharField(allow_null=True)
    decided_on = serializers.DateField()
    due_on = serializers.DateField()
    owner = serializers.CharField(source="owner.username", allow_null=True, default=None)
    method = serializers.CharField()
    checked_on = serializers.DateField(allow_null=True)
    comparison = serializers.JSONField()
    outcome = serializers.CharField()
    note = serializers.CharField()
    order = serializers.CharField(source="order.number", allow_null=True, default=None)
    penalty_referral = serializers.BooleanField()
    penalty_referral_reason = serializers.CharField()
    credit_record_id = serializers.IntegerField(allow_null=True)


class ScanRunOut(serializers.Serializer):
    id = serializers.IntegerField()
    scan_date = serializers.DateField()
    status = serializers.CharField()
    triggered_by = serializers.CharField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    batches = serializers.IntegerField()
    cursor = serializers.IntegerField()
    licences_scanned = serializers.IntegerField()
    warnings_opened = serializers.IntegerField()
    warnings_closed = serializers.IntegerField()
    resumed = serializers.IntegerField()
    last_error = serializers.CharField()


# --- warnings ------------------------------------------------------------------------------------


class WarningListApi(generics.ListAPIView):
    """Scan warnings the user may see (enterprise: its own), filtered like the officer page."""

    permission_classes = [EVERYONE]
    serializer_class = WarningOut

    def get_queryset(self):
        return selectors.warnings_list(self.request.user, _filters(WarningFilterForm, self.request))

    @extend_schema(parameters=_parameters(WarningFilterForm), tags=["supervision"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class WarningDetailApi(APIView):
    permission_classes = [EVERYONE]

    @extend_schema(responses=WarningOut, tags=["supervision"])
    def get(self, request, pk: int):
        return Response(WarningOut(selectors.warning_get(request.user, pk)).data)


class WarningOrderApi(APIView):
    """责令整改 from a warning: the officer sets the deadline (and may rephrase the findings)."""

    permission_classes = [ACTORS]

    @extend_schema_serializer(component_name="SupervisionWarningOrderInput")
    class InputSerializer(serializers.Serializer):
        deadline = serializers.DateField()
        findings = serializers.CharField(required=False, allow_blank=True, max_length=4000)

    @extend_schema(request=InputSerializer, responses={201: OrderOut}, tags=["supervision"])
    def post(self, request, pk: int):
        warning = selectors.warning_get(request.user, pk)
        data = validate_input(self.InputSerializer, request.data)
        order = services.warning_order_rectification(
            warning=warning,
            officer=request.user,
            deadline=data["deadline"],
            findings=data.get("findings", ""),
        )
        return Response(OrderOut(order).data, status=status.HTTP_201_CREATED)


class WarningRecheckApi(APIView):
    """Scan the warning's licence again now."""

    permission_classes = [ACTORS]

    @extend_schema(request=None, responses=WarningOut, tags=["supervision"])
    def post(self, request, pk: int):
        warning = selectors.warning_get(request.user, pk)
        from supervision.scan import licence_conditions_recheck

        licence_conditions_recheck(warning.licence)
        return Response(WarningOut(selectors.warning_get(request.user, pk)).data)


class WarningLettersApi(APIView):
    """Print the 监管预警提示函 of every warning the filter selects (the list's filters, e.g.
    `?run=<scan run id>`) as one bulk job. 202 with the job; follow it at
    `/api/v1/documents/bulk/{id}/`."""

    permission_classes = [ACTORS]

    class OutputSerializer(serializers.Serializer):
        job = serializers.IntegerField()
        total = serializers.IntegerField()
        skipped = serializers.IntegerField()
        progress = serializers.CharField()

    @extend_schema(
        request=None,
        parameters=_parameters(WarningFilterForm),
        responses={202: OutputSerializer},
        tags=["supervision"],
    )
    def post(self, request):
        job, skipped = warning_letters_bulk(
            warnings=selectors.warnings_list(request.user, _filters(WarningFilterForm, request)),
            actor=request.user,
        )
        body = {
            "job": job.pk,
            "total": job.total,
            "skipped": skipped,
            "progress": reverse("api-document-bulk-job", args=[job.pk]),
        }
        return Response(self.OutputSerializer(body).data, status=status.HTTP_202_ACCEPTED)


# --- orders --------------------------------------------------------------------------------------


class OrderListApi(generics.ListAPIView):
    permission_classes = [EVERYONE]
    serializer_class = OrderOut

    def get_queryset(self):
        return selectors.orders_list(self.request.user, _filters(OrderFilterForm, self.request))

    @extend_schema(parameters=_parameters(OrderFilterForm), tags=["supervision"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class OrderDetailApi(APIView):
    permission_classes = [EVERYONE]

    @extend_schema(responses=OrderOut, tags=["supervision"])
    def get(self, request, pk: int):
        return Response(OrderOut(selectors.order_get(request.user, pk)).data)


class OrderAnswerApi(APIView):
    """The enterprise answers with what it rectified; evidence files (PDF/JPEG/PNG) as multipart `files`."""

    permission_classes = [ENTERPRISE]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema_serializer(component_name="SupervisionOrderAnswerInput")
    class InputSerializer(serializers.Serializer):
        answer = serializers.CharField(max_length=4000)
        files = serializers.ListField(child=serializers.FileField(), required=False, max_length=10)

    @extend_schema(request={"multipart/form-data": InputSerializer}, responses=OrderOut, tags=["supervision"])
    def post(self, request, pk: int):
        order = selectors.order_get(request.user, pk)
        data = validate_input(
            self.InputSerializer,
            {"answer": request.data.get("answer", ""), "files": request.FILES.getlist("files")},
        )
        order = services.rectification_answer(
            order=order, actor=request.user, answer=data["answer"], uploads=data.get("files", [])
        )
        return Response(OrderOut(order).data)


class OrderVerifyApi(APIView):
    permission_classes = [ACTORS]

    @extend_schema_serializer(component_name="SupervisionOrderVerifyInput")
    class InputSerializer(serializers.Serializer):
        accepted = serializers.BooleanField()
        note = serializers.CharField(max_length=4000)

    @extend_schema(request=InputSerializer, responses=OrderOut, tags=["supervision"])
    def post(self, request, pk: int):
        order = selectors.order_get(request.user, pk)
        data = validate_input(self.InputSerializer, request.data)
        order = services.rectification_verify(
            order=order, officer=request.user, accepted=data["accepted"], note=data["note"]
        )
        return Response(OrderOut(order).data)


class OrderRevokeLicenceApi(APIView):
    """Revoke the licence of an escalated order (rectification not met), with a reason."""

    permission_classes = [ACTORS]

    @extend_schema_serializer(component_name="SupervisionOrderRevokeLicenceInput")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=4000)

    @extend_schema(request=InputSerializer, responses=OrderOut, tags=["supervision"])
    def post(self, request, pk: int):
        order = selectors.order_get(request.user, pk)
        data = validate_input(self.InputSerializer, request.data)
        order = services.rectification_revoke_licence(
            order=order, officer=request.user, reason=data["reason"]
        )
        return Response(OrderOut(order).data)


class RevocationCandidateListApi(generics.ListAPIView):
    permission_classes = [STAFF]
    serializer_class = OrderOut

    def get_queryset(self):
        return selectors.revocation_candidates(self.request.user)

    @extend_schema(tags=["supervision"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- commitment checks ---------------------------------------------------------------------------


class CheckListApi(generics.ListAPIView):
    permission_classes = [EVERYONE]
    serializer_class = CheckOut

    def get_queryset(self):
        return selectors.checks_list(self.request.user, _filters(CheckFilterForm, self.request))

    @extend_schema(parameters=_parameters(CheckFilterForm), tags=["supervision"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CheckDetailApi(APIView):
    permission_classes = [EVERYONE]

    @extend_schema(responses=CheckOut, tags=["supervision"])
    def get(self, request, pk: int):
        return Response(CheckOut(selectors.check_get(request.user, pk)).data)


class CheckRecordApi(APIView):
    """Record a commitment check: method, the item-by-item comparison, the outcome (and its deadline)."""

    permission_classes = [ACTORS]

    @extend_schema_serializer(component_name="SupervisionCheckRecordRow")
    class RowSerializer(serializers.Serializer):
        item = serializers.CharField(max_length=200)
        committed = serializers.CharField(max_length=200, allow_blank=True)
        found = serializers.CharField(max_length=200, allow_blank=True)
        matches = serializers.BooleanField()

    @extend_schema_serializer(component_name="SupervisionCheckRecordInput")
    class InputSerializer(serializers.Serializer):
        method = serializers.ChoiceField(choices=CommitmentCheck.Method.values)
        outcome = serializers.ChoiceField(choices=CommitmentCheck.Outcome.values)
        comparison = serializers.ListField(min_length=1, max_length=60)
        note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
        deadline = serializers.DateField(required=False, allow_null=True)

    @extend_schema(request=InputSerializer, responses=CheckOut, tags=["supervision"])
    def post(self, request, pk: int):
        check = selectors.check_get(request.user, pk)
        data = validate_input(self.InputSerializer, request.data)
        rows = serializers.ListSerializer(child=self.RowSerializer(), data=data["comparison"])
        rows.is_valid(raise_exception=True)
        check = services.commitment_check_record(
            check=check,
            officer=request.user,
            method=data["method"],
            comparison=rows.validated_data,
            outcome=data["outcome"],
            note=data.get("note", ""),
            deadline=data.get("deadline"),
        )
        return Response(CheckOut(selectors.check_get(request.user, check.pk)).data)


class CoverageApi(APIView):
    """全覆盖核查: checked within six months ÷ due, for the user's scope."""

    permission_classes = [STAFF]

    @extend_schema_serializer(component_name="SupervisionCoverageOutput")
    class OutputSerializer(serializers.Serializer):
        population = serializers.IntegerField()
        covered = serializers.IntegerField()
        late = serializers.IntegerField()
        overdue = serializers.IntegerField()
        pending = serializers.IntegerField()
        due_soon = serializers.IntegerField()
        rate = serializers.FloatField(allow_null=True)

    @extend_schema(responses=OutputSerializer, tags=["supervision"])
    def get(self, request):
        return Response(self.OutputSerializer(selectors.commitment_coverage(request.user)).data)


# --- scan runs -----------------------------------------------------------------------------------


class ScanRunListApi(generics.ListAPIView):
    permission_classes = [STAFF]
    serializer_class = ScanRunOut

    def get_queryset(self):
        return selectors.scan_runs()

    @extend_schema(tags=["supervision"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ScanRunStartApi(APIView):
    """Queue the scan now (administrators); it resumes an unfinished run first."""

    permission_classes = [HasRole.of("admin")]

    @extend_schema(
        request=None,
        responses={202: inline_serializer("SupervisionScanQueued", {"task": serializers.CharField()})},
        tags=["supervision"],
    )
    def post(self, request):
        from supervision.tasks import scan_licence_conditions

        result = scan_licence_conditions.delay(triggered_by=request.user.get_username())
        return Response({"task": str(result.id)}, status=status.HTTP_202_ACCEPTED)
