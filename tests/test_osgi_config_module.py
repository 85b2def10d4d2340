"""The liferay_osgi_config module, run in-process: idempotence, check mode, diff masking, modes, refusals."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import liferay_osgi_config
import pytest
from ansible.module_utils import basic
from ansible.module_utils.liferay_osgi import COMPANY_PID, SYSTEM_PID, parse_config
from ansible_run import ansible_module
from osgi_testlib import module_runner

SECRET = 'Sm7p-${env:X}"pa ss=w\\rd-Zoë'
SECRET_MARK = "Sm7p-"


@pytest.fixture
def run_module(monkeypatch, capsys, tmp_path):
    return module_runner(liferay_osgi_config.main, monkeypatch, capsys, tmp_path)


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


def path_of(configs, name=None):
    return configs / (COMPANY_PID + (".scoped~%s" % name if name else "") + ".config")


def snapshot(path):
    info = path.stat()
    return path.read_bytes(), info.st_ino, info.st_mtime_ns, stat.S_IMODE(info.st_mode)


def assert_hidden(text):
    assert SECRET not in text
    assert SECRET_MARK not in text


def test_writes_the_file_liferay_reads_and_a_second_run_changes_nothing(run_module, configs):
    first = run_module(**company_args(configs))
    path = path_of(configs)

    assert first["changed"] is True
    assert first["added"] == sorted([*company_args(configs)["properties"], "smtpPassword"])
    values, problems = parse_config(path.read_text(encoding="ascii"))
    assert problems == []
    assert values["smtpPassword"] == SECRET
    assert values["enableStartTLS"] is True
    assert values["outgoingSMTPPort"] == "587"
    state = snapshot(path)

    second = run_module(**company_args(configs))

    assert second["changed"] is False
    assert (second["added"], second["updated"], second["removed"]) == ([], [], [])
    assert snapshot(path) == state


def test_file_shape_one_header_comment_sorted_canonical(run_module, configs):
    run_module(**company_args(configs))
    lines = path_of(configs).read_text(encoding="ascii").splitlines()
    assert lines[0].startswith("# Managed by Ansible")
    assert sum(line.startswith("#") for line in lines) == 1
    keys = [line.split("=", 1)[0] for line in lines[1:]]
    assert keys == sorted(keys)
    assert 'enableStartTLS=B"true"' in lines
    assert 'outgoingSMTPPort="587"' in lines


def test_same_meaning_in_another_layout_is_left_alone(run_module, configs):
    path = path_of(configs)
    path.write_text(
        '# hand written\noutgoingSMTPServer = "smtp.example.com"\nenableStartTLS=B"true"\n', encoding="ascii"
    )
    before = snapshot(path)

    result = run_module(
        configs_dir=str(configs),
        pid=COMPANY_PID,
        properties={"outgoingSMTPServer": "smtp.example.com", "enableStartTLS": True},
    )

    assert result["changed"] is False
    assert snapshot(path) == before


def test_unmanaged_attributes_are_removed_and_reported(run_module, configs):
    path = path_of(configs)
    path.write_text('outgoingSMTPServer="old.example.com"\nsmtpPassword="stale"\n', encoding="ascii")

    result = run_module(configs_dir=str(configs), pid=COMPANY_PID, properties={"outgoingSMTPServer": "new.example.com"})

    assert result["changed"] is True
    assert result["updated"] == ["outgoingSMTPServer"]
    assert result["removed"] == ["smtpPassword"]
    assert "stale" not in path.read_text()


def test_a_file_liferay_complains_about_is_rewritten(run_module, configs):
    path = path_of(configs)
    path.write_text('# one\n# two\noutgoingSMTPServer="smtp.example.com"\n', encoding="ascii")

    result = run_module(
        configs_dir=str(configs), pid=COMPANY_PID, properties={"outgoingSMTPServer": "smtp.example.com"}
    )

    assert result["changed"] is True
    assert any("comment lines" in problem for problem in result["problems"])
    assert path.read_text().count("#") == 1


def test_check_mode_reports_and_writes_nothing(run_module, configs):
    result = run_module(check_mode=True, diff=True, **company_args(configs))
    assert result["changed"] is True
    assert not path_of(configs).exists()
    assert 'outgoingSMTPServer="smtp.example.com"' in result["diff"]["after"]


def test_diff_masks_secrets_before_and_after(run_module, configs):
    path = path_of(configs)
    path.write_text('smtpPassword="old-secret-value"\npopPassword="other-secret"\n', encoding="ascii")

    result = run_module(diff=True, **company_args(configs))

    diff = result["diff"]
    assert 'smtpPassword="********"' in diff["before"]
    assert 'popPassword="********"' in diff["before"]  # masked by name pattern, even though not managed
    assert 'smtpPassword="********" (changed)' in diff["after"]
    assert "old-secret-value" not in json.dumps(result)
    assert "other-secret" not in json.dumps(result)
    assert_hidden(result["_printed"])
    again = run_module(diff=True, **company_args(configs))
    assert "(changed)" not in again["diff"]["after"]


def test_env_reference_is_written_raw_and_recognised_on_the_next_run(run_module, configs):
    args = company_args(configs, secret_properties={"smtpPassword": {"env": "LIFERAY_SMTP_PASSWORD"}})
    run_module(**args)
    assert 'smtpPassword="${env:LIFERAY_SMTP_PASSWORD}"' in path_of(configs).read_text()
    assert run_module(**args)["changed"] is False
    # a literal password that looks like the reference is something else
    literal = company_args(configs, secret_properties={"smtpPassword": "${env:LIFERAY_SMTP_PASSWORD}"})
    result = run_module(**literal)
    assert result["changed"] is True
    assert result["updated"] == ["smtpPassword"]


def test_scoped_file_for_one_instance(run_module, configs):
    result = run_module(
        configs_dir=str(configs),
        pid=COMPANY_PID,
        scope_name="intranet.example.com",
        properties={"companyWebId": "intranet.example.com", "outgoingSMTPServer": "relay.example.com"},
    )
    path = path_of(configs, "intranet.example.com")
    assert result["path"] == str(path)
    assert 'companyWebId="intranet.example.com"' in path.read_text()


def test_scoped_file_without_an_instance_attribute_is_refused(run_module, configs):
    result = run_module(configs_dir=str(configs), pid=COMPANY_PID, scope_name="x", properties={"a": "b"})
    assert result["failed"] is True
    assert "companyWebId" in result["msg"]


def test_system_configuration_with_types(run_module, configs):
    run_module(
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


def test_new_file_is_0640_and_never_readable_by_others(run_module, configs, monkeypatch):
    seen = []
    real_replace = os.replace

    def spying_replace(src, dest):
        real_replace(src, dest)
        seen.append(stat.S_IMODE(os.stat(dest).st_mode))

    monkeypatch.setattr(os, "replace", spying_replace)
    old = os.umask(0o022)
    try:
        run_module(**company_args(configs))
    finally:
        os.umask(old)
    assert seen and seen[0] == 0o640
    assert stat.S_IMODE(path_of(configs).stat().st_mode) == 0o640


@pytest.mark.parametrize("content_changes", [True, False], ids=["with-new-content", "mode-only"])
def test_existing_file_is_tightened(run_module, configs, content_changes):
    if not content_changes:
        run_module(**company_args(configs))
    else:
        path_of(configs).write_text('outgoingSMTPServer="old"\n')
    path_of(configs).chmod(0o644)

    result = run_module(**company_args(configs, mode="0600"))

    assert result["changed"] is True
    assert stat.S_IMODE(path_of(configs).stat().st_mode) == 0o600


def test_backup_keeps_the_old_file(run_module, configs):
    path_of(configs).write_text('outgoingSMTPServer="old"\n')
    result = run_module(**company_args(configs, backup=True))
    assert Path(result["backup_file"]).read_text() == 'outgoingSMTPServer="old"\n'


def test_state_absent_removes_the_file_and_is_idempotent(run_module, configs):
    run_module(**company_args(configs))
    result = run_module(configs_dir=str(configs), pid=COMPANY_PID, state="absent", diff=True)
    assert result["changed"] is True
    assert not path_of(configs).exists()
    assert 'smtpPassword="********"' in result["diff"]["before"]
    assert run_module(configs_dir=str(configs), pid=COMPANY_PID, state="absent")["changed"] is False


def test_missing_directory_fails_unless_create_dir(run_module, tmp_path):
    missing = tmp_path / "mount" / "configs"
    failed = run_module(configs_dir=str(missing), pid=COMPANY_PID, properties={"a": "b"})
    assert failed["failed"] is True
    assert "osgi/configs" in failed["msg"]

    created = run_module(configs_dir=str(missing), pid=COMPANY_PID, properties={"a": "b"}, create_dir=True)
    assert created["changed"] is True
    assert stat.S_IMODE(missing.stat().st_mode) == 0o750


@pytest.mark.parametrize(
    "args",
    [
        {"properties": {"bad name": "x"}},
        {"properties": {"a": 1.5}},
        {"properties": {"a": "x"}, "secret_properties": {"a": SECRET}},
        {"secret_properties": {"smtpPassword": {"env": "not valid"}}},
        {"secret_properties": {"smtpPassword": {"vault": "x"}}},
    ],
    ids=["bad-name", "float", "both", "bad-env-name", "unknown-structure"],
)
def test_refusals_write_nothing_and_never_show_a_secret(run_module, configs, monkeypatch, args):
    monkeypatch.setattr(basic, "remove_values", lambda value, no_log_strings: value)
    result = run_module(configs_dir=str(configs), pid=COMPANY_PID, **args)
    assert result["failed"] is True
    assert not path_of(configs).exists()
    assert_hidden(result["msg"])


def test_ansible_cli_with_diff_and_vvv_never_shows_a_secret(tmp_path, configs):
    """Through the real `ansible` CLI; the arguments travel in an extra-vars file, as from inventory."""
    args = company_args(configs)
    args["secret_properties"] = {"smtpPassword": SECRET, "popPassword": {"env": "LIFERAY_POP_PASSWORD"}}
    returncode, output = ansible_module(tmp_path, "liferay_osgi_config", args, diff=True, args_from_vars=True)

    assert returncode == 0, output
    assert 'smtpPassword="********" (changed)' in output
    assert 'outgoingSMTPServer="smtp.example.com"' in output
    assert_hidden(output)
    assert parse_config(path_of(configs).read_text())[0]["smtpPassword"] == SECRET
