# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The token side of the OAuth2 verification: a token by the client-credentials grant, as Liferay takes it.

Liferay's Outlook connector (``MailOutlookMailAuthTokenProvider``, mail-outlook-auth-connector-provider)
asks ``https://login.microsoftonline.com/<tenant>/`` for a token with scope
``https://outlook.office365.com/.default`` by the client-credentials grant (RFC 6749 section 4.4; the
v2.0 endpoint ``<authority>/<tenant>/oauth2/v2.0/token``, client id and secret in the form body, as
MSAL sends them). This module does the same with ``urllib`` (it runs on the Liferay host, standard
library only), so the check proves the host can reach the token endpoint and the app registration is
accepted. It also reads the token's claims, without verifying them, to say why a mail server refused it.

The token and the secret never leave this module except as :class:`Token` (whose ``repr`` hides them)
and the XOAUTH2 strings the probes send; the verify module adds both to the forms it scrubs.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request

ERROR_UNREACHABLE = "oauth2_unreachable"  # the token endpoint cannot be reached
ERROR_CLIENT = "oauth2_client"  # the token endpoint rejected the client (error code in the message)
ERROR_TOKEN = "oauth2_token"  # noqa: S105 - an error class, not a secret; the mail server rejected the token itself (expired, wrong audience...)
ERROR_MAILBOX = "oauth2_mailbox"  # a valid token was refused for the mailbox (permission missing)
BODY_MAX = 64 * 1024


class TokenError(Exception):
    def __init__(self, error_class, message):
        super().__init__(message)
        self.error_class = error_class
        self.message = message


class Token:
    """An access token and what its claims say (not verified: only the mail server can)."""

    def __init__(self, value, expires_in=None, audience=None):
        self.value = value
        self.expires_in = expires_in
        self.audience = audience
        self.claims = claims(value)

    def __repr__(self):
        return "Token(<hidden>)"

    def problem(self, now=None):
        """Why a mail server would refuse this token on its own claims, or None."""
        if self.claims is None:
            return None
        now = time.time() if now is None else now
        exp = self.claims.get("exp")
        if isinstance(exp, (int, float)) and exp <= now:
            return "the token expired %d s ago (exp claim): the token server's or this host's clock is wrong" % (
                now - exp
            )
        aud = self.claims.get("aud")
        if (
            self.audience
            and isinstance(aud, (str, list))
            and self.audience not in ([aud] if isinstance(aud, str) else aud)
        ):
            return "the token is for %r, not %r (aud claim): check the scope" % (aud, self.audience)
        nbf = self.claims.get("nbf")
        if isinstance(nbf, (int, float)) and nbf > now + 300:
            return "the token is not valid yet (nbf claim %d s ahead): a clock is wrong" % (nbf - now)
        return None

    def roles(self):
        roles = (self.claims or {}).get("roles")
        return [str(role) for role in roles] if isinstance(roles, list) else None


def claims(token):
    """The payload of a JWT as a dict, or None when the token is not one (opaque tokens are fine)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        value = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")).decode("utf-8"))
    except (ValueError, UnicodeError):
        return None
    return value if isinstance(value, dict) else None


def token_endpoint(authority, tenant):
    """``<authority>/<tenant>/oauth2/v2.0/token`` (Microsoft identity platform v2.0)."""
    return "%s/%s/oauth2/v2.0/token" % (authority.rstrip("/"), urllib.parse.quote(tenant, safe=""))


def xoauth2(user, token):
    """The XOAUTH2 initial response (Google's and Microsoft's SASL XOAUTH2), base64."""
    text = "user=%s\x01auth=Bearer %s\x01\x01" % (user, token)
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _error_text(body):
    """OAuth's error response (RFC 6749 section 5.2; Entra adds error_codes): 'code (description)'."""
    try:
        value = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeError):
        value = None
    if not isinstance(value, dict) or not value.get("error"):
        text = body.decode("utf-8", "replace").strip().splitlines()
        return "no OAuth error in the answer%s" % (": " + text[0][:200] if text else "")
    description = str(value.get("error_description") or "").strip().splitlines()
    return "%s%s" % (value["error"], " (%s)" % description[0][:300] if description else "")


