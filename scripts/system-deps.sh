#!/usr/bin/env bash
# Install the Debian packages a job needs, when missing; asks for sudo only then.
#   system-deps.sh lab    what `make lab` needs: nginx (the local Fargate runs it for `nginx`
#                         images; the local load balancers are nginx too).
#   system-deps.sh test   what `make test` needs on top: chromium + chromium-driver (the
#                         browser test), fonts-ipafont-gothic (the Japanese edition renders
#                         in it, not as boxes: kana and kanji in 12 MB, where fonts-noto-cjk
#                         takes 91 MB), shellcheck (tests/test_binder.py lints binder's scripts),
#                         curl (binder/postBuild downloads with it; tested on local files),
#                         nodejs + npm (the classroom test's JupyterHub proxy, from npm).
# A package counts as present when dpkg says it is installed: no root needed then, so a
# user without sudo (CI's) passes once root installed them (.ci/run does).
set -euo pipefail

LAB=(nginx)
TEST=(chromium chromium-driver fonts-ipafont-gothic shellcheck curl nodejs npm)

usage() {
  echo "usage: $0 lab|test" >&2
  exit 2
}

# Packages whose command another vendor's package may provide (NodeSource's nodejs bundles
# npm, and Debian's npm would conflict with it): present when their command is on PATH.
declare -A COMMAND_OF=([nodejs]=node [npm]=npm)

installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]] && return 0
  [[ -n "${COMMAND_OF[$1]:-}" ]] && command -v "${COMMAND_OF[$1]}" >/dev/null
}

# On Ubuntu `chromium` is a transitional package whose browser is a snap, which the browser
# test cannot drive (its confinement hides the profile folders Playwright creates).
refuse_ubuntu_chromium() {
  local id
  # shellcheck source=/dev/null
  id=$(. /etc/os-release 2>/dev/null && echo "${ID:-}")
  if [[ "$id" == ubuntu ]]; then
    echo "make test needs Debian's chromium; Ubuntu only has a snap shim of it." >&2
    echo "Run the tests in Debian 12 instead, e.g.: docker run --rm -v \"\$PWD\":/src:ro debian:12 bash /src/.ci/run" >&2
    exit 1
  fi
}

main() {
  [[ $# -eq 1 ]] || usage
  local packages=()
  case "$1" in
    lab) packages=("${LAB[@]}") ;;
    test) packages=("${LAB[@]}" "${TEST[@]}") ;;
    *) usage ;;
  esac
  command -v dpkg-query >/dev/null || {
    echo "ecslab installs its system packages with apt (Debian or Ubuntu); install by hand: ${packages[*]}" >&2
    exit 1
  }
  local want=() name
  for name in "${packages[@]}"; do
    installed "$name" || want+=("$name")
  done
  [[ ${#want[@]} -eq 0 ]] && return 0
  [[ " ${want[*]} " == *" chromium "* ]] && refuse_ubuntu_chromium
  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if ! command -v sudo >/dev/null; then
      echo "ecslab needs these Debian packages: ${want[*]}" >&2
      echo "Install them as root with: apt-get install -y ${want[*]}" >&2
      exit 1
    fi
    sudo=(sudo)
  fi
  echo "Installing Debian packages: ${want[*]}"
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${want[@]}" >/dev/null
}

main "$@"
