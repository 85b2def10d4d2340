"""LIFERAY_HOMEs on disk as Liferay's release tooling lays them out, and directories the Liferay user
owns (no pytest in here).

``liferay_home()`` writes what the generation_info module reads in real bundles and Docker images:
``.liferay-version`` / ``.githash`` / ``.liferay-home`` as Liferay's release tool writes them
(liferay/liferay-docker release/_package.sh), ``portal-impl.jar`` with the manifest attributes Liferay's
build writes (``Liferay-Portal-Release-Info``, ``Liferay-Portal-Version``), and module jars under
``osgi/``, loose or inside ``.lpkg`` archives; jars are built with zipfile.
"""

from __future__ import annotations

import grp
import io
import os
import shutil
import stat
import zipfile
from pathlib import Path

# stand for the user Liferay runs as (not root) and its group
LIFERAY_USER, LIFERAY_GROUP = "nobody", "nogroup"


def jar_bytes(manifest=None, entries=()):
    """A small jar (zip) with an optional META-INF/MANIFEST.MF and extra empty entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if manifest is not None:
            archive.writestr("META-INF/MANIFEST.MF", manifest)
        for name in entries:
            archive.writestr(name, b"")
    return buffer.getvalue()


def manifest_text(attributes):
    """A manifest as jar tools write it: 'Name: value', lines wrapped at 72 bytes with a leading space."""
    lines = ["Manifest-Version: 1.0"]
    for name, value in attributes.items():
        line = "%s: %s" % (name, value)
        first, rest = line[:72], line[72:]
        lines.append(first)
        while rest:
            lines.append(" " + rest[:71])
            rest = rest[71:]
    return "\r\n".join(lines) + "\r\n\r\n"


def liferay_home(
    root,
    version_file=None,
    impl=None,
    impl_dir="tomcat-9.0.56/webapps/ROOT/WEB-INF/lib",
    modules=(),
    lpkgs=None,
    properties=None,
    configs=(),
):
    """A minimal LIFERAY_HOME with the files the module reads."""
    root.mkdir(parents=True)
    (root / ".liferay-home").write_text("")
    (root / ".githash").write_text("0123456789abcdef0123456789abcdef01234567\n")
    if version_file is not None:
        (root / ".liferay-version").write_text(version_file + "\n")
    if impl is not None:
        lib = root / impl_dir
        lib.mkdir(parents=True)
        (lib / "portal-impl.jar").write_bytes(
            jar_bytes(manifest_text(impl), ["com/liferay/portal/util/PropsValues.class"])
        )
    for module in modules:
        target = root / "osgi" / module
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(jar_bytes(manifest_text({"Bundle-SymbolicName": target.stem})))
    for name, entries in (lpkgs or {}).items():
        target = root / "osgi" / "marketplace" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(jar_bytes(None, entries))
    (root / "osgi" / "configs").mkdir(parents=True, exist_ok=True)
    for name in configs:
        (root / "osgi" / "configs" / name).write_text('outgoingSMTPServer="x"\n')
    if properties is not None:
        (root / "portal-ext.properties").write_text(properties)
    return root


def dxp_2026(root, properties=None):
    """A Liferay DXP 2026.Q1 bundle as Liferay's release tool builds it (the mail settings module installed)."""
    return liferay_home(
        root,
        version_file="2026.q1.0-lts",
        impl={"Liferay-Portal-Release-Info": "Liferay Digital Experience Platform 2026.Q1.0 LTS (Build 7413)"},
        impl_dir="tomcat/webapps/ROOT/WEB-INF/shielded-container-lib",
        modules=["portal/com.liferay.mail.settings.api.jar"],
        properties=properties,
    )


def portal_ext_homes(directory, names, portal_ext):
    """{name: directory/name}: LIFERAY_HOMEs that hold nothing but a portal-ext.properties with *portal_ext*."""
    homes = {}
    for name in names:
        home = directory / name
        home.mkdir()
        (home / "portal-ext.properties").write_text(portal_ext, encoding="utf-8")
        homes[name] = home
    return homes


def hand_to_liferay(configs, up_to):
    """*configs* becomes the Liferay user's directory (LIFERAY_USER:LIFERAY_GROUP, 0750), and
    every directory from *up_to* down to its parent traversable (0755)."""
    directory = configs.parent
    while True:
        os.chmod(directory, 0o755)  # noqa: S103
        if directory == up_to:
            break
        directory = directory.parent
    shutil.chown(configs, LIFERAY_USER, LIFERAY_GROUP)
    os.chmod(configs, 0o750)  # noqa: S103 (its group reads)


def owner_group_mode(path):
    """(owner name, group name, permission bits) of *path*."""
    info = os.stat(path)
    return Path(path).owner(), grp.getgrgid(info.st_gid).gr_name, stat.S_IMODE(info.st_mode)