def fetch_token(cfg, ssl_context, timeout):
    """POST the client-credentials grant; return a :class:`Token` or raise :class:`TokenError`.

    *cfg*: authority, tenant_id, client_id, client_secret, scope.
    """
    url = token_endpoint(cfg["authority"], cfg["tenant_id"])
    where = "token endpoint %s" % url
    body = urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": cfg["client_id"],
            "client_secret": cfg["client_secret"],
            "scope": cfg["scope"],
        }
    ).encode("ascii")
    request = urllib.request.Request(  # noqa: S310 - the authority is an https URL from the inventory
        url,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        method="POST",
    )
    handlers = [urllib.request.ProxyHandler({})] if _no_proxy(url) else []
    if url.startswith("https:"):
        handlers.append(urllib.request.HTTPSHandler(context=ssl_context))
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(request, timeout=timeout) as response:
            data = response.read(BODY_MAX)
    except urllib.error.HTTPError as exc:
        text = _error_text(exc.read(BODY_MAX) if exc.fp else b"")
        raise TokenError(
            ERROR_CLIENT,
            "%s rejected client %r of tenant %r: HTTP %d, %s"
            % (where, cfg["client_id"], cfg["tenant_id"], exc.code, text),
        ) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        raise TokenError(ERROR_UNREACHABLE, "%s cannot be reached: %s" % (where, _reason(reason))) from None
    except (OSError, ValueError) as exc:
        raise TokenError(ERROR_UNREACHABLE, "%s cannot be reached: %s" % (where, _reason(exc))) from None
    try:
        value = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeError):
        value = None
    if not isinstance(value, dict) or not isinstance(value.get("access_token"), str) or not value["access_token"]:
        raise TokenError(ERROR_CLIENT, "%s answered without an access_token" % where)
    if str(value.get("token_type", "Bearer")).lower() != "bearer":
        raise TokenError(ERROR_CLIENT, "%s issued a %r token, not a Bearer token" % (where, value.get("token_type")))
    audience = cfg["scope"][: -len("/.default")] if cfg["scope"].endswith("/.default") else None
    return Token(value["access_token"], value.get("expires_in"), audience)


def _no_proxy(url):
    host = urllib.parse.urlsplit(url).hostname or ""
    return host in ("localhost", "127.0.0.1", "::1")


def _reason(exc):
    if isinstance(exc, str):
        return exc
    name = type(exc).__name__
    if name in ("timeout", "TimeoutError") or "timed out" in str(exc):
        return "no answer in time (%s)" % exc
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    return "%s: %s" % (name, getattr(exc, "strerror", None) or exc)


def rejection(token, server_answer, permission):
    """(error_class, message) for a mail server's refusal of *token* (its answer already scrubbed).

    The token's own claims tell an expired or not-yet-valid token (:data:`ERROR_TOKEN`); a token whose
    claims are fine but lack the application permission, or that the server refuses anyway, is a mailbox
    that does not allow the application (:data:`ERROR_MAILBOX`: in Exchange Online, the service principal
    and the mailbox permission, docs/oauth2.md).
    """
    problem = token.problem()
    if problem:
        return ERROR_TOKEN, "the token was rejected: %s (server: %s)" % (problem, server_answer)
    roles = token.roles()
    if roles is not None and permission not in roles:
        return ERROR_MAILBOX, (
            "the token carries no %s application permission (roles: %s): grant it to the app registration, with "
            "admin consent (server: %s)" % (permission, ", ".join(roles) or "none", server_answer)
        )
    return ERROR_MAILBOX, (
        "the server refused a token that is valid by its claims: the mailbox does not allow this application "
        "(Exchange Online: register the service principal and give it the mailbox permission) (server: %s)"
        % server_answer
    )
