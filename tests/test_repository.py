"""Repository-level promises: module docs render, the example inventory validates, its vault is encrypted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ansible_run import ROOT, playbook

BIN = Path(sys.executable).parent
MODULES = sorted(path.stem for path in (ROOT / "roles/mail_session/library").glob("*.py"))


@pytest.mark.parametrize("module", MODULES)
def test_ansible_doc_renders_every_module(module):
    proc = subprocess.run(
        [str(BIN / "ansible-doc"), "-M", str(ROOT / "roles/mail_session/library"), module],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "OPTIONS" in proc.stdout and "EXAMPLES" in proc.stdout
    assert "[WARNING]" not in proc.stderr


def test_every_role_variable_is_declared_and_documented():
    role = ROOT / "roles/mail_session"
    specs = yaml.safe_load((role / "meta/argument_specs.yml").read_text())["argument_specs"]["main"]["options"]
    defaults = yaml.safe_load((role / "defaults/main.yml").read_text())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in defaults:
        assert name in specs, "%s has a default but no argument spec" % name
    for name, spec in specs.items():
        assert name.startswith("mail_session_")
        assert spec.get("type") and spec.get("description"), name
        assert "`%s`" % name in readme, "%s is not documented in README.md" % name


def test_example_inventory_vault_is_encrypted_and_validates_without_connecting():
    vault = ROOT / "inventory/example/group_vars/liferay/vault.yml"
    assert vault.read_text().startswith("$ANSIBLE_VAULT;")
    run = playbook(
        ROOT / "inventory/example/hosts.yml",
        "--tags",
        "mail_session_validate",
        "--vault-password-file",
        str(ROOT / "inventory/example/vault-password.example"),
    )
    assert run.returncode == 0, run.output
    assert run.total("unreachable") == 0
    assert "change me" not in run.output
