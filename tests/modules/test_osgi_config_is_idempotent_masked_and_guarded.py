"""The osgi_config module, run in-process: idempotence, check mode, diff masking, modes, refusals."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from ansible.module_utils import basic
from harness.ansible_run import ansible_module
from harness.liferay_homes import LIFERAY_GROUP, LIFERAY_USER, hand_to_liferay, owner_group_mode
from oracles import liferay_config

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.osgi_config import render_config
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.osgi_keys import COMPANY_PID, SYSTEM_PID
from ansible_collections.liferay_ops.mail.plugins.modules import osgi_config

SECRET = 'Sm7p-${env:X}"pa ss=w\\rd-Zoë'
SECRET_MARK = "Sm7p-"
HEADER = "Managed by Ansible (mail_session role): change the inventory, not this file"


@pytest.fixture
def configs(tmp_path):
    directory = tmp_path / "liferay" / "osgi" / "configs"
    directory.mkdir(parents=True)
    return directory


def company_args(configs, **extra):
    return {
        "configs_dir": str(configs),
        "pid": COMPANY_PID,
        "properties": {
            "transportProtocol": "smtp",
            "outgoingSMTPServer": "smtp.example.com",
            "outgoingSMTPPort": "587",
            "enableStartTLS": True,
            "smtpUserName": "mailer@example.com",
            "additionalJavaMailProperties": "mail.smtp.starttls.required=true",
        },
        "secret_properties": {"smtpPassword": SECRET},
        **extra,
    }


def server_only(configs, host):
    """Arguments that manage outgoingSMTPServer alone."""
    return {"configs_dir": str(configs), "pid": COMPANY_PID, "properties": {"outgoingSMTPServer": host}}


def path_of(configs, name=None):
    return configs / (COMPANY_PID + (".scoped~%s" % name if name else "") + ".config")


def snapshot(path):
    info = path.stat()
    return path.read_bytes(), info.st_ino, info.st_mtime_ns, stat.S_IMODE(info.st_mode)


def assert_hidden(text):
    assert SECRET not in text
    assert SECRET_MARK not in text


def test_writes_the_file_liferay_reads_and_a_second_run_changes_nothing(run_module, configs):
    first = run_module(osgi_config, **company_args(configs))
    path = path_of(configs)

    assert first["changed"] is True
    assert first["added"] == sorted([*company_args(configs)["properties"], "smtpPassword"])
    values = liferay_config.load(
        path.read_text(encoding="ascii"), {"env:X": "a-system-property"}
    )  # as Liferay reads it
    assert values == dict(company_args(configs)["properties"], smtpPassword=SECRET)
    assert liferay_config.java_type(values["enableStartTLS"]) == "Boolean"
    assert values["outgoingSMTPPort"] == "587"
    state = snapshot(path)

    second = run_module(osgi_config, **company_args(configs))

    assert second["changed"] is False
    assert (second["added"], second["updated"], second["removed"]) == ([], [], [])
    assert snapshot(path) == state


def test_file_shape_one_header_comment_sorted_canonical(run_module, configs):
    run_module(osgi_config, **company_args(configs))
    lines = path_of(configs).read_text(encoding="ascii").splitlines()
    assert lines[0].startswith("# Managed by Ansible")
    assert sum(line.startswith("#") for line in lines) == 1
    keys = [line.split("=", 1)[0] for line in lines[1:]]
    assert keys == sorted(keys)
    assert 'enableStartTLS=B"true"' in lines
    assert 'outgoingSMTPPort="587"' in lines


def test_same_meaning_in_another_layout_is_no_drift_but_normalised(run_module, configs):
    path = path_of(configs)
    path.write_text(
        '# hand written\noutgoingSMTPServer = "smtp.example.com"\nenableStartTLS=B"true"\n', encoding="ascii"
    )
    properties = {"outgoingSMTPServer": "smtp.example.com", "enableStartTLS": True}

    result = run_module(osgi_config, configs_dir=str(configs), pid=COMPANY_PID, properties=properties)

    assert result["changed"] is True
    assert (result["drift"], result["drift_attributes"], result["normalised"]) == (False, [], True)
    assert (result["added"], result["updated"], result["removed"]) == ([], [], [])
    assert result["warnings"] == []
    assert path.read_text(encoding="ascii") == render_config(properties, HEADER)
    state = snapshot(path)
    again = run_module(osgi_config, configs_dir=str(configs), pid=COMPANY_PID, properties=properties)
    assert (again["changed"], again["normalised"]) == (False, False)
    assert snapshot(path) == state


# --------------------------------------------------------------------------
# Drift: Liferay 2026 writes a System/Instance Settings save back into the .config it came from
# (FileSyncConfigurationListener, portal-file-install-impl) with its TypedProperties, which keeps the
# comment line and the lines of unchanged values and writes changed ones as key=value
# (TypedPropertiesTest, portal-file-install-api).
# --------------------------------------------------------------------------


def liferay_write_back(path, changed, added=()):
    """*path* as Liferay's write-back leaves it: *changed* {name: raw value} replaced in place, *added* appended."""
    lines = []
    for line in path.read_text(encoding="ascii").splitlines():
        name = line.split("=", 1)[0]
        lines.append("%s=%s" % (name, changed[name]) if name in changed else line)
    lines += ["%s=%s" % item for item in added]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("ascii"))


