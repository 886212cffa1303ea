"""Account pages: two-factor enrolment and verification, backup codes, API tokens, and the
session keep-alive used by the idle-timeout warning.

API tokens carry no resident data, so these pages write no access-log rows."""

import base64
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from . import services
from .forms import ApiTokenForm, EnrolmentCodeForm, OtpCodeForm
from .security import renew_session_expiry
from .selectors import api_tokens_of, two_factor_status

BACKUP_CODES_SESSION_KEY = "account_new_backup_codes"
NEW_TOKEN_SESSION_KEY = "account_new_api_token"  # noqa: S105 - a session key name


def _next_url(request, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _qr_data_uri(text: str) -> str:
    """The QR code as an inline SVG data URI: no external request, allowed by img-src data:."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


def _grouped_secret(device) -> str:
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@never_cache
def overview(request):
    return render(request, "account/overview.html", {"two_factor": two_factor_status(request.user)})


# --- two-factor sign-in ---------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Scan the QR code (or type the secret), confirm with a code, get backup codes."""
    if two_factor_status(request.user)["enrolled"]:
        messages.info(request, _("Tweestapsverificatie is al ingesteld voor uw account."))
        return redirect("account:overview")
    device = services.start_totp_enrolment(request.user)
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_totp_device(device, form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            request.session[BACKUP_CODES_SESSION_KEY] = codes
            query = urlencode({"next": _next_url(request, "/")})
            return redirect(f"{reverse('account:backup-codes')}?{query}")
        form.add_error("code", _("Deze code klopt niet. Controleer de tijd op uw telefoon."))
    context = {
        "form": form,
        "qr_data_uri": _qr_data_uri(device.config_url),
        "secret": _grouped_secret(device),
        "next": _next_url(request, ""),
    }
    return render(request, "account/two_factor_setup.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    """Second step of signing in: a code from the app or a backup code."""
    if not user_has_device(request.user):
        return redirect("account:2fa-setup")
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.verify_second_factor(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("code", _("Deze code is onjuist of al gebruikt. Probeer het opnieuw."))
    return render(request, "account/verify.html", {"form": form, "next": _next_url(request, "")})


@login_required
@never_cache
@require_GET
def backup_codes(request):
    """Shows newly made backup codes once; on reload they are gone from the session."""
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("account:overview")
    return render(
        request, "account/backup_codes.html", {"codes": codes, "next": _next_url(request, "")}
    )


@login_required
@require_POST
def regenerate_backup_codes(request):
    """New backup codes; only in a session that passed the second factor."""
    if not request.user.is_verified():
        messages.error(request, _("Bevestig eerst uw inlog met een code uit de app."))
        return redirect("account:overview")
    request.session[BACKUP_CODES_SESSION_KEY] = services.regenerate_backup_codes(request.user)
    return redirect("account:backup-codes")


# --- API tokens -------------------------------------------------------------------------


@login_required
@never_cache
def token_list(request):
    return render(request, "account/tokens.html", {"tokens": api_tokens_of(request.user)})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def token_create(request):
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, key = services.issue_api_token(
            request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
        request.session[NEW_TOKEN_SESSION_KEY] = {"id": token.pk, "key": key}
        return redirect("account:token-created")
    return render(request, "account/token_create.html", {"form": form})


@login_required
@never_cache
@require_GET
def token_created(request):
    """The new key, shown exactly once: it is taken out of the session here."""
    new = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    if not new:
        return redirect("account:tokens")
    token = get_object_or_404(api_tokens_of(request.user), pk=new["id"])
    return render(request, "account/token_created.html", {"token": token, "key": new["key"]})


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(api_tokens_of(request.user), pk=pk)
    services.revoke_api_token(token)
    messages.success(request, _("De token „%(name)s” is ingetrokken.") % {"name": token.name})
    return redirect("account:tokens")


# --- session -----------------------------------------------------------------------------


@login_required
@never_cache
@require_POST
def session_keepalive(request):
    """The warning script calls this when the user chooses to stay signed in: the idle
    timeout starts again now (other requests renew it at most once a minute,
    SessionIdleMiddleware)."""
    renew_session_expiry(request.session)
    return JsonResponse({"expires_in": request.session.get_expiry_age()})
