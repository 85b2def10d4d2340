"""Shared by the tests of the OSGi/generation/database modules: run a module in-process, build fixtures."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from ansible.module_utils import basic
from ansible.module_utils.common import warnings as ansible_warnings


def module_runner(module_main, monkeypatch, capsys, tmp_path):
    """Callable: module args -> the result dict the module printed (warnings as plain strings)."""
    ansible_tmp = tmp_path / "ansible-tmp"
    ansible_tmp.mkdir(exist_ok=True)

    def run(check_mode=False, diff=False, **args):
        args = {
            **args,
            "_ansible_check_mode": check_mode,
            "_ansible_diff": diff,
            "_ansible_tmpdir": str(ansible_tmp),
        }
        monkeypatch.setattr(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode())
        monkeypatch.setattr(basic, "_ANSIBLE_PROFILE", "legacy", raising=False)
        monkeypatch.setattr(ansible_warnings, "_global_warnings", {})
        capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            module_main()
        printed = capsys.readouterr().out
        result = json.loads(printed)
        assert exited.value.code == (1 if result.get("failed") else 0)
        result["warnings"] = [w if isinstance(w, str) else w["event"]["msg"] for w in result.get("warnings", [])]
        result["_printed"] = printed
        return result

    return run


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


def bundle(
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
