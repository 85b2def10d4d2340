"""Repository-level promises: module docs render, the example inventory validates, its vault is encrypted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from harness.ansible_run import ROOT, playbook

BIN = Path(sys.executable).parent
MODULES = sorted(path.stem for path in (ROOT / "plugins/modules").glob("*.py"))


def ansible_doc(*args):
    # ANSIBLE_COLLECTIONS_PATH (conftest) holds this checkout as liferay_ops.mail
    return subprocess.run([str(BIN / "ansible-doc"), *args], capture_output=True, text=True, check=False, cwd="/")


@pytest.mark.parametrize("module", MODULES)
def test_ansible_doc_renders_every_module_by_full_name(module):
    proc = ansible_doc("liferay_ops.mail.%s" % module)
    assert proc.returncode == 0, proc.stderr
    assert "OPTIONS" in proc.stdout and "EXAMPLES" in proc.stdout
    assert "[WARNING]" not in proc.stderr


FILTERS = sorted(path.stem for path in (ROOT / "plugins/filter").glob("*.yml"))


def test_every_filter_is_documented():
    source = (ROOT / "plugins/filter/mail_session.py").read_text(encoding="utf-8")
    assert FILTERS and all('"%s": ' % name in source for name in FILTERS)
    assert source.count('"mail_session_') == len(FILTERS)


@pytest.mark.parametrize("name", FILTERS)
def test_ansible_doc_renders_every_filter(name):
    proc = ansible_doc("-t", "filter", "liferay_ops.mail.%s" % name)
    assert proc.returncode == 0, proc.stderr
    assert "EXAMPLES" in proc.stdout and "[WARNING]" not in proc.stderr


def test_ansible_doc_renders_the_role_with_every_variable():
    proc = ansible_doc("-t", "role", "liferay_ops.mail.mail_session")
    assert proc.returncode == 0, proc.stderr
    specs = yaml.safe_load((ROOT / "roles/mail_session/meta/argument_specs.yml").read_text())
    for name in specs["argument_specs"]["main"]["options"]:
        assert name in proc.stdout, name


def test_every_role_variable_is_declared_and_documented():
    role = ROOT / "roles/mail_session"
    specs = yaml.safe_load((role / "meta/argument_specs.yml").read_text())["argument_specs"]["main"]["options"]
    defaults = yaml.safe_load((role / "defaults/main.yml").read_text())
    variables_md = (ROOT / "docs/variables.md").read_text(encoding="utf-8")
    for name in defaults:
        assert name in specs, "%s has a default but no argument spec" % name
    for name, spec in specs.items():
        assert name.startswith("mail_session_")
        assert spec.get("type") and spec.get("description"), name
        assert "`%s`" % name in variables_md, "%s is not documented in docs/variables.md" % name


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
