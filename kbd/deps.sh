#!/bin/sh
# Installs what kbd needs and is missing, from Debian's packages.
#
#   sh kbd/deps.sh build   libraries and tools to build kbd
#   sh kbd/deps.sh test    what the tests use on top (clang, curl, jq, wrk,
#                          chromium, node, ...)
#   sh kbd/deps.sh bench   what the benchmark uses (wrk, nginx-light)
#
# Each need is checked first (pkg-config, a header, a command); apt-get
# runs only for what is missing, so on a ready machine this costs a few
# milliseconds.  Installing needs root; without it the script says what
# to install and fails.
set -eu

mode=${1:-build}
missing=""

need_pkgconfig() {	# need_pkgconfig MODULE PACKAGE
	command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$1" ||
	    missing="$missing $2"
}

need_header() {		# need_header FILE PACKAGE
	[ -f "/usr/include/$1" ] || missing="$missing $2"
}

need_file() {		# need_file PATH PACKAGE
	[ -f "$1" ] || missing="$missing $2"
}

need_command() {	# need_command COMMAND PACKAGE
	command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}

# Sanitizers need the compiler's runtime libraries; try a tiny program.
need_sanitizer() {	# need_sanitizer COMPILER PACKAGE
	tmp=$(mktemp -d)
	printf 'int main(void) { return 0; }\n' >"$tmp/t.c"
	if ! "$1" -fsanitize=address,undefined -o "$tmp/t" "$tmp/t.c" \
	    >/dev/null 2>&1; then
		missing="$missing $2"
	fi
	rm -rf "$tmp"
}

case "$mode" in
build)
	need_command cc gcc
	need_command make make
	need_command pkg-config pkg-config
	need_pkgconfig sqlite3 libsqlite3-dev
	need_pkgconfig libmicrohttpd libmicrohttpd-dev
	need_pkgconfig icu-uc libicu-dev
	need_pkgconfig libcmark libcmark-dev
	need_pkgconfig yaml-0.1 libyaml-dev
	need_pkgconfig jansson libjansson-dev
	need_pkgconfig libsodium libsodium-dev
	need_pkgconfig zlib zlib1g-dev
	need_header libstemmer.h libstemmer-dev
	need_file /usr/share/dict/ngerman wngerman
	# What searches read for English words and rare German ones.
	need_file /usr/share/trans/de-en trans-de-en
	need_file /usr/share/openthesaurus-de/openthesaurus.txt \
	    openthesaurus-de-text
	;;
test)
	need_command clang clang
	need_command curl curl
	need_command jq jq
	need_command mandoc mandoc
	need_command openssl openssl
	need_command sqlite3 sqlite3
	need_command python3 python3
	need_command wrk wrk
	need_pkgconfig cmocka libcmocka-dev
	# Browser tests: Debian's chromium, driven by the vendored
	# playwright-core (tests/browser/setup.sh), which needs node >= 18.
	need_command node nodejs
	need_command chromium chromium
	need_command xmllint libxml2-utils
	;;
bench)
	need_command wrk wrk
	need_command nginx nginx-light
	need_command python3 python3
	;;
*)
	echo "usage: sh kbd/deps.sh build|test|bench" >&2
	exit 2
	;;
esac
if [ "$mode" = test ] && command -v clang >/dev/null 2>&1; then
	need_sanitizer clang libclang-rt-14-dev
fi

[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "kbd/deps.sh: missing packages:$missing" >&2
	echo "kbd/deps.sh: install them as root: apt-get install$missing" >&2
	exit 1
fi
echo "kbd/deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet, or stale ones.
apt-get -q update >&2
# shellcheck disable=SC2086
apt-get -q install -y --no-install-recommends $missing >&2