def test_a_value_liferay_wrote_back_is_drift_named_and_warned_before_the_rewrite(run_module, configs):
    run_module(osgi_config, **company_args(configs))
    path = path_of(configs)
    liferay_write_back(
        path,
        {"outgoingSMTPServer": '"ui.example.com"', "smtpPassword": '"UiTyped-S3cret"'},
        added=[("storeProtocol", '"pop3"')],  # the form saves every field
    )

    result = run_module(osgi_config, **company_args(configs))

    assert result["drift"] is True
    assert result["drift_attributes"] == ["outgoingSMTPServer", "smtpPassword", "storeProtocol"]
    assert len(result["warnings"]) == 1
    warning = result["warnings"][0]
    assert warning.startswith("%s was changed since the role wrote it" % path)
    assert "outgoingSMTPServer, smtpPassword, storeProtocol differ" in warning
    assert "The role rewrites the file" in warning
    assert "ui.example.com" not in warning  # names, never values
    assert "UiTyped" not in result["_printed"]
    assert_hidden(result["_printed"])
    values = liferay_config.load(path.read_text(encoding="ascii"))
    assert values["outgoingSMTPServer"] == "smtp.example.com" and "storeProtocol" not in values

    again = run_module(osgi_config, **company_args(configs))
    assert (again["changed"], again["drift"], again["warnings"]) == (False, False, [])


def test_liferays_layout_of_the_same_values_is_no_drift_but_normalised(run_module, configs):
    properties = {"batchSize": "10", "sendBlacklist": ["noreply@example.com", "test@example.com"]}
    args = {"configs_dir": str(configs), "pid": SYSTEM_PID, "properties": properties}
    run_module(osgi_config, **args)
    path = configs / (SYSTEM_PID + ".config")
    # TypedProperties writes an array it is given over several lines (TypedPropertiesTest.testOverwriteArray)
    liferay_write_back(path, {"sendBlacklist": '[\\\r\n  "noreply@example.com",\\\r\n  "test@example.com"\\\r\n]'})
    assert liferay_config.load(path.read_text(encoding="ascii")) == properties  # Liferay reads the same values

    result = run_module(osgi_config, **args)

    assert (result["changed"], result["drift"], result["normalised"]) == (True, False, True)
    assert result["warnings"] == []
    assert path.read_bytes() == render_config(properties, HEADER).encode("ascii")


def test_drift_in_check_mode_is_reported_and_nothing_is_written(run_module, configs):
    run_module(osgi_config, **company_args(configs))
    path = path_of(configs)
    liferay_write_back(path, {"outgoingSMTPServer": '"ui.example.com"'})
    before = snapshot(path)

    result = run_module(osgi_config, check_mode=True, **company_args(configs))

    assert (result["changed"], result["drift"], result["drift_attributes"]) == (True, True, ["outgoingSMTPServer"])
    assert "The role would rewrite the file" in result["warnings"][0]
    assert snapshot(path) == before


def test_a_file_without_the_roles_header_is_taken_over_without_drift(run_module, configs):
    path = path_of(configs)
    path.write_text('# written by hand\noutgoingSMTPServer="old.example.com"\n', encoding="ascii")

    result = run_module(osgi_config, **server_only(configs, "new.example.com"))

    assert (result["changed"], result["updated"]) == (True, ["outgoingSMTPServer"])
    assert (result["drift"], result["warnings"]) == (False, [])


