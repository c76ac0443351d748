#!/usr/bin/env bash
# t0083-cluster-saves: staff changes on the nodes of a cluster go to the
# shared PostgreSQL 15 (tests/cluster/pg.sh) and from there to every
# node: three nodes, a staff user on each (staff_user).
#   1.x  a save through the staff API on node 1 is served there at once,
#        is PostgreSQL's newest revision with the user as its author, and
#        is found by search on nodes 2 and 3 within 2 s; node 1 does not
#        write its own save a second time when its notification comes
#   2.x  a save on node 2 based on the revision before is refused with
#        409 and the text as it is now, and changes nothing; so is one on
#        node 3 after a change PostgreSQL had without a notification
#        (its own check of the revision, in the save's transaction),
#        which also brings node 3 PostgreSQL's text and revision, on
#        which a save then goes through
#   3.x  create (node 3), rename (node 1: the old name redirects on every
#        node), unpublish and publish (node 2), restore (node 1), delete
#        (node 3) and an alias added (node 2, the statistics' form) reach
#        PostgreSQL and every node within 2 s
#   4.x  PostgreSQL away: a save is answered 503 with a German reason and
#        changes nothing, on the node or in its folder; the editor's form
#        keeps the text; a picture upload is refused on a node; once
#        PostgreSQL is back, a save works again
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/cluster/pg.sh"
. "$ROOT/tests/cluster/nodes.sh"

pg_start

# staff_user N: a staff user of the cluster (PostgreSQL's accounts), the
# one that works on node N; sets USER_N[N], PASS[N] and TOK[N]
declare -A USER_N PASS TOK
staff_user() {
	USER_N[$1]=redakteur$1
	PASS[$1]=redakteur-passwort-$1
	echo "${PASS[$1]}" | "$KBD" user add "${USER_N[$1]}" \
	    --cluster "$PG_URL" >/dev/null 2>&1 ||
	    die "kbd user add ${USER_N[$1]} failed"
	TOK[$1]=$("$KBD" user token "${USER_N[$1]}" --cluster "$PG_URL" \
	    2>/dev/null)
	[ -n "${TOK[$1]}" ] || die "no API token for node $1"
}

on() { curl -s -A "$(reader)" --max-time 20 "${NBASE[$1]}$2"; }
status_on() { curl -s -o /dev/null -w '%{http_code}' --max-time 20 "${NBASE[$1]}$2"; }
slugs_on() { on "$1" "/api/search?q=$(uri "$2")" | jq -r '[.results[].slug] | join(" ")'; }
finds() { [ "$(slugs_on "$1" "$2")" = "$3" ]; }	# finds N QUERY SLUGS
finds_all() { finds 1 "$1" "$2" && finds 2 "$1" "$2" && finds 3 "$1" "$2"; }
served_all() {	# served_all SLUG STATUS: /a/SLUG's status on every node
	[ "$(status_on 1 "/a/$1")" = "$2" ] && [ "$(status_on 2 "/a/$1")" = "$2" ] &&
	    [ "$(status_on 3 "/a/$1")" = "$2" ]
}
# api N METHOD PATH [JSON]: the staff API of node N as its user
api() {
	local n=$1 m=$2 p=$3
	BASE=${NBASE[$n]}
	req "$m" "/api/admin$p" -H "Authorization: Bearer ${TOK[$n]}" \
	    -H 'Content-Type: application/json' ${4:+-d "$4"}
}
rev_on() { curl -s -H "Authorization: Bearer ${TOK[$1]}" "${NBASE[$1]}/api/admin/articles/$2" | jq -r .rev; }
pg_one() { psql_kbd kbd "$1"; }
pg_last() {	# pg_last SLUG COLUMN: of the article's last revision
	pg_one "SELECT r.$2 FROM kbd.revision r JOIN kbd.article a ON a.id = r.article_id
	    WHERE a.slug = '$1' ORDER BY r.rev DESC LIMIT 1"
}
nrevs() { pg_one "SELECT count(*) FROM kbd.revision"; }

src=$(copy_articles src)
"$KBD" import --cluster "$PG_URL" "$src" >"$TMP/import.out" 2>&1 ||
    die "kbd import failed: $(cat "$TMP/import.out")"
for n in 1 2 3; do
	staff_user $n
	start_node $n "$TMP/node$n.sqlite"
done

# 1: a save on node 1 reaches PostgreSQL and the other nodes
old2=$(rev_on 2 imap)
rev=$(rev_on 1 imap)
[ "$rev" -gt 0 ] 2>/dev/null || die "no revision of imap on node 1: $rev"
body=$(jq -n --argjson r "$rev" '{title: "IMAP einrichten", markdown:
    "Mit IMAP und Zwetschgendatschi bleiben die Mails auf dem Server.\n", rev: $r}')
