"""The environment that points clients at the local cloud or at AWS."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures_cloud import LocalCloud

from ecslab import credentials
from ecslab.account import clients
from ecslab.tf.environment import aws_env, export_lines, local_env, removed_names, target_env

#: What a learner with a real AWS setup may have exported.
USER_AWS = {
    "AWS_PROFILE": "work",
    "AWS_ACCESS_KEY_ID": "AKIAREALKEY",
    "AWS_SECRET_ACCESS_KEY": "real-secret",
    "AWS_SESSION_TOKEN": "real-token",
    "AWS_ENDPOINT_URL_STS": "https://sts.example.invalid",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
    "AWS_REGION": "us-west-2",
    "PATH": "/usr/bin",
}


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ECSLAB_HOME", str(tmp_path))
    monkeypatch.setenv("ECSLAB_PORT", "45999")
    return tmp_path


def test_local_points_at_the_local_endpoint() -> None:
    """Does the local environment name the local cloud's endpoint and the book's region?"""
    env = local_env(USER_AWS)
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:45999"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "ap-northeast-1"


def test_local_replaces_real_credentials(home: Path) -> None:
    """Are the user's keys and token removed, the local cloud's own key taken from its
    credentials file instead (never from a variable a cell could print)?"""
    env = local_env(USER_AWS)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        assert name not in env
    assert Path(env["AWS_SHARED_CREDENTIALS_FILE"]) == credentials.credentials_file(home)
    key = credentials.load(home)
    assert key is not None and key.secret_access_key not in "\n".join(env.values())


def test_local_removes_profile_and_endpoint_escapes() -> None:
    """Are the profile, per-service endpoints and the ignore-endpoints switch removed?"""
    env = local_env(USER_AWS)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL_STS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"):
        assert name not in env


def test_local_config_files_are_files_of_ours(home: Path) -> None:
    """Is the AWS config an empty file under ECSLAB_HOME, and the credentials file the
    home's own, readable by its owner alone?"""
    env = local_env(USER_AWS)
    assert Path(env["AWS_CONFIG_FILE"]).is_relative_to(home)
    assert Path(env["AWS_CONFIG_FILE"]).read_text() == ""
    key_file = Path(env["AWS_SHARED_CREDENTIALS_FILE"])
    assert key_file.is_relative_to(home) and key_file.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    "name",
    [
        "TF_AWS_STS_ENDPOINT",
        "AWS_STS_ENDPOINT",
        "TF_AWS_IAM_ENDPOINT",
        "AWS_IAM_ENDPOINT",
        "AWS_S3_ENDPOINT",
        "TF_AWS_DYNAMODB_ENDPOINT",
        "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    ],
)
def test_local_clears_legacy_endpoints(name: str) -> None:
    """Is each endpoint variable that beats AWS_ENDPOINT_URL in the provider cleared?"""
    env = local_env({**USER_AWS, name: "https://sts.example.invalid"})
    assert name not in env
    assert f"unset {name}\n" in export_lines(env, base={name: "x"}, unset=removed_names("local"))


def test_local_keeps_loopback_off_any_proxy() -> None:
    """Are 127.0.0.1 and localhost added to NO_PROXY (both spellings), the user's kept?"""
    env = local_env({**USER_AWS, "HTTPS_PROXY": "http://proxy:3128", "no_proxy": "corp.example"})
    for name in ("NO_PROXY", "no_proxy"):
        assert env[name].split(",") == ["corp.example", "127.0.0.1", "localhost"]


def test_no_secret_is_ever_exported() -> None:
    """Does `ecslab env` (either target) never print a secret key or a session token?"""
    for target in ("aws", "local"):
        text = export_lines(target_env(target, USER_AWS), base={}, unset=removed_names(target))
        assert "real-secret" not in text and "real-token" not in text
        assert "AWS_SECRET_ACCESS_KEY=" not in text


def test_local_keeps_unrelated_variables() -> None:
    """Is the rest of the environment kept (HOME, and PATH behind the venv's bin)?"""
    env = local_env({**USER_AWS, "HOME": "/home/ana"})
    assert env["HOME"] == "/home/ana"
    assert env["PATH"].split(os.pathsep)[1:] == ["/usr/bin"]


def test_path_starts_with_the_venvs_bin_where_aws_lives() -> None:
    """Does `!aws ...` in a cell find the venv's AWS CLI (stock Debian has none)?"""
    for env in (local_env(USER_AWS), aws_env(USER_AWS)):
        first = Path(env["PATH"].split(os.pathsep)[0])
        assert first == Path(sys.prefix) / "bin"
        assert (first / "aws").exists()


def test_local_sets_the_projects_terraform_cli_config(home: Path) -> None:
    """Does TF_CLI_CONFIG_FILE point at the project's own CLI config, not ~/.terraformrc?"""
    path = Path(local_env(USER_AWS)["TF_CLI_CONFIG_FILE"])
    assert path.is_relative_to(home) and path.exists()


def test_aws_keeps_the_users_credentials() -> None:
    """Does the AWS environment keep the user's profile, keys and region?"""
    env = aws_env(USER_AWS)
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN", "AWS_REGION"):
        assert env[name] == USER_AWS[name]


def test_aws_drops_the_local_endpoint_and_files(home: Path) -> None:
    """After `eval "$(ecslab env)"`, does the AWS environment drop the local leftovers?"""
    env = aws_env(local_env(USER_AWS))
    assert "AWS_ENDPOINT_URL" not in env
    assert "AWS_CONFIG_FILE" not in env and "AWS_SHARED_CREDENTIALS_FILE" not in env


