#!/usr/bin/env bash
# t0081-cluster-nodes: kbd nodes serving the articles of a throwaway
# PostgreSQL 15 (tests/cluster/pg.sh), the second slice of cluster mode.
#   1.x  two nodes, each with its own empty SQLite file, build their
#        index from PostgreSQL at start and answer the same: /api/search
#        for the shipped queries, /a/<slug>, the top list
#   2.x  a changed file, imported again, is found by both nodes' search
#        within 2 s (LISTEN/NOTIFY); a new one too; a removed file is gone
#        from both within 2 s; a change also arrives without a
#        notification (the node compares every few seconds); a file
#        renamed outside kbd redirects from its old name on both
#   3.x  a node started while PostgreSQL is stopped serves its previous
#        local index and says so; once PostgreSQL is back it catches up
#   4.x  a staff save on a node, through the API or the editor's form,
#        goes to PostgreSQL and reaches the other node (t0083 tests
#        saves on nodes in depth)
#   5.x  a third node started empty after all that answers as node 1
#        does, and the old name of an article renamed before it started
#        redirects (PostgreSQL's redirects)
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/cluster/pg.sh"
. "$ROOT/tests/cluster/nodes.sh"

pg_start

# on N PATH: GET PATH from node N, the body on stdout
on() { curl -s -A "$(reader)" --max-time 20 "${NBASE[$1]}$2"; }
status_on() { curl -s -o /dev/null -w '%{http_code}' --max-time 20 "${NBASE[$1]}$2"; }
search_on() { on "$1" "/api/search?q=$(uri "$2")" | jq -S 'del(.took_ms, .ms, .time)'; }
slugs_on() { on "$1" "/api/search?q=$(uri "$2")" | jq -r '[.results[].slug] | join(" ")'; }
finds() { [ "$(slugs_on "$1" "$2")" = "$3" ]; }	# finds N QUERY SLUGS
finds_both() { finds 1 "$1" "$2" && finds 2 "$1" "$2"; }
gone_on() { [ "$(status_on "$1" "/a/$2")" != 200 ]; }
gone_both() { gone_on 1 "$1" && gone_on 2 "$1"; }
import() {	# import CASE: the folder src into PostgreSQL
	"$KBD" import --cluster "$PG_URL" "$src" >"$TMP/import.out" 2>&1 ||
	    fail "$1" "kbd import failed: $(cat "$TMP/import.out")"
}

src=$(copy_articles src)
import 0.1
N=$(find "$src" -maxdepth 1 -name '*.md' | wc -l)

# 1: two nodes from an empty SQLite file each
start_node 1 "$TMP/node1.sqlite"
start_node 2 "$TMP/node2.sqlite"
grep -q "^kbd: cluster: reading the articles of PostgreSQL database kbd" "${NLOG[1]}" ||
    fail 1.1 "node 1 does not say it reads the articles from PostgreSQL"
[ "$(find "$TMP/node1.sqlite.articles" -name '*.md' | wc -l)" = "$N" ] ||
    fail 1.2 "node 1 does not have the $N articles"
tn=0
for q in imap passwort "domain umziehen" ssl-zertifikat spam weiterleitung \
    "e-mail einrichten" pop3; do
	tn=$((tn + 1))
	a=$(search_on 1 "$q")
	b=$(search_on 2 "$q")
	[ "$(jq '.results | length' <<<"$a")" -gt 0 ] ||
	    fail "1.3.$tn" "node 1 finds nothing for '$q'"
	[ "$a" = "$b" ] || fail "1.4.$tn" "the nodes answer '$q' differently"
done
# page N SLUG: /a/SLUG of node N, less what is each node's own (not in
# this slice): the time the node imported it, the key of the vote form;
# and less the hits, the cluster's, which the test's own views raise
# between two requests (t0082 checks them)
page() {
	on "$1" "/a/$2" | sed -e 's/20[0-9][0-9]-[0-9-]*T[0-9:]*Z/TIME/g' \
	    -e 's/name="t" value="[^"]*"/name="t"/' \
	    -e 's/[0-9][0-9]* Hits/N Hits/g'
}
tn=0
for slug in imap pop3 ssl-zertifikat spamfilter; do
	tn=$((tn + 1))
	a=$(page 1 $slug)
	grep -q '<h1' <<<"$a" || fail "1.5.$tn" "node 1 does not serve /a/$slug"
	[ "$a" = "$(page 2 $slug)" ] ||
	    fail "1.6.$tn" "the nodes serve /a/$slug differently: $(diff <(echo "$a") <(page 2 $slug) | head -5)"
