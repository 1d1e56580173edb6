"""Oversight API, `/api/v1/oversight/`: one APIView per operation, stable English codes in payloads."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import validate_input
from core.drf import Pagination
from core.exceptions import ForbiddenError
from core.permissions import HasRole
from core.schema import paginated as paginated_schema
from licensing.models import LicenceType
from oversight import panels, selectors, services
from oversight.models import (
    BAD_LEVELS,
    MANUAL_RULES,
    CallbackState,
    ContactMethod,
    FlagRule,
    FlagState,
    RatingLevel,
    ServiceKind,
    Verification,
)

STAFF = ("officer", "approver", "supervisor", "admin")


def paginated(view: APIView, request, queryset, serializer_class) -> Response:
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


# --- service events and ratings ------------------------------------------------------------------------
class EventOut(serializers.Serializer):
    id = serializers.IntegerField()
    service = serializers.ChoiceField(source="kind", choices=ServiceKind.values)
    action = serializers.CharField()
    enterprise = serializers.IntegerField(source="enterprise_id")
    agency = serializers.IntegerField(source="agency_id")
    application = serializers.IntegerField(source="application_id", allow_null=True)
    credit_request = serializers.IntegerField(source="credit_request_id", allow_null=True)
    reference = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    rated = serializers.SerializerMethodField()

    def get_rated(self, event) -> bool:
        return hasattr(event, "rating")


class EventListApi(APIView):
    """Service events the caller may see. An enterprise's call first syncs its newest events, so a
    service that has just happened can be rated at once."""

    permission_classes = [HasRole.of("enterprise", *STAFF)]

    @extend_schema_serializer(component_name="OversightEventListInput")
    class InputSerializer(serializers.Serializer):
        unrated = serializers.BooleanField(required=False, default=False)

    @extend_schema(parameters=[InputSerializer], responses=paginated_schema(EventOut), tags=["oversight"])
    def get(self, request):
        data = validate_input(self.InputSerializer, request.query_params)
        if request.user.role == "enterprise":
            services.service_events_sync(enterprise=request.user.enterprise)
        events = selectors.ratable_events(request.user)
        if data["unrated"]:
            events = events.filter(rating__isnull=True)
        return paginated(self, request, events, EventOut)


class RatingOut(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.IntegerField(source="event_id")
    service = serializers.ChoiceField(source="event.kind", choices=ServiceKind.values)
    enterprise = serializers.IntegerField(source="enterprise_id")
    agency = serializers.IntegerField(source="agency_id")
    level = serializers.ChoiceField(choices=RatingLevel.values)
    comment = serializers.CharField()
    anonymous = serializers.BooleanField()
    rated_by = serializers.IntegerField(source="rated_by_id", allow_null=True)
    rated_at = serializers.DateTimeField()
    callback = serializers.SerializerMethodField()

    def get_callback(self, rating) -> int | None:
        return rating.callback.pk if hasattr(rating, "callback") else None


class RatingListApi(APIView):
    """Ratings the caller may see: an enterprise its own, agency staff their agency's (national
    supervisors all). An anonymous rating never names its rater."""

    permission_classes = [HasRole.of("enterprise", *STAFF)]

    @extend_schema_serializer(component_name="OversightRatingListInput")
    class InputSerializer(serializers.Serializer):
        level = serializers.ChoiceField(choices=[*RatingLevel.values, "bad"], required=False)

    @extend_schema(parameters=[InputSerializer], responses=paginated_schema(RatingOut), tags=["oversight"])
    def get(self, request):
        data = validate_input(self.InputSerializer, request.query_params)
        ratings = selectors.ratings_visible(request.user)
        if data.get("level") == "bad":
            ratings = ratings.filter(level__in=BAD_LEVELS)
        elif data.get("level"):
            ratings = ratings.filter(level=data["level"])
        return paginated(self, request, ratings, RatingOut)

    @extend_schema_serializer(component_name="OversightRatingCreateInput")
    class CreateSerializer(serializers.Serializer):
        event = serializers.IntegerField(min_value=1)
        level = serializers.ChoiceField(choices=RatingLevel.values)
        comment = serializers.CharField(
            max_length=services.COMMENT_MAX, required=False, allow_blank=True, default=""
        )
        anonymous = serializers.BooleanField(required=False, default=False)
        contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")

    @extend_schema(request=CreateSerializer, responses={201: RatingOut}, tags=["oversight"])
    def post(self, request):
        """Rate one service event, once. A real-name 不满意 / 非常不满意 opens a callback."""
        data = validate_input(self.CreateSerializer, request.data)
        event = selectors.event_get(request.user, data["event"])
        rating = services.rating_create(
            event=event,
            user=request.user,
            level=data["level"],
            comment=data["comment"],
            anonymous=data["anonymous"],
            contact_phone=data["contact_phone"],
        )
        return Response(RatingOut(rating).data, status=status.HTTP_201_CREATED)


# --- callbacks -------------------------------------------------------------------------------------------
class CallbackOut(serializers.Serializer):
    id = serializers.IntegerField()
    rating = serializers.IntegerField(source="rating_id")
    level = serializers.ChoiceField(source="rating.level", choices=RatingLevel.values)
    comment = serializers.CharField(source="rating.comment")
    enterprise = serializers.IntegerField(source="enterprise_id")
    agency = serializers.IntegerField(source="agency_id")
    assignee = serializers.IntegerField(source="assignee_id", allow_null=True)
    state = serializers.ChoiceField(choices=CallbackState.values)
    due_on = serializers.DateField()
    due_provisional = serializers.BooleanField()
    contacted_at = serializers.DateTimeField(allow_null=True)
    contact_method = serializers.CharField()
    contact_person = serializers.CharField()
    contact_notes = serializers.CharField()
    findings = serializers.CharField()
    verification = serializers.CharField()
    rectification = serializers.CharField()
    closed_on = serializers.DateField(allow_null=True)


class CallbackListApi(APIView):
    """Callbacks of real-name bad reviews the caller may see."""

    permission_classes = [HasRole.of(*STAFF)]

    @extend_schema_serializer(component_name="OversightCallbackListInput")
    class InputSerializer(serializers.Serializer):
        state = serializers.ChoiceField(choices=CallbackState.values, required=False)
        overdue = serializers.BooleanField(required=False, default=False)

    @extend_schema(parameters=[InputSerializer], responses=paginated_schema(CallbackOut), tags=["oversight"])
    def get(self, request):
        data = validate_input(self.InputSerializer, request.query_params)
        tasks = selectors.callbacks_visible(request.user)
        if data.get("state"):
            tasks = tasks.filter(state=data["state"])
        if data["overdue"]:
            tasks = tasks.filter(selectors.callback_overdue_q(timezone.localdate()))
        return paginated(self, request, tasks.order_by("due_on", "pk"), CallbackOut)


class CallbackDetailApi(APIView):
    permission_classes = [HasRole.of(*STAFF)]

    @extend_schema(responses=CallbackOut, tags=["oversight"])
    def get(self, request, pk: int):
        return Response(CallbackOut(selectors.callback_get(request.user, pk)).data)


class CallbackContactApi(APIView):
    """回访: record when, how and whom the handler reached, and what the enterprise said."""

    permission_classes = [HasRole.of("officer", "approver", "supervisor")]

    @extend_schema_serializer(component_name="OversightCallbackContactInput")
    class InputSerializer(serializers.Serializer):
        contacted_at = serializers.DateTimeField()
        method = serializers.ChoiceField(choices=ContactMethod.values)
        person = serializers.CharField(max_length=50)
        notes = serializers.CharField(max_length=5000)

    @extend_schema(request=InputSerializer, responses=CallbackOut, tags=["oversight"])
    def post(self, request, pk: int):
        task = selectors.callback_get(
            request.user, pk
        )  # scope first: out of scope is a 404, whatever the body
        if not services.may_handle_callback(request.user, task):
            raise ForbiddenError(_("Only the assignee or a head of the agency may handle this callback."))
        data = validate_input(self.InputSerializer, request.data)
        task = services.callback_record_contact(
            task=task,
            actor=request.user,
            contacted_at=data["contacted_at"],
            method=data["method"],
            person=data["person"],
            notes=data["notes"],
        )
        return Response(CallbackOut(task).data)


class CallbackCloseApi(APIView):
    """核实确认: whether the complaint holds and its rectification; closes the callback."""

    permission_classes = [HasRole.of("officer", "approver", "supervisor")]

    @extend_schema_serializer(component_name="OversightCallbackCloseInput")
    class InputSerializer(serializers.Serializer):
        findings = serializers.CharField(max_length=5000)
        verification = serializers.ChoiceField(choices=Verification.values)
        rectification = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=CallbackOut, tags=["oversight"])
    def post(self, request, pk: int):
        task = selectors.callback_get(request.user, pk)
        if not services.may_handle_callback(request.user, task):
            raise ForbiddenError(_("Only the assignee or a head of the agency may handle this callback."))
        data = validate_input(self.InputSerializer, request.data)
        task = services.callback_close(
            task=task,
            actor=request.user,
            findings=data["findings"],
            verification=data["verification"],
            rectification=data["rectification"],
        )
        return Response(CallbackOut(task).data)


# --- work flags --------------------------------------------------------------------------------------------
class FlagOut(serializers.Serializer):
    id = serializers.IntegerField()
    agency = serializers.IntegerField(source="agency_id")
    rule = serializers.CharField()
    subject_key = serializers.CharField()
    application = serializers.IntegerField(source="application_id", allow_null=True)
    licence = serializers.IntegerField(source="licence_id", allow_null=True)
    facts = serializers.JSONField()
    description = serializers.CharField()
    occurred_on = serializers.DateField()
    detected_on = serializers.DateField()
    last_detected_on = serializers.DateField()
    manual = serializers.BooleanField()
    state = serializers.ChoiceField(choices=FlagState.values)
    decision_note = serializers.CharField()


class FlagListApi(APIView):
    """Flagged items of daily work supervision for the caller's agency (national: all)."""

    permission_classes = [HasRole.of("supervisor", "admin")]

    @extend_schema_serializer(component_name="OversightFlagListInput")
    class InputSerializer(serializers.Serializer):
        state = serializers.ChoiceField(choices=FlagState.values, required=False)
        rule = serializers.CharField(max_length=40, required=False)

    @extend_schema(parameters=[InputSerializer], responses=paginated_schema(FlagOut), tags=["oversight"])
    def get(self, request):
        data = validate_input(self.InputSerializer, request.query_params)
        flags = selectors.flags_visible(request.user)
        if data.get("state"):
            flags = flags.filter(state=data["state"])
        if data.get("rule"):
            flags = flags.filter(rule=data["rule"])
        return paginated(self, request, flags, FlagOut)


