"""The collection as a user gets it: built with ansible-galaxy, installed from the tarball into a
collections path of its own, used by full name from a project outside this repository (its own
ansible.cfg, no path into the checkout), and what it writes read back by the real Commons
Configuration 1.10."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml
from harness.ansible_run import ROOT, fictional_servers

BIN = Path(sys.executable).parent


def run(command, cwd, env):
    proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def clean_environment(config):
    """The environment without any Ansible setting of the test session (no path into the checkout)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    env.update(ANSIBLE_CONFIG=str(config), ANSIBLE_NOCOLOR="1", PATH="%s:%s" % (BIN, env.get("PATH", "")))
    return env


def test_the_built_tarball_installs_and_runs_by_full_name_outside_the_repository(tmp_path, commons_configuration):
    project = tmp_path / "project"
    project.mkdir()
    (project / "ansible.cfg").write_text(
        "[defaults]\ncollections_path = %s\ninterpreter_python = auto_silent\n" % (tmp_path / "collections"),
        encoding="utf-8",
    )
    env = clean_environment(project / "ansible.cfg")

    code, output = run(
        [str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(tmp_path), str(ROOT)], project, env
    )
    assert code == 0, output
    (tarball,) = tmp_path.glob("liferay_ops-mail-*.tar.gz")
    listing = subprocess.run(["tar", "tzf", str(tarball)], capture_output=True, text=True, check=True).stdout.split()
    assert "roles/mail_session/tasks/main.yml" in listing and "plugins/modules/portal_properties.py" in listing
    # build_ignore: the example inventories (a vault password among them), local state, test machinery
    assert not [name for name in listing if name.split("/")[0] in ("inventory", ".run", ".venv", "molecule", "bench")]

    code, output = run(
        [str(BIN / "ansible-galaxy"), "collection", "install", str(tarball), "-p", str(tmp_path / "collections")],
        project,
        env,
    )
    assert code == 0, output
    installed = tmp_path / "collections" / "ansible_collections" / "liferay_ops" / "mail"
    assert (installed / "MANIFEST.json").exists()

    home = tmp_path / "liferay"
    home.mkdir()
    (home / "portal-ext.properties").write_text("jdbc.default.password=db-secret\n", encoding="utf-8")
    inventory = {
        "liferay": {
            "hosts": {"node1": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}},
            "vars": dict(
                fictional_servers("Sm7p-pässword", "P0p-secret"),
                mail_session_liferay_home=str(home),
                mail_session_liferay_version="7.4.3.132",
            ),
        }
    }
    (project / "hosts.yml").write_text(yaml.safe_dump(inventory, allow_unicode=True), encoding="utf-8")
    (project / "mail.yml").write_text(
        "- name: Configure the Liferay mail session\n"
        "  hosts: liferay\n"
        "  gather_facts: false\n"
        "  roles:\n"
        "    - role: liferay_ops.mail.mail_session\n",
        encoding="utf-8",
    )

    code, output = run([str(BIN / "ansible-playbook"), "-i", "hosts.yml", "mail.yml"], project, env)
    assert code == 0, output
    assert str(ROOT) not in output  # nothing ran from the checkout
    values = commons_configuration(home / "portal-ext.properties")
    assert values["mail.session.mail.smtp.host"][0] == "smtp.example.com"
    assert values["mail.session.mail.smtp.password"][0] == "Sm7p-pässword"
    assert values["mail.session.mail.pop3s.password"][0] == "P0p-secret"
    assert values["jdbc.default.password"][0] == "db-secret"

    # the collection's own playbook, by full name: nothing left to change
    code, output = run([str(BIN / "ansible-playbook"), "-i", "hosts.yml", "liferay_ops.mail.site"], project, env)
    assert code == 0, output
    assert "changed=0" in output

    code, output = run([str(BIN / "ansible-doc"), "-t", "role", "liferay_ops.mail.mail_session"], project, env)
    assert code == 0, output
    assert "mail_session_smtp_host" in output


def test_install_from_git_as_the_readme_says(tmp_path):
    """`ansible-galaxy collection install git+<repository>`: here from a clone of this repository's
    committed history (file:// stands in for the user's git host; nothing leaves the machine)."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "ansible.cfg").write_text(
        "[defaults]\ncollections_path = %s\n" % (tmp_path / "collections"), encoding="utf-8"
    )
    env = clean_environment(project / "ansible.cfg")
    repository = tmp_path / "repository.git"
    code, output = run(["git", "clone", "--quiet", "--bare", str(ROOT), str(repository)], project, env)
    assert code == 0, output

    code, output = run(
        [
            str(BIN / "ansible-galaxy"),
            "collection",
            "install",
            "git+file://%s" % repository,
            "-p",
            str(tmp_path / "collections"),
        ],
        project,
        env,
    )

    assert code == 0, output
    installed = tmp_path / "collections" / "ansible_collections" / "liferay_ops" / "mail"
    assert (installed / "roles" / "mail_session" / "tasks" / "main.yml").exists()
    code, output = run([str(BIN / "ansible-doc"), "liferay_ops.mail.portal_properties"], project, env)
    assert code == 0, output
