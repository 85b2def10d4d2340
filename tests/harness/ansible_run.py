"""Run the real ansible-playbook (and ansible, for one module) against this machine as local hosts, with
inventories of local hosts and the role's variables for fictional or real mail servers (no pytest in here)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from harness import ROOT
from harness.mailserver import MailServer

BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "tools"))

from dev_collection import ensure as ensure_collection_link  # noqa: E402

# this checkout as the collection liferay_ops.mail (tools/dev_collection.py)
COLLECTIONS = str(ensure_collection_link())


def fictional_servers(smtp_password, pop_password):
    """Role variables for mail servers that do not exist: STARTTLS submission and POP3S with
    credentials, verification off. For tests about what is written; the servers must never be
    contacted (verification has its own tests against real Postfix/Dovecot on loopback)."""
    return {
        "mail_session_smtp_host": "smtp.example.com",
        "mail_session_smtp_security": "starttls",
        "mail_session_smtp_user": "liferay@example.com",
        "mail_session_smtp_password": smtp_password,
        "mail_session_pop_host": "pop.example.com",
        "mail_session_pop_security": "ssl",
        "mail_session_pop_user": "liferay@example.com",
        "mail_session_pop_password": pop_password,
        "mail_session_javamail_properties": {"mail.smtp.connectiontimeout": 10000},
        "mail_session_from_address": "portal@example.com",
        "mail_session_verify": "skip",
    }


# the role's security for each listener of tests/harness/mailserver.py the role may send through
SMTP_SECURITY = {"submission": "starttls", "smtps": "ssl"}


def real_servers(server, smtp="submission", user=MailServer.USER, password=MailServer.PASSWORD):
    """Role variables for the real Postfix + Dovecot of *server* (harness.mailserver.MailServer), reached as
    localhost: SMTP on its listener *smtp* (submission: STARTTLS, smtps: implicit TLS), POP3S, the account
    *user* for both, and the run's CA for the verification."""
    return {
        "mail_session_smtp_host": "localhost",
        "mail_session_smtp_port": server.ports[smtp],
        "mail_session_smtp_security": SMTP_SECURITY[smtp],
        "mail_session_smtp_user": user,
        "mail_session_smtp_password": password,
        "mail_session_store_protocol": "pop3",
        "mail_session_pop_host": "localhost",
        "mail_session_pop_port": server.ports["pop3s"],
        "mail_session_pop_security": "ssl",
        "mail_session_pop_user": user,
        "mail_session_pop_password": password,
        "mail_session_verify_ca_file": str(server.ca_file),
    }


def local_hosts(path, homes, base_vars):
    """inventory(**overrides) -> *path*, an inventory of *homes* ({host name: its LIFERAY_HOME}) as local hosts,
    each with its mail_session_liferay_home, and *base_vars* updated with *overrides* as the group's variables."""

    def inventory(**overrides):
        hosts = {name: {"mail_session_liferay_home": str(home)} for name, home in homes.items()}
        return write_inventory(path, hosts, dict(base_vars, **overrides))

    return inventory


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


def _core_version():
    from ansible.release import __version__

    return tuple(int(part) for part in __version__.split(".")[:2])


# ansible-core before 2.19 (make matrix runs 2.16) prints what the tests read in another layout:
# every warning wrapped at 79 columns (Display.warning's textwrap when stdout is no terminal), and a
# failed task's message only inside its result, folded by the YAML dumper. On those versions the
# output is read as 2.19+ prints it: one line per warning, and each failure's msg on a line of its
# own. Nothing changes on 2.19+. (docs/compatibility.md)
LEGACY_DISPLAY = _core_version() < (2, 19)
_WRAP_COLUMNS = 79
_BLOCK_START = re.compile(r"^\[[A-Z][A-Z ]*\]: ")  # [WARNING]: , [DEPRECATION WARNING]:
_FAILED_RESULT = re.compile(r"^(?:fatal|failed): \[[^\]]+\].* => ?$")


def _unwrap_warnings(text):
    lines = []
    physical = None  # the last line as printed, within a warning
    for line in text.split("\n"):
        # textwrap broke the previous line only where the next word did not fit in the columns
        if (
            physical is not None
            and line.strip()
            and not _BLOCK_START.match(line)
            and len(physical) + 1 + len(line.split()[0]) > _WRAP_COLUMNS
        ):
            # after a hyphen (break_on_hyphens) the parts join without a space
            lines[-1] += line if physical.endswith("-") else " " + line
            physical = line
            continue
        physical = line if _BLOCK_START.match(line) else None
        lines.append(line)
    return "\n".join(lines)


def _failure_messages(stdout):
    messages = []
    lines = stdout.split("\n")
    for index, line in enumerate(lines):
        if not _FAILED_RESULT.match(line):
            continue
        block = []
        for following in lines[index + 1 :]:
            if following and not following.startswith(" "):
                break
            block.append(following)
        try:
            result = yaml.safe_load("\n".join(block))
        except yaml.YAMLError:
            continue
        if isinstance(result, dict) and isinstance(result.get("msg"), str):
            messages.append("[ERROR]: %s\n" % " ".join(result["msg"].split("\n")))
    return "".join(messages)


class Run:
    def __init__(self, proc):
        self.returncode = proc.returncode
        self.output = proc.stdout + proc.stderr
        if LEGACY_DISPLAY:
            self.output = proc.stdout + _unwrap_warnings(proc.stderr) + _failure_messages(proc.stdout)
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
            "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS,
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


def ansible_module(tmp_path, module, args, *, diff=False, args_from_vars=False, extra_vars=None):
    """Run one module ad hoc on this machine through the real `ansible` CLI, at -vvv.

    args_from_vars: every argument travels in an extra-vars file and reaches -a as a template, as
    values do from inventory; then the command line carries no secret (ansible-core prints the raw
    -a text as the origin of some errors, before no_log applies).
    extra_vars: more variables (for arguments written as templates of them).
    -> (return code, stdout + stderr)
    """
    variables = dict(extra_vars or {})
    if args_from_vars:
        variables["module_args"] = args
        args = {key: "{{ module_args[%r] }}" % key for key in args}
    command = [str(BIN / "ansible"), "localhost", "-i", "localhost,", "-c", "local"]
    command += ["-e", "ansible_python_interpreter=%s" % sys.executable]
    if variables:
        vars_file = tmp_path / "ansible-extra-vars.json"
        vars_file.write_text(json.dumps(variables), encoding="utf-8")
        command += ["-e", "@%s" % vars_file]
    command += ["-m", module, "-a", json.dumps(args), "-vvv"] + (["--diff"] if diff else [])
    env = dict(
        os.environ,
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_COLLECTIONS_PATH=COLLECTIONS,
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"),
        ANSIBLE_REMOTE_TMP=str(tmp_path / "ansible-remote"),
        ANSIBLE_NOCOLOR="1",
    )
    proc = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    return proc.returncode, proc.stdout + proc.stderr
