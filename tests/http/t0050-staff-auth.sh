#!/usr/bin/env bash
# t0050-staff-auth: accounts, logins, sessions, CSRF, lock-out.
#   1.x  kbd user add/list/passwd/del/token: the password from stdin (too
#        short refused), roles checked, names checked; only an Argon2id
#        hash is stored; a second account of the same name is refused
#   2.x  login: a wrong password and an unknown name get the same 401
#        page; the right one a 303 and a session cookie (HttpOnly,
#        SameSite=Strict, no Secure over plain HTTP); the database keeps
#        only the token's hash; without a session /admin sends to the
#        login page and the API answers 401
#   3.x  CSRF: a POST without the token, with a wrong one, or from
#        another Origin is refused with 403 and changes nothing; the
#        token from the page works
#   4.x  lock-out: after 4 free failures each attempt must wait (429,
#        Retry-After), even with the right password; another account
#        from another address is not affected; the log names the refusal
#   5.x  logout ends the session (the old cookie no longer works);
#        passwd ends every session of the account; del removes it
#   6.x  API tokens: Bearer works without CSRF, a wrong token gets 401;
#        editors cannot manage accounts (403), admins can (201/200)
#   7.x  staff pages over plain HTTP from another machine are refused
#        (403) unless --insecure-admin; over TLS the cookie is Secure
#   8.x  a logged-in editor's own views of an article are not hits;
#        `kbd user` (add, passwd, token, del) beside the running server
#        leaves the search index (built with the server's dictionary) alone
. "$(dirname "$0")/../lib.sh"

JAR=$TMP/jar
user() { "$KBD" user "$@" --db "$DB"; }

# 1: accounts on the command line
echo "ein-gutes-passwort" | user add anna --role admin 2>"$TMP/err" || fail 1.1 "add anna: $(cat "$TMP/err")"
echo "noch-ein-passwort" | user add bert 2>"$TMP/err" || fail 1.2 "add bert: $(cat "$TMP/err")"
rc=0; echo "kurz" | user add carl 2>"$TMP/err" || rc=$?
[ "$rc" = 1 ] && grep -q 'at least 10 characters' "$TMP/err" || fail 1.3 "a short password: $rc $(cat "$TMP/err")"
rc=0; echo "ein-gutes-passwort" | user add anna 2>"$TMP/err" || rc=$?
[ "$rc" = 1 ] && grep -q 'already' "$TMP/err" || fail 1.4 "a second anna: $rc $(cat "$TMP/err")"
rc=0; echo "ein-gutes-passwort" | user add 'böse name' 2>"$TMP/err" || rc=$?
[ "$rc" = 1 ] || fail 1.5 "a bad name was taken"
rc=0; echo "ein-gutes-passwort" | "$KBD" user add dora --role king --db "$DB" 2>"$TMP/err" || rc=$?
[ "$rc" = 2 ] && grep -q 'editor or admin' "$TMP/err" || fail 1.6 "role king: $rc $(cat "$TMP/err")"
user list >"$TMP/list" 2>/dev/null
grep -q '^anna  *admin ' "$TMP/list" && grep -q '^bert  *editor ' "$TMP/list" ||
    fail 1.7 "user list: $(cat "$TMP/list")"
[ "$(sql "SELECT count(*) FROM user WHERE pwhash LIKE '\$argon2id\$%'")" = 2 ] ||
    fail 1.8 "passwords are not Argon2id hashes"
sql "SELECT pwhash FROM user" | grep -q 'ein-gutes-passwort' && fail 1.9 "a password in clear"

start_kbd
fts=$(sql "SELECT value FROM meta WHERE key = 'fts'")	# for 8.0

# helpers: log in (sets the jar), the CSRF token of a page
login() {	# login NAME PASSWORD [curl args]: sets STATUS
	local name=$1 pw=$2
	shift 2
	rm -f "$JAR"
	req POST /admin/login -c "$JAR" --data-urlencode "name=$name" \
	    --data-urlencode "password=$pw" "$@"
}
csrf() { curl -s -b "$JAR" "$BASE/admin" | sed -n 's/.*<meta name="csrf" content="\([0-9a-f]*\)">.*/\1/p'; }

# 2: logging in
login anna falsch-falsch-falsch
[ "$STATUS" = 401 ] || fail 2.1 "a wrong password gave $STATUS"
grep -q 'Benutzername oder Passwort ist falsch' "$BODY" || fail 2.2 "no message for a wrong password"
cp "$BODY" "$TMP/wrong.html"
login niemand falsch-falsch-falsch
[ "$STATUS" = 401 ] || fail 2.3 "an unknown name gave $STATUS"
diff <(sed 's/value="[^"]*"//' "$TMP/wrong.html") <(sed 's/value="[^"]*"//' "$BODY") >/dev/null ||
    fail 2.4 "an unknown name is answered differently from a wrong password"
