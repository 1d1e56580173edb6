"""API: the public verification check, and the scoped list and file of a case's documents."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from core.api import validate_input
from core.drf import Pagination
from core.exceptions import ConflictError
from core.permissions import HasRole
from core.schema import paginated as paginated_schema
from documents import selectors
from documents.models import BulkJob, Validity
from documents.services import document_file_intact
from documents.views import STAFF_ROLES, pdf_response


class DocumentVerifyApi(APIView):
    """Public: is the document with this verification code genuine, and is it still current?

    404 `{"detail", "code": "not_genuine"}` for a code the platform never issued (or a mistyped one).
    """

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema_serializer(component_name="DocumentVerification")
    class OutputSerializer(serializers.Serializer):
        genuine = serializers.SerializerMethodField()
        status = serializers.ChoiceField(choices=Validity.choices, source="validity")
        ready = serializers.BooleanField(source="is_ready")
        doc_type = serializers.CharField()
        title = serializers.CharField()
        number = serializers.CharField()
        agency = serializers.CharField(source="agency.name")
        issued_on = serializers.DateField()
        holder = serializers.CharField(source="holder_name")
        superseded_by = serializers.SerializerMethodField()
        revoked_on = serializers.SerializerMethodField()

        def get_genuine(self, obj) -> bool:
            return True  # only documents the platform issued reach the serializer

        def get_superseded_by(self, obj) -> str | None:
            successor = getattr(obj, "superseded_by", None)
            return successor.number if successor else None

        def get_revoked_on(self, obj) -> str | None:
            return obj.revoked_at.date().isoformat() if obj.revoked_at else None

    @extend_schema(
        responses={200: OutputSerializer, 404: OpenApiResponse(description="not genuine")},
        tags=["documents"],
    )
    def get(self, request, code):
        document = selectors.document_verify(code)
        if document is None:
            return Response(
                {
                    "detail": "No document with this verification code was issued: it is not genuine.",
                    "code": "not_genuine",
                },
                status=404,
            )
        return Response(self.OutputSerializer(document).data)


class DocumentListApi(APIView):
    """The documents of one case (`subject_type`, `subject_id`) the caller may see."""

    @extend_schema_serializer(component_name="DocumentListQuery")
    class InputSerializer(serializers.Serializer):
        subject_type = serializers.CharField(max_length=60)
        subject_id = serializers.CharField(max_length=60)

    @extend_schema_serializer(component_name="Document")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        doc_type = serializers.CharField()
        title = serializers.CharField()
        number = serializers.CharField()
        issued_on = serializers.DateField()
        version = serializers.IntegerField()
        status = serializers.ChoiceField(choices=Validity.choices, source="validity")
        ready = serializers.BooleanField(source="is_ready")
        agency = serializers.CharField(source="agency.code")
        sha256 = serializers.CharField()

    @extend_schema(
        parameters=[
            OpenApiParameter("subject_type", str, required=True, description="e.g. licensing.application"),
            OpenApiParameter("subject_id", str, required=True),
        ],
        responses=paginated_schema(OutputSerializer),
        tags=["documents"],
    )
    def get(self, request):
        query = validate_input(self.InputSerializer, request.query_params)
        documents = selectors.documents_for(query["subject_type"], query["subject_id"], request.user)
        paginator = Pagination()
        page = paginator.paginate_queryset(documents, request, view=self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)


class DocumentFileApi(APIView):
    """The PDF (scoped like the list: 404 outside the caller's scope). 409 while being prepared."""

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(description="the PDF")},
        tags=["documents"],
    )
    def get(self, request, pk):
        document = selectors.document_get(request.user, pk)
        if not document.is_ready:
            raise ConflictError(
                _("The document is being prepared; try again shortly."), code="document_pending"
            )
        if not document_file_intact(document):
            return Response(
                {"detail": _("The stored file fails its integrity check."), "code": "document_damaged"},
                status=503,
            )
        return pdf_response(document.file, f"{document.number}.pdf")


class BulkJobOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    doc_type = serializers.CharField()
    state = serializers.ChoiceField(choices=BulkJob.State.choices)
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    agency = serializers.CharField(source="agency.code")
    requested_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    combined_sha256 = serializers.CharField()


class BulkJobApi(APIView):
    """A bulk print job's progress (agency staff in scope; 404 otherwise)."""

    permission_classes = [HasRole.of(*STAFF_ROLES)]

    @extend_schema(responses=BulkJobOut, tags=["documents"])
    def get(self, request, pk: int):
        return Response(BulkJobOut(selectors.bulk_job_get(request.user, pk)).data)


class BulkJobFileApi(APIView):
    """The combined PDF of a finished job; 409 while it is being prepared."""

    permission_classes = [HasRole.of(*STAFF_ROLES)]

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(description="the combined PDF")},
        tags=["documents"],
    )
    def get(self, request, pk: int):
        job = selectors.bulk_job_get(request.user, pk)
        if job.state != BulkJob.State.FINISHED or not job.combined_file:
            raise ConflictError(_("The combined PDF is not ready yet."), code="bulk_pending")
        return pdf_response(job.combined_file, f"bulk-{job.pk}.pdf")