def test_aws_defaults_to_the_books_region() -> None:
    """Without a region of the user's, is the book's region used?"""
    assert aws_env({"PATH": "/usr/bin"})["AWS_REGION"] == "ap-northeast-1"


def test_target_env_follows_ecslab_target(monkeypatch: pytest.MonkeyPatch) -> None:
    """Does target_env pick by ECSLAB_TARGET?"""
    monkeypatch.setenv("ECSLAB_TARGET", "aws")
    assert "AWS_ENDPOINT_URL" not in target_env(base=USER_AWS)
    monkeypatch.setenv("ECSLAB_TARGET", "local")
    assert "AWS_ENDPOINT_URL" in target_env(base=USER_AWS)


def test_export_lines_unset_then_export_quoted() -> None:
    """Do the lines unset removed variables and export the set ones, shell-quoted?"""
    env = {"AWS_REGION": "ap-northeast-1", "X": "a b"}
    lines = export_lines(env, base={"AWS_PROFILE": "work", "X": "old"}).splitlines()
    assert lines == ["unset AWS_PROFILE", "export AWS_REGION=ap-northeast-1", "export X='a b'"]


def test_export_lines_always_unset_the_given_names() -> None:
    """Are the names passed in `unset` unset even when the shell does not have them?"""
    text = export_lines({}, base={}, unset=removed_names("local"))
    assert "unset AWS_PROFILE\n" in text and "unset AWS_SESSION_TOKEN\n" in text


def test_export_lines_run_in_a_shell() -> None:
    """Does a shell that evals the lines end up with the environment's values?"""
    env = local_env(USER_AWS)
    script = export_lines(env, base=USER_AWS) + 'echo "$AWS_ENDPOINT_URL|${AWS_PROFILE-unset}"'
    out = subprocess.run(["bash", "-c", script], env=USER_AWS, capture_output=True, text=True)
    assert out.stdout.strip() == "http://127.0.0.1:45999|unset"


def test_local_cloud_reached_whatever_the_user_set(
    local_cloud: LocalCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a real profile, keys and an STS endpoint set, does the AWS CLI in the local
    environment still answer from the local cloud (and nothing else)?"""
    monkeypatch.setenv("ECSLAB_HOME", str(local_cloud.home))
    monkeypatch.setenv("ECSLAB_PORT", str(local_cloud.port))
    env = local_env({**local_cloud.env, **USER_AWS, "PATH": local_cloud.env["PATH"]})
    command = [
        sys.executable,
        "-m",
        "awscli",
        "sts",
        "get-caller-identity",
        "--query",
        "Account",
        "--output",
        "text",
    ]
    out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "123456789012", out.stderr


def test_boto3_local_session_ignores_the_users_profile(
    local_cloud: LocalCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Does ecslab.account.clients ignore an AWS_PROFILE that does not even exist, in local mode?"""
    monkeypatch.setenv("ECSLAB_HOME", str(local_cloud.home))
    monkeypatch.setenv("ECSLAB_PORT", str(local_cloud.port))
    for name, value in USER_AWS.items():
        if name != "PATH":
            monkeypatch.setenv(name, value)
    sts = clients.client("sts", target="local")
    assert sts.meta.endpoint_url == local_cloud.endpoint
    assert sts.get_caller_identity()["Account"] == "123456789012"


def test_export_lines_quote_spaces_in_paths(home: Path) -> None:
    """Is every exported value a single shell word (paths with spaces stay whole)?"""
    for line in export_lines(local_env(USER_AWS), base=USER_AWS).splitlines():
        assert len(shlex.split(line)) == 2


def test_apply_sets_and_removes_in_place() -> None:
    """Does apply() turn a mapping into the local environment, removing AWS_PROFILE?"""
    from ecslab.tf.environment import apply

    environ = {**USER_AWS, "HOME": "/home/ana"}
    apply("local", environ)
    assert environ["AWS_ENDPOINT_URL"] == "http://127.0.0.1:45999"
    assert environ == local_env({**USER_AWS, "HOME": "/home/ana"})
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_STS"):
        assert name not in environ
    assert environ["HOME"] == "/home/ana"
    assert environ["PATH"].split(os.pathsep)[1:] == ["/usr/bin"]


def test_a_proxy_in_the_shell_never_sees_the_local_cloud(
    local_cloud: LocalCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With HTTP(S)_PROXY pointing at nothing, do `ecslab status` and the AWS CLI still
    reach the local cloud (loopback bypasses the proxy)?"""
    monkeypatch.setenv("ECSLAB_HOME", str(local_cloud.home))
    monkeypatch.setenv("ECSLAB_PORT", str(local_cloud.port))
    dead = "http://127.0.0.1:9"  # discard port: nothing listens, a proxied call fails
    proxied = {"HTTP_PROXY": dead, "HTTPS_PROXY": dead, "http_proxy": dead, "https_proxy": dead}
    env = local_env({**local_cloud.env, **proxied})
    status = subprocess.run(
        [sys.executable, "-m", "ecslab.cli", "status"], env=env, capture_output=True, text=True
    )
    assert status.returncode == 0 and "local cloud running" in status.stdout, status.stderr
    command = [sys.executable, "-m", "awscli", "ecs", "list-clusters", "--output", "json"]
    out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "clusterArns" in out.stdout, out.stderr
