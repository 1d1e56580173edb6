from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.credit_code import validate_credit_code
from accounts.provinces import PROVINCES


class Agency(models.Model):
    """许可机关: the NEA (national) or one of its dispatched agencies (派出机构)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    is_national = models.BooleanField(_("national (NEA)"), default=False)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["-is_national", "code"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class Jurisdiction(models.Model):
    """Which agency licenses enterprises registered in a province. One agency per province."""

    province = models.CharField(_("province"), max_length=2, choices=PROVINCES, unique=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="jurisdictions", verbose_name=_("agency")
    )

    class Meta:
        ordering = ["province"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")

    def __str__(self) -> str:
        return f"{self.get_province_display()} → {self.agency}"


class Enterprise(models.Model):
    """市场主体, identified by its unified social credit code."""

    name = models.CharField(_("enterprise name"), max_length=200, db_index=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50)
    province = models.CharField(_("province"), max_length=2, choices=PROVINCES)
    address = models.CharField(_("registered address"), max_length=300)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("licensing agency")
    )
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    class Role(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise user")
        OFFICER = "officer", _("Licence officer")
        APPROVER = "approver", _("Approver")
        SUPERVISOR = "supervisor", _("Supervisor")
        ADMIN = "admin", _("Administrator")

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.ENTERPRISE)
    real_name = models.CharField(_("real name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("agency"),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("enterprise"),
    )
    failed_logins = models.PositiveIntegerField(_("failed logins in a row"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="enterprise_user_has_enterprise",
                condition=~models.Q(role="enterprise")
                | models.Q(enterprise__isnull=False)
                | models.Q(is_superuser=True),
            ),
            models.CheckConstraint(
                name="staff_role_has_agency",
                condition=~models.Q(role__in=["officer", "approver", "supervisor"])
                | models.Q(agency__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.real_name or self.username

    @property
    def display_name(self) -> str:
        return self.real_name or self.username

    @property
    def is_agency_staff(self) -> bool:
        return self.role in (self.Role.OFFICER, self.Role.APPROVER)

    @property
    def is_national_supervisor(self) -> bool:
        return self.role == self.Role.SUPERVISOR and self.agency is not None and self.agency.is_national
