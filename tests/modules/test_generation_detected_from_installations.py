"""Liferay versions -> generation, and the generation_info module on fixture installations of both generations.

The fixture trees hold what the module reads in real bundles and Docker images (see
the module's documentation): ``.liferay-version`` / ``.githash`` / ``.liferay-home``
as Liferay's release tool writes them (liferay/liferay-docker release/_package.sh),
``portal-impl.jar`` with the manifest attributes Liferay's build writes
(``Liferay-Portal-Release-Info``, ``Liferay-Portal-Version``), and module jars under
``osgi/``, loose or inside ``.lpkg`` archives. Jars are built here with zipfile.
"""

from __future__ import annotations

import itertools
import zipfile

import pytest
from harness.liferay_homes import liferay_home

from ansible_collections.liferay_ops.mail.plugins.module_utils.codecs.osgi_config import OsgiError
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.osgi_keys import COMPANY_PID
from ansible_collections.liferay_ops.mail.plugins.module_utils.liferay.versions import (
    LEGACY,
    OSGI,
    compare_versions,
    generation_of,
    parse_version,
    version_in_text,
)
from ansible_collections.liferay_ops.mail.plugins.modules import generation_info


@pytest.mark.parametrize(
    ("text", "generation"),
    [
        ("7.0.10", LEGACY),
        ("7.0.6-ga7", LEGACY),
        ("7.1.10-dxp-28", LEGACY),
        ("7.2.10-ga1", LEGACY),
        ("7.3.10-u36", LEGACY),
        ("7.4", LEGACY),
        ("7.4.3.132", LEGACY),
        ("7.4.3.132-ga132", LEGACY),
        ("7.4.13-u92", LEGACY),
        ("7.4.13.u92", LEGACY),
        ("2023.q1.0", LEGACY),
        ("2024.q1.12-lts", LEGACY),
        ("2025.q1.0-lts", LEGACY),
        ("2025.Q3.5", LEGACY),
        ("2025.q3", LEGACY),
        ("2025.q4.0", OSGI),
        ("2025.q4.2", OSGI),
        ("2026.q1.0", OSGI),
        ("2026.q1.0-lts", OSGI),
        ("2026.Q2.11", OSGI),
        ("2027.q1.0", OSGI),
        ("dxp-2025.q4.0", OSGI),
        ("liferay/dxp:2026.q1.0-lts", OSGI),
        ("liferay/portal:7.4.3.132-ga132", LEGACY),
        ("7.4.3.132-ga132-d8.0.0-20250218185242", LEGACY),
        ("  2026.q1.0\n", OSGI),
    ],
)
def test_generation_of_versions(text, generation):
    assert generation_of(text) == generation


@pytest.mark.parametrize(
    "bad", ["", "latest", "6.2.5-ga6", "7.5.0", "8.0", "2022.q4.0", "2025.q5.0", "2025.q4.x", "7.4.3.132; rm -rf"]
)
def test_versions_that_are_refused(bad):
    with pytest.raises(OsgiError):
        parse_version(bad)


def test_ordering():
    ordered = [
        "7.0.10",
        "7.3.10-u36",
        "7.4.3.4",
        "7.4.3.132",
        "7.4.13-u92",
        "2023.q1.0",
        "2025.q3.5",
        "2025.q4.0",
        "2026.q1.0",
        "2026.q1.1",
        "2026.q2.0",
    ]
    for older, newer in itertools.pairwise(ordered):
        assert compare_versions(older, newer) == -1, (older, newer)
        assert compare_versions(newer, older) == 1
    assert compare_versions("2026.q1.0-lts", "2026.Q1.0") == 0
    assert parse_version("7.4.13-u92") < parse_version("7.4.13-u100")


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("Liferay DXP Digital Enterprise 7.0.10 GA1 (Wilberforce / Build 7010 / June 15, 2016)", "7.0.10"),
        ("Liferay Community Edition Portal 7.4.3.112 CE GA112 (Cavanaugh / Build 7413 / Feb 14, 2024)", "7.4.3.112"),
        ("Liferay Digital Experience Platform 2025.Q1.0 LTS (Build 7413 / March 2025)", "2025.Q1.0"),
        ("Liferay Digital Experience Platform 2026.Q1.0 LTS", "2026.Q1.0"),
        ("no version here", None),
    ],
)
def test_version_in_release_info(text, version):
    found = version_in_text(text)
    assert (found.text if found else None) == version


