"""Is binder/ a working Binder configuration? Checked without building an image.

`jupyter-repo2docker --no-build` renders the Dockerfile without a Docker engine and
rejects bad apt names or Python versions; the rest is what it cannot check: the
requirements resolve, the apt packages exist, the scripts pass shellcheck, and postBuild
refuses a download whose SHA-256 is not the pinned one (tested on local files: no network).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fixtures_cloud import free_port

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
    """Does repo2docker accept binder/: Python 3.11, nginx and a CJK font, requirements,
    postBuild, start?"""
    dockerfile = _rendered(ROOT)
    assert "Building conda environment for python=3.11" in dockerfile
    assert "apt-get install --yes --no-install-recommends fonts-ipafont-gothic nginx" in dockerfile
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in dockerfile
    assert "RUN ./binder/postBuild" in dockerfile
    assert 'R2D_ENTRYPOINT="${REPO_DIR}/binder/start"' in dockerfile


def test_requirements_install_before_the_repository_is_copied() -> None:
    """Is binder/requirements.txt installed in a layer of its own, before the checkout is
    copied, so that a commit which leaves the lock alone reuses the cached layer?"""
    dockerfile = _rendered(ROOT)
    assert dockerfile.index('pip install --no-cache-dir -r "binder/requirements.txt"') < (
        dockerfile.index("COPY --chown=1000:1000 src/ ${REPO_DIR}/")
    )


def test_a_requirement_on_the_checkout_spoils_the_cache(tmp_path: Path) -> None:
    """Does the check above have teeth: with `-e .`, is pip run only after the COPY?"""
    repo = _binder_copy(tmp_path, requirements_txt="-e .\n")
    dockerfile = _rendered(repo)
    assert dockerfile.index("COPY --chown=1000:1000 src/ ${REPO_DIR}/") < dockerfile.index(
        'pip install --no-cache-dir -r "binder/requirements.txt"'
    )


def _pins(path: Path) -> list[str]:
    """A requirements file's requirement and hash lines, without its comments."""
    lines = [line.split("#", 1)[0].strip() for line in path.read_text().splitlines()]
    return [line for line in lines if line]


def test_binder_installs_the_runtime_lock() -> None:
    """Is binder/requirements.txt the runtime lock (`make lock` copies it), hashes and all?"""
    pins = _pins(BINDER / "requirements.txt")
    assert pins == _pins(ROOT / "requirements.txt")
    assert any(pin.startswith("moto==") for pin in pins)
    assert all(pin.startswith("--hash=sha256:") or "==" in pin for pin in pins), pins


def test_repo2docker_rejects_a_bad_apt_name(tmp_path: Path) -> None:
    """Does the check have teeth: is an invalid apt name refused?"""
    repo = _binder_copy(tmp_path, apt_txt="nginx\nBad_Name!\n")
    assert "Found invalid package name Bad_Name!" in _repo2docker(repo).stderr


def test_repo2docker_rejects_a_bad_python(tmp_path: Path) -> None:
    """Is a Python version repo2docker cannot provide refused?"""
    repo = _binder_copy(tmp_path, runtime_txt="python-3.99\n")
    assert "Python version 3.99" in _repo2docker(repo).stderr


def test_requirements_resolve() -> None:
    """Do binder's requirements (the runtime lock, hashes checked) resolve with pip?"""
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


def test_both_platforms_of_binder_and_hubs_are_pinned() -> None:
    """Do x86-64 and ARM64 images (Binder's and hubs' nodes) each get a pinned SHA-256?"""
    for plat in ("linux_amd64", "linux_arm64"):
        assert re.fullmatch(r"[0-9a-f]{64}", providers.PINNED_SHA256[plat]), plat
    assert len(set(providers.PINNED_SHA256.values())) == len(providers.PINNED_SHA256)


def _prefill_setup(tmp_path: Path) -> tuple[Path, Path]:
    """A notebook env whose terraform is this machine's, and a CLI config whose only
    provider source is this machine's mirror (standing in for the registry)."""
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
    return prefix, config


