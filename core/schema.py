from drf_spectacular.openapi import AutoSchema as _AutoSchema


class AutoSchema(_AutoSchema):
    """Names nested Input/Output serializers after their view (MeApi.OutputSerializer → MeOutput), so
    the one-APIView-per-operation style gives unique OpenAPI components."""

    def get_serializer_name(self, serializer, direction):
        cls = type(serializer)
        parts = cls.__qualname__.split(".")
        if len(parts) > 1:
            return parts[-2].removesuffix("Api").removesuffix("View") + parts[-1].removesuffix("Serializer")
        return super().get_serializer_name(serializer, direction)


def paginated(serializer_class):
    """The OpenAPI shape of a `core.drf.Pagination` page of `serializer_class` items, for list APIViews
    that paginate by hand: `@extend_schema(responses=paginated(RecordOut))`."""
    from drf_spectacular.utils import inline_serializer
    from rest_framework import serializers

    parts = serializer_class.__qualname__.split(".")
    name = (
        parts[-2].removesuffix("Api") + parts[-1].removesuffix("Serializer") if len(parts) > 1 else parts[0]
    )
    return inline_serializer(
        f"Paginated{name}List",
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )
