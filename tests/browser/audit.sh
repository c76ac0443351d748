#!/bin/sh
# Lighthouse on kbd's public pages (make audit; not part of make test:
# it needs npm's registry once, and a run takes a minute or two).
#
#   tests/browser/audit.sh [BUILD_DIR]
#
# Starts BUILD_DIR/kbd (default build) on the shipped articles with a
# temporary database on a free loopback port, runs Lighthouse with
# Debian's chromium on the home page, a category page and an article,
# as a phone (Lighthouse's default) and as a desktop, and prints the
# four scores of each (performance, accessibility, best practices,
# SEO) as a Markdown table.  The search page is left out: robots may
# not index it, so its SEO score says nothing.  Exit status 1 when a
# score is below 95, the goal of issue 16.
#
# Lighthouse is installed with npm into KBD_AUDIT_CACHE (default
# /tmp/kbd-audit) the first time: version 12, the last that runs on
# Debian 12's node 18.  Each report is kept there as JSON and HTML.
set -eu
cd "$(dirname "$0")/../.."

build=${1:-build}
kbd=$build/kbd
cache=${KBD_AUDIT_CACHE:-/tmp/kbd-audit}
version=12.8.2
lh=$cache/node_modules/.bin/lighthouse
goal=95

[ -x "$kbd" ] || { echo "audit: no $kbd; run make first" >&2; exit 1; }
for c in node npm chromium curl python3; do
	command -v "$c" >/dev/null 2>&1 || {
		echo "audit: no $c; run sh kbd/deps.sh audit" >&2
		exit 1
	}
done
if [ ! -x "$lh" ] || [ "$("$lh" --version 2>/dev/null)" != "$version" ]; then
	mkdir -p "$cache"
	echo "audit: installing lighthouse@$version into $cache" >&2
	(cd "$cache" && npm install --no-audit --no-fund --omit=dev \
	    "lighthouse@$version" >&2)
fi

tmp=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"$kbd" --articles articles --db "$tmp/kb.sqlite" \
    --listen 127.0.0.1:0 >"$tmp/kbd.log" 2>&1 &
pid=$!
# The port kbd took, from its "listening on" line; then /healthz.
url=""
for _ in $(seq 300); do
	url=$(sed -n 's/.*listening on \(http:[^ ]*\)\/$/\1/p' "$tmp/kbd.log" |
	    head -1)
	[ -n "$url" ] && curl -sf "$url/healthz" >/dev/null 2>&1 && break
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/kbd.log" >&2; exit 1; }
	sleep 0.1
done
curl -sf "$url/healthz" >/dev/null || { echo "audit: kbd not ready" >&2; exit 1; }
category=$(curl -sf "$url/api/categories" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["categories"][0]["url"])')

echo "| page | form | performance | accessibility | best practices | SEO |"
echo "|---|---|--:|--:|--:|--:|"
status=0
for page in / "$category" /a/imap; do
	for form in phone desktop; do
		name=$(echo "$page-$form" | tr -c 'a-z0-9\n' '_')
		preset=""
		[ $form = desktop ] && preset=--preset=desktop
		# shellcheck disable=SC2086
		CHROME_PATH=$(command -v chromium) "$lh" "$url$page" --quiet \
		    $preset --chrome-flags="--headless=new --no-sandbox" \
		    --output=json --output=html \
		    --output-path="$cache/$name" >/dev/null 2>&1 || {
			echo "| \`$page\` | $form | lighthouse failed | | | |"
			status=1
			continue
		}
		python3 - "$cache/$name.report.json" "$page" "$form" "$goal" <<'EOF' || status=1
import json, sys
report, page, form, goal = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
cats = json.load(open(report))["categories"]
keys = ["performance", "accessibility", "best-practices", "seo"]
scores = [round(100 * (cats[k]["score"] or 0)) for k in keys]
print("| `%s` | %s | %s |" % (page, form, " | ".join(map(str, scores))))
sys.exit(1 if min(scores) < goal else 0)
EOF
	done
done
[ $status = 0 ] || echo "audit: a score is below $goal (reports in $cache)" >&2
exit $status
