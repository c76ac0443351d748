#!/usr/bin/env bash
# t0084-cluster-logins: staff accounts, sessions, API tokens and the
# lock-out of a cluster live in its PostgreSQL (tests/cluster/pg.sh), so
# that a login is the same on every node (issue 18, scenario 3).
#   1.x  kbd user add|list|token|passwd|del --cluster act on PostgreSQL's
#        accounts: it keeps the Argon2id hash, never the password; a
#        name taken is refused; --cluster-file and KBD_CLUSTER work too
#   2.x  three nodes: a login on node 1 gives a cookie that node 3 (and
#        2) take for a staff page; PostgreSQL keeps only the cookie's
#        BLAKE2b hash; a logout on node 1 ends it on nodes 2 and 3 at
#        once (no cache); an account made by kbd user on the node's own
#        SQLite file does not log in to a node
#   3.x  an API token made with kbd user token --cluster works on nodes
#        1 and 3; an account an admin makes through node 2's API logs in
#        on node 3, and node 1 deletes it; kbd user passwd revokes the
#        token on all nodes
#   4.x  failed logins from one address spread over the three nodes lock
#        it out by the single-node rules (five free, then 1, 2, 4 s): 7
#        failures in all (8 on a slow machine), not 7 per node, and
#        PostgreSQL counts them; then it is refused on every node, the
#        right password too, and another address logs in; failures
#        against an account from six addresses over three nodes hold its
#        next attempt a second or more, but its right password logs in;
#        30 wrong logins at once from one address, ten to each node, get
#        exactly 5 checks (401) and 25 refusals (429), as on one node
#   5.x  PostgreSQL paused: public pages and the search answer 200; a
#        login answers 503 with a German reason within seconds, and so
#        does a staff page, the API or an upload with a cookie on a node
#        that never saw that session, or with an unknown cookie; a node
#        to which PostgreSQL confirmed the session lately still serves
#        the staff page; kbd user --cluster fails; once it is back,
#        logins work, and the session from before still holds
#   6.x  the nodes stop cleanly
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/cluster/pg.sh"
. "$ROOT/tests/cluster/nodes.sh"

pg_start