def test_drift_is_judged_by_content_not_by_time(run_module, configs):
    run_module(osgi_config, **company_args(configs))
    path = path_of(configs)
    os.utime(path, (1, 1))  # touched, same content: nothing to report
    assert run_module(osgi_config, **company_args(configs))["drift"] is False
    liferay_write_back(path, {"transportProtocol": '"smtps"'})
    os.utime(path, (1, 1))  # changed, old time: drift all the same
    assert run_module(osgi_config, **company_args(configs))["drift_attributes"] == ["transportProtocol"]


def test_unmanaged_attributes_are_removed_and_reported(run_module, configs):
    path = path_of(configs)
    path.write_text('outgoingSMTPServer="old.example.com"\nsmtpPassword="stale"\n', encoding="ascii")

    result = run_module(osgi_config, **server_only(configs, "new.example.com"))

    assert result["changed"] is True
    assert result["updated"] == ["outgoingSMTPServer"]
    assert result["removed"] == ["smtpPassword"]
    assert "stale" not in path.read_text()


def test_a_file_liferay_complains_about_is_rewritten(run_module, configs):
    path = path_of(configs)
    path.write_text('# one\n# two\noutgoingSMTPServer="smtp.example.com"\n', encoding="ascii")

    result = run_module(osgi_config, **server_only(configs, "smtp.example.com"))

    assert result["changed"] is True
    assert any("comment lines" in problem for problem in result["problems"])
    assert path.read_text().count("#") == 1


def test_check_mode_reports_and_writes_nothing(run_module, configs):
    result = run_module(osgi_config, check_mode=True, diff=True, **company_args(configs))
    assert result["changed"] is True
    assert not path_of(configs).exists()
    assert 'outgoingSMTPServer="smtp.example.com"' in result["diff"]["after"]


def test_diff_masks_secrets_before_and_after(run_module, configs):
    path = path_of(configs)
    path.write_text('smtpPassword="old-secret-value"\npopPassword="other-secret"\n', encoding="ascii")

    result = run_module(osgi_config, diff=True, **company_args(configs))

    diff = result["diff"]
    assert 'smtpPassword="********"' in diff["before"]
    assert 'popPassword="********"' in diff["before"]  # masked by name pattern, even though not managed
    assert 'smtpPassword="********" (changed)' in diff["after"]
    assert "old-secret-value" not in json.dumps(result)
    assert "other-secret" not in json.dumps(result)
    assert_hidden(result["_printed"])
    again = run_module(osgi_config, diff=True, **company_args(configs))
    assert "(changed)" not in again["diff"]["after"]


def test_env_reference_is_written_raw_and_recognised_on_the_next_run(run_module, configs):
    args = company_args(configs, secret_properties={"smtpPassword": {"env": "LIFERAY_SMTP_PASSWORD"}})
    run_module(osgi_config, **args)
    text = path_of(configs).read_text()
    assert 'smtpPassword="${LIFERAY_SMTP_PASSWORD}"' in text
    assert liferay_config.load(text, {}, {"LIFERAY_SMTP_PASSWORD": "S3cret"})["smtpPassword"] == "S3cret"
    assert run_module(osgi_config, **args)["changed"] is False
    # a literal password that looks like the reference is something else
    literal = company_args(configs, secret_properties={"smtpPassword": "${LIFERAY_SMTP_PASSWORD}"})
    result = run_module(osgi_config, **literal)
    assert result["changed"] is True
    assert result["updated"] == ["smtpPassword"]


def test_scoped_file_for_one_instance(run_module, configs):
    result = run_module(
        osgi_config,
        configs_dir=str(configs),
        pid=COMPANY_PID,
        scope_name="intranet.example.com",
        properties={"companyWebId": "intranet.example.com", "outgoingSMTPServer": "relay.example.com"},
    )
    path = path_of(configs, "intranet.example.com")
    assert result["path"] == str(path)
    assert 'companyWebId="intranet.example.com"' in path.read_text()


def test_scoped_file_without_an_instance_attribute_is_refused(run_module, configs):
    result = run_module(osgi_config, configs_dir=str(configs), pid=COMPANY_PID, scope_name="x", properties={"a": "b"})
    assert result["failed"] is True
    assert "companyWebId" in result["msg"]


