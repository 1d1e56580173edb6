from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.credit_code import normalize, validate_credit_code
from accounts.provinces import PROVINCES
from core.forms import BootstrapFormMixin


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The user name or password is wrong, or the account is locked after repeated failures "
            "(try again later)."
        ),
        "inactive": _("This account is inactive."),
    }


class EnterpriseRegistrationForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Enterprise name"), max_length=200)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        min_length=18,
        help_text=_("18 characters, as printed on the business licence."),
    )
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=50)
    province = forms.ChoiceField(label=_("Province of registration"), choices=PROVINCES)
    address = forms.CharField(label=_("Registered address"), max_length=300)
    real_name = forms.CharField(label=_("Your name"), max_length=50)
    phone = forms.RegexField(
        label=_("Mobile phone"),
        regex=r"^1\d{10}$",
        error_messages={"invalid": _("Enter an 11-digit mobile number.")},
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    username = forms.RegexField(
        label=_("User name"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Letters, digits and @/./+/-/_ only.")},
    )
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean_credit_code(self):
        code = normalize(self.cleaned_data["credit_code"])
        validate_credit_code(code)
        return code

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data
