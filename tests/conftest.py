"""Shared fixtures: the collection importable from this checkout, the real Commons Configuration reader."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from dev_collection import ensure as ensure_collection_link  # noqa: E402

# The collection's code is imported as ansible_collections.liferay_ops.mail.plugins...: the
# checkout, linked as .run/collections/ansible_collections/liferay_ops/mail, is that package.
COLLECTIONS = ensure_collection_link()
sys.path.insert(0, str(COLLECTIONS))
os.environ["ANSIBLE_COLLECTIONS_PATH"] = str(COLLECTIONS)

JAVA_CLASSPATH = [
    "/usr/share/java/commons-configuration.jar",
    "/usr/share/java/commons-lang.jar",
    "/usr/share/java/commons-logging.jar",
]


@pytest.fixture(scope="session")
def commons_configuration(tmp_path_factory):
    """Callable: path of a properties file -> {key: (getString, getProperties)} read by the real jar."""
    missing = [jar for jar in JAVA_CLASSPATH if not os.path.exists(jar)]
    if missing or not shutil.which("javac"):
        pytest.fail(
            "the real Commons Configuration 1.10 parser is required: install "
            "libcommons-configuration-java, libcommons-lang-java and a JDK (make test does)"
        )
    out = tmp_path_factory.mktemp("java")
    classpath = ":".join(JAVA_CLASSPATH)
    subprocess.run(
        ["javac", "-d", str(out), "-cp", classpath, str(ROOT / "tests" / "java" / "LiferayPropertiesReader.java")],
        check=True,
    )

    def read(path):
        proc = subprocess.run(
            ["java", "-cp", "%s:%s" % (out, classpath), "LiferayPropertiesReader", str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
        result = {}
        for line in proc.stdout.splitlines():
            key, string, props = (base64.b64decode(part).decode("utf-8") for part in line.split("\t"))
            result[key] = (string, props)
        return result

    return read


@pytest.fixture(scope="session")
def liferay_chain(tmp_path_factory):
    """Callable: LIFERAY_HOME -> {key: value} as Liferay aggregates its properties files
    (tests/java/LiferayChainReader.java, on the real Commons Configuration 1.10)."""
    missing = [jar for jar in JAVA_CLASSPATH if not os.path.exists(jar)]
    if missing or not shutil.which("javac"):
        pytest.fail("the real Commons Configuration 1.10 parser is required (make test installs it)")
    out = tmp_path_factory.mktemp("java-chain")
    classpath = ":".join(JAVA_CLASSPATH)
    subprocess.run(
        ["javac", "-d", str(out), "-cp", classpath, str(ROOT / "tests" / "java" / "LiferayChainReader.java")],
        check=True,
    )

    def read(*homes):
        """One home -> {key: value}; several -> a list of those, read in one JVM."""
        proc = subprocess.run(
            ["java", "-cp", "%s:%s" % (out, classpath), "LiferayChainReader", *map(str, homes)],
            check=True,
            capture_output=True,
            text=True,
        )
        results = [{} for _ in homes]
        for line in proc.stdout.splitlines():
            index, key, value = line.split("\t")
            results[int(index)][base64.b64decode(key).decode("utf-8")] = base64.b64decode(value).decode("utf-8")
        return results[0] if len(homes) == 1 else results

    return read


@pytest.fixture(scope="session")
def java_util_properties(tmp_path_factory):
    """Callable: text -> {key: value} as java.util.Properties.load(Reader) reads it, what Liferay's
    PropertiesUtil.load does with additionalJavaMailProperties (tests/java/JavaUtilPropertiesReader.java)."""
    if not shutil.which("javac"):
        pytest.fail("a JDK is required for java.util.Properties (make test installs one)")
    out = tmp_path_factory.mktemp("java-properties")
    subprocess.run(
        ["javac", "-d", str(out), str(ROOT / "tests" / "java" / "JavaUtilPropertiesReader.java")],
        check=True,
    )

    def read(text):
        source = out / "input.properties"
        source.write_text(text, encoding="utf-8")
        proc = subprocess.run(
            ["java", "-cp", str(out), "JavaUtilPropertiesReader", str(source)],
            check=True,
            capture_output=True,
            text=True,
        )
        result = {}
        for line in proc.stdout.splitlines():
            key, value = (base64.b64decode(part).decode("utf-8") for part in line.split("\t"))
            result[key] = value
        return result

    return read


@pytest.fixture(scope="session")
def mail_server():
    """The real Postfix + Dovecot (tests/mailserver.py) on loopback, started once for the session."""
    from mailserver import MailServer, MailServerError

    server = MailServer()
    try:
        server.start()
    except MailServerError as exc:
        pytest.fail(str(exc))
    yield server
    server.stop()
