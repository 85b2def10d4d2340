"""validation.validate (the role's checks of its variables) and portal_properties (variables -> keys).

Every finding must name the variable (mail_session_...), show the offending value
(never a password) and say what to do instead.
"""

from __future__ import annotations

import pytest

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.portal_keys import portal_properties
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.validation import validate

PASSWORD = "Pw-7f3k,Q9"
POP_PASSWORD = "Pop-Zz81x"

RELAY = {"smtp_host": "smtp.example.com"}
POP = {"pop_host": "pop.example.com", "pop_user": "inbox@example.com", "pop_password": POP_PASSWORD}

GMAIL = {
    "smtp_host": "smtp.gmail.com",
    "smtp_port": 465,
    "smtp_security": "ssl",
    "smtp_user": "liferay@gmail.com",
    "smtp_password": PASSWORD,
    "pop_host": "pop.gmail.com",
    "pop_port": 995,
    "pop_security": "ssl",
    "pop_user": "liferay@gmail.com",
    "pop_password": POP_PASSWORD,
    "from_name": "Acme Intranet",
    "from_address": "liferay@gmail.com",
}


# These tests describe plain servers unless they say otherwise (the role's defaults are starttls and ssl).
PLAIN = {"smtp_security": "none", "pop_security": "none"}


def check(allow_unusual_ports=False, **settings):
    return validate(dict(PLAIN, **settings), allow_unusual_ports)


def about(messages, name):
    """The messages about variable mail_session_<name>."""
    return [m for m in messages if m.startswith("mail_session_%s: " % name)]


def only(messages, name):
    found = about(messages, name)
    assert len(found) == 1, (name, messages)
    return found[0]


def assert_no_password(findings):
    for message in findings.errors + findings.warnings:
        for secret in (PASSWORD, POP_PASSWORD, PASSWORD.strip(), " " + PASSWORD):
            assert secret not in message


# --------------------------------------------------------------------------
# a correct configuration
# --------------------------------------------------------------------------


def test_valid_gmail_settings_give_no_errors_and_no_warnings():
    findings = check(**GMAIL)

    assert findings.errors == []
    assert findings.warnings == []


@pytest.mark.parametrize(
    "settings",
    [
        RELAY,
        {**RELAY, "smtp_port": 25},
        {**RELAY, "smtp_port": "587", "smtp_security": "starttls", "smtp_user": "u", "smtp_password": PASSWORD},
        {**RELAY, "smtp_port": 2525},  # not a well-known port: nothing to say
        {**RELAY, **POP, "pop_port": 995, "pop_security": "ssl"},
        {**RELAY, "smtp_host": "192.0.2.10"},
        {**RELAY, "smtp_host": "[2001:db8::1]"},
    ],
    ids=["bare-relay", "port-25", "starttls-587", "port-2525", "pop3s-995", "ipv4", "ipv6"],
)
def test_ordinary_settings_give_no_errors(settings):
    assert check(**settings).errors == []


# --------------------------------------------------------------------------
# ports
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("port", "shown", "hint"),
    [
        (0, "0 is outside 1-65535", "usually 25"),
        (70000, "70000 is outside 1-65535", "usually 25"),
        (-25, "-25 is outside 1-65535", "usually 25"),
        ("abc", "'abc' is not a port number", "integer from 1 to 65535"),
        ("25/tcp", "'25/tcp' is not a port number", "integer from 1 to 65535"),
        (True, "True is outside 1-65535", "usually 25"),
    ],
)
def test_impossible_smtp_port_is_an_error_naming_variable_value_and_hint(port, shown, hint):
    message = only(check(**RELAY, smtp_port=port).errors, "smtp_port")

    assert shown in message
    assert hint in message


def test_impossible_pop_port_hint_follows_the_pop_security():
    message = only(check(**RELAY, **POP, pop_port=0, pop_security="ssl").errors, "pop_port")

    assert "0 is outside 1-65535" in message
    assert "usually 995" in message


def test_fractional_port_is_an_error():
    assert about(check(**RELAY, smtp_port=25.9).errors, "smtp_port")


# --------------------------------------------------------------------------
# hosts
# --------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["", None], ids=["empty", "unset"])
def test_empty_smtp_host_is_an_error_with_a_hint(host):
    message = only(check(smtp_host=host).errors, "smtp_host")

    assert "is empty" in message
    assert "host name or IP address" in message


