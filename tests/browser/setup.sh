#!/bin/sh
# Unpacks the vendored playwright-core into tests/node_modules, where the
# browser tests' "import 'playwright-core'" finds it.  No network: the
# npm tarball is in tests/browser/vendor/ (it has no dependencies), and
# unpacking it is all "npm install" would do.  Does nothing when that
# version is there already.  Checks that node (>= 18) and chromium are
# there too (kbd/deps.sh test installs them).
set -eu
cd "$(dirname "$0")/../.."

tgz=$(ls tests/browser/vendor/playwright-core-*.tgz | tail -1)
version=${tgz##*/playwright-core-}
version=${version%.tgz}
dest=tests/node_modules/playwright-core

command -v node >/dev/null 2>&1 || {
	echo "tests/browser/setup.sh: no node; run sh kbd/deps.sh test" >&2
	exit 1
}
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 18 ] || {
	echo "tests/browser/setup.sh: node $major is too old, need 18" >&2
	exit 1
}
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || {
	echo "tests/browser/setup.sh: no ${CHROMIUM:-/usr/bin/chromium}; run sh kbd/deps.sh test" >&2
	exit 1
}
if [ -f "$dest/package.json" ] &&
    grep -q "\"version\": \"$version\"" "$dest/package.json"; then
	exit 0
fi
rm -rf "$dest"
mkdir -p "$dest"
tar -xzf "$tgz" -C "$dest" --strip-components=1 --no-same-owner
echo "tests/browser/setup.sh: playwright-core $version unpacked into $dest" >&2
