from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from accounts.models import Agency, Enterprise
from accounts.provinces import PROVINCES
from accounts.services import enterprise_register
from core.api import validate_input
from core.audit import audit_record
from core.scoping import scope_queryset


class AgencyOut(serializers.ModelSerializer):
    provinces = serializers.SerializerMethodField()

    class Meta:
        model = Agency
        fields = ["id", "code", "name", "short_name", "is_national", "provinces"]

    def get_provinces(self, obj) -> list[str]:
        return [j.province for j in obj.jurisdictions.all()]


class EnterpriseOut(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Enterprise
        fields = ["id", "name", "credit_code", "legal_representative", "province", "address", "agency"]


class MeApi(APIView):
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        real_name = serializers.CharField()
        role = serializers.CharField()
        agency = serializers.CharField(source="agency.code", allow_null=True, default=None)
        enterprise = serializers.IntegerField(source="enterprise_id", allow_null=True)

    @extend_schema(responses=OutputSerializer, tags=["accounts"])
    def get(self, request):
        return Response(self.OutputSerializer(request.user).data)


class TokenApi(APIView):
    """Exchange a user name and password for an API token (lockout applies)."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(
        request=AuthTokenSerializer,
        responses={200: OutputSerializer},
        tags=["accounts"],
    )
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


class AgencyListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = AgencyOut
    queryset = Agency.objects.prefetch_related("jurisdictions").order_by("-is_national", "code")

    @extend_schema(tags=["accounts"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class EnterpriseListApi(generics.ListAPIView):
    serializer_class = EnterpriseOut

    def get_queryset(self):
        qs = Enterprise.objects.select_related("agency").order_by("id")
        scoped = scope_queryset(qs, self.request.user, enterprise_field="pk")
        return scoped

    @extend_schema(tags=["accounts"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class EnterpriseRegisterApi(APIView):
    """Self-registration of an enterprise with its first user."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        credit_code = serializers.CharField(max_length=40)
        legal_representative = serializers.CharField(max_length=50)
        province = serializers.ChoiceField(choices=[code for code, _ in PROVINCES])
        address = serializers.CharField(max_length=300)
        username = serializers.RegexField(r"^[\w.@+-]+$", max_length=150)
        password = serializers.CharField(write_only=True, max_length=128)
        real_name = serializers.CharField(max_length=50)
        phone = serializers.RegexField(r"^1\d{10}$", required=False, allow_blank=True)
        email = serializers.EmailField(required=False, allow_blank=True)

    @extend_schema(request=InputSerializer, responses={201: EnterpriseOut}, tags=["accounts"])
    def post(self, request):
        data = validate_input(self.InputSerializer, request.data)
        try:
            enterprise, _user = enterprise_register(**data)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None
        return Response(EnterpriseOut(enterprise).data, status=status.HTTP_201_CREATED)


def log_denied(request, what: str) -> None:
    audit_record(
        actor=request.user, obj=("permission", what), action="auth.denied", ip=request.META.get("REMOTE_ADDR")
    )
