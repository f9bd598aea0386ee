#!/usr/bin/env bash
# Installs Debian packages the tests and the grader need when their command is missing (never a
# download of its own): `ensure-debian.sh COMMAND:PACKAGE ...`, e.g. chromium:chromium for the
# browser tests, bwrap:bubblewrap for the grader's kernel sandbox.
set -euo pipefail
missing=()
for pair in "$@"; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${missing[*]}; this user cannot apt-get install them." >&2
  echo "Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian's ${missing[*]} ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
