#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests if it is missing (never a browser download).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "chromium is missing and this user cannot apt-get install it: the browser tests will fail." >&2
  echo "Install it with: sudo apt-get install chromium" >&2
  exit 1
fi
echo "Installing Debian's chromium for the browser tests ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
