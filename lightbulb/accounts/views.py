"""Signing in and out, two-factor authentication, password reset, sign-up, and user management."""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lightbulb.accounts import selectors, services
from lightbulb.accounts.forms import NewPasswordForm, PasswordResetRequestForm, ReasonForm, SignInForm, SignUpForm, TokenForm, UserFilterForm, UserForm
from lightbulb.accounts.rules import can_manage_users
from lightbulb.core.access import permission_required, public, signed_in
from lightbulb.core.forms import add_service_errors
from lightbulb.core.history import render_history
from lightbulb.core.lists import paginate, pagination_params
from lightbulb.core.roles import Role


def _safe_next(request: HttpRequest, default: str = "core:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(default)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@public
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, email=form.cleaned_data["email"].lower(), password=form.cleaned_data["password"])
        if user is not None:
            login(request, user)
            if getattr(user, "needs_two_factor", False):
                return redirect(reverse("accounts:two_factor") + "?next=" + _safe_next(request))
            return redirect(_safe_next(request))
        form.add_error(None, "The e-mail address or password is not right. After 5 wrong tries the account is locked for 30 minutes.")
    return render(request, "accounts/sign_in.html", {"form": form, "next": request.GET.get("next", ""), "oidc_enabled": settings.OIDC_ENABLED})


def locked_out(request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """django-axes calls this once an account and address have too many failures."""
    return render(request, "accounts/locked_out.html", {"minutes": int(settings.AXES_COOLOFF_TIME * 60)}, status=429)


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("core:home")


def _demo_code(device: TOTPDevice) -> str | None:
    """In the demo council only, the current code for a demo account, so evaluators can sign in."""
    if not settings.DEMO_MODE or not device.user.email.endswith("@anytown.example"):
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(totp.token()).zfill(device.digits)


def _qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@signed_in
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enter a code, or set up an authenticator app first if the user has none."""
    user = selectors.request_user(request)
    device = selectors.confirmed_device(user)
    setting_up = device is None
    if setting_up:
        device = selectors.unconfirmed_device(user) or services.totp_device_start(acting_user=user, user=user)
    assert device is not None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.totp_device_confirm if setting_up else services.totp_code_verify
        try:
            check(acting_user=user, device=device, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_service_errors(form, error, default_field="code")
        else:
            otp_login(request, device)
            return redirect(_safe_next(request))
    context: dict[str, Any] = {"form": form, "setting_up": setting_up, "next": _safe_next(request), "demo_code": _demo_code(device)}
    if setting_up:
        context["qr"] = _qr_svg(device)
        context["secret"] = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "accounts/two_factor.html", context)


@public
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = selectors.user_active_by_email(form.cleaned_data["email"])
        if user is not None:
            services.password_reset_send(user=user, base_url=_base_url(request))
        # The same answer whether or not the account exists.
        return render(request, "accounts/password_reset_sent.html", {"email": form.cleaned_data["email"]})
    return render(request, "accounts/password_reset.html", {"form": form})


@public
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        user = selectors.user_by_uid(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "accounts/password_reset_invalid.html", status=400)
    form = NewPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_complete(user=user, token=token, password=form.cleaned_data["new_password"])
        except ValidationError as error:
            add_service_errors(form, error, default_field="new_password")
        else:
            messages.success(request, "Your password has been set. You can now sign in.")
            return redirect("accounts:sign_in")
    return render(request, "accounts/password_reset_confirm.html", {"form": form})


@public
def sign_up(request: HttpRequest) -> HttpResponse:
    """A member of a local organisation creates an account for the portal."""
    if request.user.is_authenticated:
        return redirect("core:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_sign_up(full_name=form.cleaned_data["full_name"], email=form.cleaned_data["email"], password=form.cleaned_data["new_password"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Your account has been created. Now find your organisation.")
            return redirect("organisations:portal_claim_start")
    return render(request, "accounts/sign_up.html", {"form": form})


@signed_in
def account(request: HttpRequest) -> HttpResponse:
    user = selectors.request_user(request)
    return render(
        request,
        "accounts/account.html",
        {"account": user, "memberships": user.memberships.select_related("organisation"), "device": selectors.confirmed_device(user)},
    )


@permission_required(can_manage_users)
def user_list(request: HttpRequest) -> HttpResponse:
    filters = UserFilterForm(request.GET).filters()
    query, role = filters["q"], filters["role"]
    page = paginate(request, selectors.user_list(query=query, role=role))
    return render(
        request, "accounts/user_list.html", {"page": page, "pagination": pagination_params(request, page), "query": query, "role": role, "roles": Role.choices}
    )


@permission_required(can_manage_users)
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        user = services.user_create(acting_user=request.user, **form.cleaned_data)
        services.password_reset_send(user=user, base_url=_base_url(request), welcome=True)
        messages.success(request, f"Account created for {user.email}. They have been sent a link to set their password.")
        return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": "Add a user"})


@permission_required(can_manage_users)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(pk)
    return render(
        request,
        "accounts/user_detail.html",
        {"account": user, "device": selectors.confirmed_device(user), "memberships": user.memberships.select_related("organisation")},
    )


@permission_required(can_manage_users)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(pk)
    initial = {name: getattr(user, name) for name in services.USER_FIELDS}
    form = UserForm(request.POST or None, initial=initial, instance=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(acting_user=request.user, user=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The account has been updated.")
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": f"Change {user.display_name}", "account": user})


@permission_required(can_manage_users)
def user_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_two_factor_reset(acting_user=request.user, user=user, reason=form.cleaned_data["reason"])
        messages.success(request, f"Two-factor authentication has been reset for {user.display_name}.")
        return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_two_factor_reset.html", {"form": form, "account": user})


@permission_required(can_manage_users)
def user_history(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(pk)
    return render_history(request, obj=user, title=user.display_name, back_url=reverse("accounts:user_detail", kwargs={"pk": user.pk}))