cuser() { "$KBD" user "$@" --cluster "$PG_URL"; }
status_on() { curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$@"; }

src=$(copy_articles src)
"$KBD" import --cluster "$PG_URL" "$src" >"$TMP/import.out" 2>&1 ||
    die "kbd import failed: $(cat "$TMP/import.out")"

# 1: kbd user --cluster
echo "anna-passwort-1" | cuser add anna --role admin 2>"$TMP/err" ||
    fail 1.1 "kbd user add --cluster: $(cat "$TMP/err")"
[[ $(psql_kbd kbd "SELECT role || ' ' || pwhash FROM kbd.account WHERE name = 'anna'") == 'admin $argon2id$'* ]] ||
    fail 1.2 "PostgreSQL has no Argon2id hash of anna's password"
[ "$(psql_kbd kbd "SELECT count(*) FROM kbd.account WHERE pwhash LIKE '%anna-passwort%'")" = 0 ] ||
    fail 1.3 "PostgreSQL keeps the password"
echo "anna-passwort-2" | cuser add anna 2>"$TMP/err" && fail 1.4 "a second anna was added"
grep -q 'there is a user of that name already' "$TMP/err" || fail 1.5 "no reason: $(cat "$TMP/err")"
printf '%s\n' "$PG_URL" >"$TMP/cluster.url"
chmod 600 "$TMP/cluster.url"
echo "bert-passwort-1" | "$KBD" user add bert --cluster-file "$TMP/cluster.url" 2>"$TMP/err" ||
    fail 1.6 "kbd user add --cluster-file: $(cat "$TMP/err")"
KBD_CLUSTER=$PG_URL "$KBD" user list >"$TMP/list" 2>"$TMP/err" ||
    fail 1.7 "KBD_CLUSTER kbd user list: $(cat "$TMP/err")"
[ "$(awk '{print $1 "/" $2}' "$TMP/list" | tr '\n' ' ')" = "anna/admin bert/editor " ] ||
    fail 1.8 "kbd user list: $(cat "$TMP/list")"
cuser del bert 2>/dev/null || fail 1.9 "kbd user del --cluster"
cuser del bert 2>"$TMP/err" && fail 1.10 "deleting bert twice succeeded"
grep -q 'no such user' "$TMP/err" || fail 1.11 "no reason: $(cat "$TMP/err")"

# 2: one login, every node
start_node 1 "$TMP/node1.sqlite"
start_node 2 "$TMP/node2.sqlite"
start_node 3 "$TMP/node3.sqlite"
# An account in a node's own SQLite file is no account of the cluster's
# (kbd user without --cluster works on the file as on a single node).
echo "carl-passwort-1" | "$KBD" user add carl --db "$TMP/node2.sqlite" 2>"$TMP/err" ||
    fail 2.1 "kbd user add on a node's SQLite file: $(cat "$TMP/err")"
BASE=${NBASE[2]}
req POST /admin/login -d 'name=carl&password=carl-passwort-1'
[ "$STATUS" = 401 ] || fail 2.2 "carl of node 2's SQLite file logged in to node 2 ($STATUS)"

BASE=${NBASE[1]}
req POST /admin/login -d 'name=anna&password=anna-passwort-1'
[ "$STATUS" = 303 ] || fail 2.3 "cannot log in on node 1 ($STATUS)"
cookie=$(header Set-Cookie | sed -n 's/^kbd_session=\([0-9a-f]*\);.*/\1/p')
[ -n "$cookie" ] || fail 2.4 "no session cookie: $(header Set-Cookie)"
C=(-H "Cookie: kbd_session=$cookie")
for n in 1 3 2; do
	[ "$(status_on "${C[@]}" "${NBASE[$n]}/admin/stats")" = 200 ] ||
	    fail "2.5.$n" "node $n does not take node 1's session for /admin/stats"
done
curl -s "${C[@]}" "${NBASE[3]}/admin" | grep -q 'anna' ||
    fail 2.6 "node 3's /admin does not know anna"
hash=$(printf %s "$cookie" | b2sum -l 256 | cut -d' ' -f1)
[ "$(psql_kbd kbd "SELECT count(*) FROM kbd.session WHERE token_hash = '$hash'")" = 1 ] &&
[ "$(psql_kbd kbd "SELECT count(*) FROM kbd.session WHERE token_hash = '$cookie' OR csrf = '$cookie'")" = 0 ] ||
    fail 2.7 "PostgreSQL does not keep the cookie's hash (only)"
csrf=$(curl -s "${C[@]}" "${NBASE[1]}/admin" | sed -n 's/.*<meta name="csrf" content="\([0-9a-f]*\)">.*/\1/p')
[ -n "$csrf" ] || fail 2.8 "no CSRF token on node 1's /admin"
req POST /admin/logout "${C[@]}" --data-urlencode "csrf=$csrf"
[ "$STATUS" = 303 ] || fail 2.9 "logout on node 1 gave $STATUS"
refused_on() { [ "$(status_on "${C[@]}" "${NBASE[$1]}/admin/stats")" = 303 ]; }
wait_until 1 refused_on 2 || fail 2.10 "node 2 still takes the session after a logout on node 1"
wait_until 1 refused_on 3 || fail 2.11 "node 3 still takes the session after a logout on node 1"
expect_status 2.12 GET "${NBASE[3]}/api/admin/session" 401 "${C[@]}"

# 3: API tokens
tok=$(cuser token anna 2>"$TMP/err") || fail 3.1 "kbd user token --cluster: $(cat "$TMP/err")"
T=(-H "Authorization: Bearer $tok")
for n in 1 3; do
	expect_status "3.2.$n" GET "${NBASE[$n]}/api/admin/articles" 200 "${T[@]}"
done
jq -e '.articles // . | length > 0' "$BODY" >/dev/null 2>&1 ||
    fail 3.3 "node 3's article list is empty: $(head -c 200 "$BODY")"
expect_status 3.4 POST "${NBASE[2]}/api/admin/users" 201 "${T[@]}" \
    -H 'Content-Type: application/json' \
    -d '{"name": "dora", "role": "editor", "password": "dora-passwort-1"}'
BASE=${NBASE[3]}
req POST /admin/login -d 'name=dora&password=dora-passwort-1'
[ "$STATUS" = 303 ] || fail 3.5 "dora, made on node 2, cannot log in on node 3 ($STATUS)"
expect_status 3.6 DELETE "${NBASE[1]}/api/admin/users/dora" 200 "${T[@]}"
[ "$(psql_kbd kbd "SELECT count(*) FROM kbd.account WHERE name = 'dora'")" = 0 ] ||
    fail 3.7 "dora is still in PostgreSQL"
echo "anna-passwort-3" | cuser passwd anna 2>/dev/null || fail 3.8 "kbd user passwd --cluster"
for n in 1 2 3; do
	expect_status "3.9.$n" GET "${NBASE[$n]}/api/admin/articles" 401 "${T[@]}"
done

# 4: the lock-out counts over all nodes
# login N NAME PASSWORD ADDR: a login form on node N from X-Real-IP ADDR
login() {
	BASE=${NBASE[$1]}
	req POST /admin/login --data-urlencode "name=$2" \
	    --data-urlencode "password=$3" -H "X-Real-IP: $4"
}
i=0
failed=0
locked_out() {
	i=$((i + 1))
	# a new name each time: no account's own delay comes in between
	login $((i % 3 + 1)) "niemand-$i" "falsch-$i" 203.0.113.7
	[ "$STATUS" = 401 ] && failed=$((failed + 1))
	[ "$STATUS" = 429 ] && [ "$(header Retry-After)" -ge 3 ]
}
wait_until 90 locked_out ||
    fail 4.1 "failures from 203.0.113.7 on three nodes: $STATUS, Retry-After '$(header Retry-After)', want 429 and 3 s or more"
# (Retry-After 4, or 3 when a check took a while; a check that took
# more than a second lets the 4 s wait begin one failure later)
[ "$failed" -ge 7 ] && [ "$failed" -le 8 ] ||
    fail 4.2 "the address was locked out (4 s) after $failed failed logins over three nodes, want 7"
for n in 1 2 3; do
	login $n anna anna-passwort-3 203.0.113.7
	[ "$STATUS" = 429 ] && grep -q 'Zu viele Fehlversuche' "$BODY" ||
	    fail "4.3.$n" "the right password from the locked-out address on node $n gave $STATUS, want 429"
done
login 2 anna anna-passwort-3 203.0.113.8
[ "$STATUS" = 303 ] || fail 4.4 "anna from another address gave $STATUS, want 303"
key=$(python3 -c 'import hashlib, socket, sys
print(hashlib.blake2b(b"addr\0" + socket.inet_aton(sys.argv[1]), digest_size=16).hexdigest())' 203.0.113.7)
# (anna's success from 203.0.113.8 forgave that address, not this one)
[ "$(psql_kbd kbd "SELECT count FROM kbd.strike WHERE key = '$key'")" = "$failed" ] ||
    fail 4.5 "PostgreSQL counts $(psql_kbd kbd "SELECT count FROM kbd.strike WHERE key = '$key'") strikes against 203.0.113.7, want $failed"
for i in 1 2 3 4 5 6; do
	login $((i % 3 + 1)) anna "falsch-a$i" "198.51.100.$i"
	[ "$STATUS" = 401 ] || fail "4.6.$i" "a wrong password for anna gave $STATUS"
done
t0=$(date +%s%N)
login 3 anna falsch-a7 198.51.100.7
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$STATUS" = 401 ] && [ "$ms" -ge 900 ] ||
    fail 4.7 "anna's seventh failure (over three nodes) from a new address: $STATUS after $ms ms, want 401 after a second or more"
login 1 anna anna-passwort-3 198.51.100.8
[ "$STATUS" = 303 ] || fail 4.8 "anna's right password after those failures gave $STATUS, want 303"
py 4.9 "${NBASE[1]##*:}" "${NBASE[2]##*:}" "${NBASE[3]##*:}" >"$TMP/race" <<'EOF'
import http.client, json, sys, threading
ports = [int(p) for p in sys.argv[1:]]
conns = []
for i in range(30):
    c = http.client.HTTPConnection("127.0.0.1", ports[i % 3], timeout=60)
    c.connect()
    conns.append(c)
go = threading.Barrier(30)
got = []
def one(c, i):
    go.wait()
    try:
        c.request("POST", "/api/admin/login", json.dumps({"name": "zoe", "password": "x%d" % i}),
                  {"X-Real-IP": "198.18.0.10", "Content-Type": "application/json"})
        got.append(str(c.getresponse().status))
    except Exception as e:
        got.append("error " + repr(e))
ts = [threading.Thread(target=one, args=(c, i)) for i, c in enumerate(conns)]
for t in ts: t.start()
for t in ts: t.join()
print("\n".join(got))
EOF
[ "$(grep -c '^401$' "$TMP/race") $(grep -c '^429$' "$TMP/race")" = "5 25" ] ||
    fail 4.10 "30 logins at once over three nodes: $(sort "$TMP/race" | uniq -c | tr '\n' ' '), want 5 401 and 25 429"

# 5: PostgreSQL away
login 1 anna anna-passwort-3 203.0.113.20
cookie=$(header Set-Cookie | sed -n 's/^kbd_session=\([0-9a-f]*\);.*/\1/p')
C=(-H "Cookie: kbd_session=$cookie")
[ "$(status_on "${C[@]}" "${NBASE[2]}/admin")" = 200 ] || fail 5.1 "no session for section 5"
pg_pause
for n in 1 2 3; do
	expect_status "5.2.$n" GET "${NBASE[$n]}/a/imap" 200
	[ "$(curl -s --max-time 20 "${NBASE[$n]}/api/search?q=imap" | jq '.results | length')" -gt 0 ] ||
	    fail "5.3.$n" "node $n's search finds nothing without PostgreSQL"
done
t0=$(date +%s%N)
login 3 anna anna-passwort-3 203.0.113.21
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$STATUS" = 503 ] && grep -q 'Datenbank des Clusters' "$BODY" ||
    fail 5.4 "a login without PostgreSQL gave $STATUS: $(grep -o 'Die Anmeldung[^<]*' "$BODY" | head -1)"
[ "$ms" -lt 5000 ] || fail 5.5 "the refusal took $ms ms"
# node 3 never saw the session: it cannot tell, and says why; node 2,
# to which PostgreSQL confirmed it a moment ago (5.1), still knows it
req GET "${NBASE[3]}/admin" "${C[@]}"
[ "$STATUS" = 503 ] && grep -q 'Datenbank des Clusters' "$BODY" ||
    fail 5.6 "a staff page without PostgreSQL gave $STATUS, want 503 and a German reason"
expect_status 5.7.1 GET "${NBASE[3]}/api/admin/articles" 503 "${C[@]}"
expect_status 5.7.2 POST "${NBASE[3]}/api/admin/media" 503 "${C[@]}" \
    -H 'Content-Type: image/png' --data-binary 'kein Bild'
expect_status 5.7.3 GET "${NBASE[2]}/admin" 200 "${C[@]}"
expect_status 5.7.4 GET "${NBASE[2]}/admin" 503 -H "Cookie: kbd_session=$(printf '%064d' 7)"
expect_status 5.8 GET "${NBASE[1]}/a/imap" 200 "${C[@]}"
cuser list >/dev/null 2>"$TMP/err" && fail 5.9 "kbd user list --cluster succeeded without PostgreSQL"
pg_resume
back() { login 3 anna anna-passwort-3 203.0.113.22; [ "$STATUS" = 303 ]; }
wait_until 10 back || fail 5.10 "no login within 10 s of PostgreSQL's return ($STATUS)"
[ "$(status_on "${C[@]}" "${NBASE[2]}/admin")" = 200 ] ||
    fail 5.11 "the session from before the pause is gone"

stop_node 6.1 1
stop_node 6.2 2
stop_node 6.3 3
test_done