done
# The hits of the views above reach both within a second or so.
same_top() { [ "$(on 1 /api/top | jq -S .)" = "$(on 2 /api/top | jq -S .)" ]; }
wait_until 3 same_top || fail 1.7 "the nodes' top lists differ"

# 2: changes reach both nodes
sed -i 's/^Mit IMAP/Mit IMAP und Zwiebelkuchen/' "$src/imap.md"
grep -q Zwiebelkuchen "$src/imap.md" || die "the test's edit of imap.md did nothing"
import 2.1
wait_until 2 finds_both zwiebelkuchen imap ||
    fail 2.2 "a changed article is not found on both nodes within 2 s: '$(slugs_on 1 zwiebelkuchen)', '$(slugs_on 2 zwiebelkuchen)'"
on 2 /a/imap | grep -q Zwiebelkuchen || fail 2.3 "node 2's page lacks the change"
printf -- '---\ntitle: Der Quittengelee-Artikel\ncategory: E-Mail\n---\nQuittengelee hilft.\n' >"$src/quitte.md"
import 2.4
wait_until 2 finds_both quittengelee quitte ||
    fail 2.5 "a new article is not found on both nodes within 2 s"
rm "$src/quitte.md"
import 2.6
wait_until 2 gone_both quitte ||
    fail 2.7 "a removed article is still served: $(status_on 1 /a/quitte) $(status_on 2 /a/quitte)"
wait_until 2 finds_both quittengelee "" ||
    fail 2.8 "a removed article is still found"
# Without a notification: the rows change under the nodes' feet, and the
# number every article transaction raises moves on, but nobody is told
# (a notification lost with a connection); the nodes' regular look at
# that number finds the change.
printf -- '---\ntitle: Der Holunder-Artikel\n---\nHolunderbluete hilft.\n' >"$TMP/holunder.md"
hash=$(b2sum -l 256 "$TMP/holunder.md" | cut -d' ' -f1)
psql_kbd kbd "BEGIN;
INSERT INTO kbd.article(slug, title, markdown, hash, created, updated)
 VALUES ('holunder', 'Der Holunder-Artikel', 'Holunderbluete hilft.', '$hash', 0, 0);
INSERT INTO kbd.revision(article_id, rev, author, created, hash, text)
 SELECT id, 1, 'test', 0, '$hash', \$kbd\$$(cat "$TMP/holunder.md")
\$kbd\$ FROM kbd.article WHERE slug = 'holunder';
UPDATE kbd.articles_version SET n = n + 1;
COMMIT;" >/dev/null 2>"$TMP/psql.err" || fail 2.9 "psql: $(cat "$TMP/psql.err")"
wait_until 6 finds_both holunderbluete holunder ||
    fail 2.10 "a change without a notification did not arrive within 6 s"
# A file renamed outside kbd: its old name redirects on both nodes.
mv "$src/pop3.md" "$src/pop3-abruf.md"
import 2.11
redirects_on() {
	[ "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' \
	    --max-time 20 "${NBASE[$1]}/a/pop3")" = "301 http://kb.example/a/pop3-abruf" ] ||
	[ "$(curl -s -o /dev/null -w '%{http_code} %header{location}' \
	    --max-time 20 "${NBASE[$1]}/a/pop3")" = "301 /a/pop3-abruf" ]
}
renamed_both() {
	redirects_on 1 && redirects_on 2 &&
	    [ "$(status_on 1 /a/pop3-abruf)" = 200 ] &&
	    [ "$(status_on 2 /a/pop3-abruf)" = 200 ]
}
wait_until 2 renamed_both ||
    fail 2.12 "a renamed article's old name does not redirect on both nodes: $(curl -s -o /dev/null -w '%{http_code} %header{location}' "${NBASE[2]}/a/pop3")"

# 3: a node started while PostgreSQL is stopped
stop_node 3.1 2
sed -i 's/^Mit IMAP und Zwiebelkuchen/Mit IMAP und Apfelstrudel/' "$src/imap.md"
import 3.2
wait_until 2 finds 1 apfelstrudel imap || fail 3.3 "node 1 misses a change"
pg_pause
start_node 2 "$TMP/node2.sqlite"
grep -q 'serving the local index of the last run' "${NLOG[2]}" ||
    fail 3.4 "node 2 does not say it serves its last index: $(grep cluster "${NLOG[2]}")"
finds 2 zwiebelkuchen imap || fail 3.5 "node 2 does not serve its previous index"
[ "$(status_on 2 /a/ssl-zertifikat)" = 200 ] || fail 3.6 "node 2 does not serve pages"
finds 2 apfelstrudel "" || fail 3.7 "node 2 knows what it cannot know yet"
pg_resume
wait_until 10 finds 2 apfelstrudel imap ||
    fail 3.8 "node 2 did not catch up within 10 s of PostgreSQL's return"