@pytest.mark.parametrize(
    ("host", "hint"),
    [
        ("smtp://x", "without a scheme such as smtp://"),
        ("smtps://smtp.example.com", "without a scheme such as smtp://"),
        ("host:25", "port in its own variable"),
        ("smtp.example.com:587", "port in its own variable"),
    ],
)
def test_host_with_scheme_or_port_is_an_error_naming_value_and_hint(host, hint):
    message = only(check(smtp_host=host).errors, "smtp_host")

    assert repr(host) in message
    assert "not a valid host name" in message
    assert hint in message


@pytest.mark.parametrize(
    "host",
    [
        pytest.param("192.0.2.10:25", id="ipv4-with-port"),
        pytest.param("cafe.de:25", id="hex-letters-host-with-port"),
    ],
)
def test_ip_address_with_port_is_an_error(host):
    message = only(check(smtp_host=host).errors, "smtp_host")

    assert "port in its own variable" in message


def test_pop_host_with_scheme_is_an_error():
    message = only(check(**RELAY, **{**POP, "pop_host": "pop3://pop.example.com"}).errors, "pop_host")

    assert "'pop3://pop.example.com'" in message
    assert "without a scheme" in message


# --------------------------------------------------------------------------
# ports that belong to the other protocol (swapped) or contradict the security
# --------------------------------------------------------------------------


def test_swapped_ports_from_liferays_japanese_docs_are_two_errors():
    # ../seeds/003_*: SMTP 110 and POP 465
    findings = check(**RELAY, **POP, smtp_port=110, pop_port=465)

    smtp = only(findings.errors, "smtp_port")
    assert "110 is the well-known POP3 port, not a SMTP port" in smtp
    assert "swapped" in smtp
    assert "use 25" in smtp
    pop = only(findings.errors, "pop_port")
    assert "465 is the well-known SMTP port, not a POP3 port" in pop
    assert "swapped" in pop
    assert "use 110" in pop


@pytest.mark.parametrize(
    ("kind", "port", "security", "known", "use"),
    [
        ("smtp", 995, "ssl", "POP3", "use 465"),
        ("smtp", 143, "none", "IMAP", "use 25"),
        ("pop", 25, "none", "SMTP", "use 110"),
        ("pop", 587, "starttls", "SMTP", "use 110"),
        ("pop", 465, "ssl", "SMTP", "use 995"),
    ],
)
def test_port_of_the_other_direction_is_an_error_with_the_right_port(kind, port, security, known, use):
    settings = {**RELAY, **POP, "%s_port" % kind: port, "%s_security" % kind: security}

    message = only(check(**settings).errors, "%s_port" % kind)

    assert "%d is the well-known %s port" % (port, known) in message
    assert "swapped" in message
    assert "security '%s'" % security in message
    assert use in message


def test_pop_110_with_ssl_is_an_error_pointing_at_995():
    message = only(check(**RELAY, **POP, pop_port=110, pop_security="ssl").errors, "pop_port")

    assert "port 110 speaks plain text first" in message
    assert "mail_session_pop_security is 'ssl'" in message
    assert "Use port 995" in message
    assert "mail_session_pop_security: starttls" in message


@pytest.mark.parametrize(("security", "use"), [("none", "use port 25"), ("starttls", "use port 587")])
def test_smtp_465_without_ssl_is_an_error(security, use):
    message = only(check(**RELAY, smtp_port=465, smtp_security=security).errors, "smtp_port")

    assert "port 465 expects TLS from the first byte" in message
    assert "mail_session_smtp_security is '%s'" % security in message
    assert "Set mail_session_smtp_security: ssl" in message
    assert use in message
    assert "mail_session_allow_unusual_ports: true" in message


def test_smtp_587_with_ssl_is_an_error_pointing_at_465():
    message = only(check(**RELAY, smtp_port=587, smtp_security="ssl").errors, "smtp_port")

    assert "port 587 speaks plain text first" in message
    assert "Use port 465" in message
    assert "mail_session_smtp_security: starttls" in message


@pytest.mark.parametrize("pop_port", [None, 143, 993, 110])
def test_imap_is_refused_because_liferay_forces_pop3_for_its_own_store(pop_port):
    findings = check(**RELAY, **POP, store_protocol="imap", pop_port=pop_port)

    message = only(findings.errors, "store_protocol")
    assert message.startswith("mail_session_store_protocol: 'imap' is not what Liferay uses")
    assert "forces the store protocol to pop3 or pop3s" in message
    assert "Use pop3 (with mail_session_pop_security: ssl for POP3S on 995)" in message
    assert POP_PASSWORD not in message