mark=$(wc -l <"${NLOG[1]}")
api 1 PUT /articles/imap "$body"
[ "$STATUS" = 200 ] || fail 1.1 "a save on node 1 gave $STATUS: $(head -c 300 "$BODY")"
finds 1 zwetschgendatschi imap || fail 1.2 "node 1 acknowledged a save it does not serve"
[ "$(pg_last imap author)" = redakteur1 ] ||
    fail 1.3 "PostgreSQL's last revision of imap is by '$(pg_last imap author)', want redakteur1"
pg_last imap text | grep -q Zwetschgendatschi || fail 1.4 "PostgreSQL lacks the saved text"
[ "$(pg_one "SELECT title FROM kbd.article WHERE slug = 'imap'")" = "IMAP einrichten" ] ||
    fail 1.5 "PostgreSQL's article has not the new title"
wait_until 2 finds_all zwetschgendatschi imap ||
    fail 1.6 "nodes 2 and 3 do not find the save within 2 s: '$(slugs_on 2 zwetschgendatschi)', '$(slugs_on 3 zwetschgendatschi)'"
# The saving node's own notification writes and imports nothing again.
wait_until 2 grep -q 'articles: imap saved by redakteur1' "${NLOG[1]}" ||
    fail 1.7 "node 1 does not log the save"
tail -n +$((mark + 1)) "${NLOG[1]}" | grep -q 'articles written' &&
    fail 1.8 "node 1 wrote its own save again: $(tail -n +$((mark + 1)) "${NLOG[1]}" | grep 'articles written')"

# 2: conflicts
n0=$(nrevs)
body=$(jq -n --argjson r "$old2" '{title: "IMAP", markdown: "Veraltet mit Rhabarber.\n", rev: $r}')
api 2 PUT /articles/imap "$body"
[ "$STATUS" = 409 ] || fail 2.1 "a save on an old revision gave $STATUS, want 409"
jq -r .current "$BODY" | grep -q Zwetschgendatschi ||
    fail 2.2 "the 409 lacks the text as it is now: $(head -c 300 "$BODY")"
[ "$(nrevs)" = "$n0" ] || fail 2.3 "the refused save added a revision to PostgreSQL"
finds_all rhabarber "" || fail 2.4 "the refused save is found somewhere"
# PostgreSQL changed without a word to the nodes (as by a lost
# notification): node 3's save, based on what it has, must not win.
rev3=$(rev_on 3 imap)
printf -- '---\ntitle: IMAP von außen\n---\nMit IMAP und Quarkbällchen.\n' >"$TMP/imap.md"
hash=$(b2sum -l 256 "$TMP/imap.md" | cut -d' ' -f1)
pg_one "BEGIN;
UPDATE kbd.article SET hash = '$hash', title = 'IMAP von außen' WHERE slug = 'imap';
INSERT INTO kbd.revision(article_id, rev, author, created, hash, text)
 SELECT id, (SELECT max(rev) + 1 FROM kbd.revision WHERE article_id = a.id),
 'test', 0, '$hash', \$kbd\$$(cat "$TMP/imap.md")
\$kbd\$ FROM kbd.article a WHERE slug = 'imap';
COMMIT;" >/dev/null 2>"$TMP/psql.err" || fail 2.5 "psql: $(cat "$TMP/psql.err")"
n0=$(nrevs)
body=$(jq -n --argjson r "$rev3" '{title: "IMAP", markdown: "Mit IMAP und Streuselschnecken.\n", rev: $r}')
api 3 PUT /articles/imap "$body"
[ "$STATUS" = 409 ] || fail 2.6 "a save over PostgreSQL's newer revision gave $STATUS, want 409"
jq -r .current "$BODY" | grep -q Quarkbällchen ||
    fail 2.7 "the 409 lacks PostgreSQL's text: $(head -c 300 "$BODY")"
[ "$(nrevs)" = "$n0" ] || fail 2.8 "the refused save added a revision to PostgreSQL"
pg_last imap text | grep -q Quarkbällchen || fail 2.9 "PostgreSQL's text was overwritten"
# The 409 names the revision to merge on, which node 3 has now: a save
# on it goes through.
rev3=$(jq -r .rev "$BODY")
finds 3 quarkbällchen imap || fail 2.12 "node 3 does not serve PostgreSQL's text after the 409"
body=$(jq -n --argjson r "$rev3" '{title: "IMAP von außen", markdown: "Mit IMAP und Quarkbällchen und Nusszopf.\n", rev: $r}')
api 3 PUT /articles/imap "$body"
[ "$STATUS" = 200 ] || fail 2.13 "a save on the revision of the 409 gave $STATUS: $(head -c 300 "$BODY")"
[ "$(pg_last imap author)" = redakteur3 ] && pg_last imap text | grep -q Nusszopf ||
    fail 2.14 "the merged save is not PostgreSQL's last revision"
