"""Tests of ecslab.tf.providers: the provider mirror, the CLI config file, the Terraform binary."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from ecslab.errors import SettingError, TerraformError
from ecslab.tf import providers


def make_mirror(root: Path, version: str = "5.1.0") -> Path:
    """A fake unpacked mirror holding hashicorp/aws for this platform."""
    folder = root / providers.AWS_PROVIDER / version / providers.tf_platform()
    folder.mkdir(parents=True)
    (folder / f"terraform-provider-aws_v{version}_x5").write_text("")
    return root


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No configured mirror, an empty HOME and XDG dirs, ECSLAB_HOME in tmp, no scan roots."""
    monkeypatch.delenv("ECSLAB_PROVIDER_MIRROR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_DATA_DIRS", str(tmp_path / "xdg-dirs"))
    monkeypatch.setenv("ECSLAB_HOME", str(tmp_path / "ecslab"))
    monkeypatch.setattr(providers, "SCAN_ROOTS", ())
    return tmp_path


def test_configured_mirror_wins(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Does ECSLAB_PROVIDER_MIRROR name the mirror when it holds hashicorp/aws?"""
    mirror = make_mirror(isolated / "mine")
    make_mirror(isolated / "home/.terraform.d/plugins")
    monkeypatch.setenv("ECSLAB_PROVIDER_MIRROR", str(mirror))
    assert providers.find_mirror() == mirror.resolve()


def test_configured_mirror_without_aws_is_an_error(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Does a configured folder without the AWS provider say so, instead of going direct?"""
    monkeypatch.setenv("ECSLAB_PROVIDER_MIRROR", str(isolated))
    with pytest.raises(SettingError, match=r"holds no registry\.terraform\.io/hashicorp/aws"):
        providers.find_mirror()


def test_implied_mirror_is_found(isolated: Path) -> None:
    """Is Terraform's own ~/.terraform.d/plugins found without any setting?"""
    mirror = make_mirror(isolated / "home/.terraform.d/plugins")
    assert providers.find_mirror() == mirror.resolve()


def test_scan_finds_a_mirror_two_levels_down(isolated: Path) -> None:
    """Does the bounded scan find /opt/<x>/ and /opt/<x>/<y>/ mirrors?"""
    make_mirror(isolated / "opt/tools/plugins")
    found = providers.scanned_mirror_dirs((str(isolated / "opt"),))
    assert isolated / "opt/tools/plugins" in found


def test_no_mirror_gives_none(isolated: Path) -> None:
    """Without any mirror, is the answer None (direct install)?"""
    assert providers.find_mirror() is None


def test_packed_mirror_counts(tmp_path: Path) -> None:
    """Is a packed mirror (zip per version) recognised, with its versions?"""
    aws = tmp_path / providers.AWS_PROVIDER
    aws.mkdir(parents=True)
    (aws / f"terraform-provider-aws_5.2.0_{providers.tf_platform()}.zip").write_text("")
    assert providers.has_aws_provider(tmp_path)
    assert providers.provider_versions(tmp_path) == ["5.2.0"]


def test_config_with_mirror_excludes_direct_hashicorp(tmp_path: Path) -> None:
    """Does the CLI config take hashicorp/* from the mirror only, and set a plugin cache?"""
    text = providers.cli_config_text(Path("/m"), tmp_path / "cache")
    assert 'path    = "/m"' in text
    assert 'include = ["registry.terraform.io/hashicorp/*"]' in text
    assert 'exclude = ["registry.terraform.io/hashicorp/*"]' in text
    assert f'plugin_cache_dir = "{tmp_path / "cache"}"' in text


def test_config_without_mirror_installs_directly(tmp_path: Path) -> None:
    """Without a mirror, is the installation plain `direct {}`?"""
    text = providers.cli_config_text(None, tmp_path)
    assert "direct {}" in text
    assert "filesystem_mirror" not in text


def test_config_file_lives_under_ecslab_home(isolated: Path) -> None:
    """Is the file written under ECSLAB_HOME, with the cache folder created?"""
    path = providers.cli_config_file()
    assert path.is_relative_to(isolated / "ecslab")
    assert providers.plugin_cache_dir().is_dir()
    assert "direct {}" in path.read_text()


def test_terraform_accepts_the_config(isolated: Path) -> None:
    """Does Terraform read the written file without a warning about the CLI config?"""
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(providers.cli_config_file())}
    binary = providers.terraform_binary()
    done = subprocess.run(
        [str(binary), "version"], env=env, capture_output=True, text=True, check=True
    )
    assert "problems with the CLI configuration" not in done.stderr