# --------------------------------------------------------------------------
# fixture installations
# --------------------------------------------------------------------------


LEGACY_PROPERTIES = (
    "jdbc.default.password=secret\n"
    "mail.session.mail.smtp.host=smtp.example.com\n"
    "mail.session.mail.smtp.port : 587\n"
    "mail.session.jndi.name=mail/MailSession\n"
)


@pytest.fixture
def portal_74(tmp_path):
    """Liferay Portal 7.4 GA112 bundle of the old release tooling: no .liferay-version, modules in .lpkg files."""
    return liferay_home(
        tmp_path / "liferay-ce-portal-7.4.3.112-ga112",
        impl={
            "Liferay-Portal-Build-Number": "7413",
            "Liferay-Portal-Release-Info": (
                "Liferay Community Edition Portal 7.4.3.112 CE GA112 (Cavanaugh / Build 7413 / February 14, 2024)"
            ),
            "Liferay-Portal-Server-Info": "Liferay Community Edition Portal / 7.4.3.112 CE GA112",
            "Liferay-Portal-Version": "7.4.3.112",
        },
        lpkgs={"Liferay CE Foundation - Liferay CE Mail - API.lpkg": ["com.liferay.mail.api-5.0.0.jar"]},
        properties=LEGACY_PROPERTIES,
        configs=[COMPANY_PID + ".config"],
    )


@pytest.fixture
def dxp_2026(tmp_path):
    """A DXP 2026.Q1 bundle / Docker image: .liferay-version, shielded-container portal-impl.jar, loose module jars."""
    return liferay_home(
        tmp_path / "liferay-dxp",
        version_file="2026.q1.0-lts",
        impl={
            "Liferay-Portal-Release-Info": (
                "Liferay Digital Experience Platform 2026.Q1.0 LTS (Build 7413 / March 18, 2026)"
            ),
            "Liferay-Portal-Version": "7.4.13",
        },
        impl_dir="tomcat/webapps/ROOT/WEB-INF/shielded-container-lib",
        modules=["portal/com.liferay.mail.settings.api.jar", "portal/com.liferay.mail.messaging.impl.jar"],
        properties=LEGACY_PROPERTIES,
    )


def test_old_7_4_bundle_is_read_from_the_manifest(run_module, portal_74):
    result = run_module(generation_info, liferay_home=str(portal_74))
    assert (result["generation"], result["version"], result["source"]) == (LEGACY, "7.4.3.112", "portal-impl.jar")
    assert any("Liferay-Portal-Release-Info" in line for line in result["evidence"])
    assert any("no com.liferay.mail.settings.api" in line for line in result["evidence"])
    assert result["obsolete_keys"] == []
    assert result["ignored_configs"] == ["osgi/configs/%s.config" % COMPANY_PID]
    assert any("reads its mail settings from portal properties" in w for w in result["warnings"])


def test_2026_bundle_is_read_from_liferay_version_and_reports_obsolete_keys(run_module, dxp_2026):
    result = run_module(generation_info, liferay_home=str(dxp_2026))
    assert (result["generation"], result["version"], result["source"]) == (OSGI, "2026.q1.0-lts", ".liferay-version")
    assert any("com.liferay.mail.settings.api.jar: installed" in line for line in result["evidence"])
    assert result["obsolete_keys"] == [
        "mail.session.jndi.name",
        "mail.session.mail.smtp.host",
        "mail.session.mail.smtp.port",
    ]
    assert len(result["warnings"]) == 1
    assert "mail.session.jndi.name" in result["warnings"][0]
    assert "secret" not in result["_printed"]


def test_docker_image_layout_with_only_liferay_version(run_module, tmp_path):
    home = liferay_home(tmp_path / "opt" / "liferay", version_file="2025.q4.2")
    result = run_module(generation_info, liferay_home=str(home))
    assert (result["generation"], result["version"]) == (OSGI, "2025.q4.2")


