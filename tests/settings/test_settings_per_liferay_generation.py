"""The role's settings per Liferay generation, in-process: validation of the issue-6 variables, the mapping of
instances and server-wide settings, lists in portal-ext.properties and env files, and the modules the role
added for it (docker_env_file; portal_properties' list values and obsolete keys)."""

from __future__ import annotations

import stat

import pytest

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.env_names import encode_env_value
from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.osgi_config import OsgiError
from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.properties import (
    PropertiesDocument,
    PropertiesError,
    encode_list,
    split_list,
    unescape_java,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.osgi_keys import (
    company_module_args,
    instance_scopes,
    portal_properties_for,
    system_module_args,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.portal_keys import (
    portal_properties,
    verify_targets,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.validation import Findings, validate
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.validation_generation import (
    validate_for_generation,
    validate_settings,
)
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.versions import LEGACY, OSGI, generation_for
from ansible_collections.liferay_ops.mail.plugins.modules import docker_env_file
from ansible_collections.liferay_ops.mail.plugins.modules import portal_properties as portal_properties_module

RELAY = {
    "smtp_host": "smtp.example.com",
    "smtp_security": "starttls",
    "smtp_user": "liferay@example.com",
    "smtp_password": "S3cret",
    "store_protocol": "pop3",
    "pop_host": "",
    "method": "builtin",
    "deployment": "host",
    "verify": "skip",
}


def static(**settings):
    merged = dict(RELAY, **settings)
    findings = validate(merged)
    validate_settings(merged, findings)
    return findings


def for_generation(generation, **settings):
    return validate_for_generation(dict(RELAY, **settings), generation)


def only(messages, fragment):
    found = [message for message in messages if fragment in message]
    assert found, messages
    return found[0]


# --------------------------------------------------------------------------
# which generation
# --------------------------------------------------------------------------


def test_generation_from_inventory_then_detection_then_legacy():
    assert generation_for("2026.q1.0") == OSGI
    assert generation_for("7.4.3.132", {"generation": OSGI}) == LEGACY  # inventory decides
    assert generation_for("", {"generation": OSGI}) == OSGI
    assert generation_for("", {"generation": "unknown"}) == LEGACY
    assert generation_for("", None) == LEGACY


def test_unknown_generation_warns_naming_what_was_read():
    findings = validate_for_generation(
        dict(RELAY, liferay_home="/opt/liferay"),
        LEGACY,
        detected={"generation": "unknown", "evidence": [".liferay-version: not present"]},
    )
    message = only(findings.warnings, "nothing in /opt/liferay tells which Liferay is installed")
    assert ".liferay-version: not present" in message and "mail_session_liferay_version" in message


# --------------------------------------------------------------------------
# static validation of the new variables
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "fragment"),
    [
        ({"liferay_version": "8.0"}, "mail_session_liferay_version: '8.0'"),
        ({"deployment": "docker"}, "mail_session_liferay_version: is needed with mail_session_deployment: docker"),
        ({"deployment": "docker", "liferay_version": "7.4.3.132", "method": "app_server"}, "mail_session_deployment"),
        ({"batch_size": -1}, "mail_session_batch_size: -1 is not a whole number"),
        ({"batch_size": True}, "mail_session_batch_size"),
        ({"audit_trail": "nobody"}, "mail_session_audit_trail: 'nobody' is not an email address"),
        ({"send_blacklist": "a@example.com"}, "mail_session_send_blacklist: must be a list"),
        ({"send_blacklist": ["a,b@example.com"]}, "mail_session_send_blacklist: 'a,b@example.com'"),
        ({"throws_exception_on_failure": "yes"}, "mail_session_throws_exception_on_failure: 'yes'"),
        ({"pop_server_notifications": "true"}, "mail_session_pop_server_notifications"),
        ({"smtp_password": {"env": "A", "x": 1}}, "mail_session_smtp_password: a structured value"),
        ({"smtp_password": {"env": "has space"}}, "is not an environment variable name"),
        (
            {"smtp_password": {"env": "SMTP_PASS"}},
            "mail_session_smtp_password: {env: SMTP_PASS}: Liferay DXP 2025.Q4+ / Portal 2026 reads only environment "
            "variables whose names start with LIFERAY_",
        ),
        ({"pop_password": {"env": "liferay_pop"}}, "mail_session_pop_password: {env: liferay_pop}"),
        (
            {"instances": [{"web_id": "a.example.com", "smtp_password": {"env": "SMTP_A"}}]},
            "mail_session_instances[a.example.com].smtp_password: {env: SMTP_A}",
        ),
        ({"instances": {"web_id": "x"}}, "mail_session_instances: must be a list"),
        ({"instances": [{"web_id": "a.example.com", "company_id": 1}]}, "exactly one of web_id"),
        ({"instances": [{"company_id": "x1"}]}, "company_id 'x1' is not a number"),
        ({"instances": [{"company_id": 10**20}]}, "company_id 100000000000000000000 is larger than any"),
        ({"instances": [{"web_id": "a/b"}]}, "cannot be part of a file name"),
        ({"instances": [{"web_id": "a.example.com", "state": "gone"}]}, "state 'gone' is not present or absent"),
        ({"instances": [{"web_id": "a.example.com"}, {"web_id": "a.example.com"}]}, "the name is used twice"),
        ({"instances": [{"web_id": "a.example.com", "smtp_port": 110}]}, "[a.example.com]: mail_session_smtp_port"),
        ({"instances": [{"web_id": "a.example.com"}], "method": "app_server"}, "need mail_session_method: builtin"),
        ({"db_check": True, "db": {}}, "mail_session_db: mail_session_db_check is true"),
        ({"db_check": True, "db": {"engine": "oracle", "database": "l", "user": "u"}}, "mail_session_db.engine"),
        ({"db_check": True, "db": {"engine": "mysql", "user": "u"}}, "mail_session_db.database: is empty"),
        ({"db_check": True, "db": {"engine": "mysql", "database": "l", "user": "u", "port": 0}}, "db.port"),
        ({"db_check": True, "db": {"engine": "mysql", "database": "l", "user": "u", "pwd": "x"}}, "unknown keys pwd"),
        (
            {
                "pop_host": "pop.example.com",
                "pop_user": "u",
                "pop_password": {"env": "LIFERAY_POP"},
                "verify_roundtrip": True,
            },
            "mail_session_verify_roundtrip: needs the POP password",
        ),
    ],
)
def test_static_errors_name_the_variable(settings, fragment):
    only(static(**settings).errors, fragment)


def test_good_settings_pass():
    findings = static(
        liferay_version="liferay/dxp:2026.q1.0-lts",
        batch_size=0,
        audit_trail="audit@example.com",
        send_blacklist=[],
        throws_exception_on_failure=False,
        pop_server_notifications=None,
        instances=[{"web_id": "intranet.example.com", "smtp_user": "i@example.com", "smtp_password": "x"}],
        db_check=True,
        db={"engine": "postgresql", "host": "db.example.com", "port": 5432, "database": "lportal", "user": "ro"},
    )
    assert findings.errors == []


def test_instance_messages_are_only_its_own():
    findings = static(smtp_port=2525, instances=[{"web_id": "a.example.com", "smtp_host": "other.example.com"}])
    assert not [m for m in findings.errors if "instances" in m]
    message = only(findings.warnings, "mail_session_instances[a.example.com]: smtp_host is 'other.example.com'")
    assert "S3cret" not in message


def test_env_reference_warns_that_verification_cannot_log_in():
    message = only(static(smtp_password={"env": "LIFERAY_SMTP_PASSWORD"}, verify="fail").warnings, "cannot log in")
    assert message.startswith("mail_session_smtp_password:")


def test_blacklisted_sender_uses_the_configured_blacklist():
    assert only(static(from_address="me@example.com", send_blacklist=["me@example.com"]).warnings, "me@example.com")
    assert not static(from_address="noreply@liferay.com", send_blacklist=[]).warnings


def test_generation_unknown_yet_skips_portal_ext_checks():
    # ' lead,ing' cannot be stored in portal-ext.properties, but a .config file holds it
    assert static(generation="", smtp_password=" lead,ing").errors == []
    assert only(static(generation=LEGACY, smtp_password=" lead,ing").errors, "cannot be written to portal-ext")


# --------------------------------------------------------------------------
# per generation
# --------------------------------------------------------------------------


def test_osgi_refuses_imap_secret_references_and_role_keys_for_instances_too():
    imap = dict(pop_host="imap.example.com", pop_user="u", pop_password="p", store_protocol="imap")
    only(for_generation(OSGI, **imap).errors, "mail_session_store_protocol: IMAP cannot be configured")
    only(for_generation(OSGI, smtp_password="${secretRef:x}").errors, "mail_session_smtp_password: the value starts")
    instance = {"web_id": "a.example.com", "javamail_properties": {"mail.smtp.starttls.required": "false"}}
    only(for_generation(OSGI, instances=[instance]).errors, "mail_session_instances[a.example.com]: javamail_prop")
    assert for_generation(OSGI, smtp_password=" lead,ing ${x}").errors == []


def test_legacy_refuses_instances_and_env_references():
    only(for_generation(LEGACY, instances=[{"web_id": "a.example.com"}]).errors, "per-instance mail settings")
    assert for_generation(LEGACY, instances=[{"web_id": "a.example.com", "state": "absent"}]).errors == []
    only(for_generation(LEGACY, smtp_password={"env": "LIFERAY_X"}).errors, "give the password from Vault")


def test_docker_needs_its_paths_and_values_an_env_file_can_hold():
    docker = {"deployment": "docker", "liferay_version": "7.4.3.132"}
    only(for_generation(LEGACY, **docker).errors, "mail_session_docker_env_file: is empty")
    only(
        for_generation(OSGI, **dict(docker, liferay_version="2026.q1.0", from_name="Portal")).errors,
        "mail_session_docker_configs_dir: is empty",
    )
    bad = for_generation(LEGACY, docker_env_file="/srv/l.env", smtp_password="two\nlines", **docker)
    message = only(bad.errors, "mail_session_docker_env_file: the value of mail.session.mail.smtp.password")
    assert "two" not in message


# --------------------------------------------------------------------------
# mapping
# --------------------------------------------------------------------------


def test_instances_merge_over_the_global_settings():
    settings = dict(
        RELAY,
        instances=[
            {"web_id": "intranet.example.com", "smtp_host": "relay.intranet", "smtp_user": "", "smtp_password": ""},
            {"company_id": 30000, "name": "extranet", "state": "absent"},
        ],
    )
    assert instance_scopes(settings) == [
        {"scope": "intranet.example.com", "state": "present"},
        {"scope": "extranet", "state": "absent"},
    ]
    public, secret = company_module_args(settings, "intranet.example.com")
    assert public["companyWebId"] == "intranet.example.com"
    assert public["outgoingSMTPServer"] == "relay.intranet"
    assert "smtpUserName" not in public and secret == {}
    with pytest.raises(OsgiError):
        company_module_args(settings, "nope")


def test_system_settings_only_when_given():
    assert system_module_args(dict(RELAY, batch_size=None, audit_trail="")) == {}
    assert system_module_args(dict(RELAY, send_blacklist=[], batch_size=0), "mail/MailSession") == {
        "sendBlacklist": [],
        "batchSize": "0",
        "jndiName": "mail/MailSession",
    }


def test_legacy_server_wide_settings_are_portal_properties():
    props = portal_properties(
        dict(
            RELAY,
            batch_size=5,
            audit_trail="audit@example.com",
            send_blacklist=["a@example.com", "b@example.com"],
            throws_exception_on_failure=True,
            pop_server_notifications=False,
        )
    )
    assert props["mail.batch.size"] == "5"
    assert props["mail.audit.trail"] == "audit@example.com"
    assert props["mail.send.blacklist"] == ["a@example.com", "b@example.com"]
    assert props["mail.throws.exception.on.failure"] == "true"
    assert props["pop.server.notifications.enabled"] == "false"


def test_portal_properties_for_each_generation():
    settings = dict(RELAY, from_name="Portal", from_address="portal@example.com")
    assert set(portal_properties_for(settings, OSGI)) == {"admin.email.from.name", "admin.email.from.address"}
    assert "mail.session.mail.smtp.host" in portal_properties_for(settings, LEGACY)
    assert portal_properties_for(settings, LEGACY, "secret") == {"mail.session.mail.smtp.password": "S3cret"}


@pytest.mark.parametrize("items", [[], ["a@example.com"], ["a@example.com", "b@example.com", "zoë@example.com"]])
def test_lists_read_back_as_lists(items):
    raw = encode_list(items)
    # Commons Configuration: unescapeJava, then PropertyConverter.split (codecs/properties.py transcribes both)
    pieces = split_list(unescape_java(raw)) if raw else []
    assert pieces == items
    document = PropertiesDocument("")
    document.apply({"mail.send.blacklist": items})
    assert document.values()["mail.send.blacklist"] == ",".join(items)
    assert encode_env_value(items) == ",".join(items)


@pytest.mark.parametrize("bad", [["a b@x"], ["a,b@x"], ["a\\b@x"], ["${x}@y"], [""]])
def test_list_elements_that_need_escaping_are_refused(bad):
    with pytest.raises(PropertiesError):
        encode_list(bad)
    with pytest.raises(OsgiError):
        encode_env_value(bad)


# --------------------------------------------------------------------------
# modules
# --------------------------------------------------------------------------


SECRET = "Env,S3cret${x}"


def test_env_file_is_private_idempotent_and_masked(run_module, tmp_path):
    path = tmp_path / "liferay.env"
    args = {
        "path": str(path),
        "properties": {"mail.session.mail.smtp.host": "smtp.example.com", "mail.send.blacklist": ["a@example.com"]},
        "secret_properties": {"mail.session.mail.smtp.password": SECRET},
    }
    checked = run_module(docker_env_file, check_mode=True, diff=True, **args)
    assert checked["changed"] is True and not path.exists()
    first = run_module(docker_env_file, diff=True, **args)
    assert first["changed"] is True
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_PASSWORD=" + encode_env_value(SECRET) in (
        path.read_text(encoding="utf-8")
    )
    assert first["added"] == sorted(first["added"]) and len(first["added"]) == 3
    assert "Env,S3cret" not in first["_printed"] and "S3cret" not in first["_printed"]
    assert "******** (changed)" in first["diff"]["after"]
    again = run_module(docker_env_file, diff=True, **args)
    assert again["changed"] is False
    assert "S3cret" not in again["diff"]["before"]

    path.chmod(0o644)
    assert (
        run_module(docker_env_file, **args)["changed"] is False
    )  # an existing file keeps its mode unless one is given
    assert run_module(docker_env_file, mode="0600", **args)["changed"] is True
    removed = run_module(
        docker_env_file, path=str(path), properties={"mail.session.mail.smtp.host": "smtp.example.com"}
    )
    assert removed["removed"] == [
        "LIFERAY_MAIL_PERIOD_SEND_PERIOD_BLACKLIST",
        "LIFERAY_MAIL_PERIOD_SESSION_PERIOD_MAIL_PERIOD_SMTP_PERIOD_PASSWORD",
    ]


