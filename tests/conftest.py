"""What every test may use: the collection importable from this checkout, the in-process module runner,
the real readers of what the role writes, and the real mail server.

- ``run_module``: a module's ``main()`` run in-process, the way Ansible's own unit tests run modules;
- ``commons_configuration``, ``portal_ext``, ``liferay_chain``, ``java_util_properties``: the real
  readers (tests/java/ on Debian's jars); ``as_liferay``: what the Liferay user may do with a file, in a
  ``liferay_tree`` it can reach;
- ``mail_server``: the real Postfix + Dovecot on loopback, one for the session; ``running(server)``
  starts any server of tests/harness/ for a fixture and stops it afterwards.

What the tests start and build is in tests/harness/ (its docstring lists it); the test files are grouped
by what they prove: codecs/, settings/, modules/, playbooks/, repository/ (docs/testing.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pytest
from ansible.module_utils import basic
from ansible.module_utils.common import warnings as ansible_warnings
from harness import ROOT, java
from harness.dbserver import DatabaseServerError
from harness.liferay_homes import LIFERAY_USER
from harness.mailserver import MailServer, MailServerError

sys.path.insert(0, str(ROOT / "tools"))

from dev_collection import ensure as ensure_collection_link

# The collection's code is imported as ansible_collections.liferay_ops.mail.plugins...: the
# checkout, linked as .run/collections/ansible_collections/liferay_ops/mail, is that package.
COLLECTIONS = ensure_collection_link()
sys.path.insert(0, str(COLLECTIONS))
os.environ["ANSIBLE_COLLECTIONS_PATH"] = str(COLLECTIONS)

# --------------------------------------------------------------------------
# modules, in-process
# --------------------------------------------------------------------------


@pytest.fixture
def run_module(monkeypatch, capsys, tmp_path):
    """Callable: (module, check_mode=False, diff=False, **args) -> the result dict *module*'s main() printed,
    its warnings as plain strings, plus "_printed" (the raw output) and "_elapsed" (seconds main() took).
    The exit code must agree with the result (1 when it failed)."""
    ansible_tmp = tmp_path / "ansible-tmp"

    def run(module, /, check_mode=False, diff=False, **args):
        ansible_tmp.mkdir(exist_ok=True)
        args = {**args, "_ansible_check_mode": check_mode, "_ansible_diff": diff, "_ansible_tmpdir": str(ansible_tmp)}
        monkeypatch.setattr(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode())
        monkeypatch.setattr(basic, "_ANSIBLE_PROFILE", "legacy", raising=False)
        monkeypatch.setattr(ansible_warnings, "_global_warnings", {})
        capsys.readouterr()  # drop anything printed before
        started = time.monotonic()
        with pytest.raises(SystemExit) as exited:
            module.main()
        elapsed = time.monotonic() - started
        printed = capsys.readouterr().out
        result = json.loads(printed)
        assert exited.value.code == (1 if result.get("failed") else 0), result
        result["warnings"] = [w if isinstance(w, str) else w["event"]["msg"] for w in result.get("warnings", [])]
        result["_printed"] = printed
        result["_elapsed"] = elapsed
        return result

    return run


# --------------------------------------------------------------------------
# the real readers
# --------------------------------------------------------------------------


def java_program(tmp_path_factory, main, classpath=java.COMMONS_CONFIGURATION, liferay_properties=True):
    """tests/java/<main>.java compiled for this session (harness.java.JavaProgram); what it needs is
    required, never skipped for (make test installs it)."""
    missing = java.missing(classpath)
    if missing:
        pytest.fail("%s needs %s (make test installs them)" % (main, ", ".join(missing)))
    return java.JavaProgram(tmp_path_factory.mktemp(main), main, classpath, liferay_properties)


@pytest.fixture(scope="session")
def commons_configuration(tmp_path_factory):
    """Callable: path of a properties file -> {key: (getString, getProperties)} read by the real jar
    (tests/java/LiferayPropertiesReader.java)."""
    reader = java_program(tmp_path_factory, "LiferayPropertiesReader")

    def read(path):
        return {
            key: (string, props) for key, string, props in map(java.b64_fields, reader.run(path).stdout.splitlines())
        }

    return read


@pytest.fixture(scope="session")
def portal_ext(commons_configuration):
    """Callable: LIFERAY_HOME -> {key: value} of its portal-ext.properties as Liferay reads it (getString of the
    real Commons Configuration 1.10)."""

    def read(home):
        return {key: pair[0] for key, pair in commons_configuration(Path(home) / "portal-ext.properties").items()}

    return read


@pytest.fixture(scope="session")
def liferay_chain(tmp_path_factory):
    """Callable: LIFERAY_HOME -> {key: value} as Liferay aggregates its properties files
    (tests/java/LiferayChainReader.java, on the real Commons Configuration 1.10)."""
    reader = java_program(tmp_path_factory, "LiferayChainReader")

    def read(*homes):
        """One home -> {key: value}; several -> a list of those, read in one JVM."""
        results = [{} for _ in homes]
        for line in reader.run(*homes).stdout.splitlines():
            index, fields = line.split("\t", 1)
            key, value = java.b64_fields(fields)
            results[int(index)][key] = value
        return results[0] if len(homes) == 1 else results

    return read


@pytest.fixture(scope="session")
def java_util_properties(tmp_path_factory):
    """Callable: text -> {key: value} as java.util.Properties.load(Reader) reads it, what Liferay's
    PropertiesUtil.load does with additionalJavaMailProperties (tests/java/JavaUtilPropertiesReader.java)."""
    reader = java_program(tmp_path_factory, "JavaUtilPropertiesReader", classpath=(), liferay_properties=False)

    def read(text):
        source = reader.out / "input.properties"
        source.write_text(text, encoding="utf-8")
        return dict(map(java.b64_fields, reader.run(source).stdout.splitlines()))

    return read


@pytest.fixture(scope="session")
def as_liferay():
    """Callable: path -> (canRead, canWrite) for the Liferay user (harness.liferay_homes.LIFERAY_USER), by
    java.io.File as Liferay's file installer asks (tests/java/FileAccess.java)."""
    classes = Path(tempfile.mkdtemp(prefix="mail-session-java-"))
    try:
        os.chmod(classes, 0o755)  # noqa: S103 (the Liferay user runs the class from here)
        program = java.JavaProgram(classes, "FileAccess")

        def access(path):
            readable, writable = program.run(path, user=LIFERAY_USER).stdout.split()
            return readable == "true", writable == "true"

        yield access
    finally:
        shutil.rmtree(classes, ignore_errors=True)


@pytest.fixture
def liferay_tree():
    """A fresh directory under the system's temporary directory that the Liferay user can traverse (0755),
    removed afterwards; for tests that set the owner root and switch to the Liferay user (as root only)."""
    if os.geteuid() != 0:
        pytest.fail("these tests set the owner root and switch to the Liferay user: run them as root")
    base = Path(tempfile.mkdtemp(prefix="mail-session-liferay-"))
    try:
        os.chmod(base, 0o755)  # noqa: S103 (the Liferay user must reach what is below)
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


# --------------------------------------------------------------------------
# servers
# --------------------------------------------------------------------------


@contextlib.contextmanager
def running(server):
    """*server* (a server of tests/harness/) started, and stopped afterwards; one that cannot start fails
    the test with the reason (the tests never skip for want of a server: make test installs them)."""
    try:
        server.start()
    except (MailServerError, DatabaseServerError) as exc:
        pytest.fail(str(exc))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def mail_server():
    """The real Postfix + Dovecot (tests/harness/mailserver.py) on loopback, started once for the session."""
    with running(MailServer()) as server:
        yield server