wait_until 6 finds_all quarkbällchen imap ||
    fail 2.10 "the nodes do not follow PostgreSQL's text"
finds_all streuselschnecken "" || fail 2.11 "the refused save is found somewhere"

# 3: every kind of change reaches every node
api 3 POST /articles '{"slug": "holunder", "title": "Holunder",
    "markdown": "Holunderblütensirup hilft.\n"}'
[ "$STATUS" = 201 ] || fail 3.1 "creating on node 3 gave $STATUS: $(head -c 300 "$BODY")"
[ "$(pg_last holunder author)" = redakteur3 ] || fail 3.2 "PostgreSQL lacks the new article"
wait_until 2 finds_all holunderblütensirup holunder ||
    fail 3.3 "a new article is not found on every node within 2 s"
api 1 POST /articles/holunder/rename '{"slug": "holundersaft"}'
[ "$STATUS" = 200 ] || fail 3.4 "renaming on node 1 gave $STATUS: $(head -c 300 "$BODY")"
[ "$(pg_one "SELECT a.slug FROM kbd.redirect r JOIN kbd.article a ON a.id = r.article_id
    WHERE r.slug = 'holunder'")" = holundersaft ] || fail 3.5 "PostgreSQL has no redirect"
redirects_on() {
	[ "$(curl -s -o /dev/null -w '%{http_code} %header{location}' \
	    --max-time 20 "${NBASE[$1]}/a/holunder")" = "301 /a/holundersaft" ] ||
	[ "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' \
	    --max-time 20 "${NBASE[$1]}/a/holunder")" = "301 http://kb.example/a/holundersaft" ]
}
renamed_all() {
	redirects_on 1 && redirects_on 2 && redirects_on 3 && served_all holundersaft 200
}
wait_until 2 renamed_all ||
    fail 3.6 "the old name does not redirect on every node: $(curl -s -o /dev/null -w '%{http_code} %header{location}' "${NBASE[3]}/a/holunder")"
api 2 POST /articles/holundersaft/unpublish
[ "$STATUS" = 200 ] || fail 3.7 "unpublishing on node 2 gave $STATUS: $(head -c 300 "$BODY")"
[ "$(pg_one "SELECT state FROM kbd.article WHERE slug = 'holundersaft'")" = draft ] ||
    fail 3.8 "PostgreSQL's article is no draft"
wait_until 2 finds_all holunderblütensirup "" ||
    fail 3.9 "an unpublished article is still found within 2 s"
api 2 POST /articles/holundersaft/publish
[ "$STATUS" = 200 ] || fail 3.10 "publishing on node 2 gave $STATUS"
wait_until 2 finds_all holunderblütensirup holundersaft ||
    fail 3.11 "a published article is not found again within 2 s"
api 1 PUT /articles/holundersaft "$(jq -n --argjson r "$(rev_on 1 holundersaft)" \
    '{title: "Holunder", markdown: "Holunderblütentee hilft.\n", rev: $r}')"
