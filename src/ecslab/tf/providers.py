"""Where Terraform and the AWS provider come from: the machine, never the user's own config.

No machine running the lab is assumed to reach the Terraform registry. So ecslab:

- finds a provider *filesystem mirror* (`ECSLAB_PROVIDER_MIRROR`, else Terraform's
  implied mirror folders, else a shallow scan of common install roots) and writes a
  Terraform CLI config of its own under `ECSLAB_HOME` that installs `hashicorp/*` from it;
  without a mirror the same file installs directly from the registry, as plain Terraform;
- sets a `plugin_cache_dir` in that file. Measured with Terraform 1.11: from an *unpacked*
  mirror, `init` symlinks the provider (0.4 s, 28 KB per workspace) with or without the
  cache; the cache pays off for direct installs, where each `init` of a new workspace
  would otherwise download the ~150 MB provider zip again;
- finds a Terraform binary (PATH, else the venv) and can install a pinned release into
  the venv, verified against the SHA-256 HashiCorp publishes for it.

The user's `~/.terraformrc` and `TF_CLI_CONFIG_FILE` are never read or changed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from ecslab import settings
from ecslab.errors import SettingError, TerraformError
from ecslab.i18n import _

#: Oldest Terraform the chapter runs on: its variables.tf validates one variable against
#: another, which Terraform allows since 1.9.
MIN_VERSION = (1, 9, 0)

#: The release `install_terraform` installs, and the SHA-256 of each zip as published in
#: https://releases.hashicorp.com/terraform/1.11.4/terraform_1.11.4_SHA256SUMS. linux_arm64
#: (Binder and hubs on ARM nodes) could not be fetched from there offline: it is the sum
#: that HashiCorp's own Homebrew tap formula for 1.11.4 gives, and two other public pins of
#: 1.11.4 agree, each also giving linux_amd64's sum above.
PINNED_VERSION = "1.11.4"
PINNED_SHA256 = {
    "linux_amd64": "1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc",
    "linux_arm64": "a43d1d0da9b9bab214a8305a39db0e40869572594ccf50c416a7756499143633",
}

RELEASES_URL = "https://releases.hashicorp.com/terraform"

#: The provider every lab needs, as its mirror folder names it.
AWS_PROVIDER = Path("registry.terraform.io/hashicorp/aws")

#: Folders whose direct children (and grandchildren) may hold a mirror, e.g. /opt/tf-plugins.
SCAN_ROOTS = ("/opt", "/usr/local/share", "/usr/share", "/usr/local/lib", "/srv")

_DOWNLOAD_TIMEOUT = 15


def tf_platform() -> str:
    """Terraform's name for this machine's platform, e.g. linux_amd64."""
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}
    return f"{sys.platform.rstrip('0123456789')}_{arch.get(machine, machine)}"


# --- the provider mirror --------------------------------------------------------------


def has_aws_provider(folder: Path) -> bool:
    """Does this folder hold hashicorp/aws for this platform, unpacked or packed?"""
    aws = folder / AWS_PROVIDER
    if not aws.is_dir():
        return False
    plat = tf_platform()
    return any(aws.glob(f"*/{plat}")) or any(aws.glob(f"*_{plat}.zip"))


def implied_mirror_dirs() -> list[Path]:
    """The folders Terraform itself searches as implied local mirrors (on Linux)."""
    home = Path.home()
    data_home = Path(os.environ.get("XDG_DATA_HOME") or home / ".local/share")
    data_dirs = (os.environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":")
    dirs = [home / ".terraform.d/plugins", data_home / "terraform/plugins"]
    return dirs + [Path(d) / "terraform/plugins" for d in data_dirs if d]


def scanned_mirror_dirs(roots: tuple[str, ...] | None = None) -> list[Path]:
    """Children and grandchildren of common install roots: a bounded, cheap scan."""
    found: list[Path] = []
    for root in map(Path, SCAN_ROOTS if roots is None else roots):
        for child in _subdirs(root):
            found += [child, *_subdirs(child)]
    return found


def _subdirs(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())
    except OSError:
        return []


def find_mirror() -> Path | None:
    """The provider mirror to use: ECSLAB_PROVIDER_MIRROR, else the first one found, else None."""
    configured = settings.provider_mirror()
    if configured is not None:
        if not has_aws_provider(configured):
            raise SettingError(
                _("ECSLAB_PROVIDER_MIRROR={mirror} holds no {provider} for {platform}.").format(
                    mirror=configured, provider=AWS_PROVIDER, platform=tf_platform()
                ),
                hint=_("Point it at the folder that contains {folder}/, or unset it.").format(
                    folder=AWS_PROVIDER.parts[0]
                ),
            )
        return configured.resolve()
    for folder in implied_mirror_dirs() + scanned_mirror_dirs():
        if has_aws_provider(folder):
            return folder.resolve()
    return None


def provider_versions(mirror: Path) -> list[str]:
    """The hashicorp/aws versions a mirror holds, e.g. ['5.100.0']."""
    aws = mirror / AWS_PROVIDER
    unpacked = {p.parent.name for p in aws.glob(f"*/{tf_platform()}")}
    packed = {p.name.split("_")[1] for p in aws.glob(f"*_{tf_platform()}.zip")}
    return sorted(unpacked | packed)


# --- the CLI config file --------------------------------------------------------------


def plugin_cache_dir() -> Path:
    """Where Terraform caches providers across the lab's many working directories."""
    return settings.home() / "terraform" / "plugin-cache"


