#!/usr/bin/env bash
# Install the Debian packages ecslab's local cloud and tests use, when missing.
# nginx: the process runtime runs it for `nginx` images. chromium + chromium-driver: browser tests.
# The shellcheck package: tests/test_binder.py lints binder/postBuild and binder/start.
set -euo pipefail
want=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || want+=(nginx)
command -v chromium >/dev/null || want+=(chromium)
command -v chromedriver >/dev/null || want+=(chromium-driver)
command -v shellcheck >/dev/null || want+=(shellcheck)
[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
  echo "ecslab needs these Debian packages: ${want[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${want[*]}" >&2
  exit 1
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "Installing Debian packages: ${want[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
