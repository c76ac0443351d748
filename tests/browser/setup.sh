#!/bin/sh
# Unpacks the vendored npm packages into tests/node_modules, where the
# browser tests' imports find them.  No network: the tarballs are in
# tests/browser/vendor/, and unpacking them is all "npm install" would do.
#
#   playwright-core-V.tgz   npm's tarball (no dependencies): drives chromium
#   axe-core-V.tgz          npm's tarball (no dependencies): the
#                           accessibility checks injected into pages
#   html-validate-V.tgz     a node_modules tree made by "npm install
#                           --omit=dev html-validate@V" (its 50-odd
#                           dependencies with it): checks the pages' HTML
#
# Does nothing for a package whose version is there already.  Checks
# that node (>= 18) and chromium are there too (kbd/deps.sh test installs
# them).  To take a new version: npm pack playwright-core@V (or axe-core);
# for html-validate, npm install --omit=dev html-validate@V in an empty
# folder and tar -czf html-validate-V.tgz node_modules there.
set -eu
cd "$(dirname "$0")/../.."

vendor=tests/browser/vendor
modules=tests/node_modules

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

# version NAME: the version of vendor/NAME-V.tgz
version() {
	tgz=$(ls "$vendor/$1"-[0-9]*.tgz | tail -1)
	v=${tgz##*/"$1"-}
	echo "${v%.tgz}"
}

# has NAME VERSION: is that version unpacked?
has() {
	[ -f "$modules/$1/package.json" ] &&
	    grep -q "\"version\": \"$2\"" "$modules/$1/package.json"
}

mkdir -p "$modules"
for pkg in playwright-core axe-core; do
	v=$(version "$pkg")
	has "$pkg" "$v" && continue
	rm -rf "${modules:?}/$pkg"
	mkdir -p "$modules/$pkg"
	tar -xzf "$vendor/$pkg-$v.tgz" -C "$modules/$pkg" \
	    --strip-components=1 --no-same-owner
	echo "tests/browser/setup.sh: $pkg $v unpacked into $modules" >&2
done
v=$(version html-validate)
if ! has html-validate "$v"; then
	tar -xzf "$vendor/html-validate-$v.tgz" -C tests --no-same-owner
	echo "tests/browser/setup.sh: html-validate $v unpacked into $modules" >&2
fi
