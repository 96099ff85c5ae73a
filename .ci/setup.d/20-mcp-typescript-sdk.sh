#!/usr/bin/env bash
# The official TypeScript MCP SDK (npm @modelcontextprotocol/sdk, the client under the MCP Inspector
# and most agent hosts), for plugins/envfactory-mcp/tests/test_mcp_typescript_client.py: it drives
# our server over stdio and streamable HTTP with that client. Installed into the test's own folder
# (ts_client/node_modules, git-ignored) at the version its package.json pins. Needs Node.js >= 18
# and npm. Safe to run twice: npm install is a no-op when the pinned version is present.
set -euo pipefail
cd "$(dirname "$0")/../../plugins/envfactory-mcp/tests/ts_client"
if ! command -v npm >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq nodejs npm
  else
    echo "npm is missing and apt-get is not available: install Node.js 18+ with npm" >&2
    exit 1
  fi
fi
npm install --no-audit --no-fund --loglevel=error
