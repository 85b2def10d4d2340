"""Every writer writes THROUGH a symlink: the link stays, the file it points to gets the new content.

A file Liferay reads (portal-ext.properties, an OSGi .config, the Docker env file, Tomcat's
ROOT.xml, WildFly's standalone.xml) is often a link into a configuration repository. Each
writer is run in-process (conftest's run_module) on such a link, in ``<tmp>/repo/``
for the target and the place Liferay reads for the link, and must keep the link, rewrite
the target in place with the requested mode, leave no temporary file behind, be idempotent
and change nothing in check mode. Dangling links, loops and the removal of a linked .config
are covered at the end.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from harness import FIXTURES
from oracles import liferay_config

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.env_names import env_name
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.osgi_keys import COMPANY_PID
from ansible_collections.liferay_ops.mail.plugins.modules import (
    docker_env_file,
    osgi_config,
    portal_properties,
    tomcat_mail_resource,
    wildfly_mail_session,
)

HOST_VAR = env_name("mail.session.mail.smtp.host")
CONFIG_NAME = COMPANY_PID + ".config"


@dataclass
class Writer:
    """One module and the file it writes: where Liferay reads it, what it holds, how to change it."""

    module: object
    link: str  # relative to tmp_path: where Liferay reads the file
    original: Callable[[], bytes]  # the target's content before the module runs
    kept: str  # text of the original that is still there after the edit (and in the diff's before)
    args: Callable[[Path, str], dict]  # (link path, smtp host) -> module arguments
    holds: Callable[[str, str], bool]  # (target text, smtp host) -> the host is what the file says
    creates: bool = True  # writes a missing file (False: WildFly needs an existing standalone.xml)


def _osgi_holds(text, host):
    reading = liferay_config.read(text)  # as Liferay reads it
    return reading.clean and reading.values.get("outgoingSMTPServer") == host


WRITERS = {
    "portal_properties": Writer(
        module=portal_properties,
        link="liferay/portal-ext.properties",
        original=lambda: (
            b"jdbc.default.url=jdbc:postgresql://db/lportal\nmail.session.mail.smtp.host=old.example.com\n"
        ),
        kept="jdbc.default.url=jdbc:postgresql://db/lportal",
        args=lambda path, host: {"path": str(path), "properties": {"mail.session.mail.smtp.host": host}},
        holds=lambda text, host: ("mail.session.mail.smtp.host=%s\n" % host) in text,
    ),
    "osgi_config": Writer(
        module=osgi_config,
        link="liferay/osgi/configs/" + CONFIG_NAME,
        original=lambda: (
            b'# kept in the config repository\noutgoingSMTPServer="old.example.com"\ntransportProtocol="smtp"\n'
        ),
        kept='transportProtocol="smtp"',
        args=lambda path, host: {
            "configs_dir": str(path.parent),
            "pid": COMPANY_PID,
            "properties": {"transportProtocol": "smtp", "outgoingSMTPServer": host},
        },
        holds=_osgi_holds,
    ),
    "env_file": Writer(
        module=docker_env_file,
        link="srv/liferay-mail.env",
        original=lambda: ("# old\n%s=old.example.com\nLIFERAY_X=kept\n" % HOST_VAR).encode(),
        kept="%s=old.example.com" % HOST_VAR,  # only in the diff's before: the module owns the file
        args=lambda path, host: {"path": str(path), "properties": {"mail.session.mail.smtp.host": host}},
        holds=lambda text, host: ("%s=%s\n" % (HOST_VAR, host)) in text,
    ),
    "tomcat_mail_resource": Writer(
        module=tomcat_mail_resource,
        link="tomcat/conf/Catalina/localhost/ROOT.xml",
        original=lambda: (FIXTURES / "tomcat" / "ROOT.xml").read_bytes(),
        kept='name="jdbc/LiferayPool"',
        args=lambda path, host: {
            "path": str(path),
            "type": "javax.mail.Session",
            "properties": {"mail.transport.protocol": "smtp", "mail.smtp.host": host, "mail.smtp.port": 587},
        },
        holds=lambda text, host: ('mail.smtp.host="%s"' % host) in text,
    ),
    "wildfly_mail_session": Writer(
        module=wildfly_mail_session,
        link="wildfly/standalone/configuration/standalone.xml",
        original=lambda: (FIXTURES / "wildfly" / "standalone-wildfly30-mail4.xml").read_bytes(),
        kept='jndi-name="java:jboss/mail/Default"',
        args=lambda path, host: {"path": str(path), "servers": {"smtp": {"host": host, "port": 587, "tls": True}}},
        holds=lambda text, host: ('host="%s"' % host) in text,
        creates=False,
    ),
}
CREATING = [name for name, writer in WRITERS.items() if writer.creates]


@pytest.fixture(params=sorted(WRITERS))
def writer(request):
    return WRITERS[request.param]


def linked(tmp_path, writer, content=True, target_mode=0o644):
    """(link, target): the target in tmp_path/repo/, a relative link to it where Liferay reads."""
    repo = tmp_path / "repo"
    repo.mkdir(exist_ok=True)
    target = repo / os.path.basename(writer.link)
    if content:
        target.write_bytes(writer.original())
        target.chmod(target_mode)
    link = tmp_path / writer.link
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(os.path.relpath(target, link.parent))
    return link, target


def mode_of(path):
    return stat.S_IMODE(path.stat().st_mode)


def listing(*directories):
    return {str(directory): sorted(os.listdir(directory)) for directory in directories}


def assert_link_intact(link, target):
    assert link.is_symlink(), "the link was replaced by a regular file"
    assert os.readlink(link) == os.path.relpath(target, link.parent)
    assert link.resolve() == target.resolve()
    assert target.is_file() and not target.is_symlink()


# --------------------------------------------------------------------------
# one test per writer: through the link, idempotent, check mode
# --------------------------------------------------------------------------


def test_writes_through_the_link_to_its_target(writer, run_module, tmp_path):
    link, target = linked(tmp_path, writer)
    before_bytes, before_ino = target.read_bytes(), target.stat().st_ino
    expected_listing = listing(link.parent, target.parent)

    checked = run_module(writer.module, check_mode=True, **writer.args(link, "check.example.com"), mode="0640")
    assert checked["changed"] is True, checked
    assert_link_intact(link, target)
    assert target.read_bytes() == before_bytes
    assert target.stat().st_ino == before_ino
    assert mode_of(target) == 0o644
    assert listing(link.parent, target.parent) == expected_listing

    first = run_module(writer.module, diff=True, **writer.args(link, "smtp.example.com"), mode="0640")
    assert first["changed"] is True, first
    assert_link_intact(link, target)
    text = target.read_text(encoding="utf-8")
    assert writer.holds(text, "smtp.example.com")
    assert not writer.holds(text, "check.example.com")
    assert mode_of(target) == 0o640
    # the diff was read from the target, through the link
    assert writer.kept in first["diff"]["before"]
    assert writer.holds(first["diff"]["after"], "smtp.example.com")
    # no temporary file (nor backup) next to the link or the target
    assert listing(link.parent, target.parent) == expected_listing

    again = run_module(writer.module, **writer.args(link, "smtp.example.com"), mode="0640")
    assert again["changed"] is False, again
    assert_link_intact(link, target)
    assert target.read_text(encoding="utf-8") == text
    assert listing(link.parent, target.parent) == expected_listing


def test_the_targets_owner_and_mode_are_kept_and_requested_ones_go_to_the_target(writer, run_module, tmp_path):
    link, target = linked(tmp_path, writer, target_mode=0o600)
    if os.geteuid() == 0:
        os.chown(target, 1234, 1234)

    result = run_module(writer.module, **writer.args(link, "smtp.example.com"))
    assert result["changed"] is True, result
    assert_link_intact(link, target)
    assert mode_of(target) == 0o600
    if os.geteuid() == 0:
        assert (target.stat().st_uid, target.stat().st_gid) == (1234, 1234)

    if os.geteuid() != 0:
        return
    link_owner = os.lstat(link).st_uid, os.lstat(link).st_gid
    result = run_module(writer.module, **writer.args(link, "smtp.example.com"), owner="2345", group="2345", mode="0640")
    assert result["changed"] is True, result
    assert (target.stat().st_uid, target.stat().st_gid, mode_of(target)) == (2345, 2345, 0o640)
    assert (os.lstat(link).st_uid, os.lstat(link).st_gid) == link_owner
    assert (
        run_module(writer.module, **writer.args(link, "smtp.example.com"), owner="2345", group="2345", mode="0640")[
            "changed"
        ]
        is False
    )


def test_backup_is_made_next_to_the_target(writer, run_module, tmp_path):
    link, target = linked(tmp_path, writer)
    original = target.read_bytes()

    result = run_module(writer.module, **writer.args(link, "smtp.example.com"), backup=True)

    assert result["changed"] is True, result
    assert_link_intact(link, target)
    backup = Path(result["backup_file"])
    assert backup.parent == target.parent.resolve()
    assert backup.read_bytes() == original
    assert sorted(os.listdir(link.parent)) == [link.name]


# --------------------------------------------------------------------------
# dangling links and loops
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", CREATING)
def test_a_dangling_link_creates_its_target(name, run_module, tmp_path):
    writer = WRITERS[name]
    link, target = linked(tmp_path, writer, content=False)

    checked = run_module(writer.module, check_mode=True, **writer.args(link, "smtp.example.com"), mode="0640")
    assert checked["changed"] is True, checked
    assert link.is_symlink() and not target.exists()
    assert os.listdir(target.parent) == []

    result = run_module(writer.module, **writer.args(link, "smtp.example.com"), mode="0640")
    assert result["changed"] is True, result
    assert_link_intact(link, target)
    assert writer.holds(target.read_text(encoding="utf-8"), "smtp.example.com")
    assert mode_of(target) == 0o640
    assert os.listdir(target.parent) == [target.name]
    assert sorted(os.listdir(link.parent)) == [link.name]

    assert run_module(writer.module, **writer.args(link, "smtp.example.com"), mode="0640")["changed"] is False


def test_a_dangling_link_into_a_missing_directory_fails_naming_link_and_target(writer, run_module, tmp_path):
    link = tmp_path / writer.link
    link.parent.mkdir(parents=True)
    target = tmp_path / "repo" / "missing" / link.name
    link.symlink_to(target)

    failed = run_module(writer.module, **writer.args(link, "smtp.example.com"))

    assert failed.get("failed"), failed
    assert str(link) in failed["msg"]
    if writer.creates:
        assert str(target) in failed["msg"]
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert not (tmp_path / "repo").exists()
    assert sorted(os.listdir(link.parent)) == [link.name]


def test_a_symlink_loop_fails_clearly(writer, run_module, tmp_path):
    link = tmp_path / writer.link
    link.parent.mkdir(parents=True)
    other = link.parent / "other-link"
    link.symlink_to(other.name)
    other.symlink_to(link.name)

    failed = run_module(writer.module, **writer.args(link, "smtp.example.com"))

    assert failed.get("failed"), failed
    assert str(link) in failed["msg"] and "loop" in failed["msg"]
    assert link.is_symlink() and other.is_symlink()
    assert sorted(os.listdir(link.parent)) == sorted([link.name, other.name])


# --------------------------------------------------------------------------
# osgi_config state=absent on a link: the link goes, the target stays
# --------------------------------------------------------------------------


def test_absent_removes_the_link_and_leaves_the_target_alone(run_module, tmp_path):
    writer = WRITERS["osgi_config"]
    link, target = linked(tmp_path, writer)
    original = target.read_bytes()
    args = {"configs_dir": str(link.parent), "pid": COMPANY_PID, "state": "absent", "backup": True}

    checked = run_module(osgi_config, check_mode=True, diff=True, **args)
    assert checked["changed"] is True, checked
    assert link.is_symlink()
    assert 'outgoingSMTPServer="old.example.com"' in checked["diff"]["before"]

    result = run_module(osgi_config, **args)
    assert result["changed"] is True, result
    assert "backup_file" not in result
    assert not os.path.lexists(link)
    assert target.read_bytes() == original
    assert os.listdir(link.parent) == []
    assert os.listdir(target.parent) == [target.name]

    assert run_module(osgi_config, **args)["changed"] is False


def test_absent_removes_a_dangling_link(run_module, tmp_path):
    configs = tmp_path / "liferay" / "osgi" / "configs"
    configs.mkdir(parents=True)
    link = configs / CONFIG_NAME
    link.symlink_to(tmp_path / "repo" / "gone" / CONFIG_NAME)

    result = run_module(osgi_config, configs_dir=str(configs), pid=COMPANY_PID, state="absent")

    assert result["changed"] is True, result
    assert os.listdir(configs) == []


def test_a_regular_file_is_still_replaced_atomically(run_module, tmp_path):
    """No link: the same writer still renames a fresh file over the old one (a new inode)."""
    configs = tmp_path / "configs"
    configs.mkdir()
    path = configs / CONFIG_NAME
    path.write_bytes(WRITERS["osgi_config"].original())
    inode = path.stat().st_ino

    result = run_module(osgi_config, **WRITERS["osgi_config"].args(path, "smtp.example.com"))

    assert result["changed"] is True, result
    assert not path.is_symlink()
    assert path.stat().st_ino != inode
    assert _osgi_holds(path.read_text(encoding="ascii"), "smtp.example.com")
    assert os.listdir(configs) == [CONFIG_NAME]