def test_system_configuration_with_types(run_module, configs):
    run_module(
        osgi_config,
        configs_dir=str(configs),
        pid=SYSTEM_PID,
        properties={
            "jndiName": "mail/MailSession",
            "batchSize": "0",
            "sendBlacklist": ["noreply@liferay.com", "test@domain.invalid"],
            "throwsExceptionOnFailure": True,
        },
    )
    text = (configs / (SYSTEM_PID + ".config")).read_text()
    assert 'sendBlacklist=["noreply@liferay.com","test@domain.invalid"]' in text
    assert 'throwsExceptionOnFailure=B"true"' in text
    assert 'jndiName="mail/MailSession"' in text
    values = liferay_config.load(text)
    assert {name: liferay_config.java_type(value) for name, value in values.items()} == {
        "batchSize": "String",
        "jndiName": "String",
        "sendBlacklist": "String[]",
        "throwsExceptionOnFailure": "Boolean",
    }
    assert values["sendBlacklist"] == ["noreply@liferay.com", "test@domain.invalid"]


def test_new_file_is_0640_and_never_readable_by_others(run_module, configs, monkeypatch):
    seen = []
    real_replace = os.replace

    def spying_replace(src, dest):
        real_replace(src, dest)
        seen.append(stat.S_IMODE(os.stat(dest).st_mode))

    monkeypatch.setattr(os, "replace", spying_replace)
    old = os.umask(0o022)
    try:
        run_module(osgi_config, **company_args(configs))
    finally:
        os.umask(old)
    assert seen and seen[0] == 0o640
    assert stat.S_IMODE(path_of(configs).stat().st_mode) == 0o640


@pytest.mark.parametrize("content_changes", [True, False], ids=["with-new-content", "mode-only"])
def test_existing_file_is_tightened(run_module, configs, content_changes):
    if not content_changes:
        run_module(osgi_config, **company_args(configs))
    else:
        path_of(configs).write_text('outgoingSMTPServer="old"\n')
    path_of(configs).chmod(0o644)

    result = run_module(osgi_config, **company_args(configs, mode="0600"))

    assert result["changed"] is True
    assert stat.S_IMODE(path_of(configs).stat().st_mode) == 0o600


def test_backup_keeps_the_old_file(run_module, configs):
    path_of(configs).write_text('outgoingSMTPServer="old"\n')
    result = run_module(osgi_config, **company_args(configs, backup=True))
    assert Path(result["backup_file"]).read_text() == 'outgoingSMTPServer="old"\n'


def test_state_absent_removes_the_file_and_is_idempotent(run_module, configs):
    run_module(osgi_config, **company_args(configs))
    result = run_module(osgi_config, configs_dir=str(configs), pid=COMPANY_PID, state="absent", diff=True)
    assert result["changed"] is True
    assert not path_of(configs).exists()
    assert 'smtpPassword="********"' in result["diff"]["before"]
    assert run_module(osgi_config, configs_dir=str(configs), pid=COMPANY_PID, state="absent")["changed"] is False


def test_missing_directory_fails_unless_create_dir(run_module, tmp_path):
    missing = tmp_path / "mount" / "configs"
    failed = run_module(osgi_config, configs_dir=str(missing), pid=COMPANY_PID, properties={"a": "b"})
    assert failed["failed"] is True
    assert "osgi/configs" in failed["msg"]

    created = run_module(osgi_config, configs_dir=str(missing), pid=COMPANY_PID, properties={"a": "b"}, create_dir=True)
    assert created["changed"] is True
    assert stat.S_IMODE(missing.stat().st_mode) == 0o750


@pytest.mark.parametrize(
    "args",
    [
        {"properties": {"bad name": "x"}},
        {"properties": {"a": 1.5}},
        {"properties": {"a": "x"}, "secret_properties": {"a": SECRET}},
        {"secret_properties": {"smtpPassword": {"env": "not valid"}}},
        {"secret_properties": {"smtpPassword": {"env": "SMTP_PASSWORD"}}},
        {"secret_properties": {"smtpPassword": {"vault": "x"}}},
    ],
    ids=["bad-name", "float", "both", "bad-env-name", "env-name-without-LIFERAY_", "unknown-structure"],
)
def test_refusals_write_nothing_and_never_show_a_secret(run_module, configs, monkeypatch, args):
    monkeypatch.setattr(basic, "remove_values", lambda value, no_log_strings: value)
    result = run_module(osgi_config, configs_dir=str(configs), pid=COMPANY_PID, **args)
    assert result["failed"] is True
    assert not path_of(configs).exists()
    assert_hidden(result["msg"])