def cli_config_text(mirror: Path | None, cache_dir: Path) -> str:
    """The CLI config: hashicorp/* from the mirror when there is one, else direct."""
    lines = [
        "# Written by ecslab (src/ecslab/tf/providers.py): regenerated on every run.",
        f"plugin_cache_dir = {json.dumps(str(cache_dir))}",
        "",
        "provider_installation {",
    ]
    if mirror is None:
        lines += ["  direct {}"]
    else:
        lines += [
            "  filesystem_mirror {",
            f"    path    = {json.dumps(str(mirror))}",
            '    include = ["registry.terraform.io/hashicorp/*"]',
            "  }",
            "  direct {",
            '    exclude = ["registry.terraform.io/hashicorp/*"]',
            "  }",
        ]
    return "\n".join([*lines, "}", ""])


def cli_config_file() -> Path:
    """Write (when it changed) and return ecslab's own Terraform CLI config file."""
    cache = plugin_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    path = settings.home() / "terraform" / "terraform.rc"
    text = cli_config_text(find_mirror(), cache)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return path


# --- the Terraform binary -------------------------------------------------------------


def venv_bin() -> Path:
    """The venv's bin folder, where `install_terraform` puts its binary."""
    return Path(sys.prefix) / "bin"


def terraform_version(binary: Path) -> tuple[int, int, int]:
    """The version of a Terraform binary, asked without any CLI config or network."""
    env = {**os.environ, "TF_CLI_CONFIG_FILE": os.devnull, "CHECKPOINT_DISABLE": "1"}
    try:
        out = subprocess.run(
            [str(binary), "version", "-json"], capture_output=True, env=env, timeout=30, check=True
        ).stdout
        text = json.loads(out)["terraform_version"]
    except (OSError, subprocess.SubprocessError, ValueError, KeyError) as e:
        cannot = _("Cannot run {binary} to read its version: {error}")
        raise TerraformError(cannot.format(binary=binary, error=e)) from e
    return _parse_version(text)


def _parse_version(text: str) -> tuple[int, int, int]:
    parts = [*text.split("-")[0].split("."), "0", "0"][:3]
    major, minor, patch = (int(p) for p in parts)
    return major, minor, patch


def _candidates() -> list[Path]:
    on_path = shutil.which("terraform")
    found = [Path(on_path)] if on_path else []
    return [*found, venv_bin() / "terraform"]


