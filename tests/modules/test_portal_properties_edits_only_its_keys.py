"""The portal_properties module, run in-process the way Ansible's own unit tests run modules.

The realistic file is tests/fixtures/portal-ext.properties. Liferay's view of the
edited file is checked with the real Commons Configuration 1.10 jar (the
``commons_configuration`` fixture of conftest.py); the file's bytes are checked
directly. One test runs the module through the real ``ansible`` CLI.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from ansible.module_utils import basic
from harness import FIXTURES
from harness.ansible_run import ansible_module

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.properties import encode_value
from ansible_collections.liferay_ops.mail.plugins.modules import portal_properties

FIXTURE = FIXTURES / "portal-ext.properties"

# the value of jdbc.default.password in the fixture: not managed by the module,
# but its key matches the default secret_key_pattern
JDBC_PASSWORD = "Db-S3cret!pw"
# a secret with everything Liferay's parser treats specially: comma, backslash,
# ${, non-ASCII; long and distinctive so that finding it in output is meaningful
SECRET = "Sm7p-s3cr3t,pa\\ss${x}-Zoë-42"
# a plain-ASCII part of SECRET: still recognisable in output that escapes "\\" or non-ASCII
SECRET_MARK = "Sm7p-s3cr3t"
BLOCK = "mail_session role"

# What the role would write for an authenticated STARTTLS relay, plus the sender name.
MANAGED = {
    "mail.session.mail.transport.protocol": "smtp",
    "mail.session.mail.smtp.host": "smtp.example.com",
    "mail.session.mail.smtp.port": "587",
    "mail.session.mail.smtp.auth": "true",
    "mail.session.mail.smtp.user": "mailer@acme.example",
    "mail.session.mail.smtp.starttls.enable": "true",
    "mail.session.mail.smtp.starttls.required": "true",
    "mail.session.mail.smtp.connectiontimeout": "5000",
    "admin.email.from.name": "Intranet Acme, l'équipe de Zoë",
    "admin.email.from.address": "intranet@acme.example",
}
MANAGED_SECRETS = {"mail.session.mail.smtp.password": SECRET}
ALL_MANAGED = {**MANAGED, **MANAGED_SECRETS}
# keys of the fixture that purge_prefixes=["mail.session."] removes when MANAGED is applied
PURGED = {"mail.session.jndi.name"}

# The physical lines of the fixture that belong to entries of managed or purged keys
# (written by hand from the fixture, so the check does not rely on the parser under test).
MANAGED_ORIGINAL_LINES = [
    "admin.email.from.name=Équipe intranet Acme — café ☕\n",
    "admin.email.from.address: intranet@acme.example\n",
    "mail.session.jndi.name=mail/MailSession\n",
    "mail.session.mail.smtp.host: old.example.com\n",
    "mail.session.mail.smtp.port=25\n",
    "mail.session.mail.smtp.user = relay@acme.example\n",
    "mail.session.mail.smtp.connectiontimeout=\\\n",
    "        # milliseconds\n",
    "        10000\n",
    "mail.session.mail.smtp.port=2525\n",
]


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


@pytest.fixture
def portal_file(tmp_path):
    """A copy of the realistic fixture in a fresh LIFERAY_HOME."""
    home = tmp_path / "liferay"
    home.mkdir()
    path = home / "portal-ext.properties"
    shutil.copyfile(FIXTURE, path)
    return path


def write(path, text, newline="\n"):
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


def shown(result, *fields):
    """The result (or some of its fields) as text, non-ASCII and backslashes unescaped."""
    return json.dumps({f: result[f] for f in fields} if fields else result, ensure_ascii=False)


def assert_hidden(text):
    for secret in (SECRET, SECRET_MARK, encode_value(SECRET), JDBC_PASSWORD):
        assert secret not in text


def snapshot(path):
    """Everything that changes when a file is rewritten: bytes, inode, mtime, mode."""
    info = path.stat()
    return path.read_bytes(), info.st_ino, info.st_mtime_ns, stat.S_IMODE(info.st_mode)


def lines_of(path):
    return path.read_bytes().decode("utf-8").splitlines(keepends=True)


def written_by_module(line, keys, block=BLOCK):
    stripped = line.rstrip("\r\n")
    return stripped in ("# BEGIN " + block, "# END " + block) or any(stripped.startswith(k + "=") for k in keys)


def mail_args(path, **extra):
    return {
        "path": str(path),
        "properties": MANAGED,
        "secret_properties": MANAGED_SECRETS,
        "purge_prefixes": ["mail.session."],
        "block_name": BLOCK,
        **extra,
    }


# --------------------------------------------------------------------------
# what Liferay reads after the edit
# --------------------------------------------------------------------------


def test_liferay_parser_reads_every_managed_key_exactly_and_every_unrelated_key_as_before(
    run_module, portal_file, commons_configuration, tmp_path
):
    before = commons_configuration(portal_file)
    # the fixture really contains the traps the module must handle
    assert before["mail.session.mail.smtp.port"][0] == "25,2525"
    assert before["jdbc.default.password"][0] == JDBC_PASSWORD
    assert before["auto.deploy.deploy.dir"][0] == "/opt/liferay/deploy"

    result = run_module(portal_properties, **mail_args(portal_file))

    assert result["changed"] is True
    after = commons_configuration(portal_file)
    for key, value in ALL_MANAGED.items():
        assert after.get(key) == (value, value), key
    for key in PURGED:
        assert key not in after
    unrelated = {key for key in before if key not in ALL_MANAGED and key not in PURGED}
    assert "jdbc.default.password" in unrelated
    assert "layout.static.portlets.all" in unrelated
    assert "default.admin.last.name" in unrelated
    for key in unrelated:
        assert after[key] == before[key], key
    assert set(after) == unrelated | set(ALL_MANAGED)


def test_every_unrelated_line_is_byte_for_byte_unchanged(run_module, portal_file):
    before = lines_of(portal_file)
    for line in MANAGED_ORIGINAL_LINES:
        assert before.count(line) == 1, line

    run_module(portal_properties, **mail_args(portal_file))

    after = lines_of(portal_file)
    assert [line for line in before if line not in MANAGED_ORIGINAL_LINES] == [
        line for line in after if not written_by_module(line, ALL_MANAGED)
    ]
    # each managed key now has exactly one line, written key=value
    for key in ALL_MANAGED:
        assert len([line for line in after if line.split("=")[0].split(":")[0].strip() == key]) == 1, key


def test_crlf_file_stays_crlf_and_unrelated_lines_keep_their_bytes(run_module, tmp_path, commons_configuration):
    path = write(tmp_path / "portal-ext.properties", FIXTURE.read_text(encoding="utf-8"), newline="\r\n")
    original = path.read_bytes()
    before = commons_configuration(path)

    run_module(portal_properties, **mail_args(path))

    data = path.read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")
    assert data.count(b"\r") == data.count(b"\r\n")
    crlf_managed = [line.replace("\n", "\r\n") for line in MANAGED_ORIGINAL_LINES]
    unrelated_before = [line for line in original.decode("utf-8").splitlines(keepends=True) if line not in crlf_managed]
    unrelated_after = [line for line in lines_of(path) if not written_by_module(line, ALL_MANAGED)]
    assert unrelated_before == unrelated_after
    after = commons_configuration(path)
    for key, value in ALL_MANAGED.items():
        assert after[key][0] == value
    assert after["layout.static.portlets.all"] == before["layout.static.portlets.all"]


# --------------------------------------------------------------------------
# where entries go
# --------------------------------------------------------------------------

HOST = "mail.session.mail.smtp.host"


@pytest.mark.parametrize(
    "entry",
    [
        "mail.session.mail.smtp.host: old.example.com\n",
        "mail.session.mail.smtp.host = old.example.com\n",
        "mail.session.mail.smtp.host:old.example.com\n",
        "   mail.session.mail.smtp.host =   old.example.com   \n",
        "mail.session.mail.smtp.host=\\\n    old.example.com\n",
        "mail.session.mail.smtp.host=old.\\\n# a comment inside the continuation\n\n      example.com\n",
        # the right value in another syntax is rewritten too
        "mail.session.mail.smtp.host = smtp.example.com\n",
    ],
    ids=[
        "colon-space",
        "spaced-equals",
        "colon",
        "indented",
        "continuation",
        "continuation-with-comment",
        "same-value",
    ],
)
def test_existing_entry_of_a_managed_key_is_rewritten_in_place_as_key_equals_value(run_module, tmp_path, entry):
    path = write(tmp_path / "portal-ext.properties", "# top\nbefore=1\n" + entry + "after=2\n")

    result = run_module(portal_properties, path=str(path), properties={HOST: "smtp.example.com"})

    assert result["changed"] is True
    assert result["updated"] == [HOST]
    assert result["added"] == []
    expected = "# top\nbefore=1\nmail.session.mail.smtp.host=smtp.example.com\nafter=2\n"
    assert path.read_text(encoding="utf-8") == expected


def test_duplicates_of_a_managed_key_are_removed_and_only_one_entry_remains(run_module, portal_file):
    port = "mail.session.mail.smtp.port"
    assert sum(line.startswith(port) for line in lines_of(portal_file)) == 2

    result = run_module(portal_properties, path=str(portal_file), properties={port: "587"})

    assert result["updated"] == [port]
    after = lines_of(portal_file)
    assert [line for line in after if line.startswith(port)] == [port + "=587\n"]
    # kept where the first one was: right after the host line
    assert after[after.index(port + "=587\n") - 1] == "mail.session.mail.smtp.host: old.example.com\n"


def test_later_duplicate_is_removed_even_when_the_first_entry_already_has_the_value(run_module, tmp_path):
    path = write(tmp_path / "p.properties", "a.b=587\nx=1\na.b = 2525\n")

    result = run_module(portal_properties, path=str(path), properties={"a.b": 587})

    assert result["changed"] is True
    assert result["updated"] == ["a.b"]
    assert path.read_text() == "a.b=587\nx=1\n"


def test_new_keys_go_into_one_begin_end_block_and_a_second_run_adds_to_the_same_block(run_module, tmp_path):
    path = write(tmp_path / "portal-ext.properties", "# mine\nweb.server.display.node=false\n")

    first = run_module(
        portal_properties, path=str(path), block_name=BLOCK, properties={"mail.session.mail.smtp.port": "25", HOST: "a"}
    )
    second = run_module(
        portal_properties,
        path=str(path),
        block_name=BLOCK,
        properties={"mail.session.mail.transport.protocol": "smtp", HOST: "b"},
    )

    assert first["added"] == [HOST, "mail.session.mail.smtp.port"]
    assert second["added"] == ["mail.session.mail.transport.protocol"]
    assert second["updated"] == [HOST]
    assert path.read_text() == (
        "# mine\n"
        "web.server.display.node=false\n"
        "# BEGIN mail_session role\n"
        "mail.session.mail.smtp.host=b\n"
        "mail.session.mail.smtp.port=25\n"
        "mail.session.mail.transport.protocol=smtp\n"
        "# END mail_session role\n"
    )


def test_block_starts_on_its_own_line_when_the_file_lacks_a_final_newline(run_module, tmp_path):
    path = tmp_path / "portal-ext.properties"
    path.write_bytes(b"a=1")

    run_module(portal_properties, path=str(path), properties={"b": "2"})

    assert path.read_bytes() == b"a=1\n# BEGIN managed by Ansible\nb=2\n# END managed by Ansible\n"


# --------------------------------------------------------------------------
# idempotence, check mode, diff, backup
# --------------------------------------------------------------------------


def test_second_run_with_the_same_args_reports_no_change_and_leaves_the_file_alone(run_module, portal_file):
    first = run_module(portal_properties, **mail_args(portal_file))
    assert first["changed"] is True
    state = snapshot(portal_file)

    second = run_module(portal_properties, **mail_args(portal_file))

    assert second["changed"] is False
    assert (second["added"], second["updated"], second["removed"]) == ([], [], [])
    assert snapshot(portal_file) == state  # same bytes, same inode, same mtime: not rewritten


def test_check_mode_reports_the_change_but_leaves_bytes_inode_and_mtime_untouched(run_module, portal_file):
    state = snapshot(portal_file)

    result = run_module(portal_properties, check_mode=True, **mail_args(portal_file, mode="0600"))

    assert result["changed"] is True
    assert HOST in result["updated"]
    assert "mail.session.mail.smtp.password" in result["added"]
    assert result["removed"] == ["mail.session.jndi.name"]
    assert snapshot(portal_file) == state


def test_check_mode_reports_no_change_when_there_is_nothing_to_do(run_module, portal_file):
    run_module(portal_properties, **mail_args(portal_file))
    state = snapshot(portal_file)

    assert run_module(portal_properties, check_mode=True, **mail_args(portal_file))["changed"] is False
    assert snapshot(portal_file) == state


def test_check_mode_reports_a_mode_change_without_applying_it(run_module, portal_file):
    run_module(portal_properties, **mail_args(portal_file))
    portal_file.chmod(0o644)

    assert run_module(portal_properties, check_mode=True, **mail_args(portal_file, mode="0640"))["changed"] is True
    assert stat.S_IMODE(portal_file.stat().st_mode) == 0o644


def test_check_mode_does_not_create_a_missing_file(run_module, tmp_path):
    path = tmp_path / "portal-ext.properties"

    result = run_module(portal_properties, check_mode=True, path=str(path), properties={HOST: "x"})

    assert result["changed"] is True
    assert not path.exists()


def _diff_texts(result):
    return result["diff"]["before"], result["diff"]["after"]


def test_diff_shows_masks_instead_of_new_secret_and_existing_jdbc_password(run_module, portal_file):
    result = run_module(portal_properties, diff=True, **mail_args(portal_file))

    before, after = _diff_texts(result)
    for text in (before, after):
        assert_hidden(text)
        assert "jdbc.default.password=********\n" in text
    assert "mail.session.mail.smtp.password=******** (changed)\n" in after
    # the rest of the diff is real: the new host is visible
    assert "mail.session.mail.smtp.host=smtp.example.com\n" in after
    assert "mail.session.mail.smtp.host: old.example.com\n" in before
    assert_hidden(shown(result))


def test_diff_masks_secrets_by_itself_not_only_through_ansible_no_log_filter(run_module, portal_file, monkeypatch):
    # Ansible's own filter would hide secret_properties values anyway; switch it off
    # to prove the module never puts them in the diff in the first place.
    monkeypatch.setattr(basic, "remove_values", lambda value, no_log_strings: value)

    result = run_module(portal_properties, diff=True, **mail_args(portal_file))

    # the filter really is off: the module's arguments come back unmasked
    assert result["invocation"]["module_args"]["secret_properties"] == MANAGED_SECRETS
    assert_hidden(shown(result, "diff", "added", "updated", "removed", "warnings"))
    assert "mail.session.mail.smtp.password=******** (changed)" in result["diff"]["after"]


def test_diff_marks_a_changed_secret_and_masks_old_value_even_across_continuation_lines(run_module, tmp_path):
    path = write(
        tmp_path / "portal-ext.properties",
        "mail.session.mail.smtp.password: old-\\\n    Pa55word\nmail.session.mail.pop3.password=pop-Pa55\n",
    )
    args = {
        "path": str(path),
        "secret_properties": {
            "mail.session.mail.smtp.password": SECRET,
            "mail.session.mail.pop3.password": "pop-Pa55",
        },
    }

    result = run_module(portal_properties, diff=True, **args)

    before, after = _diff_texts(result)
    assert before == "mail.session.mail.smtp.password=********\nmail.session.mail.pop3.password=********\n"
    assert after == "mail.session.mail.smtp.password=******** (changed)\nmail.session.mail.pop3.password=********\n"

    again = run_module(portal_properties, diff=True, **args)
    assert again["changed"] is False
    assert "(changed)" not in again["diff"]["after"]


def test_diff_masks_keys_matching_a_custom_secret_key_pattern(run_module, tmp_path):
    path = write(tmp_path / "portal-ext.properties", "sso.apikey=Ak-123456789\nplain=1\n")

    result = run_module(
        portal_properties,
        diff=True,
        path=str(path),
        properties={"plain": "2"},
        secret_key_pattern="apikey$",
    )

    before, after = _diff_texts(result)
    assert before == "sso.apikey=********\nplain=1\n"
    assert after == "sso.apikey=********\nplain=2\n"


def test_backup_true_keeps_a_copy_with_the_old_content(run_module, portal_file):
    original = portal_file.read_bytes()

    result = run_module(portal_properties, **mail_args(portal_file, backup=True))

    backup = Path(result["backup_file"])
    assert backup.parent == portal_file.parent
    assert backup.read_bytes() == original
    assert portal_file.read_bytes() != original
    # nothing to change: no new backup
    assert "backup_file" not in run_module(portal_properties, **mail_args(portal_file, backup=True))


# --------------------------------------------------------------------------
# file mode
# --------------------------------------------------------------------------


def test_new_file_gets_mode_0640_by_default(run_module, tmp_path):
    path = tmp_path / "portal-ext.properties"

    result = run_module(
        portal_properties, path=str(path), secret_properties={"mail.session.mail.smtp.password": SECRET}
    )

    assert result["changed"] is True
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


@pytest.mark.parametrize("mode", ["0600", "600", "u=rw,g=,o="])
def test_mode_parameter_is_applied_to_a_new_file(run_module, tmp_path, mode):
    path = tmp_path / "portal-ext.properties"

    run_module(portal_properties, path=str(path), properties={HOST: "x"}, mode=mode)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("content_changes", [True, False], ids=["with-new-content", "mode-only"])
def test_existing_0644_file_is_tightened_to_0640(run_module, portal_file, content_changes):
    if not content_changes:
        run_module(portal_properties, **mail_args(portal_file))
    portal_file.chmod(0o644)

    result = run_module(portal_properties, **mail_args(portal_file, mode="0640"))

    assert result["changed"] is True
    assert stat.S_IMODE(portal_file.stat().st_mode) == 0o640


def test_existing_file_keeps_its_mode_when_no_mode_is_given(run_module, portal_file):
    portal_file.chmod(0o600)

    run_module(portal_properties, **mail_args(portal_file))

    assert stat.S_IMODE(portal_file.stat().st_mode) == 0o600


def test_new_file_holding_a_password_is_never_readable_by_others(run_module, tmp_path, monkeypatch):
    path = tmp_path / "portal-ext.properties"
    seen = []
    real_move = basic.AnsibleModule.atomic_move
    real_replace = os.replace

    def spying_move(self, src, dest, *args, **kwargs):
        real_move(self, src, dest, *args, **kwargs)
        seen.append(stat.S_IMODE(os.stat(dest).st_mode))

    def spying_replace(src, dest):
        real_replace(src, dest)
        seen.append(stat.S_IMODE(os.stat(dest).st_mode))

    monkeypatch.setattr(basic.AnsibleModule, "atomic_move", spying_move)
    monkeypatch.setattr(os, "replace", spying_replace)
    old_umask = os.umask(0o022)  # the usual umask
    try:
        run_module(portal_properties, path=str(path), secret_properties={"mail.session.mail.smtp.password": SECRET})
    finally:
        os.umask(old_umask)

    assert seen, "the file was not moved into place"
    assert seen[0] & 0o007 == 0, "mode right after the rename: %o" % seen[0]


# --------------------------------------------------------------------------
# removing keys
# --------------------------------------------------------------------------


def test_state_absent_removes_the_listed_keys_and_all_their_duplicates(run_module, portal_file):
    before = lines_of(portal_file)

    result = run_module(
        portal_properties,
        path=str(portal_file),
        state="absent",
        keys=["mail.session.jndi.name", "mail.session.mail.smtp.port", "no.such.key"],
    )

    assert result["changed"] is True
    assert sorted(result["removed"]) == ["mail.session.jndi.name", "mail.session.mail.smtp.port"]
    gone = {
        "mail.session.jndi.name=mail/MailSession\n",
        "mail.session.mail.smtp.port=25\n",
        "mail.session.mail.smtp.port=2525\n",
    }
    assert lines_of(portal_file) == [line for line in before if line not in gone]


@pytest.mark.parametrize("key", ["include", "include-and-override"])
def test_state_absent_refuses_to_remove_include_keys(run_module, tmp_path, key):
    path = write(tmp_path / "portal-ext.properties", "%s=portal-developer.properties\n" % key)
    original = path.read_bytes()

    result = run_module(portal_properties, path=str(path), state="absent", keys=[key])

    assert result["failed"] is True
    assert key in result["msg"]
    assert path.read_bytes() == original


def test_purge_prefixes_removes_other_mail_session_keys_but_never_include_keys(run_module, tmp_path):
    path = write(
        tmp_path / "portal-ext.properties",
        "include-and-override=portal-developer.properties\n"
        "include=extra.properties\n"
        "mail.session.jndi.name=mail/MailSession\n"
        "mail.session.mail.smtps.host=old.example.com\n"
        "mail.session.mail.smtp.host=old.example.com\n"
        "mail.send.blacklist=a@b.c\n",
    )

    result = run_module(
        portal_properties,
        path=str(path),
        properties={HOST: "smtp.example.com"},
        purge_prefixes=["mail.session.", "include"],
    )

    assert sorted(result["removed"]) == ["mail.session.jndi.name", "mail.session.mail.smtps.host"]
    assert path.read_text() == (
        "include-and-override=portal-developer.properties\n"
        "include=extra.properties\n"
        "mail.session.mail.smtp.host=smtp.example.com\n"
        "mail.send.blacklist=a@b.c\n"
    )


# --------------------------------------------------------------------------
# refusals
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "key"),
    [
        ({"properties": {"include": "other.properties"}}, "include"),
        ({"properties": {"include-and-override": "other.properties"}}, "include-and-override"),
        ({"properties": {"mail.session.mail smtp.host": "x"}}, "mail.session.mail smtp.host"),
        ({"properties": {"mail.session.mail.smtp.host:": "x"}}, "mail.session.mail.smtp.host:"),
        ({"properties": {".hidden": "x"}}, ".hidden"),
        (
            {"secret_properties": {"mail.session.mail.smtp.password": {"nested": SECRET}}},
            "mail.session.mail.smtp.password",
        ),
        (
            {"properties": {HOST: "x"}, "secret_properties": {HOST: SECRET}},
            HOST,
        ),
        pytest.param(
            {"secret_properties": {"mail.session.mail.smtp.password": " " + SECRET}},
            "mail.session.mail.smtp.password",
            id="unstorable-secret",
        ),
        pytest.param(
            {"properties": {"admin.email.from.name": "Acme, Inc. "}},
            "admin.email.from.name",
            id="unstorable-public",
        ),
    ],
    ids=[
        "include",
        "include-and-override",
        "space-in-key",
        "colon-in-key",
        "leading-dot",
        "non-scalar-secret",
        "secret-and-public",
        "unstorable-secret",
        "unstorable-public",
    ],
)
def test_refused_request_fails_naming_the_key_without_the_secret_and_leaves_file_untouched(
    run_module, portal_file, monkeypatch, args, key
):
    # show the module's own message, not Ansible's no_log-filtered version of it
    monkeypatch.setattr(basic, "remove_values", lambda value, no_log_strings: value)
    state = snapshot(portal_file)

    result = run_module(portal_properties, path=str(portal_file), **args)

    assert result["failed"] is True
    assert snapshot(portal_file) == state
    assert_hidden(result["msg"])
    assert "'%s'" % key in result["msg"] or repr(key) in result["msg"]


@pytest.mark.parametrize(
    "unstorable",
    [" " + SECRET, SECRET + "\t", "a,b "],
    ids=["leading-space", "trailing-tab", "short"],
)
def test_unstorable_value_is_refused_and_nothing_is_written(run_module, portal_file, monkeypatch, unstorable):
    monkeypatch.setattr(basic, "remove_values", lambda value, no_log_strings: value)
    state = snapshot(portal_file)

    result = run_module(
        portal_properties, path=str(portal_file), secret_properties={"mail.session.mail.smtp.password": unstorable}
    )

    assert result["failed"] is True
    assert "cannot be stored exactly" in result["msg"]
    assert unstorable not in result["msg"]
    assert unstorable.strip() not in result["msg"]
    assert snapshot(portal_file) == state


@pytest.mark.parametrize(
    "tail",
    ["last.key=value \\\n", "last.key=value\\", "last.key=value\\\n# a comment\n\n"],
    ids=["backslash-newline", "backslash-eof", "comment-after-backslash"],
)
def test_file_ending_in_a_dangling_continuation_fails_clearly_and_is_untouched(run_module, tmp_path, tail):
    path = write(tmp_path / "portal-ext.properties", "a=1\n" + tail)
    state = snapshot(path)

    result = run_module(portal_properties, path=str(path), properties={HOST: "x"})

    assert result["failed"] is True
    assert "line 2" in result["msg"]
    assert "continuation" in result["msg"]
    assert "by hand" in result["msg"]
    assert snapshot(path) == state


def test_malformed_unicode_escape_is_reported_as_a_warning_that_liferay_ignores_the_file(
    run_module, tmp_path, commons_configuration, liferay_chain
):
    path = write(tmp_path / "portal-ext.properties", "a=1\nbroken.key=caf\\u00ZZ\n")
    # the premise: the real parser refuses the whole file, for this escape
    with pytest.raises(subprocess.CalledProcessError) as refused:
        commons_configuration(path)
    assert (
        "Caused by: org.apache.commons.configuration.ConfigurationRuntimeException: "
        "Unable to parse unicode value: 00ZZ" in refused.value.stderr
    )
    # and Liferay's aggregation skips it whole: not even a=1 is read
    assert liferay_chain(tmp_path) == {}

    result = run_module(portal_properties, path=str(path), properties={HOST: "x"})

    assert len(result["warnings"]) == 1
    warning = result["warnings"][0]
    assert "broken.key" in warning
    assert "\\u" in warning
    assert "Liferay ignores the whole file" in warning


def test_no_malformed_escape_warning_for_a_file_the_real_parser_reads(run_module, tmp_path, commons_configuration):
    path = write(tmp_path / "portal-ext.properties", "a=1\ncut.short=\\u12\n")
    assert commons_configuration(path)["cut.short"][0] == ""

    result = run_module(portal_properties, path=str(path), properties={HOST: "x"})

    assert result["warnings"] == []


def test_well_formed_file_gives_no_warning(run_module, portal_file):
    assert run_module(portal_properties, **mail_args(portal_file))["warnings"] == []


# --------------------------------------------------------------------------
# missing files
# --------------------------------------------------------------------------


def test_create_false_with_a_missing_file_fails_and_creates_nothing(run_module, tmp_path):
    path = tmp_path / "portal-ext.properties"

    result = run_module(portal_properties, path=str(path), properties={HOST: "x"}, create=False)

    assert result["failed"] is True
    assert str(path) in result["msg"]
    assert "create=false" in result["msg"]
    assert not path.exists()


def test_missing_parent_directory_fails_and_points_at_liferay_home(run_module, tmp_path):
    path = tmp_path / "no-such-liferay-home" / "portal-ext.properties"

    result = run_module(portal_properties, path=str(path), properties={HOST: "x"})

    assert result["failed"] is True
    assert "LIFERAY_HOME" in result["msg"]
    assert str(path.parent) in result["msg"]
    assert not path.parent.exists()


def test_new_file_holds_only_the_managed_block(run_module, tmp_path):
    path = tmp_path / "portal-ext.properties"

    result = run_module(portal_properties, path=str(path), properties={HOST: "x", "mail.session.mail.smtp.port": 25})

    assert result["added"] == [HOST, "mail.session.mail.smtp.port"]
    assert path.read_text() == (
        "# BEGIN managed by Ansible\nmail.session.mail.smtp.host=x\nmail.session.mail.smtp.port=25\n"
        "# END managed by Ansible\n"
    )


# --------------------------------------------------------------------------
# through the real ansible CLI
# --------------------------------------------------------------------------


def test_ansible_cli_run_with_diff_and_vvv_never_shows_a_secret(tmp_path, portal_file, commons_configuration):
    returncode, output = ansible_module(
        tmp_path, "liferay_ops.mail.portal_properties", mail_args(portal_file), diff=True, args_from_vars=True
    )

    assert returncode == 0, output
    assert "CHANGED" in output
    assert "mail.session.mail.smtp.password=******** (changed)" in output
    assert "jdbc.default.password=********" in output
    assert "mail.session.mail.smtp.host=smtp.example.com" in output  # the diff was really shown
    assert "Acme" in output and "intranet@acme.example" in output
    assert_hidden(output)
    assert commons_configuration(portal_file)["mail.session.mail.smtp.password"][0] == SECRET


def test_ansible_cli_refusal_never_shows_a_secret(tmp_path, portal_file):
    state = snapshot(portal_file)
    args = mail_args(portal_file, secret_properties={"mail.session.mail.smtp.password": SECRET + " "})

    returncode, output = ansible_module(
        tmp_path, "liferay_ops.mail.portal_properties", args, diff=True, args_from_vars=True
    )

    assert returncode != 0
    assert "FAILED" in output
    assert "cannot be stored exactly" in output
    assert_hidden(output)
    assert snapshot(portal_file) == state