CONTRADICTIONS = [
    {"smtp_port": 465, "smtp_security": "none"},
    {"smtp_port": 465, "smtp_security": "starttls"},
    {"smtp_port": 587, "smtp_security": "ssl"},
    {"pop_port": 110, "pop_security": "ssl"},
    {"pop_port": 995, "pop_security": "none"},
]


@pytest.mark.parametrize("contradiction", CONTRADICTIONS, ids=lambda c: "-".join(map(str, c.values())))
def test_allow_unusual_ports_turns_a_security_port_contradiction_into_a_warning(contradiction):
    settings = {**RELAY, **POP, **contradiction}
    name = next(iter(contradiction)).replace("_port", "") + "_port"

    strict = check(**settings)
    relaxed = check(allow_unusual_ports=True, **settings)

    assert about(strict.errors, name)
    assert about(relaxed.errors, name) == []
    warning = only(relaxed.warnings, name)
    assert "allow_unusual_ports" not in warning  # the hint is only for the error


@pytest.mark.parametrize(
    "swap",
    [
        {"smtp_port": 110},
        {"smtp_port": 995},
        {"pop_port": 465},
        {"pop_port": 25},
    ],
    ids=["smtp-110", "smtp-995", "pop-465", "pop-25"],
)
def test_allow_unusual_ports_does_not_excuse_swapped_ports(swap):
    name = "smtp_port" if "smtp_port" in swap else "pop_port"

    findings = check(allow_unusual_ports=True, **{**RELAY, **POP, **swap})

    assert about(findings.errors, name)


# --------------------------------------------------------------------------
# credentials
# --------------------------------------------------------------------------


def test_smtp_user_without_password_is_an_error():
    findings = check(**RELAY, smtp_user="relay@example.com", smtp_security="starttls")

    message = only(findings.errors, "smtp_password")
    assert "is empty while mail_session_smtp_user is set" in message
    assert "Set both, or neither" in message


def test_smtp_password_without_user_is_an_error_that_does_not_show_the_password():
    findings = check(**RELAY, smtp_password=PASSWORD, smtp_security="starttls")

    message = only(findings.errors, "smtp_user")
    assert "is empty while mail_session_smtp_password is set" in message
    assert_no_password(findings)


@pytest.mark.parametrize(
    "credentials",
    [{}, {"pop_user": "inbox@example.com"}, {"pop_password": POP_PASSWORD}],
    ids=["none", "user-only", "password-only"],
)
def test_pop_host_without_full_credentials_is_an_error(credentials):
    findings = check(**RELAY, pop_host="pop.example.com", pop_security="ssl", **credentials)

    message = only(findings.errors, "pop_user")
    assert "needs a login" in message
    assert "mail_session_pop_user and mail_session_pop_password" in message
    assert_no_password(findings)


@pytest.mark.parametrize("kind", ["smtp", "pop"])
def test_credentials_with_security_none_are_a_warning(kind):
    settings = {**RELAY, **POP, "smtp_user": "u", "smtp_password": PASSWORD, "smtp_security": "starttls"}
    settings["%s_security" % kind] = "none"
    settings["%s_port" % kind] = {"smtp": 25, "pop": 110}[kind]

    findings = check(**settings)

    assert findings.errors == []
    message = only(findings.warnings, "%s_security" % kind)
    assert "is 'none' while credentials are configured" in message
    assert "clear text" in message
    assert "starttls or ssl" in message
    assert_no_password(findings)


# --------------------------------------------------------------------------
# values that cannot be stored, sender, JavaMail extras
# --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["smtp", "pop"])
@pytest.mark.parametrize("password", [" " + PASSWORD, PASSWORD + " ", PASSWORD + "\t"], ids=["lead", "trail", "tab"])
def test_unstorable_password_is_an_error_that_does_not_show_the_password(kind, password):
    settings = {**RELAY, **POP, "smtp_user": "u", "smtp_security": "starttls", "smtp_password": PASSWORD}
    settings["%s_password" % kind] = password

    findings = check(**settings)

    message = only(findings.errors, "%s_password" % kind)
    assert "cannot be written to portal-ext.properties exactly" in message
    assert "Remove the surrounding whitespace" in message
    assert_no_password(findings)


