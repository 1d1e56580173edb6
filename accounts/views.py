from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from accounts.forms import EnterpriseRegistrationForm, LoginForm
from accounts.services import enterprise_register
from core.audit import audit_record
from core.views import home_url_for


class PlatformLoginView(LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return home_url_for(self.request.user)


class PlatformPasswordChangeView(PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=self.request.user, obj=self.request.user, action="auth.password_change")
        messages.success(self.request, _("Your password has been changed."))
        return response


def register(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = EnterpriseRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _enterprise, user = enterprise_register(
                name=data["name"],
                credit_code=data["credit_code"],
                legal_representative=data["legal_representative"],
                province=data["province"],
                address=data["address"],
                username=data["username"],
                password=data["password1"],
                real_name=data["real_name"],
                phone=data["phone"],
                email=data["email"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = "password1" if field == "password" else field
                for error in errors:
                    form.add_error(target if target in form.fields else None, error)
        else:
            login(request, user, backend="accounts.backends.LockoutModelBackend")
            messages.success(request, _("Your enterprise is registered. Welcome!"))
            return redirect("home")
    return render(request, "accounts/register.html", {"form": form})


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {"profile_user": request.user})