[ "$STATUS" = 200 ] || fail 3.12 "a save on node 1 gave $STATUS"
first=$(pg_one "SELECT min(r.rev) FROM kbd.revision r JOIN kbd.article a ON
    a.id = r.article_id WHERE a.slug = 'holundersaft'")
first1=$(curl -s -H "Authorization: Bearer ${TOK[1]}" \
    "${NBASE[1]}/api/admin/articles/holundersaft/revisions" | jq -r '.revisions | map(.rev) | min')
api 1 POST /articles/holundersaft/restore "{\"rev\": $first1}"
[ "$STATUS" = 200 ] || fail 3.13 "restoring on node 1 gave $STATUS: $(head -c 300 "$BODY")"
[ "$(pg_last holundersaft text)" = "$(pg_one "SELECT r.text FROM kbd.revision r JOIN
    kbd.article a ON a.id = r.article_id WHERE a.slug = 'holundersaft' AND r.rev = $first")" ] ||
    fail 3.14 "PostgreSQL's text is not the restored one"
wait_until 2 finds_all holunderblütensirup holundersaft ||
    fail 3.15 "a restored text is not found on every node within 2 s"
api 3 DELETE /articles/holundersaft
[ "$STATUS" = 200 ] || fail 3.16 "deleting on node 3 gave $STATUS: $(head -c 300 "$BODY")"
[ "$(pg_one "SELECT state FROM kbd.article WHERE slug = 'holundersaft'")" = deleted ] ||
    fail 3.17 "PostgreSQL's article is not deleted"
gone_all() { served_all holundersaft 404 && finds_all holunderblütensirup ""; }
wait_until 2 gone_all ||
    fail 3.18 "a deleted article is still served: $(status_on 1 /a/holundersaft) $(status_on 2 /a/holundersaft)"
# a phrasing added to an article's aliases (the statistics page's form)
JAR2=$TMP/jar2
BASE=${NBASE[2]}
req POST /admin/login -c "$JAR2" --data-urlencode "name=${USER_N[2]}" \
    --data-urlencode "password=${PASS[2]}"
[ "$STATUS" = 303 ] || fail 3.19 "cannot log in on node 2 ($STATUS)"
csrf=$(curl -s -b "$JAR2" "$BASE/admin" | sed -n 's/.*<meta name="csrf" content="\([0-9a-f]*\)">.*/\1/p')
req POST /admin/alias -b "$JAR2" --data-urlencode "csrf=$csrf" \
    --data-urlencode 'q=Quittenpost abrufen' --data-urlencode 'slug=imap'
[ "$STATUS" = 303 ] || fail 3.20 "adding an alias on node 2 gave $STATUS"
pg_one "SELECT aliases FROM kbd.article WHERE slug = 'imap'" | grep -q 'Quittenpost abrufen' ||
    fail 3.21 "PostgreSQL's article lacks the alias"
wait_until 2 finds_all quittenpost imap ||
    fail 3.22 "the alias is not found on every node within 2 s"

# 4: PostgreSQL away
wait_until 2 finds_all quarkbällchen imap || fail 4.1 "the nodes differ before the pause"
cp "$TMP/node1.sqlite.articles/imap.md" "$TMP/imap.before"
n0=$(nrevs)
rev=$(rev_on 1 imap)
# logged in before: a node vouches for sessions PostgreSQL confirmed to
# it lately, so that a refused save keeps the editor's text
JAR=$TMP/jar
BASE=${NBASE[1]}
req POST /admin/login -c "$JAR" --data-urlencode "name=${USER_N[1]}" \
    --data-urlencode "password=${PASS[1]}"
[ "$STATUS" = 303 ] || fail 4.6 "cannot log in on node 1 ($STATUS)"
csrf=$(curl -s -b "$JAR" "$BASE/admin" | sed -n 's/.*<meta name="csrf" content="\([0-9a-f]*\)">.*/\1/p')
pg_pause
body=$(jq -n --argjson r "$rev" '{title: "IMAP", markdown: "Mit IMAP und Mohnkuchen.\n", rev: $r}')
api 1 PUT /articles/imap "$body"
[ "$STATUS" = 503 ] || fail 4.2 "a save without PostgreSQL gave $STATUS, want 503"
jq -r .error "$BODY" | grep -q 'nicht erreichbar.*nicht gespeichert' ||
    fail 4.3 "no German reason: $(head -c 300 "$BODY")"
finds 1 mohnkuchen "" || fail 4.4 "the refused save is served"
cmp -s "$TMP/imap.before" "$TMP/node1.sqlite.articles/imap.md" ||
    fail 4.5 "the refused save changed the node's file"
# the editor's form: 503, the reason, the text still in the form
req POST /admin/edit/imap -b "$JAR" --data-urlencode "csrf=$csrf" \
    --data-urlencode "rev=$rev" --data-urlencode 'title=IMAP im Formular' \
    --data-urlencode $'body=Die Formular-Fassung mit Pflaumenmus.\n'
[ "$STATUS" = 503 ] || fail 4.7 "a form save without PostgreSQL gave $STATUS, want 503"
grep -q 'nicht erreichbar' "$BODY" && grep -q 'Pflaumenmus' "$BODY" ||
    fail 4.8 "the editor's page lacks the reason or the text"
finds 1 pflaumenmus "" || fail 4.9 "the refused form save is served"
printf '\x89PNG\r\n\x1a\n' >"$TMP/p.png"
req POST /api/admin/media?name=p.png -H "Authorization: Bearer ${TOK[1]}" \
    -H 'Content-Type: image/png' --data-binary "@$TMP/p.png"
[ "$STATUS" = 503 ] && grep -q 'Knoten des Clusters' "$BODY" ||
    fail 4.10 "a picture upload on a node gave $STATUS: $(head -c 200 "$BODY")"
pg_resume
[ "$(nrevs)" = "$n0" ] || fail 4.11 "a refused save reached PostgreSQL"
saved() { api 1 PUT /articles/imap "$body"; [ "$STATUS" = 200 ]; }
wait_until 10 saved ||
    fail 4.12 "a save after PostgreSQL's return gave $STATUS: $(head -c 300 "$BODY")"
wait_until 2 finds_all mohnkuchen imap ||
    fail 4.13 "the save after the return is not found on every node within 2 s"

stop_node 5.1 1
stop_node 5.2 2
stop_node 5.3 3
test_done