def test_provider_mirror_is_prefilled_unpacked(tmp_path: Path) -> None:
    """Does postBuild leave a mirror ecslab finds, so `terraform init` is offline?"""
    prefix, config = _prefill_setup(tmp_path)
    done = _bash("prefill_providers", NB_PYTHON_PREFIX=str(prefix), TF_CLI_CONFIG_FILE=str(config))
    assert done.returncode == 0, done.stderr
    filled = prefix / "share" / "ecslab" / "providers"
    assert providers.has_aws_provider(filled)
    _init_from(filled, tmp_path)


def test_prefill_refuses_a_provider_the_chapter_lock_does_not_list(tmp_path: Path) -> None:
    """With the chapter's committed lock naming other checksums, does the image's provider
    prefill fail (a build never takes, or records, a provider the lock does not name)?"""
    prefix, config = _prefill_setup(tmp_path)
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT / "terraform" / "chapter9", checkout / "terraform" / "chapter9")
    lock = checkout / "terraform" / "chapter9" / ".terraform.lock.hcl"
    assert '"h1:' in lock.read_text()
    lock.write_text(re.sub(r'"h1:[^"]+"', '"h1:' + "A" * 43 + '="', lock.read_text()))
    env = {**os.environ, "NB_PYTHON_PREFIX": str(prefix), "TF_CLI_CONFIG_FILE": str(config)}
    script = f"set -euo pipefail; source {ROOT / 'binder' / 'postBuild'}; prefill_providers"
    done = subprocess.run(
        ["bash", "-c", script], cwd=checkout, capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode != 0
    assert "the dependency lock file" in " ".join(done.stderr.split())


def _init_from(mirror: Path, tmp_path: Path) -> None:
    """`terraform init` of the chapter with only that mirror (as `start` sets it): does it
    link the provider from the mirror rather than copy or download it (instant, offline)?"""
    work, config = tmp_path / "chapter9", tmp_path / "only-mirror.tfrc"
    shutil.copytree(ROOT / "terraform" / "chapter9", work, symlinks=False)
    config.write_text(
        f'provider_installation {{\n  filesystem_mirror {{ path = "{mirror}" }}\n}}\n'
    )
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(config), "CHECKPOINT_DISABLE": "1"}
    done = subprocess.run(
        [str(providers.terraform_binary()), f"-chdir={work}", "init", "-input=false", "-no-color"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Installed hashicorp/aws" in done.stdout
    installed = list((work / ".terraform" / "providers" / providers.AWS_PROVIDER).glob("*/*"))
    assert installed and all(path.is_symlink() for path in installed), installed
    links = [Path(os.path.normpath(path.parent / path.readlink())) for path in installed]
    assert all(link.is_relative_to(mirror) for link in links), links


def test_jupyter_opens_on_the_first_lab() -> None:
    """Does the server config's default URL name the first lab notebook, which exists?"""
    url = json.loads((BINDER / "jupyter_server_config.json").read_text())["ServerApp"][
        "default_url"
    ]
    first = sorted((ROOT / "labs").glob("*.ipynb"))[0]
    assert url == f"/lab/tree/desk/{first.name}"  # the learner's copy (ecslab desk)


def test_the_image_silences_jupyterlabs_news_question() -> None:
    """Does postBuild write the lab's JupyterLab overrides into the notebook env's prefix?"""
    done = _bash("lab_settings", PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    assert done.returncode == 0, done.stderr
    written = Path(sys.prefix) / "share/jupyter/lab/settings/overrides.d/ecslab.json"
    assert done.stdout == f"postBuild: wrote {written}\n"
    assert "fetchNews" in written.read_text()


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


@pytest.mark.parametrize("filled", [True, False])
def test_start_names_the_image_mirror_only_where_it_exists(tmp_path: Path, filled: bool) -> None:
    """Does start point ecslab at the mirror postBuild fills when it is there, and leave
    ECSLAB_PROVIDER_MIRROR unset outside the image (a hub running start on a host), where
    a missing folder would make every `terraform init` fail?"""
    fake = tmp_path / "bin" / "ecslab"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\necho "$1 mirror=${ECSLAB_PROVIDER_MIRROR:-unset}"\n')
    fake.chmod(0o755)
    prefix = tmp_path / "env"
    mirror = prefix / "share" / "ecslab" / "providers"
    if filled:
        mirror.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != "ECSLAB_PROVIDER_MIRROR"}
    env |= {"PATH": f"{fake.parent}:{os.environ['PATH']}", "NB_PYTHON_PREFIX": str(prefix)}
    done = subprocess.run(
        [str(BINDER / "start"), "true"], capture_output=True, text=True, env=env, timeout=30
    )
    said = f"up mirror={mirror if filled else 'unset'}"
    assert done.returncode == 0 and said in done.stdout.splitlines(), done.stdout


#: A GitHub "owner/repository" as mybinder.org's `gh` provider takes it.
GITHUB_PATH = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/[A-Za-z0-9._-]+")
FIRST_LAB = "labs/01_ecs_building_blocks.ipynb"
#: Words that stand for a path rather than being one.
PLACEHOLDERS = {"owner", "repo", "repository", "user", "username", "org", "name", "example"}


def binder_link_problems(markdown: str) -> list[str]:
    """What is wrong with each Binder link of a Markdown text: a placeholder where the
    repository's GitHub path belongs, or a notebook that does not exist. None: []."""
    problems = []
    for link in re.findall(r"\]\((https://mybinder\.org/v2/[^)\s]+)\)", markdown):
        path = re.match(r"https://mybinder\.org/v2/gh/([^/]+/[^/]+)/[^?]+\?", link)
        if not path or not GITHUB_PATH.fullmatch(path.group(1)):
            problems.append(f"{link}: not https://mybinder.org/v2/gh/OWNER/REPOSITORY/REF?...")
        elif {part.lower() for part in path.group(1).split("/")} & PLACEHOLDERS:
            problems.append(f"{link}: {path.group(1)} is a placeholder, not the repository")
        target = re.search(r"urlpath=lab/tree/([^&)\s]+)", link)
        if not target:
            problems.append(f"{link} does not open a notebook (urlpath=lab/tree/...)")
        elif not (ROOT / target.group(1)).is_file():
            problems.append(f"{link}: {target.group(1)} does not exist")
    return problems


def test_readme_binder_links_are_real() -> None:
    """Does every Binder link of the README (a badge is added once the repository is
    published: README says how) name a real repository and an existing lab?"""
    assert binder_link_problems((ROOT / "README.md").read_text()) == []


@pytest.mark.parametrize(
    ("path", "notebook", "problem"),
    [
        ("OWNER/REPO", FIRST_LAB, "OWNER/REPO is a placeholder"),
        ("your-org/repository", FIRST_LAB, "is a placeholder"),
        ("<owner>/<repo>", FIRST_LAB, "not https://mybinder.org"),
        ("ecslab-dev/ecslab", "labs/99_missing.ipynb", "labs/99_missing.ipynb does not exist"),
    ],
)
def test_binder_link_check_has_teeth(path: str, notebook: str, problem: str) -> None:
    """Are a placeholder path, a malformed one and a missing notebook each refused?"""
    link = f"https://mybinder.org/v2/gh/{path}/HEAD?urlpath=lab/tree/{notebook}"
    problems = binder_link_problems(f"[![Binder](https://mybinder.org/badge_logo.svg)]({link})")
    assert len(problems) == 1 and problem in problems[0], problems


def test_binder_link_check_accepts_a_real_badge() -> None:
    """Is a well-formed badge to an existing lab accepted (the check is not always red)?"""
    link = "https://mybinder.org/v2/gh/ecslab-dev/ecslab/HEAD?urlpath=lab/tree/" + FIRST_LAB
    assert binder_link_problems(f"[![Binder](https://mybinder.org/badge_logo.svg)]({link})") == []


def test_nginx_names_its_start_up_log_so_a_non_root_one_stays_quiet(tmp_path: Path) -> None:
    """Does the task's nginx name its start-up error log (-e stderr, as the image's does),
    so Ubuntu's build (the Binder image's, built with /var/log/nginx/error.log) cannot
    write an `[alert] could not open error log file` into a learner's log stream, and does
    this machine's nginx take the flag?"""
    from ecslab.dataplane import nginxconf, runtime

    conf = tmp_path / "nginx.conf"
    conf.write_text(nginxconf.task_conf(tmp_path, free_port(), tmp_path))  # any user may bind
    entrypoint = runtime._entrypoint(tmp_path, conf)
    assert f"exec {runtime.NGINX} -e stderr -p " in entrypoint
    argv = [*nginxconf.command(runtime.NGINX, tmp_path, conf, "stderr")[:-2], "-t"]
    checked = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    assert "[alert]" not in checked.stderr
