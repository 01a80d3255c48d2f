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
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lightbulb.accounts import enrolment, exports, selectors, services
from lightbulb.accounts.forms import (
    EnrolmentCodeForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    ReasonForm,
    RecoveryCodeForm,
    SignInForm,
    SignUpForm,
    TokenForm,
    UserForm,
)
from lightbulb.accounts.protection import client_ip, rate_limit_exceeded
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
        form.add_error(
            None,
            "The e-mail address or password is not right, or the address has not been confirmed yet (use the link we e-mailed when you signed up). "
            "After 5 wrong tries the account is locked for 30 minutes from where you are signing in.",
        )
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
    # A code is accepted once: when this period's was just used (signing in again within the same
    # 30 seconds), show the next period's, which the device's tolerance of one step accepts.
    if totp.t() <= device.last_t:
        totp.time = totp.time + (device.last_t + 1 - totp.t()) * device.step
    return str(totp.token()).zfill(device.digits)


def _qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


SHOWN_RECOVERY_CODES = "recovery_codes_to_show"


def _proof_record(request: HttpRequest, user: Any) -> None:
    """Note in the session that this person has just proved they hold the account's e-mail address."""
    enrolment.proof_record(request.session, user)


def _has_proof(request: HttpRequest, user: Any) -> bool:
    return enrolment.proof_held(request.session, user)


@signed_in
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enter a code (or a recovery code), or set up an authenticator app first if the user has none."""
    user = selectors.request_user(request)
    device = selectors.confirmed_device(user)
    if device is not None:
        return _two_factor_check(request, user, device)
    if not _has_proof(request, user):
        return _two_factor_prove(request, user)
    return _two_factor_enrol(request, user)


def _two_factor_check(request: HttpRequest, user: Any, device: TOTPDevice) -> HttpResponse:
    recovering = "recovery_code" in request.POST
    form = TokenForm(None if recovering else (request.POST or None))
    recovery = RecoveryCodeForm(request.POST if recovering else None)
    passed = _recovery_code_passed(request, user, recovery) if recovering else _totp_passed(request, user, device, form)
    if passed:
        return redirect(_safe_next(request))
    # `form` is the one whose errors the page summarises.
    shown = recovery if recovering else form
    context = {"form": shown, "code_form": form, "recovery": recovery, "recovering": recovering, "next": _safe_next(request), "demo_code": _demo_code(device)}
    return render(request, "accounts/two_factor.html", {**context, "setting_up": False})


def _totp_passed(request: HttpRequest, user: Any, device: TOTPDevice, form: TokenForm) -> bool:
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        services.totp_code_verify(acting_user=user, device=device, code=form.cleaned_data["code"])
    except ValidationError as error:
        add_service_errors(form, error, default_field="code")
        return False
    otp_login(request, device)
    return True


def _recovery_code_passed(request: HttpRequest, user: Any, recovery: RecoveryCodeForm) -> bool:
    if not recovery.is_valid():
        return False
    try:
        used = services.recovery_code_use(acting_user=user, user=user, code=recovery.cleaned_data["recovery_code"])
    except ValidationError as error:
        add_service_errors(recovery, error, default_field="recovery_code")
        return False
    otp_login(request, used)
    messages.success(request, "You signed in with a recovery code, which will not work again. Make new codes from your account page if you are running out.")
    return True


def _two_factor_prove(request: HttpRequest, user: Any) -> HttpResponse:
    """Before a first authenticator: a code e-mailed to the account, so a stolen password alone cannot enrol one."""
    form = EnrolmentCodeForm(request.POST if "code" in request.POST else None)
    resend = request.method == "POST" and "send_code" in request.POST
    if (request.method == "GET" and not selectors.enrolment_code_pending(user)) or resend:
        if rate_limit_exceeded(scope="enrolment_code", client=client_ip(request), address=user.email):
            return render(request, "accounts/too_many_requests.html", status=429)
        services.enrolment_code_send(acting_user=user, user=user)
        if resend:
            messages.success(request, f"We have sent a new code to {user.email}.")
    if form.is_bound and form.is_valid():
        try:
            services.enrolment_code_verify(acting_user=user, user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_service_errors(form, error, default_field="code")
        else:
            _proof_record(request, user)
            return redirect(reverse("accounts:two_factor") + "?next=" + _safe_next(request))
    return render(request, "accounts/two_factor_prove.html", {"form": form, "email": user.email, "next": _safe_next(request)})


def _two_factor_enrol(request: HttpRequest, user: Any) -> HttpResponse:
    device = selectors.unconfirmed_device(user) or services.totp_device_start(acting_user=user, user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_device_confirm(acting_user=user, device=device, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_service_errors(form, error, default_field="code")
        else:
            otp_login(request, device)
            enrolment.proof_spent(request.session)
            request.session[SHOWN_RECOVERY_CODES] = services.recovery_codes_create(acting_user=user, user=user)
            return redirect(reverse("accounts:recovery_codes") + "?next=" + _safe_next(request))
    context: dict[str, Any] = {"form": form, "setting_up": True, "next": _safe_next(request), "demo_code": _demo_code(device)}
    context["qr"] = _qr_svg(device)
    context["secret"] = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "accounts/two_factor.html", context)


@signed_in
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes just made, shown once; or how many are left, and a button to make a new set."""
    user = selectors.request_user(request)
    if request.method == "POST":
        try:
            request.session[SHOWN_RECOVERY_CODES] = services.recovery_codes_create(acting_user=user, user=user)
        except PermissionDenied as error:
            messages.error(request, str(error))
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(SHOWN_RECOVERY_CODES, None)
    context = {"codes": codes, "left": selectors.recovery_codes_left(user), "has_authenticator": selectors.confirmed_device(user) is not None}
    return render(request, "accounts/recovery_codes.html", {**context, "next": _safe_next(request, default="accounts:account")})