grep -q 'connected to PostgreSQL database kbd .* again' "${NLOG[2]}" ||
    fail 3.9 "node 2 does not say it connected again"
# PostgreSQL away under a running node: it keeps serving, then catches up.
pg_pause
finds 1 apfelstrudel imap || fail 3.10 "node 1 stopped serving without PostgreSQL"
pg_resume
sed -i 's/^Mit IMAP und Apfelstrudel/Mit IMAP und Kirschmichel/' "$src/imap.md"
import 3.11
wait_until 10 finds_both kirschmichel imap ||
    fail 3.12 "the nodes did not catch up after PostgreSQL was away"

# 4: a staff save on a node goes to PostgreSQL and to the other node
stop_node 4.1 2
# (a node's staff accounts are the cluster's: kbd user --cluster)
echo "anna-passwort-1" | "$KBD" user add anna --cluster "$PG_URL" 2>/dev/null
tok=$("$KBD" user token anna --cluster "$PG_URL" 2>/dev/null)
start_node 2 "$TMP/node2.sqlite"
BASE=${NBASE[2]}
# The text grows by a word and keeps its title: the other articles'
# "related" lists, which a node makes anew only on a full import, stay
# the same on every node (5.2).
cur=$(curl -s -H "Authorization: Bearer $tok" "$BASE/api/admin/articles/imap")
body=$(jq '{title, category, tags, markdown: (.markdown + "\nAuf Knoten 2 mit Knotenkuchen.\n"), rev}' <<<"$cur")
expect_status 4.2 PUT /api/admin/articles/imap 200 \
    -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' -d "$body"
psql_kbd kbd "SELECT markdown FROM kbd.article WHERE slug = 'imap'" | grep -q Knotenkuchen ||
    fail 4.3 "the save did not reach PostgreSQL"
wait_until 2 finds_both knotenkuchen imap || fail 4.4 "the save is not found on both nodes within 2 s"
# the editor's form
JAR=$TMP/jar
req POST /admin/login -c "$JAR" -d 'name=anna&password=anna-passwort-1'
[ "$STATUS" = 303 ] || fail 4.5 "cannot log in on node 2 ($STATUS)"
csrf=$(curl -s -b "$JAR" "$BASE/admin" | sed -n 's/.*<meta name="csrf" content="\([0-9a-f]*\)">.*/\1/p')
cur=$(curl -s -H "Authorization: Bearer $tok" "$BASE/api/admin/articles/imap")
req POST /admin/edit/imap -b "$JAR" --data-urlencode "csrf=$csrf" \
    --data-urlencode "rev=$(jq -r .rev <<<"$cur")" \
    --data-urlencode "title=$(jq -r .title <<<"$cur")" \
    --data-urlencode "category=$(jq -r .category <<<"$cur")" \
    --data-urlencode "tags=$(jq -r '.tags | join(", ")' <<<"$cur")" \
    --data-urlencode "body=$(jq -r .markdown <<<"$cur")
Die Formular-Fassung mit Pflaumenmus."
[ "$STATUS" = 303 ] || fail 4.6 "a form save on a node gave $STATUS, want 303"
wait_until 2 finds_both pflaumenmus imap || fail 4.7 "the form save is not found on both nodes within 2 s"

# 5: a third node started empty after all that answers as node 1 does
# (but for the hits, which the test's own views raise as it goes), the
# redirect of the rename before it started too
start_node 3 "$TMP/node3.sqlite"
found() { search_on "$1" "$2" | jq -S 'del(.results[].hits)'; }
tn=0
for q in imap kirschmichel pop3 spam "e-mail einrichten"; do
	tn=$((tn + 1))
	[ "$(found 1 "$q")" = "$(found 3 "$q")" ] ||
	    fail "5.1.$tn" "nodes 1 and 3 answer '$q' differently: $(diff <(found 1 "$q") <(found 3 "$q") | head -8)"
done
[ "$(page 1 pop3-abruf)" = "$(page 3 pop3-abruf)" ] ||
    fail 5.2 "nodes 1 and 3 serve /a/pop3-abruf differently: $(diff <(page 1 pop3-abruf) <(page 3 pop3-abruf) | head -8)"
wait_until 2 redirects_on 3 ||
    fail 5.3 "on a new node the old name does not redirect: $(curl -s -o /dev/null -w '%{http_code} %header{location}' "${NBASE[3]}/a/pop3")"

stop_node 6.1 1
stop_node 6.2 2
stop_node 6.3 3
test_done
