#!/usr/bin/env bash
# The OS sandbox of generated environment code: bubblewrap (mount, PID and network namespaces for
# the fork server) and libseccomp (the workers' syscall filter, loaded through the pyseccomp binding
# that requirements-test.txt installs). Without them untrusted code refuses to run, so the sandbox
# and red-team tests (plugins/envfactory-envgen/tests, tests/security/) need them. Idempotent.
set -euo pipefail
if command -v bwrap >/dev/null 2>&1 && ldconfig -p | grep -q libseccomp.so.2; then
  echo "bubblewrap $(bwrap --version | cut -d' ' -f2) and libseccomp are installed"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends bubblewrap libseccomp2
bwrap --version
