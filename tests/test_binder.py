"""Is binder/ a working Binder configuration? Checked without building an image.

`jupyter-repo2docker --no-build` renders the Dockerfile without a Docker engine and
rejects bad apt names or Python versions; the rest is what it cannot check: the
requirements resolve, the apt packages exist, the scripts pass shellcheck, and postBuild
refuses a download whose SHA-256 is not the pinned one (tested on local files: no network).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from ecslab import settings
from ecslab.tf import providers

ROOT = settings.PROJECT_ROOT
BINDER = ROOT / "binder"
BIN = Path(sys.executable).parent


def _repo2docker(repo: Path) -> subprocess.CompletedProcess[str]:
    """Render the Dockerfile as mybinder.org would build it (user 1000, jovyan)."""
    command = [str(BIN / "jupyter-repo2docker"), "--no-build", "--debug"]
    command += ["--user-id", "1000", "--user-name", "jovyan", str(repo)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def _rendered(repo: Path) -> str:
    done = _repo2docker(repo)
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output[-2000:]
    return output


def _binder_copy(tmp_path: Path, **changes: str) -> Path:
    """A repository holding a copy of binder/ with some of its files replaced."""
    shutil.copytree(BINDER, tmp_path / "binder")
    for name, text in changes.items():
        (tmp_path / "binder" / name.replace("_", ".")).write_text(text)
    return tmp_path


def test_repo2docker_renders_the_image() -> None:
    """Does repo2docker accept binder/: Python 3.11, nginx, requirements, postBuild, start?"""
    dockerfile = _rendered(ROOT)
    assert "Building conda environment for python=3.11" in dockerfile
    assert "apt-get install --yes --no-install-recommends nginx" in dockerfile
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in dockerfile
    assert "RUN ./binder/postBuild" in dockerfile
    assert 'R2D_ENTRYPOINT="${REPO_DIR}/binder/start"' in dockerfile


def test_requirements_install_after_the_repository_is_copied() -> None:
    """`-r ../requirements.txt` and `-e .` need the checkout: is pip run after the COPY?"""
    dockerfile = _rendered(ROOT)
    assert dockerfile.index("COPY --chown=1000:1000 src/ ${REPO_DIR}/") < dockerfile.index(
        'pip install --no-cache-dir -r "binder/requirements.txt"'
    )


def test_repo2docker_rejects_a_bad_apt_name(tmp_path: Path) -> None:
    """Does the check have teeth: is an invalid apt name refused?"""
    repo = _binder_copy(tmp_path, apt_txt="nginx\nBad_Name!\n")
    assert "Found invalid package name Bad_Name!" in _repo2docker(repo).stderr


def test_repo2docker_rejects_a_bad_python(tmp_path: Path) -> None:
    """Is a Python version repo2docker cannot provide refused?"""
    repo = _binder_copy(tmp_path, runtime_txt="python-3.99\n")
    assert "Python version 3.99" in _repo2docker(repo).stderr


def test_requirements_resolve() -> None:
    """Do binder's requirements (the project's pins and the package) resolve with pip?"""
    pip = [str(BIN / "pip"), "install", "--dry-run", "--ignore-installed", "-q"]
    done = subprocess.run(
        [*pip, "-r", "binder/requirements.txt"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def test_apt_packages_exist() -> None:
    """Does every package of apt.txt exist (here: Debian's archive; Binder uses Ubuntu's)?"""
    names = [line.strip() for line in (BINDER / "apt.txt").read_text().splitlines()]
    for name in [n for n in names if n and not n.startswith("#")]:
        done = subprocess.run(["apt-cache", "show", name], capture_output=True, text=True)
        assert done.returncode == 0 and f"Package: {name}" in done.stdout, done.stderr


@pytest.mark.parametrize("script", ["postBuild", "start"])
def test_scripts_pass_shellcheck(script: str) -> None:
    """Do postBuild and start pass shellcheck (the scripts that must not hide failures)?"""
    assert shutil.which("shellcheck"), "shellcheck missing: make system-deps installs it"
    done = subprocess.run(["shellcheck", str(BINDER / script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("script", ["postBuild", "start"])
def test_scripts_stop_on_errors(script: str) -> None:
    """Do both scripts run under `set -euo pipefail`?"""
    assert "\nset -euo pipefail\n" in (BINDER / script).read_text()


def _bash(snippet: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run snippet after sourcing postBuild (its functions, not its main)."""
    script = f"set -euo pipefail; source binder/postBuild; {snippet}"
    full_env = {**os.environ, **env}
    return subprocess.run(
        ["bash", "-c", script], cwd=ROOT, capture_output=True, text=True, env=full_env, timeout=60
    )


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_verification_refuses_a_wrong_sum(tmp_path: Path) -> None:
    """Is a file whose SHA-256 differs from the pin refused, with both sums said?"""
    file = tmp_path / "terraform.zip"
    file.write_bytes(b"tampered")
    done = _bash(f"verify_sha256 {file} {'0' * 64}")
    assert done.returncode == 1
    assert f"has SHA-256 {_sha(file)}, expected {'0' * 64}: refusing it" in done.stderr


def test_tampered_download_leaves_nothing(tmp_path: Path) -> None:
    """Does fetch_verified leave no file behind when the download does not match?"""
    source, dest = tmp_path / "served.zip", tmp_path / "dest.zip"
    source.write_bytes(b"tampered")
    done = _bash(f"fetch_verified file://{source} {'0' * 64} {dest}")
    assert done.returncode == 1 and not dest.exists()
    assert list(tmp_path.iterdir()) == [source]