def fake_terraform(folder: Path, version: str) -> Path:
    """A script that answers `terraform version -json` like Terraform would."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "terraform"
    script.write_text(f'#!/bin/sh\necho \'{{"terraform_version": "{version}"}}\'\n')
    script.chmod(0o755)
    return script


def test_old_terraform_is_refused_with_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Does a Terraform older than 1.9 on PATH lead to a hint naming version and SHA-256?"""
    fake_terraform(tmp_path / "bin", "1.5.7")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr(providers, "venv_bin", lambda: tmp_path / "venv")
    with pytest.raises(TerraformError, match=r"No Terraform 1\.9 or later found") as err:
        providers.terraform_binary()
    assert "1.5.7" in str(err.value)
    assert providers.PINNED_VERSION in err.value.hint
    assert providers.PINNED_SHA256["linux_amd64"] in err.value.hint


def test_venv_terraform_is_used_when_path_has_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Is the venv's Terraform found when PATH has none?"""
    script = fake_terraform(tmp_path / "venv", "1.11.4")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(providers, "venv_bin", lambda: tmp_path / "venv")
    assert providers.terraform_binary() == script


def zipped_binary(content: bytes) -> bytes:
    """A release-like zip holding one `terraform` file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("terraform", content)
    return buffer.getvalue()


def test_install_checks_the_sha256(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Is a download whose SHA-256 differs from the pinned one refused, and nothing written?"""
    monkeypatch.setattr(providers, "_download", lambda url: zipped_binary(b"evil"))
    with pytest.raises(TerraformError, match="not the published"):
        providers.install_terraform(tmp_path)
    assert not (tmp_path / "terraform").exists()


def test_install_unzips_a_verified_release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Is a verified release unzipped as an executable `terraform`?"""
    data = zipped_binary(b"#!/bin/sh\n")
    sums = {providers.tf_platform(): hashlib.sha256(data).hexdigest()}
    monkeypatch.setattr(providers, "PINNED_SHA256", sums)
    monkeypatch.setattr(providers, "_download", lambda url: data)
    binary = providers.install_terraform(tmp_path)
    assert binary.read_bytes() == b"#!/bin/sh\n"
    assert os.access(binary, os.X_OK)


def test_install_fails_fast_without_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a reachable release server, is the error quick and does it say what to install?"""
    with socket_closed_port() as port:
        monkeypatch.setattr(providers, "RELEASES_URL", f"http://127.0.0.1:{port}/terraform")
        with pytest.raises(TerraformError, match="Cannot download") as err:
            providers.install_terraform(tmp_path)
    assert "sha256sum" in err.value.hint


class socket_closed_port:
    """A loopback port on which nothing listens (bound, never listening)."""

    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return int(self.sock.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


def test_version_parsing() -> None:
    """Are pre-release and two-part versions read as comparable triples?"""
    assert providers._parse_version("1.11.4") == (1, 11, 4)
    assert providers._parse_version("1.10.0-beta1") == (1, 10, 0)
    assert providers._parse_version("1.9") == (1, 9, 0)


def test_check_says_which_terraform_and_source(isolated: Path) -> None:
    """Does `ecslab terraform-check` name the binary, and say "direct" without a mirror?"""
    from ecslab.cli import main

    text = providers.describe()
    assert str(providers.terraform_binary()) in text
    assert "the Terraform registry, directly (no provider mirror found)" in text
    assert main(["terraform-check"]) == 0


def test_check_names_the_mirror_and_its_versions(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a mirror, does the check name it and the provider versions it holds?"""
    mirror = make_mirror(isolated / "mirror", "5.100.0")
    monkeypatch.setenv("ECSLAB_PROVIDER_MIRROR", str(mirror))
    assert (
        f"the filesystem mirror {mirror.resolve()} (hashicorp/aws 5.100.0)" in providers.describe()
    )


def test_the_install_hint_speaks_japanese_and_keeps_what_to_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under Japanese, is a missing Terraform explained in Japanese, with the version, the
    download URL, the SHA-256 and the commands exactly as they are typed?"""
    from ecslab import i18n

    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr(providers, "venv_bin", lambda: tmp_path / "venv")
    with i18n.speaking("ja"), pytest.raises(TerraformError) as err:
        providers.terraform_binary()
    assert str(err.value) == "Terraform 1.9 以降が見つかりません。"
    hint = err.value.hint
    assert hint.startswith(f"Terraform {providers.PINNED_VERSION} をインストールしてください")
    assert providers.PINNED_SHA256["linux_amd64"] in hint and "`make terraform`" in hint