def test_2025_q1_dxp_is_legacy(run_module, tmp_path):
    home = liferay_home(
        tmp_path / "dxp",
        version_file="2025.q1.0-lts",
        impl={"Liferay-Portal-Release-Info": "Liferay Digital Experience Platform 2025.Q1.0 LTS (Build 7413)"},
        impl_dir="tomcat/webapps/ROOT/WEB-INF/shielded-container-lib",
    )
    assert run_module(generation_info, liferay_home=str(home))["generation"] == LEGACY


def test_manifest_with_a_wrapped_release_info_line(run_module, tmp_path):
    home = liferay_home(
        tmp_path / "dxp70",
        impl={
            "Liferay-Portal-Release-Info": (
                "Liferay DXP Digital Enterprise 7.0.10 GA1 (Wilberforce / Build 7010 / June 15, 2016)"
            )
        },
        impl_dir="tomcat-8.0.32/webapps/ROOT/WEB-INF/lib",
    )
    jar = home / "tomcat-8.0.32/webapps/ROOT/WEB-INF/lib/portal-impl.jar"
    with zipfile.ZipFile(jar) as archive:
        assert b"\r\n " in archive.read("META-INF/MANIFEST.MF")  # wrapped at 72 bytes, as the jar tool does
    result = run_module(generation_info, liferay_home=str(home))
    assert (result["generation"], result["version"]) == (LEGACY, "7.0.10")


def test_module_evidence_alone_from_an_lpkg(run_module, tmp_path):
    home = liferay_home(
        tmp_path / "unknown-version",
        lpkgs={"Liferay Foundation - Liferay Mail - Impl.lpkg": ["com.liferay.mail.settings.api-1.0.3.jar"]},
    )
    result = run_module(generation_info, liferay_home=str(home))
    assert (result["generation"], result["source"]) == (OSGI, "mail settings module")


def test_nothing_to_go_by_fails_asking_for_the_variable(run_module, tmp_path):
    home = tmp_path / "empty"
    home.mkdir()
    failed = run_module(generation_info, liferay_home=str(home))
    assert failed["failed"] is True
    assert "mail_session_liferay_version" in failed["msg"]
    assert run_module(generation_info, liferay_home=str(home), require=False)["generation"] == "unknown"


def test_inventory_version_decides_and_a_mismatch_is_reported(run_module, dxp_2026):
    result = run_module(generation_info, liferay_home=str(dxp_2026), version="7.4.3.132")
    assert result["generation"] == LEGACY
    assert result["source"] == "inventory"
    assert result["mismatch"] is True
    assert result["detected_generation"] == OSGI
    assert any("mail_session_liferay_version is 7.4.3.132" in w for w in result["warnings"])

    failed = run_module(generation_info, liferay_home=str(dxp_2026), version="7.4.3.132", fail_on_mismatch=True)
    assert failed["failed"] is True
    assert "2026.q1.0-lts" in failed["msg"]


def test_inventory_version_that_agrees(run_module, dxp_2026):
    result = run_module(generation_info, liferay_home=str(dxp_2026), version="2026.q1.0")
    assert (result["generation"], result["mismatch"]) == (OSGI, False)


def test_bad_inventory_version_fails_naming_the_variable(run_module, dxp_2026):
    failed = run_module(generation_info, liferay_home=str(dxp_2026), version="latest")
    assert failed["failed"] is True
    assert failed["msg"].startswith("mail_session_liferay_version:")


def test_runs_in_check_mode_and_changes_nothing(run_module, dxp_2026):
    before = sorted((p, p.stat().st_mtime_ns) for p in dxp_2026.rglob("*"))
    result = run_module(generation_info, check_mode=True, liferay_home=str(dxp_2026))
    assert result["changed"] is False
    assert sorted((p, p.stat().st_mtime_ns) for p in dxp_2026.rglob("*")) == before


def test_missing_home_fails(run_module, tmp_path):
    failed = run_module(generation_info, liferay_home=str(tmp_path / "nope"))
    assert failed["failed"] is True
    assert "LIFERAY_HOME" in failed["msg"]


def test_disagreeing_evidence_is_reported(run_module, tmp_path):
    home = liferay_home(
        tmp_path / "odd", version_file="7.4.3.132-ga132", modules=["portal/com.liferay.mail.settings.api.jar"]
    )
    result = run_module(generation_info, liferay_home=str(home))
    assert result["generation"] == LEGACY
    assert any("believing .liferay-version" in w for w in result["warnings"])
