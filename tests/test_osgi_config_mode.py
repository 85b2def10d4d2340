"""mail_session_osgi_config_mode through ansible-playbook on a DXP 2026 fixture.

writable (the default): the .config files get mail_session_file_owner/_group/_mode, Liferay can write
them (FileSyncConfigurationListener writes System/Instance Settings saves back), and a file changed since
the role wrote it is warned about as drift before it is rewritten. read_only: owner root, the group of
the configuration directory (the Liferay user's), 0640: Liferay reads them and java.io.File.canWrite(),
which ConfigurationFileInstaller and FileSyncConfigurationListener ask (portal-file-install-impl), says no.
The Liferay user is played by nobody:nogroup; the tests run as root (the role sets the owner root).
"""

from __future__ import annotations

import grp
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest
from ansible_run import fictional_servers, playbook, write_inventory
from oracles import liferay_config
from osgi_testlib import bundle

from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.osgi_keys import COMPANY_PID

LIFERAY_USER, LIFERAY_GROUP = "nobody", "nogroup"
SMTP_PASSWORD = "Sm7p-Mode-S3cret"
POP_PASSWORD = "P0p-Mode-S3cret"

FILE_ACCESS_JAVA = """
import java.io.File;

public class FileAccess {
    public static void main(String[] args) {
        File file = new File(args[0]);
        System.out.println(file.canRead() + " " + file.canWrite());
    }
}
"""


@pytest.fixture
def site():
    """A DXP 2026.Q1 LIFERAY_HOME whose osgi/configs belongs to the Liferay user; inventory(**vars)."""
    if os.geteuid() != 0:
        pytest.fail("these tests set the owner root and switch to the Liferay user: run them as root")
    base = Path(tempfile.mkdtemp(prefix="mail-session-mode-"))
    try:
        os.chmod(base, 0o755)  # noqa: S103 (the Liferay user must reach LIFERAY_HOME)
        home = bundle(
            base / "liferay",
            version_file="2026.q1.0-lts",
            impl={"Liferay-Portal-Release-Info": "Liferay Digital Experience Platform 2026.Q1.0 LTS (Build 7413)"},
            impl_dir="tomcat/webapps/ROOT/WEB-INF/shielded-container-lib",
            modules=["portal/com.liferay.mail.settings.api.jar"],
            properties="jdbc.default.url=jdbc:postgresql://db/lportal\n",
        )
        for directory in (home, home / "osgi"):
            os.chmod(directory, 0o755)  # noqa: S103
        configs = home / "osgi" / "configs"
        shutil.chown(configs, LIFERAY_USER, LIFERAY_GROUP)
        os.chmod(configs, 0o750)  # noqa: S103 (Liferay's directory: its group reads)

        def inventory(**overrides):
            group_vars = {
                **fictional_servers(SMTP_PASSWORD, POP_PASSWORD),
                "mail_session_liferay_home": str(home),
                **overrides,
            }
            return write_inventory(base / "hosts.yml", {"liferay-1": {}}, group_vars)

        yield base, configs, inventory
    finally:
        shutil.rmtree(base, ignore_errors=True)


def as_liferay(base, path):
    """(canRead, canWrite) of *path* for the Liferay user, by java.io.File as Liferay's file installer asks."""
    classes = base / "java"
    if not (classes / "FileAccess.class").exists():
        classes.mkdir(exist_ok=True)
        (classes / "FileAccess.java").write_text(FILE_ACCESS_JAVA, encoding="ascii")
        subprocess.run(["javac", "-d", str(classes), str(classes / "FileAccess.java")], check=True)
        os.chmod(classes, 0o755)  # noqa: S103
    proc = subprocess.run(
        ["runuser", "-u", LIFERAY_USER, "--", "java", "-cp", str(classes), "FileAccess", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    readable, writable = proc.stdout.split()
    return readable == "true", writable == "true"


def owner_group_mode(path):
    info = path.stat()
    return path.owner(), grp.getgrgid(info.st_gid).gr_name, stat.S_IMODE(info.st_mode)


def company_file(configs):
    return configs / (COMPANY_PID + ".config")


def test_read_only_files_are_roots_and_liferay_cannot_write_them(site):
    base, configs, inventory = site
    # mail_session_file_owner is the Liferay user, as for portal-ext.properties: not for read_only .config files
    run = playbook(inventory(mail_session_osgi_config_mode="read_only", mail_session_file_owner=LIFERAY_USER))
    assert run.returncode == 0, run.output

    path = company_file(configs)
    assert owner_group_mode(path) == ("root", LIFERAY_GROUP, 0o640)
    assert as_liferay(base, path) == (True, False)
    assert liferay_config.load(path.read_text(encoding="ascii"))["outgoingSMTPServer"] == "smtp.example.com"
    assert Path(configs.parent.parent / "portal-ext.properties").owner() == LIFERAY_USER
    again = playbook(inventory(mail_session_osgi_config_mode="read_only", mail_session_file_owner=LIFERAY_USER))
    assert again.returncode == 0, again.output
    assert again.total("changed") == 0


def test_writable_files_are_liferays_and_its_write_back_is_warned_as_drift(site):
    base, configs, inventory = site
    writable = inventory(mail_session_file_owner=LIFERAY_USER, mail_session_file_group=LIFERAY_GROUP)
    run = playbook(writable)
    assert run.returncode == 0, run.output
    path = company_file(configs)
    assert owner_group_mode(path) == (LIFERAY_USER, LIFERAY_GROUP, 0o640)
    assert as_liferay(base, path) == (True, True)

    # a System Settings save, written back by Liferay (TypedProperties keeps the other lines)
    text = path.read_text(encoding="ascii").replace('"smtp.example.com"', '"ui.example.com"')
    path.write_bytes(text.replace("\n", "\r\n").encode("ascii"))
    run = playbook(writable)
    assert run.returncode == 0, run.output
    drift = [line for line in run.output.splitlines() if "was changed since the role wrote it" in line]
    assert len(drift) == 1, run.output
    assert str(path) in drift[0] and "outgoingSMTPServer differ" in drift[0]
    assert "ui.example.com" not in run.output
    assert SMTP_PASSWORD not in run.output
    assert liferay_config.load(path.read_text(encoding="ascii"))["outgoingSMTPServer"] == "smtp.example.com"


def test_an_unknown_mode_is_refused(site):
    _base, configs, inventory = site
    run = playbook(inventory(mail_session_osgi_config_mode="locked"))
    assert run.returncode != 0
    assert "mail_session_osgi_config_mode" in run.output
    assert not company_file(configs).exists()
