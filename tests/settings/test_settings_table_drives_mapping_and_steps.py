"""The table of the role's variables and what is derived from it: the settings mapping, the keys an
instance may set, the JavaMail properties of first-class settings, the per-value checks, and the step
table (which task files a host runs)."""

from __future__ import annotations

import pytest
import yaml
from harness import ROOT

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay import settings as model
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.steps import steps

DEFAULTS = yaml.safe_load((ROOT / "roles/mail_session/defaults/main.yml").read_text(encoding="utf-8"))


def role_variables(**values):
    """The role's variables as a play sees them: defaults/main.yml, then inventory."""
    variables = dict(DEFAULTS)
    variables.update({model.PREFIX + name: value for name, value in values.items()})
    return variables


def test_the_settings_mapping_has_every_setting_and_no_task_only_variable():
    settings = model.role_settings(role_variables(smtp_host="mail.example.com"))
    expected = {setting.name for setting in model.SETTINGS if not setting.task_only}
    assert set(settings) == expected
    assert "file_mode" not in settings and "restart_service" not in settings
    assert settings["smtp_security"] == "starttls" and settings["pop_security"] == "ssl"


def test_missing_and_null_values_get_the_declared_default_not_another_one():
    settings = model.complete({"smtp_host": "h", "smtp_security": None})
    assert settings["smtp_security"] == "starttls"  # the table's default, not "none"
    assert settings["store_protocol"] == "pop3"
    assert settings["smtp_port"] is None  # no default: unset
    assert settings["batch_size"] is None  # unset leaves Liferay's default


def test_derived_entries():
    settings = model.role_settings(
        role_variables(
            smtp_host="h",
            pop_user="inbox@example.com",
            verify_roundtrip=True,
            verify="skip",
            db={"engine": "postgresql", "password": "s3cret", "user": "liferay"},
        )
    )
    assert settings["verify_roundtrip"] is False  # nothing is verified with verify: skip
    assert settings["verify_roundtrip_to"] == "inbox@example.com"
    assert settings["db"] == {"engine": "postgresql", "user": "liferay"}
    assert model.role_settings(role_variables(smtp_host="h", pop_user="inbox"))["verify_roundtrip_to"] == ""


def test_instances_may_set_the_per_instance_settings_only():
    assert "smtp_timeout" in model.INSTANCE_SETTINGS and "smtp_connection_timeout" in model.INSTANCE_SETTINGS
    assert "smtp_host" in model.INSTANCE_SETTINGS
    assert "from_address" not in model.INSTANCE_SETTINGS and "liferay_home" not in model.INSTANCE_SETTINGS


@pytest.mark.parametrize(("security", "protocol"), [("none", "smtp"), ("starttls", "smtp"), ("ssl", "smtps")])
def test_timeouts_become_the_javamail_properties_of_the_transport_in_use(security, protocol):
    settings = model.complete(
        {"smtp_host": "h", "smtp_security": security, "smtp_timeout": 15000, "smtp_connection_timeout": 5000}
    )
    assert model.javamail_properties(settings) == {
        "mail.%s.timeout" % protocol: 15000,
        "mail.%s.connectiontimeout" % protocol: 5000,
    }
    assert model.first_class_javamail_keys(settings) == {
        "mail.%s.timeout" % protocol: "mail_session_smtp_timeout",
        "mail.%s.connectiontimeout" % protocol: "mail_session_smtp_connection_timeout",
    }


def test_a_timeout_of_zero_writes_nothing_and_user_properties_follow_first_class_ones():
    settings = model.complete({"smtp_host": "h", "javamail_properties": {"mail.smtp.writetimeout": "9"}})
    assert model.javamail_properties(settings) == {"mail.smtp.writetimeout": "9"}


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (0, None),
        (30000, None),
        ("30000", None),
        (2**31 - 1, None),
        (2**31, "out of range"),
        (-1, "out of range"),
        (1.5, "not a number"),
        ("ten", "not a number"),
        (True, "not a number"),
    ],
)
def test_milliseconds_are_checked(value, problem):
    found = dict(model.check_values(model.complete({"smtp_host": "h", "smtp_timeout": value})))
    if problem is None:
        assert "smtp_timeout" not in found
    else:
        assert problem in found["smtp_timeout"]


def test_timeouts_are_refused_for_wildfly_only():
    wildfly = model.complete({"smtp_host": "h", "method": "app_server", "app_server": "wildfly", "smtp_timeout": 1})
    assert model.unsupported_by_app_server(wildfly) == [("smtp_timeout", "wildfly")]
    assert model.unsupported_by_app_server(dict(wildfly, app_server="tomcat")) == []
    assert model.unsupported_by_app_server(dict(wildfly, method="builtin")) == []
    assert model.unsupported_by_app_server(dict(wildfly, smtp_timeout=0)) == []