def test_ansible_cli_with_diff_and_vvv_never_shows_a_secret(tmp_path, configs):
    """Through the real `ansible` CLI; the arguments travel in an extra-vars file, as from inventory."""
    args = company_args(configs)
    args["secret_properties"] = {"smtpPassword": SECRET, "popPassword": {"env": "LIFERAY_POP_PASSWORD"}}
    returncode, output = ansible_module(tmp_path, "liferay_ops.mail.osgi_config", args, diff=True, args_from_vars=True)

    assert returncode == 0, output
    assert 'smtpPassword="********" (changed)' in output
    assert 'outgoingSMTPServer="smtp.example.com"' in output
    assert_hidden(output)
    assert liferay_config.load(path_of(configs).read_text(encoding="ascii"))["smtpPassword"] == SECRET


# --------------------------------------------------------------------------
# read_only: a file Liferay reads but cannot write (ConfigurationFileInstaller then marks its
# configuration READ_ONLY and FileSyncConfigurationListener writes nothing back, both after
# File.canWrite(); portal-file-install-impl)
# --------------------------------------------------------------------------


@pytest.fixture
def liferay_configs(liferay_tree):
    """An osgi/configs directory that belongs to the Liferay user (nobody:nogroup, 0750), reachable by it."""
    directory = liferay_tree / "osgi" / "configs"
    directory.mkdir(parents=True)
    hand_to_liferay(directory, up_to=liferay_tree)
    return directory


def test_read_only_file_is_roots_readable_by_liferays_group_and_not_writable(run_module, liferay_configs, as_liferay):
    result = run_module(osgi_config, read_only=True, **company_args(liferay_configs))

    path = path_of(liferay_configs)
    assert result["changed"] is True
    assert owner_group_mode(path) == ("root", LIFERAY_GROUP, 0o640)  # the group is the directory's
    assert as_liferay(path) == (True, False)
    assert run_module(osgi_config, read_only=True, **company_args(liferay_configs))["changed"] is False


def test_writable_mode_leaves_the_file_to_liferay(run_module, liferay_configs, as_liferay):
    result = run_module(osgi_config, owner=LIFERAY_USER, group=LIFERAY_GROUP, **company_args(liferay_configs))

    path = path_of(liferay_configs)
    assert result["changed"] is True
    assert owner_group_mode(path) == (LIFERAY_USER, LIFERAY_GROUP, 0o640)
    assert as_liferay(path) == (True, True)


def test_read_only_takes_over_a_file_liferay_could_write(run_module, liferay_configs, as_liferay):
    run_module(osgi_config, owner=LIFERAY_USER, group=LIFERAY_GROUP, mode="0660", **company_args(liferay_configs))
    path = path_of(liferay_configs)
    assert as_liferay(path) == (True, True)

    result = run_module(osgi_config, read_only=True, group=LIFERAY_GROUP, **company_args(liferay_configs))

    assert result["changed"] is True  # the same content: owner and mode only
    assert (result["drift"], result["normalised"]) == (False, False)
    assert owner_group_mode(path) == ("root", LIFERAY_GROUP, 0o640)
    assert as_liferay(path) == (True, False)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"owner": LIFERAY_USER}, "belongs to root"),
        ({"mode": "0660"}, "must let the group (Liferay) read and nobody but root write"),
        ({"mode": "0600"}, "must let the group (Liferay) read"),
        ({"mode": "u=rw,g=r"}, "needs an octal mode"),
    ],
    ids=["liferay-owner", "group-writable", "group-cannot-read", "symbolic-mode"],
)
def test_read_only_refusals_write_nothing(run_module, liferay_configs, extra, message):
    result = run_module(osgi_config, read_only=True, **company_args(liferay_configs, **extra))
    assert result["failed"] is True
    assert message in result["msg"]
    assert not path_of(liferay_configs).exists()


def test_read_only_new_directory_needs_a_group(run_module, liferay_configs):
    mount = liferay_configs.parent / "mount"
    result = run_module(osgi_config, read_only=True, create_dir=True, **company_args(mount))
    assert result["failed"] is True
    assert "give the group Liferay runs with" in result["msg"]
    created = run_module(osgi_config, read_only=True, create_dir=True, group=LIFERAY_GROUP, **company_args(mount))
    assert created["changed"] is True
    assert owner_group_mode(mount) == ("root", LIFERAY_GROUP, 0o750)
    assert owner_group_mode(path_of(mount)) == ("root", LIFERAY_GROUP, 0o640)
