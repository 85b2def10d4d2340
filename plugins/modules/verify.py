#!/usr/bin/python
# Copyright: contributors to the mail_session role
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: verify
short_description: Check that Liferay's SMTP and POP3/IMAP servers answer, speak TLS and accept the credentials
description:
  - Connects from the target host to the outgoing (SMTP) and incoming (POP3 or IMAP) mail servers the way
    Liferay will, and reports per server whether it answered, which TLS version and certificate it presented,
    which SMTP AUTH mechanisms it offers, whether the credentials were accepted and how many messages the
    mailbox holds.
  - The SMTP and the store checks run concurrently. O(timeout) bounds each check as a whole (name lookup,
    connect, greeting, EHLO, TLS handshake, AUTH, logout), not each network operation.
  - Every failure is classified (RV(smtp.error_class)) and described for a person, naming the protocol and
    host:port and, where the cause is a common mistake (TLS spoken to a plain-text port, plain text spoken to
    an implicit-TLS port), the likely fix. Passwords never appear in results, messages or warnings, even when a
    server echoes them back.
  - With O(smtp.security=starttls) (or O(store.security=starttls)) STARTTLS is required; when the server
    does not offer it the check fails and nothing (in particular no password) is sent in plain text.
  - Optionally (O(roundtrip)) sends a uniquely tagged probe message through the SMTP server, waits until it
    arrives in the store account's mailbox, deletes it and reports the delivery latency.
  - Changes nothing on the target. Uses the Python standard library only.
version_added: "1.0.0"
author:
  - liferay_ops.mail contributors (@liferay-ops)