def _fake_release(tmp_path: Path) -> Path:
    """A zip shaped like a Terraform release, holding a stand-in `terraform`."""
    archive = tmp_path / "terraform_release.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("terraform", "#!/bin/sh\necho 'Terraform v9.9.9'\n")
    return archive


def test_install_terraform_installs_only_a_verified_release(tmp_path: Path) -> None:
    """With the right sum, is terraform installed into the notebook env's bin?"""
    archive, prefix = _fake_release(tmp_path), tmp_path / "env"
    pin = f"terraform_pin() {{ echo 9.9.9 {_sha(archive)} file://{archive}; }}; install_terraform"
    done = _bash(pin, NB_PYTHON_PREFIX=str(prefix))
    assert done.returncode == 0, done.stderr
    assert "Terraform 9.9.9 installed" in done.stdout and os.access(
        prefix / "bin/terraform", os.X_OK
    )


def test_install_terraform_refuses_a_tampered_release(tmp_path: Path) -> None:
    """With a sum that does not match, does the build fail and install nothing?"""
    archive, prefix = _fake_release(tmp_path), tmp_path / "env"
    pin = f"terraform_pin() {{ echo 9.9.9 {'0' * 64} file://{archive}; }}; install_terraform"
    done = _bash(pin, NB_PYTHON_PREFIX=str(prefix))
    assert done.returncode != 0 and "refusing it" in done.stderr
    assert not (prefix / "bin" / "terraform").exists()


def test_pin_comes_from_the_package() -> None:
    """Is postBuild's pin the one in ecslab.tf.providers (one source of truth)?"""
    done = _bash("terraform_pin", PATH=f"{BIN}:{os.environ['PATH']}")
    version, sha, url = done.stdout.split()
    plat = providers.tf_platform()
    assert (version, sha) == (providers.PINNED_VERSION, providers.PINNED_SHA256[plat])
    assert url.endswith(f"terraform_{version}_{plat}.zip")


def test_provider_mirror_is_prefilled_unpacked(tmp_path: Path) -> None:
    """Does postBuild leave a mirror ecslab finds, so `terraform init` is offline?"""
    mirror = providers.find_mirror()
    if mirror is None:
        pytest.skip("no local provider mirror to stand in for the registry on this machine")
    config = tmp_path / "cli.tfrc"
    config.write_text(
        f'provider_installation {{\n  filesystem_mirror {{ path = "{mirror}" }}\n}}\n'
    )
    prefix = tmp_path / "env"
    (prefix / "bin").mkdir(parents=True)
    (prefix / "bin" / "terraform").symlink_to(providers.terraform_binary())
    done = _bash("prefill_providers", NB_PYTHON_PREFIX=str(prefix), TF_CLI_CONFIG_FILE=str(config))
    assert done.returncode == 0, done.stderr
    filled = prefix / "share" / "ecslab" / "providers"
    assert providers.has_aws_provider(filled)
    _init_from(filled, tmp_path)


def _init_from(mirror: Path, tmp_path: Path) -> None:
    """`terraform init` of the chapter with only that mirror (as `start` sets it): quick?"""
    work, config = tmp_path / "chapter9", tmp_path / "only-mirror.tfrc"
    shutil.copytree(ROOT / "terraform" / "chapter9", work, symlinks=False)
    config.write_text(
        f'provider_installation {{\n  filesystem_mirror {{ path = "{mirror}" }}\n}}\n'
    )
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(config), "CHECKPOINT_DISABLE": "1"}
    started = time.monotonic()
    done = subprocess.run(
        [str(providers.terraform_binary()), f"-chdir={work}", "init", "-input=false", "-no-color"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Installed hashicorp/aws" in done.stdout and time.monotonic() - started < 30


def test_jupyter_opens_on_the_first_lab() -> None:
    """Does the server config's default URL name the first lab notebook, which exists?"""
    import json

    url = json.loads((BINDER / "jupyter_server_config.json").read_text())["ServerApp"][
        "default_url"
    ]
    first = sorted((ROOT / "labs").glob("*.ipynb"))[0]
    assert url == f"/lab/tree/desk/{first.name}"  # the learner's copy (ecslab desk)


def test_start_hands_over_even_if_the_cloud_fails(tmp_path: Path) -> None:
    """Does start say why the local cloud failed and still `exec` Jupyter?"""
    fake = tmp_path / "ecslab"
    fake.write_text("#!/bin/sh\necho 'port 4566 is busy' >&2\nexit 1\n")
    fake.chmod(0o755)
    done = subprocess.run(
        [str(BINDER / "start"), "echo", "jupyter here"],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"},
        timeout=30,
    )
    assert done.returncode == 0 and done.stdout == "jupyter here\n"
    assert "port 4566 is busy" in done.stderr and "local cloud did not start" in done.stderr


def test_readme_binder_badge_opens_an_existing_lab() -> None:
    """Does the README's Binder link deep-link to a lab notebook that exists?"""
    import re

    links = re.findall(r"https://mybinder\.org/v2/[^)\s]+", (ROOT / "README.md").read_text())
    if not links:
        pytest.skip("the README has no Binder badge yet")
    for link in links:
        target = re.search(r"urlpath=lab/tree/([^&)\s]+)", link)
        assert target, f"{link} does not open a notebook (urlpath=lab/tree/...)"
        assert (ROOT / target.group(1)).is_file(), f"{link}: {target.group(1)} does not exist"