def test_env_file_refusals_name_the_key_only(run_module, tmp_path):
    failed = run_module(
        docker_env_file, path=str(tmp_path / "e.env"), secret_properties={"mail.session.mail.smtp.password": "a\nb"}
    )
    assert failed["failed"] is True
    assert "mail.session.mail.smtp.password" in failed["msg"] and "a\nb" not in failed["_printed"]
    missing = run_module(docker_env_file, path=str(tmp_path / "no" / "e.env"), properties={"k": "v"})
    assert missing["failed"] is True and "does not exist" in missing["msg"]


def test_portal_properties_obsolete_keys_are_reported_or_purged(run_module, tmp_path):
    path = tmp_path / "portal-ext.properties"
    path.write_text("mail.session.mail.smtp.host=old\njdbc.default.password=x\n", encoding="utf-8")
    reported = run_module(
        portal_properties_module, path=str(path), obsolete_prefixes=["mail.session."], obsolete_reason="ignored"
    )
    assert reported["obsolete"] == ["mail.session.mail.smtp.host"]
    assert reported["warnings"] == ["%s holds mail.session.mail.smtp.host: ignored" % path]
    purged = run_module(
        portal_properties_module, path=str(path), obsolete_prefixes=["mail.session."], purge_prefixes=["mail.session."]
    )
    assert purged["changed"] is True and purged["obsolete"] == [] and purged["warnings"] == []
    assert "mail.session" not in path.read_text(encoding="utf-8")