class FlagReportApi(APIView):
    """Record by hand what the data cannot show (an intermediary designated, fees charged, other)."""

    permission_classes = [HasRole.of("supervisor")]

    @extend_schema_serializer(component_name="OversightFlagReportInput")
    class InputSerializer(serializers.Serializer):
        agency = serializers.IntegerField(min_value=1, required=False)
        rule = serializers.ChoiceField(choices=[r for r in FlagRule.values if r in MANUAL_RULES])
        occurred_on = serializers.DateField()
        description = serializers.CharField(max_length=5000)
        application = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: FlagOut}, tags=["oversight"])
    def post(self, request):
        from licensing.models import Application

        data = validate_input(self.InputSerializer, request.data)
        agency = (
            selectors.dashboard_agencies(request.user)
            .filter(pk=data.get("agency", request.user.agency_id))
            .first()
        )
        if agency is None:
            raise Http404
        application = None
        if data["application"]:
            application = Application.objects.filter(number=data["application"], agency=agency).first()
            if application is None:
                raise serializers.ValidationError(
                    {"application": ["No application of this agency has that number."]}
                )
        flag = services.work_flag_report(
            actor=request.user,
            agency=agency,
            rule=data["rule"],
            description=data["description"],
            occurred_on=data["occurred_on"],
            application=application,
        )
        return Response(FlagOut(flag).data, status=status.HTTP_201_CREATED)


