"""Applications and licences API (/api/v1/). Stable English codes; Chinese labels belong to the UI."""

from __future__ import annotations

import copy
import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator as DjangoPaginator
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from core.api import validate_input
from core.audit import history_of
from core.drf import Pagination
from core.permissions import HasRole
from licensing import selectors, services
from licensing.actions import available_actions
from licensing.models import (
    Application,
    Category,
    Kind,
    Licence,
    LicenceStatus,
    LicenceType,
    Material,
    Mode,
    State,
)


class ScopeOut(serializers.Serializer):
    category = serializers.CharField()
    level = serializers.CharField(source="level.code")
    level_name = serializers.CharField(source="level.name")


class _FieldsBuiltOnce:
    """A ModelSerializer introspects its model and builds its fields on every instantiation — on a
    detail request that was a fifth of the time. The built fields depend on the class only, so build
    them once per class and hand each instance a deep copy (what DRF does for declared fields)."""

    _built_fields: dict

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        return copy.deepcopy(built)


class ApplicationOut(_FieldsBuiltOnce, serializers.ModelSerializer):
    enterprise = serializers.IntegerField(source="enterprise_id")
    enterprise_name = serializers.CharField(source="enterprise.name")
    agency = serializers.CharField(source="agency.code")
    licence = serializers.IntegerField(source="licence_id", allow_null=True)
    credit_tier = serializers.CharField(allow_blank=True)
    paused = serializers.SerializerMethodField()
    remaining_working_days = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "number",
            "state",
            "kind",
            "mode",
            "licence_type",
            "enterprise",
            "enterprise_name",
            "agency",
            "licence",
            "credit_tier",
            "policy_version",
            "time_limit_days",
            "same_day",
            "received_on",
            "acceptance_due",
            "accepted_on",
            "deemed_accepted",
            "deadline",
            "deadline_provisional",
            "paused",
            "remaining_working_days",
            "overdue",
            "extension_days",
            "site_inspection",
            "tolerant_due_on",
            "decided_on",
            "deemed_granted",
            "renewal_timely",
            "actions",
        ]

    def _clock(self, obj):
        cache = self.context.setdefault("_clock", {})
        if obj.pk not in cache:
            cache[obj.pk] = services.clock_of(obj)
        return cache[obj.pk]

    def get_paused(self, obj) -> bool:
        return obj.is_paused

    def get_remaining_working_days(self, obj) -> int | None:
        return self._clock(obj).remaining

    def get_overdue(self, obj) -> bool:
        return self._clock(obj).overdue

    def get_actions(self, obj) -> list[str]:
        return available_actions(obj, self.context["request"].user)


class ApplicationDetailOut(ApplicationOut):
    scopes = ScopeOut(many=True)
    correction_items = serializers.ListField(child=serializers.CharField())
    tolerant_items = serializers.ListField(child=serializers.CharField())
    materials = serializers.SerializerMethodField()

    class Meta(ApplicationOut.Meta):
        fields = [
            *ApplicationOut.Meta.fields,
            "scopes",
            "registration_changes",
            "correction_items",
            "tolerant_items",
            "extension_reason",
            "verification",
            "not_accepted_reason",
            "decision_reason",
            "materials",
        ]

    def get_materials(self, obj) -> list[dict]:
        return [
            {
                "id": m.pk,
                "kind": m.kind,
                "round": m.round,
                "name": m.original_name,
                "size": m.size,
                "sha256": m.sha256,
            }
            for m in obj.materials.all()
        ]


class _LongListPaginator(DjangoPaginator):
    """Counts a short list exactly (an officer's queue, a filtered search: a COUNT over at most
    EXACT_UP_TO rows). The total of a long one — an agency's ten years, the national list for an NEA
    supervisor — is counted at most once a minute per scope and filter and shared through the cache:
    a COUNT(*) over hundreds of thousands of rows on every page was most of the first page's time
    (docs/benchmarks.md). Such a total may lag behind by up to CACHE_SECONDS; the rows of a page never
    do (the page is not cut to the total)."""

    EXACT_UP_TO = 10_000
    CACHE_SECONDS = 60

    @cached_property
    def count(self) -> int:
        rows = self.object_list.order_by()
        bounded = rows[: self.EXACT_UP_TO + 1].count()
        if bounded <= self.EXACT_UP_TO:
            return bounded
        key = "applications-count:" + hashlib.sha256(str(rows.query).encode()).hexdigest()
        return cache.get_or_set(key, rows.count, self.CACHE_SECONDS)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)


