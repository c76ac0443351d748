#!/usr/bin/env bash
# t0074-agents: one address cycling through User-Agents does not make a
# hit with each (issue 15, finding 11: 200 agents from one address made
# 200 hits).  An address has VISITOR_AGENTS (16) agents a day that count.
#   1.x  200 browsers behind one address (X-Real-IP from a proxy on this
#        host) view an article: 16 hits; the metrics count the rest as
#        robots; the page shows no count of its own for them
#   2.x  one of the first 16 still counts on another article; the 17th
#        and later do not
#   3.x  another address still counts; this host's own address (a proxy
#        that names nobody) is not limited: 20 browsers on 127.0.0.1
#        make 20 hits
. "$(dirname "$0")/../lib.sh"

start_kbd
hits_of() { sql "SELECT hits FROM article WHERE slug = '$1'"; }
stored() { [ "$(hits_of "$1")" = "$2" ]; }
settled() {	# settled CASE SLUG WANT
	wait_until 10 stored "$2" "$3" || { fail "$1" "$2 has $(hits_of "$2") hits, want $3"; return; }
	wait_until 10 views_flushed
	stored "$2" "$3" || fail "$1" "$2 has $(hits_of "$2") hits once all views were written, want $3"
}
ua() { echo "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.$1"; }

# 1: 200 agents, one address
base=$(hits_of imap)
robots0=$(metric 'kbd_views_skipped_total{reason="robot"}')
for i in $(seq 200); do
	curl -s -o /dev/null -A "$(ua "$i")" -H 'X-Real-IP: 203.0.113.9' "$BASE/a/imap" ||
	    fail 1.1 "no answer to agent $i"
done
settled 1.2 imap $((base + 16))
robots=$(metric 'kbd_views_skipped_total{reason="robot"}')
[ "$((robots - robots0))" = 184 ] || fail 1.3 "$((robots - robots0)) views counted as robots, want 184"
n=$(hits_of imap)
shown=$(curl -s -A "$(ua 500)" -H 'X-Real-IP: 203.0.113.9' "$BASE/api/articles/imap" | jq -r .hits)
[ "$shown" = "$n" ] || fail 1.4 "an agent over the limit was shown $shown hits, want $n"

# 2: the first 16 agents count on other articles
base=$(hits_of pop3)
curl -s -o /dev/null -A "$(ua 1)" -H 'X-Real-IP: 203.0.113.9' "$BASE/a/pop3"
curl -s -o /dev/null -A "$(ua 16)" -H 'X-Real-IP: 203.0.113.9' "$BASE/a/pop3"
curl -s -o /dev/null -A "$(ua 17)" -H 'X-Real-IP: 203.0.113.9' "$BASE/a/pop3"
curl -s -o /dev/null -A "$(ua 150)" -H 'X-Real-IP: 203.0.113.9' "$BASE/a/pop3"
settled 2.1 pop3 $((base + 2))

# 3: other addresses
base=$(hits_of imap)
curl -s -o /dev/null -A "$(ua 1)" -H 'X-Real-IP: 203.0.113.10' "$BASE/a/imap"
settled 3.1 imap $((base + 1))
base=$(hits_of smtp)
for i in $(seq 20); do
	curl -s -o /dev/null -A "$(ua "$i")" "$BASE/a/smtp"
done
settled 3.2 smtp $((base + 20))
test_done