def test_portal_properties_nothing_to_set_creates_no_file(run_module, tmp_path):
    path = tmp_path / "portal-ext.properties"
    result = run_module(portal_properties_module, path=str(path), obsolete_prefixes=["mail.session."])
    assert result["changed"] is False and not path.exists()


def test_portal_properties_list_value(run_module, tmp_path):
    path = tmp_path / "portal-ext.properties"
    result = run_module(
        portal_properties_module, path=str(path), properties={"mail.send.blacklist": ["a@example.com", "b@example.com"]}
    )
    assert result["changed"] is True
    assert "mail.send.blacklist=a@example.com,b@example.com\n" in path.read_text(encoding="utf-8")
    assert (
        run_module(
            portal_properties_module,
            path=str(path),
            properties={"mail.send.blacklist": ["a@example.com", "b@example.com"]},
        )["changed"]
        is False
    )


def test_verification_does_not_log_in_with_a_password_from_the_environment():
    settings = dict(RELAY, smtp_password={"env": "LIFERAY_SMTP_PASSWORD"}, pop_host="pop.example.com", pop_user="u")
    settings["pop_password"] = {"env": "LIFERAY_POP_PASSWORD"}
    targets = verify_targets(settings)
    assert (targets["smtp"]["user"], targets["smtp"]["password"]) == ("", "")
    assert (targets["store"]["user"], targets["store"]["password"]) == ("", "")
    assert verify_targets(RELAY)["smtp"]["password"] == "S3cret"


def test_findings_class_is_shared():
    assert isinstance(validate_settings(dict(RELAY)), Findings)