class ApplicationPagination(Pagination):
    django_paginator_class = _LongListPaginator


class ApplicationListCreateApi(generics.ListAPIView):
    """Applications visible to the user; an enterprise user creates drafts here."""

    serializer_class = ApplicationOut
    pagination_class = ApplicationPagination

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=Kind.values)
        licence = serializers.IntegerField(required=False, allow_null=True)
        licence_type = serializers.ChoiceField(
            choices=LicenceType.values, required=False, default=LicenceType.FACILITY
        )
        business_class = serializers.ChoiceField(
            choices=["generation", "transmission", "supply"], required=False, allow_blank=True, default=""
        )
        scopes = serializers.ListField(
            child=serializers.DictField(child=serializers.CharField()),
            required=False,
            help_text='[{"category": "install", "level": "4"}]',
        )
        registration_changes = serializers.DictField(
            child=serializers.CharField(allow_blank=True), required=False
        )
        reissue_reason = serializers.CharField(required=False, allow_blank=True, default="")
        cancellation_reason = serializers.CharField(required=False, allow_blank=True, default="")
        applicant_note = serializers.CharField(required=False, allow_blank=True, default="")

    def get_queryset(self):
        qs = selectors.applications_for(self.request.user).order_by("-id")
        params = self.request.query_params
        if params.get("state") in State.values:
            qs = qs.filter(state=params["state"])
        if params.get("kind") in Kind.values:
            qs = qs.filter(kind=params["kind"])
        return qs

    @extend_schema(
        tags=["applications"],
        parameters=[
            OpenApiParameter("state", str, enum=State.values),
            OpenApiParameter("kind", str, enum=Kind.values),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(tags=["applications"], request=InputSerializer, responses={201: ApplicationDetailOut})
    def post(self, request):
        from licensing.models import Level

        if request.user.role != "enterprise":
            return Response(
                {"detail": "Only enterprise users create applications.", "code": "forbidden"},
                status=status.HTTP_403_FORBIDDEN,
            )
        data = validate_input(self.InputSerializer, request.data)
        licence = None
        if data.get("licence"):
            licence = selectors.licences_for(request.user).filter(pk=data["licence"]).first()
            if licence is None:
                raise serializers.ValidationError({"licence": ["No such licence of your enterprise."]})
        scopes = []
        for row in data.get("scopes") or []:
            if row.get("category") not in Category.values:
                raise serializers.ValidationError({"scopes": [f"Unknown category {row.get('category')!r}."]})
            level = (
                Level.objects.filter(scheme__code="NDRC-36-2020", code=row.get("level")).first()
                or Level.objects.filter(code=row.get("level")).order_by("-scheme__effective_from").first()
            )
            if level is None:
                raise serializers.ValidationError({"scopes": [f"Unknown level {row.get('level')!r}."]})
            scopes.append((row["category"], level.pk))
        app = services.application_create(
            enterprise=request.user.enterprise,
            kind=data["kind"],
            actor=request.user,
            licence=licence,
            licence_type=data["licence_type"],
            business_class=data["business_class"],
            scopes=scopes,
            registration_changes=data.get("registration_changes"),
            reissue_reason=data["reissue_reason"],
            cancellation_reason=data["cancellation_reason"],
            applicant_note=data["applicant_note"],
        )
        app = selectors.application_detail(request.user, app.pk, for_api=True)
        return Response(
            ApplicationDetailOut(app, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class ApplicationDetailApi(APIView):
    @extend_schema(tags=["applications"], responses=ApplicationDetailOut)
    def get(self, request, pk: int):
        app = selectors.application_detail(request.user, pk, for_api=True)
        if app is None:
            return Response({"detail": "Not found.", "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)
        return Response(ApplicationDetailOut(app, context={"request": request}).data)


class ApplicationHistoryApi(APIView):
    class OutputSerializer(serializers.Serializer):
        at = serializers.DateTimeField()
        actor = serializers.CharField(source="actor_repr")
        action = serializers.CharField()
        before = serializers.JSONField()
        after = serializers.JSONField()
        reason = serializers.CharField()
        context = serializers.JSONField()

    @extend_schema(tags=["applications"], responses=OutputSerializer(many=True))
    def get(self, request, pk: int):
        app = get_object_or_404(selectors.applications_for(request.user), pk=pk)
        return Response(self.OutputSerializer(history_of(app), many=True).data)


class MaterialUploadApi(APIView):
    # Only the applicant uploads: refused before the upload is even validated (403, audited).
    permission_classes = [HasRole.of("enterprise")]
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=Material.Kind.values)
        file = serializers.FileField()

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        sha256 = serializers.CharField()
        round = serializers.CharField()

    @extend_schema(
        tags=["applications"],
        request={"multipart/form-data": InputSerializer},
        responses={201: OutputSerializer},
    )
    def post(self, request, pk: int):
        app = get_object_or_404(selectors.applications_for(request.user), pk=pk)
        data = validate_input(self.InputSerializer, request.data)
        material = services.material_add(
            application=app, kind=data["kind"], upload=data["file"], actor=request.user
        )
        return Response(
            {"id": material.pk, "sha256": material.sha256, "round": material.round},
            status=status.HTTP_201_CREATED,
        )


# --- actions: one endpoint per transition --------------------------------------------------------
class _ActionApi(APIView):
    """POST /api/v1/applications/{id}/<action>/ — `expected_state` guards against acting on a stale view."""

    roles: tuple[str, ...] = ()

    class InputSerializer(serializers.Serializer):
        expected_state = serializers.ChoiceField(choices=State.values, required=False)

    def get_permissions(self):
        return [HasRole.of(*self.roles)()]

    def perform(self, app, user, data):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def post(self, request, pk: int):
        app = get_object_or_404(selectors.applications_for(request.user), pk=pk)
        data = validate_input(self.InputSerializer, request.data)
        self.perform(app, request.user, data)
        app = selectors.application_detail(request.user, pk, for_api=True)
        return Response(ApplicationDetailOut(app, context={"request": request}).data)


def _action(name: str, roles: tuple[str, ...], perform, fields: dict | None = None, doc: str = ""):
    input_cls = type(
        f"{name.title().replace('_', '')}ActionInput", (_ActionApi.InputSerializer,), dict(fields or {})
    )
    input_cls.__qualname__ = input_cls.__name__

    @extend_schema(
        tags=["applications"],
        request=input_cls,
        responses=ApplicationDetailOut,
        operation_id=f"applications_{name}",
    )
    def post(self, request, pk: int):
        return _ActionApi.post(self, request, pk)

    return type(
        f"{name.title().replace('_', '')}Api",
        (_ActionApi,),
        {
            "roles": roles,
            "InputSerializer": input_cls,
            "perform": lambda self, app, user, data: perform(app, user, data),
            "post": post,
            "__doc__": doc or f"Application transition: {name}.",
        },
    )


_E = ("enterprise",)
_O = ("officer", "approver")
_A = ("approver",)
_items = {
    "items": serializers.ListField(child=serializers.CharField(max_length=300), min_length=1, max_length=50)
}
_reason = {"reason": serializers.CharField(max_length=2000)}


def _exp(data):
    return data.get("expected_state")


ACTION_APIS = {
    "submit": _action(
        "submit",
        _E,
        lambda a, u, d: services.application_submit(
            application=a,
            actor=u,
            mode=d["mode"],
            tolerant_items=d.get("tolerant_items"),
            tolerant_reason=d.get("tolerant_reason", ""),
            sign=d["sign"],
        ),
        {
            "mode": serializers.ChoiceField(choices=Mode.values, default=Mode.ORDINARY),
            "tolerant_items": serializers.ListField(
                child=serializers.CharField(max_length=300), required=False
            ),
            "tolerant_reason": serializers.CharField(required=False, allow_blank=True, max_length=300),
            "sign": serializers.BooleanField(default=False),
        },
        "Submit the application (or resubmit after the correction notice).",
    ),
    "withdraw": _action(
        "withdraw",
        _E,
        lambda a, u, d: services.application_withdraw(
            application=a, actor=u, reason=d.get("reason", ""), expected_state=_exp(d)
        ),
        {"reason": serializers.CharField(required=False, allow_blank=True, max_length=2000)},
    ),
    "supplement": _action(
        "supplement",
        _E,
        lambda a, u, d: services.application_supplement(application=a, actor=u, expected_state=_exp(d)),
    ),
    "answer": _action(
        "answer",
        _E,
        lambda a, u, d: services.application_answer(
            application=a, actor=u, note=d.get("note", ""), expected_state=_exp(d)
        ),
        {"note": serializers.CharField(required=False, allow_blank=True, max_length=2000)},
    ),
    "request-correction": _action(
        "request_correction",
        _O,
        lambda a, u, d: services.application_request_correction(
            application=a, officer=u, items=d["items"], expected_state=_exp(d)
        ),
        _items,
        "一次性告知: one correction notice listing every missing item.",
    ),
    "reject": _action(
        "reject",
        _O,
        lambda a, u, d: services.application_reject(
            application=a, officer=u, reason=d["reason"], expected_state=_exp(d)
        ),
        _reason,
    ),
    "accept": _action(
        "accept",
        _O,
        lambda a, u, d: services.application_accept(application=a, officer=u, expected_state=_exp(d)),
    ),
    "tolerant-accept": _action(
        "tolerant_accept",
        _O,
        lambda a, u, d: services.application_tolerant_accept(
            application=a, officer=u, items=d.get("items"), expected_state=_exp(d)
        ),
        {"items": serializers.ListField(child=serializers.CharField(max_length=300), required=False)},
    ),
    "start-review": _action(
        "start_review",
        _O,
        lambda a, u, d: services.application_start_review(application=a, actor=u, expected_state=_exp(d)),
    ),
    "ask-applicant": _action(
        "ask_applicant",
        _O,
        lambda a, u, d: services.application_ask_applicant(
            application=a, officer=u, items=d["items"], expected_state=_exp(d)
        ),
        _items,
    ),
    "begin-site-inspection": _action(
        "begin_site_inspection",
        _O,
        lambda a, u, d: services.application_begin_site_inspection(
            application=a, actor=u, expected_state=_exp(d)
        ),
    ),
    "record-site-inspection": _action(
        "record_site_inspection",
        _O,
        lambda a, u, d: services.application_record_site_inspection(
            application=a, officer=u, result=d["result"], expected_state=_exp(d)
        ),
        {"result": serializers.CharField(max_length=4000)},
    ),
    "send-to-experts": _action(
        "send_to_experts",
        _O,
        lambda a, u, d: services.application_send_to_experts(application=a, actor=u, expected_state=_exp(d)),
    ),
    "experts-returned": _action(
        "experts_returned",
        _O,
        lambda a, u, d: services.application_experts_returned(
            application=a, officer=u, opinion=d["opinion"], expected_state=_exp(d)
        ),
        {"opinion": serializers.CharField(max_length=4000)},
    ),
    "request-extension": _action(
        "request_extension",
        _O,
        lambda a, u, d: services.application_request_extension(application=a, officer=u, reason=d["reason"]),
        _reason,
    ),
    "decide-extension": _action(
        "decide_extension",
        _A,
        lambda a, u, d: services.application_decide_extension(
            application=a, approver=u, grant=d["grant"], note=d.get("note", "")
        ),
        {
            "grant": serializers.BooleanField(),
            "note": serializers.CharField(required=False, allow_blank=True),
        },
    ),
    "propose": _action(
        "propose",
        _O,
        lambda a, u, d: services.application_propose(
            application=a, officer=u, outcome=d["outcome"], text=d["text"], expected_state=_exp(d)
        ),
        {
            "outcome": serializers.ChoiceField(choices=["approve", "deny"]),
            "text": serializers.CharField(max_length=4000),
        },
    ),
    "approve": _action(
        "approve",
        _A,
        lambda a, u, d: services.application_decide(
            application=a, approver=u, outcome="approve", reason=d.get("reason", ""), expected_state=_exp(d)
        ),
        {"reason": serializers.CharField(required=False, allow_blank=True, max_length=4000)},
        "准予许可: the approver adopts the officer's proposal to approve.",
    ),
    "deny": _action(
        "deny",
        _A,
        lambda a, u, d: services.application_decide(
            application=a, approver=u, outcome="deny", reason=d.get("reason", ""), expected_state=_exp(d)
        ),
        {"reason": serializers.CharField(required=False, allow_blank=True, max_length=4000)},
        "不予许可: the approver adopts the officer's proposal to deny.",
    ),
    "return": _action(
        "return",
        _A,
        lambda a, u, d: services.application_decide(
            application=a, approver=u, outcome="return", reason=d["reason"], expected_state=_exp(d)
        ),
        _reason,
        "Return the proposal to the officer for further review.",
    ),
}


# --- licences ---------------------------------------------------------------------------------
class LicenceOut(serializers.ModelSerializer):
    enterprise = serializers.IntegerField(source="enterprise_id")
    enterprise_name = serializers.CharField(source="enterprise.name")
    credit_code = serializers.CharField(source="enterprise.credit_code")
    agency = serializers.CharField(source="agency.code")
    scopes = ScopeOut(many=True)

    class Meta:
        model = Licence
        fields = [
            "id",
            "number",
            "licence_type",
            "business_class",
            "enterprise",
            "enterprise_name",
            "credit_code",
            "agency",
            "status",
            "issued_on",
            "valid_from",
            "valid_until",
            "obtained_via",
            "post_check_due",
            "certificate_version",
            "scopes",
        ]


class LicenceListApi(generics.ListAPIView):
    serializer_class = LicenceOut

    def get_queryset(self):
        qs = selectors.licences_for(self.request.user).order_by("id")
        status_ = self.request.query_params.get("status")
        return qs.filter(status=status_) if status_ in LicenceStatus.values else qs

    @extend_schema(tags=["licences"], parameters=[OpenApiParameter("status", str, enum=LicenceStatus.values)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class LicenceDetailApi(APIView):
    @extend_schema(tags=["licences"], responses=LicenceOut)
    def get(self, request, pk: int):
        licence = get_object_or_404(selectors.licences_for(request.user), pk=pk)
        return Response(LicenceOut(licence).data)


class PublicLicenceOut(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name")
    credit_code = serializers.CharField(source="enterprise.credit_code")
    agency = serializers.CharField(source="agency.name")
    scopes = ScopeOut(many=True)

    class Meta:
        model = Licence
        fields = [
            "number",
            "licence_type",
            "business_class",
            "enterprise_name",
            "credit_code",
            "agency",
            "status",
            "issued_on",
            "valid_until",
            "scopes",
        ]


class PublicRegisterApi(generics.ListAPIView):
    """The public licence register: search by name, credit code, licence number, category, level, status."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [AnonRateThrottle]
    serializer_class = PublicLicenceOut

    def get_queryset(self):
        p = self.request.query_params
        return selectors.public_register(
            q=p.get("q", "")[:100],
            licence_type=p.get("licence_type", "") if p.get("licence_type") in LicenceType.values else "",
            category=p.get("category", "") if p.get("category") in Category.values else "",
            level=p.get("level", "")[:5],
            status=p.get("status", "") if p.get("status") in LicenceStatus.values else "",
        )

    @extend_schema(
        tags=["public"],
        parameters=[
            OpenApiParameter("q", str),
            OpenApiParameter("licence_type", str, enum=LicenceType.values),
            OpenApiParameter("category", str, enum=Category.values),
            OpenApiParameter("level", str),
            OpenApiParameter("status", str, enum=LicenceStatus.values),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