# -- the step table ------------------------------------------------------------------------------


def files(settings, generation, detected=False, effective="fail"):
    given = model.complete(dict(settings, smtp_host="h"))
    return [step["file"] for step in steps(given, generation, detected, effective)]


@pytest.mark.parametrize(
    ("settings", "generation", "expected"),
    [
        ({"liferay_version": "7.4.3.132"}, "legacy", ["effective.yml", "builtin.yml", "verify.yml"]),
        ({"liferay_version": "2026.q1.0"}, "osgi", ["effective.yml", "osgi.yml", "verify.yml"]),
        (
            {"liferay_version": "7.4.3.132", "method": "app_server"},
            "legacy",
            ["effective.yml", "app_server.yml", "verify.yml"],
        ),
        ({"liferay_version": "2026.q1.0", "deployment": "docker"}, "osgi", ["docker.yml", "verify.yml"]),
        ({"liferay_version": "7.4.3.132", "verify": "skip"}, "legacy", ["effective.yml", "builtin.yml"]),
        (
            {"liferay_version": "7.4.3.132", "verify_preflight": True, "db_check": True},
            "legacy",
            ["verify.yml", "effective.yml", "builtin.yml", "verify.yml", "db_check.yml"],
        ),
        ({}, "legacy", ["generation.yml"]),
        ({"verify_preflight": True}, "legacy", ["verify.yml", "generation.yml"]),
        ({"liferay_version": "7.4.3.132", "liferay_version_check": True}, "legacy", ["generation.yml"]),
        # a container's installation is not on the host: nothing to detect
        (
            {"deployment": "docker", "liferay_version_check": True, "liferay_version": "7.4"},
            "legacy",
            ["docker.yml", "verify.yml"],
        ),
    ],
)
def test_steps_before_detection(settings, generation, expected):
    assert files(settings, generation) == expected


def test_keys_are_removed_from_files_that_beat_the_role_only_when_it_owns_them():
    # mail_session_effective: own adds the removal step after the read; fail and warn have no task
    # that would only skip (each would cost a dispatch per host)
    version = {"liferay_version": "7.4.3.132"}
    for effective in ("fail", "warn"):
        assert files(version, "legacy", effective=effective) == ["effective.yml", "builtin.yml", "verify.yml"]
    owned = ["effective.yml", "effective_own.yml", "builtin.yml", "verify.yml"]
    assert files(version, "legacy", effective="own") == owned
    assert files({}, "osgi", detected=True, effective="own")[:2] == ["effective.yml", "effective_own.yml"]
    docker = {"deployment": "docker", "liferay_version": "7.4"}
    assert "effective_own.yml" not in files(docker, "legacy", effective="own")


def test_steps_after_detection_depend_on_the_generation_found():
    assert files({}, "osgi", detected=True) == ["effective.yml", "osgi.yml", "verify.yml"]
    assert files({"verify_preflight": True}, "legacy", detected=True) == ["effective.yml", "builtin.yml", "verify.yml"]


def test_the_verify_steps_say_their_stage():
    found = steps(model.complete({"smtp_host": "h", "verify_preflight": True, "liferay_version": "7.4"}), "legacy")
    assert [(step["file"], step["stage"]) for step in found if step["file"] == "verify.yml"] == [
        ("verify.yml", "preflight"),
        ("verify.yml", "after applying"),
    ]


def test_every_step_file_exists():
    names = {
        step["file"]
        for generation in ("legacy", "osgi")
        for step in steps(model.complete({"smtp_host": "h", "verify_preflight": True, "db_check": True}), generation)
    }
    names |= {"builtin.yml", "osgi.yml", "app_server.yml", "docker.yml", "effective.yml", "effective_own.yml"}
    names |= {"db_check.yml"}
    for name in names:
        assert (ROOT / "roles/mail_session/tasks" / name).is_file(), name


def test_an_unknown_generation_is_refused():
    with pytest.raises(ValueError, match="generation must be"):
        steps(model.complete({"smtp_host": "h"}), "")


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("restart_health_url", "ftp://node/c/portal/robots", "is not an http:// or https:// URL"),
        ("restart_health_url", "127.0.0.1:8080/c/portal/robots", "is not an http:// or https:// URL"),
        ("restart_health_url", "http://admin:s3cret@127.0.0.1:8080/", "must not carry a user or password"),
        ("restart_health_timeout", 0, "is less than 1"),
        ("restart_concurrency", "two", "is not a whole number"),
        ("restart_concurrency", True, "is not a whole number"),
    ],
)
def test_restart_settings_are_checked_before_any_host_changes(name, value, problem):
    found = dict(model.check_values(model.complete({"smtp_host": "h", name: value})))
    assert problem in found[name]
    assert "s3cret" not in found[name]


def test_the_default_restart_settings_pass():
    assert model.check_values(model.complete({"smtp_host": "h"})) == []