def _too_many(request: HttpRequest, scope: str, address: str = "") -> bool:
    return rate_limit_exceeded(scope=scope, client=client_ip(request), address=address)


@public
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        if _too_many(request, "password_reset", email):
            return render(request, "accounts/too_many_requests.html", status=429)
        # The worker looks the address up: the same answer, in the same time, whether or not the account exists.
        services.password_reset_request(email=email)
        return render(request, "accounts/password_reset_sent.html", {"email": email})
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
        email = form.cleaned_data["email"]
        if _too_many(request, "sign_up", email):
            return render(request, "accounts/too_many_requests.html", status=429)
        try:
            services.user_sign_up(full_name=form.cleaned_data["full_name"], email=email, password=form.cleaned_data["new_password"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # The same page whether or not the address already has an account: its owner is told by e-mail.
            return render(request, "accounts/sign_up_sent.html", {"email": email})
    return render(request, "accounts/sign_up.html", {"form": form})


@public
def email_verify(request: HttpRequest, token: str) -> HttpResponse:
    """The link e-mailed after sign-up: a button confirms (so a mail scanner following the link confirms nothing)."""
    if selectors.email_verification_user(token) is None:
        return render(request, "accounts/link_used.html", {"message": services.VERIFY_LINK_USED}, status=400)
    if request.method == "POST":
        try:
            services.user_email_verify(token=token)
        except ValidationError:
            return render(request, "accounts/link_used.html", {"message": services.VERIFY_LINK_USED}, status=400)
        messages.success(request, "Your e-mail address is confirmed. Sign in, then find your organisation.")
        return redirect(reverse("accounts:sign_in") + "?next=" + reverse("organisations:portal_claim_start"))
    return render(request, "accounts/email_verify.html")


@public
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """An administrator's invitation: choose a password; for a role with two-factor authentication, set it up next."""
    invited = selectors.invitation_user(token)
    if invited is None:
        return render(request, "accounts/link_used.html", {"message": services.INVITATION_USED}, status=400)
    form = NewPasswordForm(request.POST or None, user=invited)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token, password=form.cleaned_data["new_password"])
        except ValidationError as error:
            add_service_errors(form, error, default_field="new_password")
        else:
            logout(request)
            login(request, user, backend="lightbulb.accounts.backends.VerifiedEmailBackend")
            # The invitation reached the person's mailbox: that is the proof for their first authenticator.
            _proof_record(request, user)
            messages.success(request, "Your password is set.")
            return redirect("accounts:two_factor" if user.needs_two_factor else "core:home")
    return render(request, "accounts/invitation_accept.html", {"form": form, "account": invited})


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
    users, filters = exports.user_rows(request)
    query, role = filters["q"], filters["role"]
    page = paginate(request, users)
    return render(
        request, "accounts/user_list.html", {"page": page, "pagination": pagination_params(request, page), "query": query, "role": role, "roles": Role.choices}
    )


@permission_required(can_manage_users)
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        user = services.user_create(acting_user=request.user, **form.cleaned_data)
        messages.success(
            request, f"Account created for {user.email}. They have been sent an invitation, which works once within {services.INVITATION_DAYS} days."
        )
        return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": "Add a user"})


@permission_required(can_manage_users)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": user,
            "device": selectors.confirmed_device(user),
            "memberships": user.memberships.select_related("organisation"),
            "invitation_pending": selectors.invitation_pending(user),
        },
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
@require_POST
def user_invitation_send(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(pk)
    try:
        services.invitation_send(acting_user=request.user, user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"A new invitation has been sent to {user.email}. Any earlier one no longer works.")
    return redirect("accounts:user_detail", pk=user.pk)


@permission_required(can_manage_users)
def user_history(request: HttpRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(pk)
    return render_history(request, obj=user, title=user.display_name, back_url=reverse("accounts:user_detail", kwargs={"pk": user.pk}))
