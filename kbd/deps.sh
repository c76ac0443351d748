#!/bin/sh
# Installs what kbd needs and is missing, from Debian's packages.
#
#   sh kbd/deps.sh build   libraries and tools to build kbd
#   sh kbd/deps.sh test    what the tests use on top (clang and its
#                          sanitizer runtime, curl, jq, chromium, node,
#                          PostgreSQL 15 and nginx for cluster mode, ...)
#   sh kbd/deps.sh bench   what the benchmark uses (wrk, nginx-light,
#                          PostgreSQL 15 for the cluster part)
#   sh kbd/deps.sh audit   what make audit uses (node, npm, chromium)
#
# Each need is checked first (pkg-config, a header, a command, a file);
# apt-get runs only for what is missing, so on a ready machine this costs
# a few milliseconds.  After installing, every need is checked again: a
# package that did not bring what it was installed for is an error here,
# not a puzzling failure later.  Installing needs root; without it the
# script says what to install and fails.  No test may use a tool that
# "deps.sh test" does not install (tests/run and a fresh Debian 12 see to
# that: ../shared/tools/fresh-debian).
set -eu

mode=${1:-build}
missing=""

need_pkgconfig() {	# need_pkgconfig MODULE PACKAGE
	command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$1" ||
	    missing="$missing $2"
}

# cmark(-gfm) renders safe HTML by default only from 0.29 on (kbd/render.c).
need_pkgconfig_version() {	# need_pkgconfig_version MODULE VERSION PACKAGE
	command -v pkg-config >/dev/null 2>&1 &&
	    pkg-config --atleast-version="$2" "$1" || missing="$missing $3"
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

# The sanitized build needs clang's runtime libraries, which Debian ships
# apart from clang (libclang-rt-N-dev, a mere recommendation); try a tiny
# program.  Without clang the package for Debian 12's clang is named.
need_sanitizer() {	# need_sanitizer
	if ! command -v clang >/dev/null 2>&1; then
		missing="$missing clang libclang-rt-14-dev"
		return
	fi
	tmp=$(mktemp -d)
	printf 'int main(void) { return 0; }\n' >"$tmp/t.c"
	if ! clang -fsanitize=address,undefined -o "$tmp/t" "$tmp/t.c" \
	    >/dev/null 2>&1 || ! "$tmp/t"; then
		major=$(clang -dumpversion | cut -d. -f1)
		missing="$missing libclang-rt-$major-dev"
	fi
	rm -rf "$tmp"
}

check() {
	missing=""
	case "$mode" in
	build)
		need_command cc gcc
		need_command make make
		need_command pkg-config pkg-config
		need_command od coreutils	# embeds static/ (kbd/static_embed.sh)
		need_pkgconfig sqlite3 libsqlite3-dev
		need_pkgconfig libmicrohttpd libmicrohttpd-dev
		need_pkgconfig icu-uc libicu-dev
		# GitHub's cmark: tables, autolinks, strikethrough, task
		# lists; the extensions have no pkg-config file of their own.
		need_pkgconfig_version libcmark-gfm 0.29 libcmark-gfm-dev
		need_header cmark-gfm-core-extensions.h \
		    libcmark-gfm-extensions-dev
		need_pkgconfig yaml-0.1 libyaml-dev
		need_pkgconfig jansson libjansson-dev
		need_pkgconfig libsodium libsodium-dev
		need_pkgconfig zlib zlib1g-dev
		need_header libstemmer.h libstemmer-dev
		# Cluster mode's shared store (store_pg.c).
		need_pkgconfig libpq libpq-dev
		need_file /usr/share/dict/ngerman wngerman
		# What searches read for English words and rare German ones.
		need_file /usr/share/trans/de-en trans-de-en
		need_file /usr/share/openthesaurus-de/openthesaurus.txt \
		    openthesaurus-de-text
		;;
	test)
		need_sanitizer
		need_command curl curl
		need_command jq jq
		need_command mandoc mandoc
		need_command man man-db		# t0017 renders the man pages
		need_command openssl openssl
		need_command sqlite3 sqlite3
		need_command python3 python3
		need_command wrk wrk
		need_command systemd-analyze systemd
		need_command hostname hostname
		need_pkgconfig cmocka libcmocka-dev
		# Browser tests: Debian's chromium, driven by the vendored
		# playwright-core (tests/browser/setup.sh), which needs
		# node >= 18.
		need_command node nodejs
		need_command chromium chromium
		need_command xmllint libxml2-utils
		# Cluster mode: a throwaway PostgreSQL 15 per test
		# (tests/cluster/pg.sh runs its own initdb and pg_ctl, as
		# the "postgres" user the package makes; psql looks into
		# it), and nginx as the load balancer in front of nodes.
		need_file /usr/lib/postgresql/15/bin/initdb postgresql-15
		need_file /usr/lib/postgresql/15/bin/pg_ctl postgresql-15
		need_file /usr/lib/postgresql/15/bin/pg_isready \
		    postgresql-client-15
		need_file /usr/lib/postgresql/15/bin/psql postgresql-client-15
		need_command runuser util-linux
		need_command nginx nginx-light
		;;
	audit)
		need_command node nodejs
		need_command npm npm
		need_command chromium chromium
		need_command curl curl
		need_command python3 python3
		;;
	bench)
		need_command wrk wrk
		need_command nginx nginx-light
		need_command python3 python3
		# Cluster mode's part: a throwaway PostgreSQL 15.
		need_file /usr/lib/postgresql/15/bin/initdb postgresql-15
		need_file /usr/lib/postgresql/15/bin/pg_isready \
		    postgresql-client-15
		need_command runuser util-linux
		;;
	*)
		echo "usage: sh kbd/deps.sh build|test|bench|audit" >&2
		exit 2
		;;
	esac
}

check
[ -z "$missing" ] && exit 0
# One package may serve several needs (postgresql-15: initdb, pg_ctl):
# name it once, in the order first needed.
missing=$(printf ' %s' $(printf '%s\n' $missing | awk '!seen[$0]++'))
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
check
if [ -n "$missing" ]; then
	echo "kbd/deps.sh: still missing after installing:$missing" >&2
	exit 1
fi
