"""Fixtures shared by every scenario's testinfra tests (molecule runs pytest in molecule/<scenario>/).

The hosts are the scenario's containers, reached with testinfra's podman backend; their names and
variables come from the inventory Molecule generated ($MOLECULE_INVENTORY_FILE, with the
scenario's linked group_vars/host_vars). Java programs are compiled here, on the controller, against
the jars of the Liferay container, and run there as the liferay user.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import testinfra

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PODMAN = os.environ.get("MOLECULE_PODMAN_EXECUTABLE", "podman")
# where molecule/shared/prepare.yml starts the mail server (logs: postfix/maillog, dovecot/dovecot.log)
MAIL_WORKDIR = "/srv/mailserver"
# in the Liferay container: the test programs and files (readable by the liferay user)
TEST_DIR = "/opt/mail-session-tests"
JAVA_DIR = TEST_DIR + "/java"
JARS = ("commons-configuration", "commons-lang", "commons-logging", "jakarta-mail", "jakarta-activation")
JAVA_SOURCES = (
    ROOT / "tests/java/LiferayProperties.java",  # how the readers load portal properties, as Liferay does
    ROOT / "tests/java/LiferayPropertiesReader.java",
    ROOT / "molecule/shared/java/LiferayMailRoundTrip.java",
)


def inventory_file():
    path = os.environ.get("MOLECULE_INVENTORY_FILE")
    if not path:
        pytest.fail(
            "run these tests through molecule (molecule verify / molecule test): MOLECULE_INVENTORY_FILE is unset"
        )
    return path


def podman(*args, check=True):
    return subprocess.run([PODMAN, *args], capture_output=True, text=True, check=check)


class Inventory:
    def __init__(self):
        proc = subprocess.run(
            [str(BIN / "ansible-inventory"), "-i", inventory_file(), "--list"],
            capture_output=True,
            text=True,
            check=True,
        )
        self.data = json.loads(proc.stdout)

    def hosts(self, group):
        return self.data.get(group, {}).get("hosts", [])

    def vars(self, host):
        return self.data["_meta"]["hostvars"][host]


@pytest.fixture(scope="session")
def inventory():
    return Inventory()


@pytest.fixture(scope="session")
def liferay_name(inventory):
    return inventory.hosts("liferay")[0]


@pytest.fixture(scope="session")
def mail_name(inventory):
    return inventory.hosts("mail_server")[0]


@pytest.fixture(scope="session")
def liferay_vars(inventory, liferay_name):
    """The role's variables for the Liferay host, as the inventory sets them."""
    return inventory.vars(liferay_name)


@pytest.fixture(scope="session")
def liferay(liferay_name):
    return testinfra.get_host("podman://" + liferay_name)


@pytest.fixture(scope="session")
def mail(mail_name):
    return testinfra.get_host("podman://" + mail_name)


@pytest.fixture(scope="session")
def liferay_ip(liferay_name):
    """The Liferay container's address on the scenario's network (what the mail server logs)."""
    out = podman("inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", liferay_name)
    addresses = out.stdout.split()
    assert len(addresses) == 1, out.stdout
    return addresses[0]


class MailLogs:
    def __init__(self, mail):
        self.mail = mail

    @property
    def postfix(self):
        return self.mail.file(MAIL_WORKDIR + "/postfix/maillog").content_string

    @property
    def dovecot(self):
        return self.mail.file(MAIL_WORKDIR + "/dovecot/dovecot.log").content_string


@pytest.fixture
def mail_logs(mail):
    return MailLogs(mail)


class Playbook:
    """ansible-playbook with Molecule's inventory and configuration (the verifier's environment)."""

    def __init__(self, proc):
        self.returncode = proc.returncode
        self.output = proc.stdout + proc.stderr
        self.recap = {
            host: {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", counts)}
            for host, counts in re.findall(r"^(\S+)\s+: (ok=.*)$", proc.stdout, re.MULTILINE)
        }


@pytest.fixture(scope="session")
def playbook(tmp_path_factory):
    """Callable: (playbook path relative to the repository, **extra vars) -> Playbook."""
    tmp = tmp_path_factory.mktemp("playbook")

    def run(path, *args, **extra_vars):
        command = [str(BIN / "ansible-playbook"), "-i", inventory_file(), str(ROOT / path), *args]
        if extra_vars:
            # a file, not the command line: extra vars may hold passwords
            vars_file = tmp / ("vars-%d.json" % len(list(tmp.iterdir())))
            vars_file.write_text(json.dumps(extra_vars), encoding="utf-8")
            command += ["-e", "@%s" % vars_file]
        env = dict(os.environ, ANSIBLE_FORCE_COLOR="0", ANSIBLE_NOCOLOR="1")
        return Playbook(subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False))

    return run


@pytest.fixture(scope="session")
def java(liferay_name, liferay, tmp_path_factory):
    """Callable: (class name, *args) -> the command's result, run as the liferay user in the Liferay
    container with Commons Configuration and Jakarta Mail (Debian's jars) on the class path."""
    javac = shutil.which("javac")
    if not javac:
        pytest.fail("javac is needed on the controller to compile the test programs (make test installs a JDK)")
    work = tmp_path_factory.mktemp("java")
    jars = work / "jars"
    jars.mkdir()
    for jar in JARS:  # Debian's /usr/share/java/NAME.jar are symbolic links to the versioned jars
        real = liferay.check_output("readlink -f /usr/share/java/%s.jar", jar)
        podman("cp", "%s:%s" % (liferay_name, real), str(jars / (jar + ".jar")))
    classes = work / "classes"
    subprocess.run(
        [javac, "--release", "17", "-d", str(classes), "-cp", ":".join(str(jars / (jar + ".jar")) for jar in JARS)]
        + [str(source) for source in JAVA_SOURCES],
        check=True,
    )
    liferay.check_output("rm -rf %s && mkdir -p %s", JAVA_DIR, JAVA_DIR)
    podman("cp", "%s/." % classes, "%s:%s" % (liferay_name, JAVA_DIR))
    liferay.check_output("chmod -R a+rX %s", TEST_DIR)
    classpath = ":".join([JAVA_DIR] + ["/usr/share/java/%s.jar" % jar for jar in JARS])

    def run(main_class, *args):
        # a UTF-8 locale, as Liferay's start scripts have: arguments and output are UTF-8
        command = "runuser -u liferay -- env LC_ALL=C.UTF-8 java -cp %s " + main_class + " %s" * len(args)
        return liferay.run(command, classpath, *args)

    return run


@pytest.fixture(scope="session")
def read_properties(java):
    """Callable: path in the Liferay container -> {key: value} as Liferay reads it (getProperties)."""

    def read(path):
        result = java("LiferayPropertiesReader", path)
        assert result.rc == 0, result.stderr
        values = {}
        for line in result.stdout.splitlines():
            key, _string, props = (base64.b64decode(part).decode("utf-8") for part in line.split("\t"))
            values[key] = props
        return values

    return read


@pytest.fixture(scope="session")
def properties_path(liferay_vars):
    """portal-ext.properties in the Liferay container (in the inventory's LIFERAY_HOME)."""
    return liferay_vars["mail_session_liferay_home"] + "/portal-ext.properties"
