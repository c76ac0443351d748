#!/usr/bin/env bash
# t0086-cluster-folder: the node that keeps an articles folder and the
# cluster's PostgreSQL the same (kbd --cluster URL --articles DIR,
# cmd_folder.c), with a throwaway PostgreSQL 15 (tests/cluster/pg.sh).
#   1.x  node 1 with --articles on an empty PostgreSQL takes the lock and
#        imports the folder; node 2, a plain node, serves its articles
#   2.x  in the folder, a changed file, a new one, a removed one and a
#        renamed one (git mv) reach node 2's search and pages within 5 s
#   3.x  a change that comes into PostgreSQL from elsewhere (kbd import of
#        another copy, as a staff save on any node would) is written into
#        node 1's folder within 5 s, and not undone by the folder's old
#        file; an article made in PostgreSQL gets its file
#   4.x  node 3 with --articles on an old copy of the folder waits while
#        node 1 keeps it; after kill -9 of node 1 it takes over within
#        10 s: its files that differ from PostgreSQL, and the one
#        PostgreSQL lacks, are moved aside into .kbd-aside-*/ (nothing
#        lost), its folder then holds PostgreSQL's articles, and
#        PostgreSQL lost no article
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/cluster/pg.sh"
. "$ROOT/tests/cluster/nodes.sh"

pg_start

q() { psql_kbd kbd "$1"; }
on() { curl -s -A "$(reader)" --max-time 20 "${NBASE[$1]}$2"; }
status_on() { curl -s -o /dev/null -w '%{http_code}' --max-time 20 "${NBASE[$1]}$2"; }
slugs_on() { on "$1" "/api/search?q=$(uri "$2")" | jq -r '[.results[].slug] | join(" ")'; }
finds() { [[ " $(slugs_on "$1" "$2") " == *" $3 "* ]]; }	# finds N QUERY SLUG
lacks() { ! finds "$@"; }
gone_on() { [ "$(status_on "$1" "/a/$2")" = 404 ]; }
live() { q "SELECT count(*) FROM kbd.article WHERE state <> 'deleted'"; }

src=$(copy_articles src)
old=$(copy_articles old)
N=$(find "$src" -maxdepth 1 -name '*.md' | wc -l)

# 1: the first node with --articles fills an empty PostgreSQL
start_node 1 "$TMP/node1.sqlite" --articles "$src"
keeps() { grep -q "^kbd: cluster: this node keeps $2 and PostgreSQL the same" "${NLOG[$1]}"; }
wait_until 10 keeps 1 "$src" || fail 1.1 "node 1 does not take the folder: $(grep cluster "${NLOG[1]}")"
full() { [ "$(live)" = "$N" ]; }
wait_until 10 full || fail 1.2 "PostgreSQL has $(live) articles, want $N"
grep -q "PostgreSQL holds no articles; importing $src" "${NLOG[1]}" ||
    fail 1.3 "node 1 does not say it imports the folder"
start_node 2 "$TMP/node2.sqlite"
wait_until 5 finds 2 imap imap || fail 1.4 "node 2 does not find imap"
wait_until 5 finds 1 imap imap || fail 1.5 "node 1 does not find imap"

# 2: changes in the folder reach the other node
printf '\nQuittengelee gehört auch dazu.\n' >>"$src/imap.md"
wait_until 5 finds 2 quittengelee imap || fail 2.1 "node 2 misses a changed file"
cat >"$src/holunder-test.md" <<'EOF'
---
title: Wie koche ich Holunderbeeren ein?
---
Holunderbeeren gehören gekocht, nie roh gegessen.
EOF
wait_until 5 finds 2 holunderbeeren holunder-test || fail 2.2 "node 2 misses a new file"
rm "$src/holunder-test.md"
wait_until 5 gone_on 2 holunder-test || fail 2.3 "node 2 still serves a removed file"
[ "$(q "SELECT state FROM kbd.article WHERE slug = 'holunder-test'")" = deleted ] ||
    fail 2.4 "PostgreSQL does not mark the removed article deleted"
mv "$src/pop3.md" "$src/pop3-abruf.md"
moved() { [ "$(status_on 2 /a/pop3-abruf)" = 200 ] && [ "$(status_on 2 /a/pop3)" = 301 ]; }
wait_until 5 moved || fail 2.5 "a renamed file does not redirect on node 2: $(status_on 2 /a/pop3)"