def test_unstorable_user_is_an_error_showing_the_value():
    findings = check(**RELAY, smtp_user="relay, ops ", smtp_password=PASSWORD, smtp_security="ssl", smtp_port=465)

    message = only(findings.errors, "smtp_user")
    assert "'relay, ops '" in message
    assert "cannot be written" in message


@pytest.mark.parametrize("address", ["test@domain.invalid", "NoReply@Liferay.com"])
def test_blacklisted_from_address_is_a_warning(address):
    findings = check(**RELAY, from_address=address)

    assert findings.errors == []
    message = only(findings.warnings, "from_address")
    assert address in message
    assert "mail.send.blacklist" in message
    assert "silently drops" in message
    assert "real sender address" in message


def test_from_address_that_is_not_an_address_is_an_error():
    message = only(check(**RELAY, from_address="Acme Intranet").errors, "from_address")

    assert "'Acme Intranet'" in message
    assert "name@domain" in message


def test_javamail_key_with_the_mail_session_prefix_is_an_error():
    findings = check(**RELAY, javamail_properties={"mail.session.mail.smtp.timeout": 5000})

    message = only(findings.errors, "javamail_properties")
    assert "'mail.session.mail.smtp.timeout'" in message
    assert "without the 'mail.session.' prefix" in message


@pytest.mark.parametrize(
    ("settings", "key"),
    [
        (RELAY, "mail.smtp.host"),
        (RELAY, "mail.transport.protocol"),
        ({**RELAY, "smtp_security": "starttls"}, "mail.smtp.starttls.required"),
        ({**RELAY, "smtp_security": "ssl", "smtp_port": 465}, "mail.smtps.port"),
        ({**RELAY, **POP}, "mail.pop3.host"),
    ],
)
def test_javamail_key_that_the_role_already_generates_is_an_error(settings, key):
    findings = check(**settings, javamail_properties={key: "other"})

    message = only(findings.errors, "javamail_properties")
    assert repr(key) in message
    assert "already set from the role's own variables" in message


@pytest.mark.parametrize("value", [[1, 2], {"a": 1}, None], ids=["list", "dict", "null"])
def test_javamail_non_scalar_value_is_an_error(value):
    findings = check(**RELAY, javamail_properties={"mail.smtp.connectiontimeout": value})

    message = only(findings.errors, "javamail_properties")
    assert "'mail.smtp.connectiontimeout'" in message
    assert "string, number or boolean" in message


def test_javamail_key_that_is_not_a_javamail_name_is_an_error():
    message = only(check(**RELAY, javamail_properties={"smtp.timeout": 5}).errors, "javamail_properties")

    assert "'smtp.timeout'" in message
    assert "mail.smtp.timeout" in message


def test_javamail_extras_that_are_fine_give_no_error():
    findings = check(**RELAY, javamail_properties={"mail.smtp.connectiontimeout": 5000, "mail.debug": True})

    assert findings.errors == []


def test_unstorable_secret_looking_javamail_value_is_an_error_without_the_value():
    findings = check(**RELAY, javamail_properties={"mail.smtp.sasl.token": PASSWORD + " "})

    message = only(findings.errors, "javamail_properties[mail.smtp.sasl.token]")
    assert "cannot be written" in message
    assert_no_password(findings)


def test_mapping_instead_of_javamail_properties_dict_is_an_error():
    message = only(check(**RELAY, javamail_properties=["mail.debug=true"]).errors, "javamail_properties")

    assert "mapping" in message


@pytest.mark.parametrize(
    "settings",
    [
        {**GMAIL, "smtp_port": 110},
        {**GMAIL, "smtp_user": ""},
        {**GMAIL, "pop_user": ""},
        {**GMAIL, "smtp_security": "none", "smtp_port": 25},
        {**GMAIL, "smtp_password": PASSWORD + " ", "pop_password": " " + POP_PASSWORD},
        {**GMAIL, "javamail_properties": {"mail.smtps.password": PASSWORD}},
    ],
    ids=["swapped", "no-user", "no-pop-user", "cleartext", "unstorable", "javamail-password"],
)
def test_no_finding_ever_contains_a_password(settings):
    findings = check(**settings)

    assert findings.errors or findings.warnings
    assert_no_password(findings)


