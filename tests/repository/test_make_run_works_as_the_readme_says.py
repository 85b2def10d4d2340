"""`make run` as the README promises it: on a copy of this checkout, twice. The first run proves the
round trip through the demo mail server, prints what Liferay will use and the written file with
every secret masked; the second changes nothing."""

from __future__ import annotations

import os
import shutil
import subprocess

from harness.ansible_run import ROOT

DEMO_PASSWORD = "demo p@ss,1ü"  # inventory/local's vault (tools/demo_mail_server.py's default account)


def checkout_copy(target):
    """The files git would hand a new clone (tracked and untracked-not-ignored), modification times kept."""
    names = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, names):
        source = ROOT / os.fsdecode(name)
        if not source.is_file():
            continue  # deleted in the working tree
        destination = target / os.fsdecode(name)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
    # the venv make test already built; -o below keeps make from rebuilding it
    (target / ".venv").symlink_to(ROOT / ".venv")


def make_run(checkout):
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    proc = subprocess.run(
        ["make", "-o", ".venv/bin/.installed", "run"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr


def test_make_run_twice_round_trip_masked_printout_then_nothing_to_change(tmp_path):
    checkout = tmp_path / "checkout"
    checkout_copy(checkout)

    code, first = make_run(checkout)

    assert code == 0, first
    assert "round trip: the probe arrived after" in first
    assert "and was deleted" in first
    # what Liferay will use, from the file the role wrote in the copy
    home = checkout / ".run" / "liferay"
    assert "mail.session.mail.smtp.host = 127.0.0.1  (%s/portal-ext.properties" % home in first
    assert "mail.session.mail.smtp.password = ********" in first
    # the file, printed with the secrets masked
    assert "== .run/liferay/portal-ext.properties (secrets masked) ==" in first
    assert "mail.session.mail.smtp.password=********" in first
    assert "mail.session.mail.pop3.password=********" in first
    assert DEMO_PASSWORD not in first
    assert DEMO_PASSWORD.split()[1] not in first
    # and the file really holds the password (the masking is in the printout only)
    assert "demo p@ss" in (home / "portal-ext.properties").read_text(encoding="utf-8")
    assert "changed=1" in first

    code, second = make_run(checkout)

    assert code == 0, second
    assert "changed=0" in second and "failed=0" in second
    assert "round trip: the probe arrived after" in second
    assert DEMO_PASSWORD not in second
    # the demo mail server was stopped after each run
    assert "demo mail server stopped" in second