# 3: PostgreSQL's changes into the folder
other=$(copy_articles other)
cp "$src"/*.md "$other"/
rm -f "$other/pop3.md"
printf '\nMit Kürbiskernbrot klappt es auch.\n' >>"$other/spamfilter.md"
cat >"$other/mispel-test.md" <<'EOF'
---
title: Wo wachsen Mispeln?
---
Mispeln wachsen an alten Bäumen im Garten.
EOF
"$KBD" import --cluster "$PG_URL" "$other" >"$TMP/import.out" 2>&1 ||
    fail 3.0 "kbd import failed: $(cat "$TMP/import.out")"
in_folder() { grep -q "$2" "$src/$1" 2>/dev/null; }
wait_until 5 in_folder spamfilter.md Kürbiskernbrot ||
    fail 3.1 "a change made in PostgreSQL is not in node 1's folder"
wait_until 5 in_folder mispel-test.md Mispeln ||
    fail 3.2 "an article made in PostgreSQL has no file in node 1's folder"
wait_until 5 finds 2 kürbiskernbrot spamfilter || fail 3.3 "node 2 misses PostgreSQL's change"
# a later change in the folder is imported, and the folder's old text of
# spamfilter.md has not undone PostgreSQL's change meanwhile
h=$(q "SELECT hash FROM kbd.article WHERE slug = 'spamfilter'")
m=$(grep -c 'keeps' "${NLOG[1]}")
printf '\nSanddorn ist auch gut.\n' >>"$src/imap.md"
wait_until 5 finds 2 sanddorn imap || fail 3.4 "node 2 misses a later change in the folder"
[ "$(q "SELECT hash FROM kbd.article WHERE slug = 'spamfilter'")" = "$h" ] &&
    in_folder spamfilter.md Kürbiskernbrot ||
    fail 3.5 "the folder's old file undid PostgreSQL's change"
[ "$(grep -c 'keeps' "${NLOG[1]}")" = "$m" ] || fail 3.6 "node 1 took the lock again"

# 4: another node waits for the folder's lock and takes over
printf '\nEin alter Satz, den es nur hier gibt.\n' >>"$old/imap.md"
cat >"$old/nur-hier.md" <<'EOF'
---
title: Nur in der alten Kopie
---
Diesen Artikel kennt PostgreSQL nicht.
EOF
start_node 3 "$TMP/node3.sqlite" --articles "$old"
before=$(live)
wait_until 5 finds 3 mispeln mispel-test || fail 4.1 "node 3 does not serve PostgreSQL's articles"
keeps 3 "$old" && fail 4.2 "node 3 keeps its folder while node 1 does"
kill -KILL "${NPID[1]}"
wait "${NPID[1]}" 2>/dev/null
NPID[1]=
wait_until 10 keeps 3 "$old" || fail 4.3 "node 3 does not take over the folder after node 1 died"
aside_has() { compgen -G "$old/.kbd-aside-*/$1" >/dev/null; }
wait_until 5 aside_has imap.md || fail 4.4 "node 3's changed imap.md was not moved aside"
aside_has nur-hier.md || fail 4.5 "the file PostgreSQL lacks was not moved aside"
grep -q 'Ein alter Satz' "$old"/.kbd-aside-*/imap.md ||
    fail 4.6 "the file moved aside is not the folder's old text"
[ -f "$old/nur-hier.md" ] && fail 4.7 "nur-hier.md is still in the folder"
same_as_pg() {
	in_folder spamfilter.md Kürbiskernbrot && in_folder mispel-test.md Mispeln &&
	    [ -f "$old/pop3-abruf.md" ] && [ ! -f "$old/pop3.md" ] &&
	    ! grep -q 'Ein alter Satz' "$old/imap.md"
}
src=$old
wait_until 5 same_as_pg || fail 4.8 "node 3's folder does not hold PostgreSQL's articles"
[ "$(live)" = "$before" ] || fail 4.9 "PostgreSQL has $(live) articles after the takeover, had $before"
[ "$(q "SELECT count(*) FROM kbd.article WHERE slug = 'nur-hier'")" = 0 ] ||
    fail 4.10 "the old copy's extra file went into PostgreSQL"

test_done
