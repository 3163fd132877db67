#!/usr/bin/env bash
# Runs the action-level tests (action.yml's step running dist/index.js, through
# __tests__/action/harness.ts) with Node 20, 22 and 24 first on PATH, as a workflow with
# actions/setup-node would have them. Jest itself runs on this machine's Node; only the action's
# `node` changes. A major other than this machine's comes from the `node` npm package, installed
# into a scratch folder (NODE_VERSIONS_DIR, reused between runs), never into the project.
set -euo pipefail
cd "$(dirname "$0")/.."

# Majors to test: the arguments, else all supported ones.
majors=("$@")
[[ ${#majors[@]} -gt 0 ]] || majors=(20 22 24)
scratch="${NODE_VERSIONS_DIR:-${TMPDIR:-/tmp}/single-listener-check-node-versions}"
host_node="$(command -v node)"
host_major="$("$host_node" -p 'process.versions.node.split(".")[0]')"

# The folder holding a `node` of the given major: this machine's, or one installed from npm.
node_dir() {
  local major=$1
  if [[ "$major" == "$host_major" ]]; then
    dirname "$host_node"
    return
  fi
  local prefix="$scratch/node$major"
  if [[ ! -x "$prefix/node_modules/node/bin/node" ]]; then
    npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "node@$major" >&2
  fi
  echo "$prefix/node_modules/node/bin"
}

failed=()
for major in "${majors[@]}"; do
  dir="$(node_dir "$major")"
  # What the step's bash finds first on PATH: it must be the wanted major.
  version="$(PATH="$dir:$PATH" bash --noprofile --norc -c 'node --version')"
  if [[ "$version" != "v$major."* ]]; then
    echo "expected Node $major first on PATH from $dir, got $version" >&2
    exit 1
  fi
  echo "== action tests, the action running on Node $version"
  PATH="$dir:$PATH" NODE_OPTIONS="--experimental-vm-modules --disable-warning=ExperimentalWarning" \
    "$host_node" node_modules/jest/bin/jest.js --ci __tests__/action/run.int.test.ts __tests__/action/inputs.int.test.ts ||
    failed+=("$major")
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "action tests failed with Node ${failed[*]}" >&2
  exit 1
fi
echo "action tests passed with Node ${majors[*]}"
