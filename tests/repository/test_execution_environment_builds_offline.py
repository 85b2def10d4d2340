"""The execution environment for AWX / Automation Platform: execution-environment.yml and ee/requirements.yml.

From a copy of this repository (``git ls-files``: tracked files and untracked ones that are not
ignored, as a clean clone plus the work in progress would have them), the collection tarball is
built with the real ``ansible-galaxy collection build`` from the repository's galaxy.yml, and
``ansible-builder create`` (the pinned ansible-builder) writes the build context from
execution-environment.yml. Checked:

- the requirements file names exactly the tarball galaxy.yml builds (namespace, name, version);
- the tarball carries the collection and no dependency file (requirements.txt, bindep.txt,
  meta/execution-environment.yml) that ansible-builder's introspection would turn into installs;
- the generated context holds the galaxy requirements and that tarball, and no python or system
  requirements; its Containerfile installs the collection offline and nothing else beyond
  ansible-builder's own machinery;
- ansible-builder's introspection of the collection installed from that requirements file finds
  no Python and no system requirement (with a control that it does see one when there is one).

test_image_builds_offline_and_runs_the_playbook builds the image with podman on a local Debian
base (no registry is reachable here, so the Red Hat base image is replaced by one made from
molecule/images/build's debootstrap image plus Python, ansible-core and ansible-runner), with the
network switched off for the whole ansible-builder build, then runs ansible-galaxy, ansible-doc and
the collection's playbook liferay_ops.mail.site with a vaulted inventory inside the image.
"""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from harness import ROOT
from harness.ansible_run import fictional_servers

BIN = Path(sys.executable).parent

DEFAULT_BASE_IMAGE = "registry.redhat.io/ansible-automation-platform-25/ee-minimal-rhel9:latest"
# files in a collection that ansible-builder's introspection reads as Python / system requirements
DEPENDENCY_FILES = [
    "requirements.txt",
    "bindep.txt",
    "meta/execution-environment.yml",
    "meta/execution-environment.yaml",
]
# what ansible-builder 3.2.0 itself pip-installs in every build: bindep and its readers in the
# throwaway builder stage, dumb-init (the entrypoint's init) in the final image
BUILDER_PIP_INSTALLS = {
    "RUN $PYCMD -m pip install --no-cache-dir bindep pyyaml packaging",
    "RUN $PYCMD -m pip install --no-cache-dir 'dumb-init==1.2.5'",
}


def run(command, *, timeout=300, **kwargs):
    proc = subprocess.run([str(part) for part in command], capture_output=True, text=True, timeout=timeout, **kwargs)
    assert proc.returncode == 0, "%s failed (%d):\n%s\n%s" % (
        " ".join(str(part) for part in command),
        proc.returncode,
        proc.stdout[-6000:],
        proc.stderr[-6000:],
    )
    return proc


def copy_repository(dest):
    """Copy the files git would hand over (tracked, and untracked but not ignored) into dest."""
    listed = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT).stdout
    for name in sorted(set(filter(None, listed.split("\0")))):
        src = ROOT / name
        if not os.path.lexists(src) or (src.is_dir() and not src.is_symlink()):
            continue  # deleted in the work tree (a move in progress), or a submodule
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            target.symlink_to(os.readlink(src))
        else:
            shutil.copy2(src, target)