@pytest.mark.parametrize(
    ("name", "value"),
    [("smtp_security", "tls"), ("pop_security", "SSL"), ("store_protocol", "imaps")],
)
def test_unknown_choice_is_an_error_listing_the_choices(name, value):
    message = only(check(**RELAY, **{name: value}).errors, name)

    assert repr(value) in message
    assert "is not one of" in message


# --------------------------------------------------------------------------
# portal_properties: role settings -> mail.session.* keys
# --------------------------------------------------------------------------

P = "mail.session.mail."


def test_security_none_switches_liferays_default_starttls_off():
    props = portal_properties(dict(RELAY, smtp_security="none"))

    assert props == {
        P + "transport.protocol": "smtp",
        P + "smtp.host": "smtp.example.com",
        P + "smtp.port": "25",
        P + "smtp.auth": "false",
        P + "smtp.starttls.enable": "false",
    }


@pytest.mark.parametrize(
    ("security", "transport", "port", "starttls"),
    [
        ("starttls", "smtp", "587", {"smtp.starttls.enable": "true", "smtp.starttls.required": "true"}),
        ("ssl", "smtps", "465", {}),  # smtps keys only
    ],
)
def test_starttls_and_ssl_give_the_keys_of_their_transport(security, transport, port, starttls):
    props = portal_properties({**RELAY, "smtp_security": security, "smtp_user": "u", "smtp_password": PASSWORD})

    assert props == {
        P + "transport.protocol": transport,
        P + transport + ".host": "smtp.example.com",
        P + transport + ".port": port,
        P + transport + ".auth": "true",
        P + transport + ".user": "u",
        P + transport + ".password": PASSWORD,
        **{P + key: value for key, value in starttls.items()},
    }


def test_pop_ssl_gives_pop3s_keys():
    props = portal_properties({**RELAY, **POP, "pop_security": "ssl"})

    incoming = {k: v for k, v in props.items() if "pop3" in k or "store" in k}
    assert incoming == {
        P + "store.protocol": "pop3s",
        P + "pop3s.host": "pop.example.com",
        P + "pop3s.port": "995",
        P + "pop3s.user": "inbox@example.com",
        P + "pop3s.password": POP_PASSWORD,
    }


def test_explicit_port_is_written_as_given():
    assert portal_properties({**RELAY, "smtp_port": 2525})[P + "smtp.port"] == "2525"


def test_no_incoming_keys_without_a_pop_host():
    props = portal_properties({**RELAY, "pop_user": "u", "pop_password": POP_PASSWORD})

    assert not [k for k in props if "store" in k or "pop3" in k or "imap" in k]


@pytest.mark.parametrize(
    ("user", "password", "auth"),
    [("u", PASSWORD, "true"), ("u", "", "false"), ("", PASSWORD, "false"), ("", "", "false")],
)
@pytest.mark.parametrize("security", ["none", "starttls", "ssl"])
def test_auth_is_true_only_with_user_and_password(security, user, password, auth):
    settings = {**RELAY, "smtp_security": security, "smtp_user": user, "smtp_password": password}

    props = portal_properties(settings)

    transport = props[P + "transport.protocol"]
    assert props[P + transport + ".auth"] == auth


def test_sender_and_javamail_extras_are_mapped():
    props = portal_properties(
        {
            **RELAY,
            "from_name": "Acme Intranet",
            "from_address": "intranet@acme.example",
            "javamail_properties": {"mail.smtp.connectiontimeout": 5000, "mail.debug": True},
        }
    )

    assert props["admin.email.from.name"] == "Acme Intranet"
    assert props["admin.email.from.address"] == "intranet@acme.example"
    assert props[P + "smtp.connectiontimeout"] == "5000"
    assert props[P + "debug"] == "true"


def test_secret_part_holds_only_password_keys_and_public_part_none_of_them():
    settings = {
        **GMAIL,
        "javamail_properties": {"mail.smtps.sasl.token": "Tk-1", "mail.smtps.timeout": 5000},
    }

    everything = portal_properties(settings)
    secret = portal_properties(settings, part="secret")
    public = portal_properties(settings, part="public")

    assert secret == {
        P + "smtps.password": PASSWORD,
        P + "pop3s.password": POP_PASSWORD,
        P + "smtps.sasl.token": "Tk-1",
    }
    assert not set(secret) & set(public)
    assert {**public, **secret} == everything
    for value in public.values():
        assert PASSWORD not in value
        assert POP_PASSWORD not in value
    assert portal_properties(settings, part="all") == everything