class FlagDecideApi(APIView):
    """Confirm (with an optional note) or dismiss (with a reason) an open item."""

    permission_classes = [HasRole.of("supervisor")]

    @extend_schema_serializer(component_name="OversightFlagDecideInput")
    class InputSerializer(serializers.Serializer):
        decision = serializers.ChoiceField(choices=["confirm", "dismiss"])
        note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses=FlagOut, tags=["oversight"])
    def post(self, request, pk: int):
        flag = selectors.flag_get(request.user, pk)
        data = validate_input(self.InputSerializer, request.data)
        if data["decision"] == "confirm":
            flag = services.work_flag_confirm(flag=flag, actor=request.user, note=data["note"])
        else:
            flag = services.work_flag_dismiss(flag=flag, actor=request.user, reason=data["note"])
        return Response(FlagOut(flag).data)


# --- dashboard figures -------------------------------------------------------------------------------------
class DashboardApi(APIView):
    """Every dashboard figure as JSON: columns with stable codes, rows of codes and numbers (a
    percentage is 93.3 for 93.3 %), and the chart drawn from them. A viewer who is not national
    asking for another agency gets 404."""

    permission_classes = [HasRole.of("supervisor", "approver", "admin")]

    @extend_schema_serializer(component_name="OversightDashboardInput")
    class InputSerializer(serializers.Serializer):
        agency = serializers.IntegerField(min_value=1, required=False)
        date_from = serializers.DateField(required=False)
        date_to = serializers.DateField(required=False)
        licence_type = serializers.ChoiceField(choices=LicenceType.values, required=False)

        def validate(self, data):
            if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
                raise serializers.ValidationError({"date_to": ["The period must start before it ends."]})
            return data

    @extend_schema(
        parameters=[InputSerializer],
        responses=inline_serializer(
            "OversightDashboard",
            {
                "filters": serializers.DictField(),
                "panels": serializers.ListField(child=serializers.DictField()),
            },
        ),
        tags=["oversight"],
    )
    def get(self, request):
        data = validate_input(self.InputSerializer, request.query_params)
        filters = selectors.dashboard_filters_for(
            request.user,
            agency_id=data.get("agency"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            licence_type=data.get("licence_type", ""),
        )
        previous = filters.previous
        return Response(
            {
                "filters": {
                    "agency": filters.agency_id,
                    "date_from": filters.date_from,
                    "date_to": filters.date_to,
                    "previous_from": previous[0],
                    "previous_to": previous[1],
                    "licence_type": filters.licence_type,
                },
                "panels": [
                    {"key": panel.key, "title": str(panel.title), "figures": [f.as_api() for f in figures]}
                    for panel, figures in panels.build_figures(filters)
                ],
            }
        )