options:
  smtp:
    description: The outgoing mail server. Omit to check only the store.
    type: dict
    suboptions:
      host:
        description: Host name or IP address.
        type: str
        required: true
      port:
        description: TCP port. Default 25 (V(none)), 587 (V(starttls)) or 465 (V(ssl)).
        type: int
      security:
        description:
          - V(none) plain text (a STARTTLS offer is reported, not used); V(starttls) plain connection
            upgraded with STARTTLS, which the server must offer; V(ssl) implicit TLS from the first byte
            (SMTPS, usually port 465).
        type: str
        choices: [none, starttls, ssl]
        default: starttls
      user:
        description: User to authenticate as. Empty means no AUTH (an open relay for this host).
        type: str
        default: ""
      password:
        description: Password of O(smtp.user).
        type: str
        default: ""
  store:
    description: The incoming mail server (Liferay's message boards read it). Omit to check only SMTP.
    type: dict
    suboptions:
      protocol:
        description: Store protocol.
        type: str
        choices: [pop3, imap]
        default: pop3
      host:
        description: Host name or IP address.
        type: str
        required: true
      port:
        description: TCP port. Default 110/995 for POP3 and 143/993 for IMAP (plain or V(starttls) / V(ssl)).
        type: int
      security:
        description:
          - V(none) plain text; V(starttls) upgraded with POP3 STLS or IMAP STARTTLS, which the server must
            offer; V(ssl) implicit TLS (POP3S, IMAPS).
        type: str
        choices: [none, starttls, ssl]
        default: ssl
      user:
        description: Mailbox user. Empty means connect and read the greeting only (no login, no message count).
        type: str
        default: ""
      password:
        description: Password of O(store.user).
        type: str
        default: ""
  timeout:
    description:
      - Upper bound in seconds for each check as a whole, from the name lookup to the logout. Every network
        operation waits at most for the time left, and a watchdog closes the connection when it runs out.
      - Each retry (O(retries)) and each poll of the round trip gets a fresh O(timeout).
    type: float
    default: 5
  retries:
    description:
      - How often to repeat a check that failed with error class V(refused) or V(timeout), for servers that
        are still starting. Other failures (for example rejected credentials) are never retried.
    type: int
    default: 0
  retry_delay:
    description: Seconds to wait before the first retry; the wait doubles before each further retry.
    type: float
    default: 1
  tls_verify:
    description:
      - Verify the server certificate (chain and host name). When false the connection is still encrypted
        but anybody on the path can impersonate the server; a warning says so.
    type: bool
    default: true
  ca_file:
    description:
      - PEM file with the CA certificates to trust instead of the system's trust store, for servers with
        certificates from a private CA.
    type: path
  cert_expiry_warn_days:
    description: Warn when a server certificate expires within this many days.
    type: int
    default: 30
  fail_on_error:
    description:
      - Fail the task when a check fails (one line per failure in the message). When false the failures are
        returned (RV(smtp.ok) false, RV(smtp.error)) and shown as warnings, and the task succeeds.
    type: bool
    default: true
  roundtrip:
    description:
      - Also send a probe message (a UUID in its Subject and Message-ID) through O(smtp) to O(roundtrip_to),
        poll the O(store) mailbox until it arrives or O(roundtrip_deadline) passes, then delete it
        (POP3 DELE, IMAP C(\Deleted) and UID EXPUNGE).
      - Requires O(smtp), O(store) and O(roundtrip_to). Skipped when either check already failed.
    type: bool
    default: false
  roundtrip_to:
    description: Address the probe is sent to; it must be delivered to the O(store) account.
    type: str
  roundtrip_from:
    description: Envelope and header sender of the probe. Default O(roundtrip_to).
    type: str
  roundtrip_deadline:
    description: Seconds to wait for the probe to arrive, counted from the start of sending.
    type: float
    default: 30
  oauth2:
    description:
      - Log in with SASL XOAUTH2 instead of a password, the way Liferay's Outlook connector does (Office 365 /
        Exchange Online) - first a token by the OAuth2 client-credentials grant from
        C(<authority>/<tenant_id>/oauth2/v2.0/token), then SMTP C(AUTH XOAUTH2) (one line, after STARTTLS) and
        POP3 C(AUTH XOAUTH2) in the two-line form Liferay uses, as O(smtp.user) / O(store.user); the passwords
        are not used.
      - A failure is classified as V(oauth2_unreachable) (the token endpoint cannot be reached),
        V(oauth2_client) (the endpoint rejected the client; its OAuth error code is in the message),
        V(oauth2_token) (the mail server refused the token, and its claims say why - expired, not yet valid,
        another audience) or V(oauth2_mailbox) (a token that is valid by its claims was refused, or lacks the
        application permission - the mailbox does not allow the application).
      - The token and the secret never appear in results, messages or warnings. IMAP is not supported with it
        (Liferay's connector serves SMTP and POP3S only).
    type: dict
    suboptions:
      authority:
        description: The token server, C(https://login.microsoftonline.com) for Microsoft Entra.
        type: str
        default: https://login.microsoftonline.com
      tenant_id:
        description: The directory (tenant) ID or a verified domain.
        type: str
        required: true
      client_id:
        description: The application (client) ID.
        type: str
        required: true
      client_secret:
        description: The client secret.
        type: str
        required: true
      scope:
        description: The scope asked for.
        type: str
        default: https://outlook.office365.com/.default
  jndi:
    description:
      - For an application-server session, the JNDI name Liferay looks up and what is known about it
        (see M(liferay_ops.mail.appserver_info)). O(smtp) and O(store) should be the servers the session names.
      - Each of O(jndi.problems) is reported as a failure, like a server that does not answer.
      - A warning says that the lookup itself is not proven here, and that Liferay silently falls back
        to its built-in session when the name does not resolve.
    type: dict
    suboptions:
      name:
        description: The JNDI name (C(mail.session.jndi.name)).
        type: str
        required: true
      server:
        description: The application server, for the messages (V(tomcat), V(wildfly)).
        type: str
        default: ""
      file:
        description: The configuration file the session is declared in, for the messages.
        type: str
        default: ""
      problems:
        description: Reasons the lookup would fail, found in the server's configuration.
        type: list
        elements: str
        default: []
extends_documentation_fragment:
  - liferay_ops.mail.attributes
  - liferay_ops.mail.attributes.read_only
attributes:
  check_mode:
    details:
      - The checks only read, so they run in check mode too.
      - O(roundtrip) sends and deletes its probe message also in check mode.
notes:
  - The checks run on the target host, so they test the network path Liferay will use.
  - SMTP and IMAP credentials are sent with AUTH PLAIN / AUTHENTICATE PLAIN encoded as UTF-8 when the server
    offers it (Python's smtplib and imaplib logins accept ASCII passwords only), otherwise with LOGIN.
  - O(timeout) includes the name lookup; a lookup that does not finish in time is reported as V(dns).
  - With O(oauth2) the token request is bounded by O(timeout) too, and made once for both checks and the
    round trip.
seealso:
  - module: liferay_ops.mail.portal_properties
"""

EXAMPLES = r"""
- name: Check the mail servers Liferay is configured with
  liferay_ops.mail.verify:
    smtp:
      host: smtp.example.com
      port: 587
      security: starttls
      user: liferay@example.com
      password: "{{ vault_smtp_password }}"
    store:
      protocol: imap
      host: imap.example.com
      port: 993
      security: ssl
      user: liferay@example.com
      password: "{{ vault_imap_password }}"
    timeout: 10

- name: Wait for freshly started servers, trust a private CA, report instead of failing
  liferay_ops.mail.verify:
    smtp:
      host: mail.internal
      port: 465
      security: ssl
    retries: 5
    retry_delay: 1
    ca_file: /etc/pki/internal-ca.pem
    fail_on_error: false
  register: mail_check

- name: Send a probe through SMTP and wait until it arrives in the POP3 mailbox
  liferay_ops.mail.verify:
    smtp: {host: smtp.example.com, port: 587, security: starttls, user: bot@example.com, password: "{{ pw }}"}
    store:
      {protocol: pop3, host: pop.example.com, port: 995, security: ssl, user: bot@example.com, password: "{{ pw }}"}
    roundtrip: true
    roundtrip_to: bot@example.com
    roundtrip_deadline: 60

- name: Office 365 with OAuth2 (client credentials), as Liferay's Outlook connector logs in
  liferay_ops.mail.verify:
    smtp: {host: smtp.office365.com, port: 587, security: starttls, user: portal@contoso.com}
    store: {protocol: pop3, host: outlook.office365.com, port: 995, security: ssl, user: portal@contoso.com}
    oauth2:
      tenant_id: contoso.onmicrosoft.com
      client_id: 00000000-0000-0000-0000-000000000000
      client_secret: "{{ vault_oauth2_client_secret }}"
"""

RETURN = r"""
ok:
  description: True when every check (and the round trip, when requested) succeeded.
  returned: always
  type: bool
summary:
  description: One line per server (and the round trip) for a person, failures first marked C(FAILED).
  returned: always
  type: list
  elements: str
  sample:
    - "SMTP smtp.example.com:587 (starttls): ok in 84 ms; TLSv1.3, certificate valid until 2026-11-21 (364 days);
      authenticated as 'liferay@example.com'; AUTH PLAIN LOGIN"
    - "IMAP imap.example.com:993 (ssl): ok in 61 ms; TLSv1.3, certificate valid until 2026-11-21 (364 days);
      authenticated as 'liferay@example.com'; 3 messages"
smtp:
  description:
    - Result of the SMTP check. RV(store) has the same fields except RV(smtp.auth_mechanisms) and
      RV(smtp.starttls_offered).
  returned: when O(smtp) is given
  type: dict
  contains:
    ok:
      description: The server answered, TLS (if any) was established and the credentials (if any) were accepted.
      type: bool
    protocol:
      description: V(smtp), V(pop3) or V(imap).
      type: str
      sample: smtp
    host:
      description: Host as given.
      type: str
    port:
      description: Port used (the default for the security when none was given).
      type: int
      sample: 587
    security:
      description: V(none), V(starttls) or V(ssl).
      type: str
    latency_ms:
      description: Duration of the (last) check attempt in milliseconds, from the name lookup to the logout.
      type: int
      sample: 84
    attempts:
      description: Number of attempts made (1 + retries used).
      type: int
    banner:
      description: The server's greeting line (truncated to 200 characters).
      type: str
      sample: mail.example.com ESMTP Postfix
    tls_version:
      description: Negotiated TLS version, null without TLS.
      type: str
      sample: TLSv1.3
    cert_not_after:
      description: Expiry of the server certificate, ISO 8601 UTC; null without TLS.
      type: str
      sample: "2026-11-21T15:36:07Z"
    cert_days_left:
      description: Whole days until the certificate expires (negative once expired).
      type: int
      sample: 364
    auth_mechanisms:
      description: SMTP only. AUTH mechanisms the server offers (after STARTTLS when used).
      type: list
      elements: str
      sample: [PLAIN, LOGIN]
    starttls_offered:
      description: SMTP only. Whether the server offered STARTTLS in its first EHLO answer.
      type: bool
    authenticated:
      description: The credentials were accepted.
      type: bool
    message_count:
      description: Store only. Messages in the mailbox (POP3 STAT, IMAP INBOX); null without login.
      type: int
      sample: 3
    error_class:
      description:
        - Null on success, otherwise one of V(dns) (name does not resolve), V(refused) (connection refused),
          V(network) (other connection failure, for example no route to host), V(timeout) (no connection or
          no answer within O(timeout)), V(tls_handshake), V(certificate) (untrusted, expired or issued for
          another name), V(auth) (credentials rejected or no way to send them), V(starttls_unavailable),
          V(protocol) (unexpected reply or connection closed); with O(oauth2) also V(oauth2_unreachable),
          V(oauth2_client), V(oauth2_token) and V(oauth2_mailbox).
      type: str
      sample: auth
    error:
      description: Null on success, otherwise what went wrong, for a person, starting with protocol and host:port.
      type: str
      sample: "SMTP 127.0.0.1:587: credentials for user 'liferay@example.com' rejected: 535 5.7.8 Error: ..."
store:
  description: Result of the store check, with the fields described for RV(smtp).
  returned: when O(store) is given
  type: dict
jndi:
  description: The application-server session checked, when O(jndi) is given.
  returned: when O(jndi) is given
  type: dict
  contains:
    name:
      description: The JNDI name.
      type: str
    ok:
      description: No problem is known that would make the lookup fail.
      type: bool
    problems:
      description: The problems found.
      type: list
      elements: str
roundtrip:
  description: Result of the round trip.
  returned: when O(roundtrip) is true
  type: dict
  contains:
    ok:
      description: The probe was sent and arrived in the mailbox.
      type: bool
    subject:
      description: Subject of the probe, with its UUID.
      type: str
      sample: Liferay mail session check 2f1c7d0e5b1a4c6f8e9d0a1b2c3d4e5f
    message_id:
      description: Message-ID of the probe.
      type: str
    latency_ms:
      description: Milliseconds from the start of sending until the probe was found in the mailbox.
      type: int
    polls:
      description: Number of times the mailbox was searched.
      type: int
    deleted:
      description: The probe was deleted from the mailbox again.
      type: bool
    error_class:
      description:
        - Null on success, otherwise an error class as for RV(smtp.error_class); V(timeout) when the probe
          did not arrive in time, V(skipped) when a check failed before.
      type: str
    error:
      description: Null on success, otherwise what went wrong.
      type: str
"""

import ssl
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.liferay_ops.mail.plugins.module_utils.probes.oauth2 import TokenError, fetch_token, xoauth2
from ansible_collections.liferay_ops.mail.plugins.module_utils.probes.redact import scrub, secret_forms
from ansible_collections.liferay_ops.mail.plugins.module_utils.probes.roundtrip import roundtrip
from ansible_collections.liferay_ops.mail.plugins.module_utils.probes.smtp import SMTPProbe
from ansible_collections.liferay_ops.mail.plugins.module_utils.probes.store import STORE_PROBES
from ansible_collections.liferay_ops.mail.plugins.module_utils.probes.tls import make_ssl_context

# --------------------------------------------------------------------------
# module
# --------------------------------------------------------------------------


def jndi_report(jndi, output, summary, warnings):
    """Add the application-server session to the result; return its problems as failures."""
    where = " in %s" % jndi["file"] if jndi["file"] else ""
    server = {"tomcat": "Tomcat ", "wildfly": "WildFly "}.get(
        jndi["server"], jndi["server"] + " " if jndi["server"] else ""
    )
    failures = ["JNDI %s: %s" % (jndi["name"], problem) for problem in jndi["problems"]]
    output["jndi"] = {"name": jndi["name"], "ok": not failures, "problems": list(jndi["problems"])}
    if failures:
        summary.extend("FAILED " + failure for failure in failures)
    else:
        summary.append(
            "JNDI %s: the servers above are the ones the %smail session%s names" % (jndi["name"], server, where)
        )
    warnings.append(
        "Liferay looks up the JNDI name %s when it starts. If the lookup fails (resource missing or misspelt, mail "
        "API jar not on the application server's class path, wrong session type) Liferay only logs 'Unable to "
        "lookup %s' and silently falls back to its built-in session (localhost:25 once the mail.session.mail.* "
        "keys are gone). These checks prove the servers, not the lookup: look for that line in Liferay's log after "
        "the restart" % (jndi["name"], jndi["name"])
    )
    return failures


def argument_spec():
    security = {"type": "str", "choices": ["none", "starttls", "ssl"]}
    common = {
        "host": {"type": "str", "required": True},
        "port": {"type": "int"},
        "user": {"type": "str", "default": ""},
        "password": {"type": "str", "default": "", "no_log": True},
    }
    return {
        "smtp": {"type": "dict", "options": dict(common, security=dict(security, default="starttls"))},
        "store": {
            "type": "dict",
            "options": dict(
                common,
                security=dict(security, default="ssl"),
                protocol={"type": "str", "choices": ["pop3", "imap"], "default": "pop3"},
            ),
        },
        "timeout": {"type": "float", "default": 5},
        "retries": {"type": "int", "default": 0},
        "retry_delay": {"type": "float", "default": 1},
        "tls_verify": {"type": "bool", "default": True},
        "ca_file": {"type": "path"},
        "cert_expiry_warn_days": {"type": "int", "default": 30},
        "fail_on_error": {"type": "bool", "default": True},
        "roundtrip": {"type": "bool", "default": False},
        "roundtrip_to": {"type": "str"},
        "roundtrip_from": {"type": "str"},
        "roundtrip_deadline": {"type": "float", "default": 30},
        "oauth2": {
            "type": "dict",
            "options": {
                "authority": {"type": "str", "default": "https://login.microsoftonline.com"},
                "tenant_id": {"type": "str", "required": True},
                "client_id": {"type": "str", "required": True},
                "client_secret": {"type": "str", "required": True, "no_log": True},
                "scope": {"type": "str", "default": "https://outlook.office365.com/.default"},
            },
        },
        "jndi": {
            "type": "dict",
            "options": {
                "name": {"type": "str", "required": True},
                "server": {"type": "str", "default": ""},
                "file": {"type": "str", "default": ""},
                "problems": {"type": "list", "elements": "str", "default": []},
            },
        },
    }


def oauth2_login(module, p, cfg, ssl_context, forms):
    """Take the token once; give it to the SMTP and store checks (and the round trip) as their login.

    Returns None, or the result to report when there is no token (both checks fail with its class)."""
    oauth2 = p["oauth2"]
    if not oauth2["authority"].startswith("https:"):
        module.warn("oauth2.authority %s is not https: the client secret travels in plain text" % oauth2["authority"])
    try:
        token = fetch_token(oauth2, ssl_context, p["timeout"])
    except TokenError as exc:
        output = {"changed": False, "ok": False}
        summary = []
        for name in ("smtp", "store"):
            if p[name]:
                output[name] = {"ok": False, "host": p[name]["host"], "error_class": exc.error_class, "error": None}
                output[name]["error"] = "OAuth2 for %s %s: %s" % (name.upper(), p[name]["host"], exc.message)
                summary.append("FAILED " + output[name]["error"])
        output["summary"] = summary
        return output, [output[name]["error"] for name in ("smtp", "store") if name in output]
    for name in ("smtp", "store"):
        if cfg[name]:
            cfg[name]["xoauth2_token"] = token
            forms.extend(sorted({token.value, xoauth2(cfg[name]["user"], token.value)}))
    forms.sort(key=len, reverse=True)
    return None


def finish(module, p, failed, forms):
    """Report a result whose checks could not run (no token): fail or warn as O(fail_on_error) says."""
    output, failures = failed
    output = scrub(output, forms)
    if p["fail_on_error"]:
        module.fail_json(msg="mail server check failed:\n" + "\n".join(scrub(f, forms) for f in failures), **output)
    for failure in failures:
        module.warn(scrub(failure, forms))
    module.exit_json(**output)


def main():
    module = AnsibleModule(
        argument_spec=argument_spec(),
        required_one_of=[("smtp", "store")],
        required_if=[("roundtrip", True, ("smtp", "store", "roundtrip_to"))],
        supports_check_mode=True,
    )
    p = module.params
    for name in ("timeout", "roundtrip_deadline"):
        if p[name] <= 0:
            module.fail_json(msg="%s must be greater than 0, got %s" % (name, p[name]))
    if p["retries"] < 0 or p["retry_delay"] < 0:
        module.fail_json(msg="retries and retry_delay must not be negative")
    for name in ("smtp", "store"):
        if p[name] and p[name]["port"] is not None and not 1 <= p[name]["port"] <= 65535:
            module.fail_json(msg="%s.port must be between 1 and 65535, got %s" % (name, p[name]["port"]))

    if p["oauth2"] and p["store"] and p["store"]["protocol"] != "pop3":
        module.fail_json(msg="oauth2 works with store protocol pop3 (POP3S) only: Liferay's connector serves no IMAP")
    users = [cfg["user"] for cfg in (p["smtp"], p["store"]) if cfg]
    forms = secret_forms(
        [cfg["password"] for cfg in (p["smtp"], p["store"]) if cfg]
        + ([p["oauth2"]["client_secret"]] if p["oauth2"] else []),
        users,
    )
    # loading the CA store costs more than a plain-text check: only when a probe speaks TLS
    ssl_context = None
    if any(cfg and cfg["security"] != "none" for cfg in (p["smtp"], p["store"])):
        try:
            ssl_context = make_ssl_context(p["tls_verify"], p["ca_file"])
        except (OSError, ssl.SSLError) as exc:
            module.fail_json(msg="ca_file %s cannot be loaded as PEM CA certificates: %s" % (p["ca_file"], exc))
    if p["oauth2"] and ssl_context is None and p["oauth2"]["authority"].startswith("https:"):
        ssl_context = make_ssl_context(p["tls_verify"], p["ca_file"])
    opts = {
        "timeout": p["timeout"],
        "ssl_context": ssl_context,
        "cert_expiry_warn_days": p["cert_expiry_warn_days"],
    }
    # what the probes get: the options, with the OAuth2 token as their login when there is one
    cfg = {name: (dict(p[name]) if p[name] else None) for name in ("smtp", "store")}
    if p["oauth2"]:
        token_failure = oauth2_login(module, p, cfg, ssl_context, forms)
        if token_failure:
            finish(module, p, token_failure, forms)

    probes = {}
    if p["smtp"]:
        probes["smtp"] = SMTPProbe(cfg["smtp"], opts)
    if p["store"]:
        probes["store"] = STORE_PROBES[p["store"]["protocol"]](cfg["store"], opts)

    with ThreadPoolExecutor(max_workers=len(probes)) as pool:
        futures = {name: pool.submit(probe.run, p["retries"], p["retry_delay"]) for name, probe in probes.items()}
        results = {name: future.result() for name, future in futures.items()}
    warnings = [w for probe in probes.values() for w in probe.warnings]
    failures = [results[name]["error"] for name in ("smtp", "store") if name in results and not results[name]["ok"]]

    output = dict(results, changed=False)
    summary = [probes[name].summary(results[name]) for name in ("smtp", "store") if name in probes]
    if p["roundtrip"]:
        if failures:
            output["roundtrip"] = {
                "ok": False,
                "error_class": "skipped",
                "error": "round trip skipped: the checks above failed",
            }
        else:
            smtp_probe = SMTPProbe(cfg["smtp"], opts)
            store_probe = STORE_PROBES[p["store"]["protocol"]](cfg["store"], opts)
            output["roundtrip"] = roundtrip(
                smtp_probe,
                store_probe,
                p["roundtrip_from"] or p["roundtrip_to"],
                p["roundtrip_to"],
                p["roundtrip_deadline"],
            )
            warnings.extend(smtp_probe.warnings + store_probe.warnings)
            if not output["roundtrip"]["ok"]:
                failures.append(output["roundtrip"]["error"])
        trip = output["roundtrip"]
        if trip["ok"]:
            summary.append(
                "round trip: the probe arrived after %d ms and was %s"
                % (trip["latency_ms"], "deleted" if trip["deleted"] else "NOT deleted")
            )
        else:
            summary.append("FAILED " + trip["error"])

    if p["jndi"]:
        jndi_failures = jndi_report(p["jndi"], output, summary, warnings)
        failures.extend(jndi_failures)

    if not p["tls_verify"]:
        warnings.insert(
            0,
            "tls_verify is false: server certificates are not verified, so anybody on the network path "
            "can pose as the mail server and read the password",
        )
    output["ok"] = not failures
    output["summary"] = sorted(summary, key=lambda line: not line.startswith("FAILED"))
    output = scrub(output, forms)
    for warning in dict.fromkeys(warnings):  # each once, in order
        module.warn(scrub(warning, forms))
    if failures and p["fail_on_error"]:
        lines = "\n".join(scrub(failure, forms) for failure in failures)
        module.fail_json(msg="mail server check failed:\n" + lines, **output)
    for failure in failures:
        module.warn(scrub(failure, forms))
    module.exit_json(**output)


if __name__ == "__main__":
    main()
