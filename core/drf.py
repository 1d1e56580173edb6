"""DRF glue kept free of view imports (DRF loads it while its own settings initialise)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import pagination, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.calendar import CalendarRangeError
from core.exceptions import DomainError


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"detail": exc.message, "code": exc.code}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, CalendarRangeError):
        return Response({"detail": str(exc), "code": "calendar_range"}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