def terraform_binary() -> Path:
    """The Terraform to run: on PATH if recent enough, else the venv's; else raise."""
    seen: list[str] = []
    for binary in _candidates():
        if binary.is_file() and os.access(binary, os.X_OK):
            version = terraform_version(binary)
            if version >= MIN_VERSION:
                return binary
            found = _("{binary} is {version}")
            seen.append(found.format(binary=binary, version=".".join(map(str, version))))
    missing = _("No Terraform {version} or later found.").format(version=_min())
    if seen:
        missing = _("No Terraform {version} or later found ({found}).").format(
            version=_min(), found="; ".join(seen)
        )
    raise TerraformError(missing, hint=install_hint())


def _min() -> str:
    return ".".join(map(str, MIN_VERSION[:2]))


def install_hint() -> str:
    """Exactly what to install, for machines where ecslab cannot download it."""
    plat = tf_platform()
    name = f"terraform_{PINNED_VERSION}_{plat}.zip"
    sha = PINNED_SHA256.get(plat) or _("(see {url})").format(
        url=f"{RELEASES_URL}/{PINNED_VERSION}/"
    )
    return _(
        "Install Terraform {version} (any {minimum}+ works): download {url}, check "
        "`sha256sum {name}` prints {sha}, and unzip `terraform` into a folder on PATH or into "
        "{venv}. Or run `make terraform` on a machine that reaches releases.hashicorp.com."
    ).format(
        version=PINNED_VERSION,
        minimum=_min(),
        url=f"{RELEASES_URL}/{PINNED_VERSION}/{name}",
        name=name,
        sha=sha,
        venv=venv_bin(),
    )


def install_terraform(dest: Path | None = None) -> Path:
    """Download the pinned Terraform, check its SHA-256, and unzip it into dest (the venv)."""
    plat = tf_platform()
    if plat not in PINNED_SHA256:
        raise TerraformError(
            _("ecslab has no pinned Terraform for {platform}.").format(platform=plat),
            hint=install_hint(),
        )
    url = f"{RELEASES_URL}/{PINNED_VERSION}/terraform_{PINNED_VERSION}_{plat}.zip"
    data = _download(url)
    digest = hashlib.sha256(data).hexdigest()
    if digest != PINNED_SHA256[plat]:
        raise TerraformError(
            _("{url} has SHA-256 {digest}, not the published {sha}: not installed.").format(
                url=url, digest=digest, sha=PINNED_SHA256[plat]
            ),
            hint=install_hint(),
        )
    return _unzip_binary(data, dest or venv_bin())


def _download(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=_DOWNLOAD_TIMEOUT) as response:
            body: bytes = response.read()
            return body
    except (urllib.error.URLError, OSError) as e:
        cannot = _("Cannot download {url}: {error}").format(url=url, error=e)
        raise TerraformError(cannot, hint=install_hint()) from e


def _unzip_binary(data: bytes, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / "terraform"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        tmp = target.with_suffix(".part")
        tmp.write_bytes(archive.read("terraform"))
    tmp.chmod(0o755)
    tmp.replace(target)
    return target


# --- `ecslab terraform-check` ---------------------------------------------------------


def ensure_terraform() -> Path:
    """The Terraform to run; installs the pinned release into the venv when none fits."""
    try:
        return terraform_binary()
    except TerraformError as missing:
        try:
            return install_terraform()
        except TerraformError as e:
            failed = _("{missing} Installing it failed: {error}")
            raise TerraformError(failed.format(missing=missing, error=e), hint=e.hint) from e


def describe() -> str:
    """What `ecslab terraform-check` prints: which Terraform, which provider source."""
    binary = ensure_terraform()
    version = ".".join(map(str, terraform_version(binary)))
    mirror = find_mirror()
    source = (
        _("the filesystem mirror {mirror} (hashicorp/aws {versions})").format(
            mirror=mirror, versions=", ".join(provider_versions(mirror))
        )
        if mirror
        else _("the Terraform registry, directly (no provider mirror found)")
    )
    return "\n".join(
        [
            f"Terraform {version}: {binary}",
            _("Providers from: {source}").format(source=source),
            _("CLI config: {config} (plugin cache {cache})").format(
                config=cli_config_file(), cache=plugin_cache_dir()
            ),
        ]
    )
