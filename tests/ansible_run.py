"""Run the real ansible-playbook against local 'hosts' whose LIFERAY_HOME lives in a temp dir."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def write_inventory(path, hosts, group_vars):
    """hosts: {name: {var: value}}; every host is this machine over the local connection."""
    inventory = {
        "all": {
            "children": {
                "liferay": {
                    "hosts": {
                        name: dict(
                            {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}, **host_vars
                        )
                        for name, host_vars in hosts.items()
                    },
                    "vars": group_vars,
                }
            }
        }
    }
    path.write_text(yaml.safe_dump(inventory, allow_unicode=True), encoding="utf-8")
    return path


class Run:
    def __init__(self, proc):
        self.returncode = proc.returncode
        self.output = proc.stdout + proc.stderr
        self.recap = {
            host: {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", counts)}
            for host, counts in re.findall(r"^(\S+)\s+: (ok=.*)$", proc.stdout, re.MULTILINE)
        }

    def total(self, counter):
        return sum(host.get(counter, 0) for host in self.recap.values())


def playbook(inventory, *args, playbook="playbooks/site.yml", extra_env=None):
    env = dict(os.environ)
    env.update(
        {
            "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_NOCOLOR": "1",
            "PATH": "%s:%s" % (BIN, env.get("PATH", "")),
        }
    )
    env.update(extra_env or {})
    proc = subprocess.run(
        [str(BIN / "ansible-playbook"), "-i", str(inventory), str(ROOT / playbook), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return Run(proc)
