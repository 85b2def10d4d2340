"""Role settings -> MailSettingCompanyConfiguration / MailSettingSystemConfiguration attributes."""

from __future__ import annotations

import pytest

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.osgi_config import (
    EnvRef,
    OsgiError,
    java_properties_text,
    render_config,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.osgi_keys import (
    COMPANY_PID,
    SYSTEM_PID,
    company_configuration,
    config_file_name,
    instance_attributes,
    module_args,
    scope_name,
    system_configuration,
)

BASE = {
    "smtp_host": "smtp.example.com",
    "smtp_security": "starttls",
    "smtp_user": "liferay@example.com",
    "smtp_password": "s3cret",
}


def test_starttls_relay_with_login():
    attributes, secrets = company_configuration(BASE)
    assert attributes == {
        "transportProtocol": "smtp",
        "outgoingSMTPServer": "smtp.example.com",
        "outgoingSMTPPort": "587",
        "enableStartTLS": True,
        "smtpUserName": "liferay@example.com",
        "smtpPassword": "s3cret",
        "additionalJavaMailProperties": "mail.smtp.starttls.required=true",
    }
    assert secrets == {"smtpPassword"}


def test_implicit_tls_is_smtps_and_no_starttls():
    attributes, _ = company_configuration({"smtp_host": "smtp.example.com", "smtp_security": "ssl"})
    assert attributes["transportProtocol"] == "smtps"
    assert attributes["outgoingSMTPPort"] == "465"
    assert attributes["enableStartTLS"] is False
    assert "additionalJavaMailProperties" not in attributes


def test_plain_relay_turns_liferays_default_starttls_off():
    attributes, _ = company_configuration({"smtp_host": "relay", "smtp_security": "none", "smtp_port": 25})
    assert attributes["enableStartTLS"] is False
    assert attributes["outgoingSMTPPort"] == "25"
    assert "smtpUserName" not in attributes


@pytest.mark.parametrize(
    ("security", "store", "port", "extra"),
    [
        ("ssl", "pop3s", "995", {}),
        ("none", "pop3", "110", {}),
        ("starttls", "pop3", "110", {"mail.pop3.starttls.enable": "true", "mail.pop3.starttls.required": "true"}),
    ],
)
def test_incoming_pop3(security, store, port, extra, java_util_properties):
    settings = dict(BASE, pop_host="pop.example.com", pop_security=security, pop_user="u", pop_password="p")
    attributes, secrets = company_configuration(settings)
    assert attributes["storeProtocol"] == store
    assert attributes["incomingPOPServer"] == "pop.example.com"
    assert attributes["incomingPOPPort"] == port
    assert attributes["popUserName"] == "u"
    assert "popPassword" in secrets
    javamail = java_util_properties(attributes["additionalJavaMailProperties"])
    assert javamail == {"mail.smtp.starttls.required": "true", **extra}


def test_imap_is_refused_for_the_new_generation():
    with pytest.raises(OsgiError) as info:
        company_configuration(dict(BASE, pop_host="imap.example.com", store_protocol="imap", pop_security="ssl"))
    assert "IMAP" in str(info.value)
    assert "pop3" in str(info.value)


def test_javamail_properties_and_their_escaping_round_trip_through_java_properties(java_util_properties):
    tricky = {
        "mail.smtp.timeout": 10000,
        "mail.smtp.ssl.trust": "*.example.com relay.example.com",
        "mail.smtp.localhost": " leading space",
        "mail.weird=key": "value:with=separators#!",
        "mail.smtp.ssl.checkserveridentity": True,
        "mail.x": "back\\slash\tand\nnewline",
    }
    attributes, _ = company_configuration(dict(BASE, javamail_properties=tricky))
    read = java_util_properties(attributes["additionalJavaMailProperties"])
    expected = {k: ("true" if v is True else str(v)) for k, v in tricky.items()}
    expected["mail.smtp.starttls.required"] = "true"
    assert read == expected


def test_premise_the_reader_is_java_util_properties(java_util_properties):
    # line continuation, whitespace as separator, \u escapes, '!' comments: Properties.load(Reader), not a guess
    assert java_util_properties("a b\\\n   c\n\\u0041=x\n! no\nk:v ") == {"a": "bc", "A": "x", "k": "v "}


def test_javamail_key_set_by_the_role_is_refused():
    with pytest.raises(OsgiError):
        company_configuration(dict(BASE, javamail_properties={"mail.smtp.starttls.required": "false"}))


def test_secret_looking_javamail_properties_make_the_attribute_secret():
    _, secrets = company_configuration(dict(BASE, javamail_properties={"mail.smtp.sasl.authorizationid.password": "x"}))
    assert "additionalJavaMailProperties" in secrets


def test_env_reference_for_a_password():
    attributes, _ = company_configuration(dict(BASE, smtp_password={"env": "LIFERAY_SMTP_PASSWORD"}))
    assert attributes["smtpPassword"] == EnvRef("LIFERAY_SMTP_PASSWORD")
    assert 'smtpPassword="${LIFERAY_SMTP_PASSWORD}"' in render_config(attributes)


@pytest.mark.parametrize("password", ["${secretRef:vault:smtp}", "${keyRef:p:i}"])
def test_literal_that_liferay_2026_takes_for_a_secret_reference_is_refused(password):
    with pytest.raises(OsgiError) as info:
        company_configuration(dict(BASE, smtp_password=password))
    assert password not in str(info.value)
    assert "mail_session_smtp_password" in str(info.value)


def test_system_configuration_only_given_settings():
    attributes, secrets = system_configuration(
        {
            "jndi_name": "mail/MailSession",
            "batch_size": 0,
            "send_blacklist": ["noreply@liferay.com"],
            "throws_exception_on_failure": True,
            "audit_trail": None,
        }
    )
    assert attributes == {
        "jndiName": "mail/MailSession",
        "batchSize": "0",
        "sendBlacklist": ["noreply@liferay.com"],
        "throwsExceptionOnFailure": True,
    }
    assert secrets == set()
    assert system_configuration({}) == ({}, set())


def test_send_blacklist_must_be_a_list():
    with pytest.raises(OsgiError):
        system_configuration({"send_blacklist": "a@b.c"})


def test_file_names_and_instance_scoping():
    assert config_file_name(COMPANY_PID) == COMPANY_PID + ".config"
    assert config_file_name(SYSTEM_PID) == SYSTEM_PID + ".config"
    assert config_file_name(COMPANY_PID, "liferay.com") == COMPANY_PID + ".scoped~liferay.com.config"
    assert instance_attributes({"web_id": "liferay.com"}) == {"companyWebId": "liferay.com"}
    assert instance_attributes({"company_id": "20097"}) == {"companyId": 20097}
    assert scope_name({"web_id": "liferay.com"}) == "liferay.com"
    assert scope_name({"company_id": 20097}) == "20097"
    assert scope_name({"name": "intranet", "web_id": "intranet.example.com"}) == "intranet"
    for bad in ({}, {"web_id": "a", "company_id": 1}, {"company_id": "x"}):
        with pytest.raises(OsgiError):
            instance_attributes(bad)
    with pytest.raises(OsgiError):
        scope_name({"web_id": "../etc"})


def test_java_properties_text_is_sorted_and_one_line_per_key():
    assert java_properties_text({"b": "2", "a": "1"}) == "a=1\nb=2"


def test_module_args_split_secrets_and_turn_env_references_into_data():
    attributes, secrets = company_configuration(dict(BASE, smtp_password={"env": "LIFERAY_SMTP_PW"}))
    properties, secret_properties = module_args(attributes, secrets)
    assert secret_properties == {"smtpPassword": {"env": "LIFERAY_SMTP_PW"}}
    assert "smtpPassword" not in properties
    assert properties["outgoingSMTPServer"] == "smtp.example.com"
