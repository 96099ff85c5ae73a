#!/usr/bin/env bash
# Installs Debian's Chromium for the viewer's browser tests (plugins/envfactory-datasette/tests):
# Playwright drives this system browser (/usr/bin/chromium); it never downloads a browser of its own.
# Safe to run twice: apt-get skips what is installed.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
chromium --version
