"""The Java programs of tests/java/, compiled and run on Debian's jars (no pytest in here).

Every program that reads portal properties is compiled together with ``LiferayProperties.java``, the
one place where a file is loaded and read the way Liferay reads it (the molecule scenarios compile it
with their own program too: molecule/conftest.py).
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from pathlib import Path

from harness import TESTS

SOURCES = TESTS / "java"
LIFERAY_PROPERTIES = SOURCES / "LiferayProperties.java"
# Apache Commons Configuration 1.10 (libcommons-configuration-java) and what it needs
COMMONS_CONFIGURATION = (
    "/usr/share/java/commons-configuration.jar",
    "/usr/share/java/commons-lang.jar",
    "/usr/share/java/commons-logging.jar",
)
JAKARTA_MAIL = ("/usr/share/java/jakarta-mail.jar", "/usr/share/java/jakarta-activation.jar")


def missing(classpath=()):
    """What prevents compiling against *classpath* here (empty list = nothing)."""
    problems = [jar for jar in classpath if not os.path.exists(jar)]
    if not shutil.which("javac"):
        problems.append("javac (a JDK)")
    return problems


def b64_fields(line):
    """The tab-separated base64 fields the readers print, decoded (base64 keeps every character intact)."""
    return [base64.b64decode(field).decode("utf-8") for field in line.split("\t")]


class JavaProgram:
    """tests/java/<main>.java compiled into *out* against *classpath* (with LiferayProperties.java when
    *liferay_properties*); run(*args) runs it (as *user* when given) and returns the finished process
    (text, checked)."""

    def __init__(self, out, main, classpath=(), liferay_properties=False):
        self.out, self.main = Path(out), main
        self.classpath = ":".join([str(self.out), *classpath])
        sources = [SOURCES / (main + ".java"), *([LIFERAY_PROPERTIES] if liferay_properties else [])]
        subprocess.run(["javac", "-d", str(self.out), "-cp", self.classpath, *map(str, sources)], check=True)

    def run(self, *args, user=None, **kwargs):
        command = ["java", "-cp", self.classpath, self.main, *map(str, args)]
        if user:
            command = ["runuser", "-u", user, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)