def ansible_env(tmp, **extra):
    """The environment for ansible-galaxy / ansible-doc: no ansible.cfg of this checkout, and the
    collections path only where a test installs the tarball (conftest points it at the checkout)."""
    config = tmp / "ansible.cfg"
    config.write_text("[defaults]\n", encoding="utf-8")
    env = dict(os.environ, ANSIBLE_CONFIG=str(config), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    env["ANSIBLE_COLLECTIONS_PATH"] = str(tmp / "collections")
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The repository copied, its collection tarball built into ee/, and `ansible-builder create`'s
    context (outside the copy)."""
    tmp = tmp_path_factory.mktemp("ee")
    src = tmp / "src"
    copy_repository(src)
    assert (src / "galaxy.yml").is_file(), (
        "galaxy.yml is missing (not tracked, or ignored): the collection cannot be built, so the "
        "execution environment cannot be either"
    )
    galaxy = yaml.safe_load((src / "galaxy.yml").read_text(encoding="utf-8"))
    env = ansible_env(tmp)
    # a tarball someone built in the checkout earlier is not the one under test
    for stale in (src / "ee").glob("*.tar.gz"):
        stale.unlink()
    run([BIN / "ansible-galaxy", "collection", "build", "--output-path", "ee", "--force"], cwd=src, env=env)
    tarballs = sorted((src / "ee").glob("*.tar.gz"))
    assert len(tarballs) == 1, tarballs
    context = tmp / "context"
    run([BIN / "ansible-builder", "create", "-f", src / "execution-environment.yml", "-c", context], cwd=src)
    return SimpleNamespace(
        tmp=tmp,
        src=src,
        env=env,
        galaxy=galaxy,
        tarball=tarballs[0],
        context=context,
        definition=yaml.safe_load((src / "execution-environment.yml").read_text(encoding="utf-8")),
        requirements=yaml.safe_load((src / "ee" / "requirements.yml").read_text(encoding="utf-8")),
    )


def test_definition_is_v3_with_only_a_galaxy_dependency(built):
    definition = built.definition
    assert definition["version"] == 3
    # no python:, system:, ansible_core:, ansible_runner:, python_interpreter: the base image has
    # Python, ansible-core and ansible-runner, and the collection needs nothing else
    assert definition["dependencies"] == {"galaxy": "ee/requirements.yml"}
    assert definition["images"] == {"base_image": {"name": DEFAULT_BASE_IMAGE}}
    assert definition["additional_build_files"] == [{"src": "ee/liferay_ops-mail-*.tar.gz", "dest": "ee"}]


def test_requirements_name_the_tarball_that_galaxy_yml_builds(built):
    galaxy = built.galaxy
    assert (galaxy["namespace"], galaxy["name"]) == ("liferay_ops", "mail")
    expected = "ee/%s-%s-%s.tar.gz" % (galaxy["namespace"], galaxy["name"], galaxy["version"])
    assert built.tarball == built.src / expected
    # one collection, from that file, and no roles: ee/requirements.yml's version follows galaxy.yml's
    assert built.requirements == {"collections": [{"name": expected, "type": "file"}]}
    assert galaxy.get("dependencies") in ({}, None), "a collection dependency would come from Galaxy"
    # every file the definition names lies in the repository (a clean clone has them)
    assert fnmatch.fnmatch(expected, built.definition["additional_build_files"][0]["src"])


def test_tarball_carries_the_collection_and_no_dependency_file(built):
    with tarfile.open(built.tarball) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("MANIFEST.json"))
    for needed in (
        "MANIFEST.json",
        "FILES.json",
        "meta/runtime.yml",
        "plugins/modules/portal_properties.py",
        "roles/mail_session/tasks/main.yml",
        "roles/mail_session/meta/argument_specs.yml",
        "playbooks/site.yml",
        "docs/execution-environment.md",
    ):
        assert needed in names, needed
    for dependency_file in DEPENDENCY_FILES:
        assert dependency_file not in names, "%s would make ansible-builder install it" % dependency_file
    for name in names:
        top = name.split("/", 1)[0]
        assert top not in {"ee", "execution-environment.yml", "context", ".git", ".venv", ".run"}, name
        assert not name.endswith(".tar.gz"), name
    assert manifest["collection_info"]["dependencies"] == {}
    assert manifest["collection_info"]["version"] == built.galaxy["version"]


def test_context_holds_the_galaxy_requirements_and_the_tarball_only(built):
    build_dir = built.context / "_build"
    files = {str(path.relative_to(build_dir)) for path in build_dir.rglob("*") if path.is_file()}
    scripts = {name for name in files if name.startswith("scripts/")}
    assert files - scripts == {"requirements.yml", "ee/" + built.tarball.name}
    # no requirements.txt / bindep.txt (nor exclude-* files) in the context: no Python or system installs
    assert not [path for path in built.context.rglob("*") if path.name.endswith(("requirements.txt", "bindep.txt"))]
    assert yaml.safe_load((build_dir / "requirements.yml").read_text(encoding="utf-8")) == built.requirements
    assert (build_dir / "ee" / built.tarball.name).read_bytes() == built.tarball.read_bytes()


def test_containerfile_installs_the_collection_offline_and_nothing_else(built):
    text = (built.context / "Containerfile").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()]
    # the base image: the definition's default, a build argument (--build-arg EE_BASE_IMAGE=...)
    assert lines[0] == 'ARG EE_BASE_IMAGE="%s"' % DEFAULT_BASE_IMAGE
    assert "FROM $EE_BASE_IMAGE AS base" in lines
    assert 'ARG ANSIBLE_GALAXY_CLI_COLLECTION_OPTS="--offline"' in lines
    assert 'ARG PKGMGR_PRESERVE_CACHE="always"' in lines
    assert 'ARG PKGMGR="/usr/bin/microdnf"' in lines
    assert "COPY _build /build" in lines
    galaxy = [line for line in lines if "ansible-galaxy collection install" in line]
    assert galaxy == [
        "RUN ANSIBLE_GALAXY_DISABLE_GPG_VERIFY=1 ansible-galaxy collection install "
        '$ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml --collections-path "/usr/share/ansible/collections"'
    ]
    # nothing through pip but ansible-builder's own machinery; no ansible-core / ansible-runner
    # install (the base image's are used), no system package, no Python interpreter package
    assert {line for line in lines if "pip install" in line} == BUILDER_PIP_INSTALLS
    assert "ANSIBLE_INSTALL_REFS" not in text
    assert "$PKGMGR install" not in text
    assert "PYPKG" not in text
    introspect = [line for line in lines if "introspect.py introspect" in line]
    assert introspect == [
        "RUN $PYCMD /output/scripts/introspect.py introspect "
        "--write-bindep=/tmp/src/bindep.txt --write-pip=/tmp/src/requirements.txt"
    ]


def test_rebuilding_the_collection_after_ansible_builder_leaves_its_context_out(built, tmp_path):
    """`ansible-builder build` in the checkout writes ./context (its default); the next
    `ansible-galaxy collection build` must not pack it (galaxy.yml's build_ignore)."""
    src = tmp_path / "src"
    shutil.copytree(built.src, src, symlinks=True)
    run([BIN / "ansible-builder", "create"], cwd=src)
    assert (src / "context" / "Containerfile").is_file()
    run([BIN / "ansible-galaxy", "collection", "build", "--output-path", "ee", "--force"], cwd=src, env=built.env)
    with tarfile.open(src / "ee" / built.tarball.name) as tar:
        packed = [name for name in tar.getnames() if name == "context" or name.startswith("context/")]
    assert packed == [], "add `context` to galaxy.yml's build_ignore: %s" % packed[:5]


def introspect(collections):
    out = run([BIN / "ansible-builder", "introspect", collections]).stdout
    return yaml.safe_load(out)


def test_collection_installed_from_the_requirements_has_no_python_or_system_requirements(built):
    collections = built.tmp / "collections"
    # what the image's galaxy stage runs, from the same relative path (the copy's root plays /build)
    install = [BIN / "ansible-galaxy", "collection", "install", "--offline", "-r", "ee/requirements.yml"]
    run(
        [*install, "--collections-path", collections],
        cwd=built.src,
        env=dict(built.env, ANSIBLE_GALAXY_DISABLE_GPG_VERIFY="1"),
    )
    installed = collections / "ansible_collections" / "liferay_ops" / "mail"
    manifest = json.loads((installed / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["collection_info"]["version"] == built.galaxy["version"]
    assert introspect(collections) == {"python": [], "system": []}

    # control: the same introspection does report a collection's requirements.txt
    control = built.tmp / "control"
    shutil.copytree(installed, control / "ansible_collections" / "liferay_ops" / "mail", symlinks=True)
    (control / "ansible_collections" / "liferay_ops" / "mail" / "requirements.txt").write_text(
        "requests\n", encoding="utf-8"
    )
    assert introspect(control)["python"] == ["requests  # from collection liferay_ops.mail"]

    # the installed tarball is a working collection: its module documentation and role entry point
    doc = json.loads(
        run([BIN / "ansible-doc", "--json", "-t", "module", "liferay_ops.mail.portal_properties"], env=built.env).stdout
    )
    assert "liferay_ops.mail.portal_properties" in doc
    role = json.loads(
        run([BIN / "ansible-doc", "--json", "-t", "role", "liferay_ops.mail.mail_session"], env=built.env).stdout
    )
    assert "main" in role["liferay_ops.mail.mail_session"]["entry_points"]


# --- the image, built with podman --------------------------------------------------------------

TEST_BASE_IMAGE = "localhost/liferay-mail-ee-testbase:bookworm"
# Stands in for ee-minimal-rhel9: Debian's Python in a venv (Debian disables ensurepip for the
# system Python, and ansible-builder runs `$PYCMD -m ensurepip`), with ansible-core and
# ansible-runner as the Red Hat image has them, and the few packages ansible-builder would fetch
# during the build (bindep, PyYAML, packaging, dumb-init) already there, so that the image build
# itself runs with no network. The CA bundle is this machine's, for PyPI through its proxy.
TEST_BASE_CONTAINERFILE = """\
ARG BASE
FROM $BASE
RUN apt-get update -qq \\
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null \\
 && apt-get clean && rm -rf /var/lib/apt/lists/*
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
RUN python3 -m venv /opt/ee \\
 && PIP_CERT=/etc/ssl/certs/ca-certificates.crt /opt/ee/bin/python3 -m pip install --no-cache-dir -q \\
    ansible-core==2.19.14 ansible-runner==2.4.3 bindep==2.14.0 PyYAML==6.0.3 packaging==26.3 dumb-init==1.2.5
ENV PATH=/opt/ee/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
"""


def podman_env():
    conf = os.environ.get("CONTAINERS_CONF") or str(ROOT / ".run" / "containers.conf")
    if not os.path.isfile(conf):
        pytest.fail("podman needs its configuration here: run `make podman-conf` (writes .run/containers.conf)")
    return dict(os.environ, CONTAINERS_CONF=conf, PATH="%s:%s" % (BIN, os.environ.get("PATH", "")))


def test_image_builds_offline_and_runs_the_playbook(built, tmp_path, commons_configuration):
    if os.geteuid() != 0 or not shutil.which("podman") or not shutil.which("debootstrap"):
        pytest.fail("the image build needs root, podman and debootstrap (make test installs them; CI runs as root)")
    env = podman_env()
    timings = {}

    # 1. the local base: molecule's debootstrap image (cached by content hash), then Python & co.
    start = time.monotonic()
    run([ROOT / "molecule" / "images" / "build", "base"], env=env, timeout=900)
    debian = os.environ.get("MAIL_SESSION_BASE_IMAGE", "localhost/mail-session-base:bookworm")
    base_context = tmp_path / "base"
    base_context.mkdir()
    (base_context / "Containerfile").write_text(TEST_BASE_CONTAINERFILE, encoding="utf-8")
    shutil.copyfile("/etc/ssl/certs/ca-certificates.crt", base_context / "ca-certificates.crt")
    run(["podman", "build", "-q", "--build-arg", "BASE=" + debian, "-t", TEST_BASE_IMAGE, base_context], env=env)
    timings["base"] = time.monotonic() - start

    # 2. the execution environment, from the definition as it is; only the base image and its
    # Python are swapped, and no network at all: nothing comes from Galaxy, PyPI or a mirror
    image = "localhost/liferay-mail-ee-test:%s" % uuid.uuid4().hex[:12]
    start = time.monotonic()
    try:
        run(
            [
                *(BIN / "ansible-builder", "build", "-f", built.src / "execution-environment.yml"),
                *("-c", tmp_path / "context", "-t", image, "-v3"),
                *("--build-arg", "EE_BASE_IMAGE=" + TEST_BASE_IMAGE, "--build-arg", "PYCMD=/opt/ee/bin/python3"),
                "--extra-build-cli-args=--network=none",
            ],
            cwd=built.src,
            env=env,
            timeout=600,
        )
        timings["ee"] = time.monotonic() - start
        start = time.monotonic()
        in_image(image, env, tmp_path, built.galaxy["version"], commons_configuration)
        timings["run"] = time.monotonic() - start
    finally:
        subprocess.run(["podman", "rmi", "-f", image], env=env, capture_output=True, check=False)
    print("execution environment: base %(base).0f s, ansible-builder build %(ee).0f s, runs %(run).0f s" % timings)


def in_image(image, env, tmp_path, version, commons_configuration):
    def podman_run(*command, volume=None):
        args = ["podman", "run", "--rm", "--network", "none"]
        if volume:
            args += ["-v", "%s:/work" % volume, "-w", "/work"]
        return run([*args, image, *command], env=env, timeout=300).stdout

    listing = json.loads(podman_run("ansible-galaxy", "collection", "list", "--format", "json"))
    installed = listing.get("/usr/share/ansible/collections/ansible_collections")
    assert installed == {"liferay_ops.mail": {"version": version}}, listing
    doc = json.loads(podman_run("ansible-doc", "--json", "-t", "module", "liferay_ops.mail.portal_properties"))
    assert doc["liferay_ops.mail.portal_properties"]["doc"]["module"] == "portal_properties"

    # the collection's playbook, as AWX runs it: inventory from a project, the vault password
    # handed over as a file (AWX's Vault credential), run as the image's user (1000, group 0)
    work = tmp_path / "work"
    home = work / "liferay"
    group_vars = work / "inventory" / "group_vars" / "liferay"
    group_vars.mkdir(parents=True)
    home.mkdir()
    (home / "portal-ext.properties").write_text("jdbc.default.url=jdbc:postgresql://db/lportal\n", encoding="utf-8")
    smtp_password = "Ee-smtp-s3cret!"
    pop_password = "Ee-pop-s3cret#"
    variables = dict(
        fictional_servers("{{ vault_smtp_password }}", "{{ vault_pop_password }}"),
        mail_session_liferay_home="/work/liferay",
        mail_session_liferay_version="7.4.3.132",
    )
    (group_vars / "main.yml").write_text(yaml.safe_dump(variables), encoding="utf-8")
    vault = group_vars / "vault.yml"
    vault.write_text(
        yaml.safe_dump({"vault_smtp_password": smtp_password, "vault_pop_password": pop_password}), encoding="utf-8"
    )
    password_file = work / "vault-password"
    password_file.write_text("ee-test-vault-password\n", encoding="utf-8")
    run(
        [BIN / "ansible-vault", "encrypt", "--vault-password-file", password_file, vault],
        env=dict(os.environ, ANSIBLE_CONFIG=str(tmp_path / "none.cfg")),
    )
    hosts = {
        "all": {
            "children": {
                "liferay": {
                    "hosts": {
                        "node1": {
                            "ansible_connection": "local",
                            "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                        }
                    }
                }
            }
        }
    }
    (work / "inventory" / "hosts.yml").write_text(yaml.safe_dump(hosts), encoding="utf-8")
    for path in [work, *work.rglob("*")]:
        os.chown(path, 1000, 0)

    output = podman_run(
        "ansible-playbook",
        "-i",
        "/work/inventory/hosts.yml",
        "--vault-password-file",
        "/work/vault-password",
        "liferay_ops.mail.site",
        volume=work,
    )
    assert "failed=0" in output, output
    assert smtp_password not in output and pop_password not in output
    # read back as Liferay reads it: the real Commons Configuration 1.10
    values = {key: string for key, (string, _) in commons_configuration(home / "portal-ext.properties").items()}
    assert values["mail.session.mail.smtp.host"] == "smtp.example.com"
    assert values["mail.session.mail.smtp.password"] == smtp_password
    assert values["mail.session.mail.pop3s.password"] == pop_password
    assert values["jdbc.default.url"] == "jdbc:postgresql://db/lportal"