login anna ein-gutes-passwort
[ "$STATUS" = 303 ] && [ "$(header Location)" = /admin ] || fail 2.5 "login gave $STATUS to '$(header Location)'"
cookie=$(header Set-Cookie)
[[ $cookie == kbd_session=*"; HttpOnly"*"SameSite=Strict"* ]] || fail 2.6 "Set-Cookie: $cookie"
[[ $cookie == *Secure* ]] && fail 2.7 "Secure cookie over plain HTTP (the browser would drop it)"
token=$(sed -n 's/.*kbd_session\t\([0-9a-f]*\)$/\1/p' "$JAR")
[ ${#token} = 64 ] || fail 2.8 "session token '$token'"
[ "$(sql "SELECT count(*) FROM session WHERE token_hash = '$token'")" = 0 ] ||
    fail 2.9 "the session token is stored in clear"
[ "$(sql "SELECT count(*) FROM session")" = 1 ] || fail 2.10 "sessions: $(sql "SELECT count(*) FROM session")"
expect_status 2.11 GET /admin 200 -b "$JAR"
grep -q '<h1>Artikel</h1>' "$BODY" || fail 2.12 "the article list is not shown"
header Cache-Control | grep -q no-store || fail 2.13 "staff page without no-store"
expect_status 2.14 GET /admin 303
[ "$(header Location)" = /admin/login ] || fail 2.15 "no session: Location $(header Location)"
expect_status 2.16 GET /api/admin/articles 401
expect_status 2.17 GET /admin 303 -b "kbd_session=$(printf '%064d' 0)"
[ "$(header Location)" = /admin/login ] || fail 2.18 "a made-up session was taken"

# 3: CSRF
tok=$(csrf)
[ ${#tok} = 64 ] || fail 3.1 "no CSRF token on the page"
expect_status 3.2 POST /admin/publish/imap 403 -b "$JAR" -d "draft=1"
expect_status 3.3 POST /admin/publish/imap 403 -b "$JAR" -d "draft=1&csrf=$(printf '%064d' 1)"
expect_status 3.4 POST /admin/publish/imap 403 -b "$JAR" -d "draft=1&csrf=$tok" -H 'Origin: http://evil.example'
expect_status 3.5 GET /a/imap 200
expect_status 3.6 PUT /api/admin/articles/imap 403 -b "$JAR" -d '{"title":"x","rev":1}'
expect_status 3.7 POST /admin/publish/imap 303 -b "$JAR" -d "draft=1&csrf=$tok"
expect_status 3.8 GET /a/imap 404
expect_status 3.9 POST /admin/publish/imap 303 -b "$JAR" -d "draft=0&csrf=$tok" -H "Origin: $BASE"
expect_status 3.10 GET /a/imap 200

# 4: lock-out (4 failures are free; the 5th waits 1 s, then 2 s, ...)
locked=	# a wrong password was refused: a wait was in force
for i in 1 2 3 4 5 6; do
	login bert falsch-$i -H 'X-Test: lockout'
	[ "$STATUS" = 429 ] && locked=1
done
# Waits end at the turn of a second, so the first (1 s) may be over
# before the next request of a busy machine.  Once a wait was in force,
# wrong passwords until one is counted again (401): the wait after it is
# 2 s or more, time enough for the right password to come inside it.
counted_again() {
	login bert falsch-7 -H 'X-Test: lockout'
	[ "$STATUS" = 429 ] && locked=1
	[ -n "$locked" ] && [ "$STATUS" = 401 ]
}
wait_until 10 counted_again || fail 4.0 "wrong passwords: $STATUS, want 429 during the wait and 401 after it"
login bert noch-ein-passwort
[ "$STATUS" = 429 ] || fail 4.1 "the right password during the lock-out gave $STATUS"
retry=$(header Retry-After)
[[ $retry =~ ^[0-9]+$ ]] && [ "$retry" -ge 1 ] || fail 4.2 "Retry-After: '$retry'"
grep -q 'Zu viele Fehlversuche' "$BODY" || fail 4.3 "no message for the lock-out"
grep -q 'login as bert from 127.0.0.1 refused' "$LOG" || fail 4.4 "the refusal is not logged"
sleep $((retry + 1))	# the wait kbd asked for (4.5 checks it suffices)
login bert noch-ein-passwort
[ "$STATUS" = 303 ] || fail 4.5 "after the wait the right password gave $STATUS"
grep -q 'falsch' "$LOG" && fail 4.6 "a tried password reached the log"

# 5: logout, passwd, del
login anna ein-gutes-passwort
cp "$JAR" "$TMP/jar.old"
tok=$(csrf)
expect_status 5.1 POST /admin/logout 303 -b "$JAR" -d "csrf=$tok"
[[ $(header Set-Cookie) == kbd_session=\;*Max-Age=0* ]] || fail 5.2 "logout cookie: $(header Set-Cookie)"
expect_status 5.3 GET /admin 303 -b "$TMP/jar.old"
login bert noch-ein-passwort
echo "ganz-neues-passwort" | user passwd bert 2>/dev/null || fail 5.4 "passwd failed"
expect_status 5.5 GET /admin 303 -b "$JAR"
login bert noch-ein-passwort
[ "$STATUS" = 401 ] || fail 5.6 "the old password still works"
login bert ganz-neues-passwort
[ "$STATUS" = 303 ] || fail 5.7 "the new password gave $STATUS"

# 6: API tokens and roles
t=$(user token bert 2>/dev/null)
[ ${#t} = 64 ] || fail 6.1 "token '$t'"
[ "$(sql "SELECT count(*) FROM user WHERE token_hash = '$t'")" = 0 ] || fail 6.2 "the API token is stored in clear"
expect_json 6.3 /api/admin/session '.name == "bert" and .role == "editor"' -H "Authorization: Bearer $t"
expect_status 6.4 GET /api/admin/session 401 -H "Authorization: Bearer $(printf '%064d' 7)"
expect_status 6.5 POST /api/admin/users 403 -H "Authorization: Bearer $t" -d '{"name":"eve","password":"eve-passwort-1"}'
expect_status 6.6 GET /admin/users 403 -b "$JAR"
ta=$(user token anna 2>/dev/null)
expect_status 6.7 POST /api/admin/users 201 -H "Authorization: Bearer $ta" -d '{"name":"eve","role":"editor","password":"eve-passwort-1"}'
expect_status 6.8 POST /api/admin/users 422 -H "Authorization: Bearer $ta" -d '{"name":"fritz","password":"kurz"}'
expect_json 6.9 /api/admin/users '[.users[].name] == ["anna","bert","eve"]' -H "Authorization: Bearer $ta"
expect_status 6.10 DELETE /api/admin/users/eve 200 -H "Authorization: Bearer $ta"
login eve eve-passwort-1
[ "$STATUS" = 401 ] || fail 6.11 "a deleted account can log in ($STATUS)"
user del bert 2>/dev/null || fail 6.12 "user del failed"
expect_status 6.13 GET /api/admin/session 401 -H "Authorization: Bearer $t"

# 8: staff views are not hits
echo "redaktion-passwort" | user add ida 2>"$TMP/err"
[ "$(sql "SELECT value FROM meta WHERE key = 'fts'")" = "$fts" ] && [ -n "$fts" ] &&
    ! grep -q 'search index' "$TMP/err" ||
    fail 8.0 "kbd user rebuilt the search index: $(cat "$TMP/err")"
login ida redaktion-passwort
h0=$(sql "SELECT hits FROM article WHERE slug = 'pop3'")
for i in 1 2 3; do req GET /a/pop3 -b "$JAR"; done
req GET /a/pop3 -A "$(reader)"
flushed() { [ "$(sql "SELECT hits FROM article WHERE slug = 'pop3'")" = "$1" ]; }
wait_until 3 flushed $((h0 + 1)) || fail 8.1 "pop3 has $(sql "SELECT hits FROM article WHERE slug = 'pop3'") hits after 3 staff views and 1 customer view, want $((h0 + 1))"
stop_kbd 8.2

# 7: the connection
addr=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+\.' | grep -v '^127\.' | head -1)
if [ -n "$addr" ]; then
	start_kbd --listen "$addr:0"
	expect_status 7.1 GET /admin/login 403
	grep -q 'nur über HTTPS' "$BODY" || fail 7.2 "no reason given"
	expect_status 7.3 POST /api/admin/login 403 -d '{"name":"anna","password":"ein-gutes-passwort"}'
	expect_status 7.4 GET /a/imap 200
	stop_kbd 7.5
	start_kbd --listen "$addr:0" --insecure-admin
	expect_status 7.6 GET /admin/login 200
	stop_kbd 7.7
else
	skip 7.1 "no address other than loopback on this machine"
fi
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 2>/dev/null || die "openssl failed"
CURL_TLS=(--cacert "$TMP/cert.pem")
start_kbd --tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem"
login anna ein-gutes-passwort
[ "$STATUS" = 303 ] || fail 7.8 "login over TLS gave $STATUS"
[[ $(header Set-Cookie) == *"; Secure"* ]] || fail 7.9 "no Secure cookie over TLS: $(header Set-Cookie)"
stop_kbd 7.10
test_done
