#!/usr/bin/env bash
# t0044-honest-hits: a hit is a reader's first view of an article today.
#   1.x  10,000 GETs of one article (page and API, plain, gzip and 304)
#        from one client (one address, one browser User-Agent) move its
#        counter by one; the metrics count the other 9,999 as repeats
#   2.x  100 different clients move it by 100: 50 browsers (User-Agents)
#        on 127.0.0.1, and one browser on 50 addresses 127.0.0.2-51;
#        each one's later views count nothing
#   3.x  a proxy on this host (a loopback peer) names its clients in
#        X-Real-IP: 10 of them count 10; from a peer that is not loopback
#        the header is not believed (skipped without a second address)
#   4.x  no hit from: crawlers and bots, link previewers (facebook,
#        Slack, Twitter, WhatsApp, Discord, Telegram, LinkedIn),
#        headless browsers, scripts (curl's own agent, wget,
#        python-requests, Go), no User-Agent, HEAD, prefetches
#        (Sec-Purpose, Purpose, X-Moz); each by an agent not seen before;
#        the metrics count them as robot and prefetch
#   5.x  the shown count includes the view only when it will count
. "$(dirname "$0")/../lib.sh"

start_kbd --listen 0.0.0.0:0
hits_of() { sql "SELECT hits FROM article WHERE slug = '$1'"; }
stored() { [ "$(hits_of "$1")" = "$2" ]; }
# The writer flushes every second: wait for the count, then for every
# view counted to be written, and look again: nothing more was pending.
settled() {	# settled CASE SLUG WANT
	wait_until 10 stored "$2" "$3" || { fail "$1" "$2 has $(hits_of "$2") hits, want $3"; return; }
	wait_until 10 views_flushed
	stored "$2" "$3" || fail "$1" "$2 has $(hits_of "$2") hits once all views were written, want $3"
}

ua='Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0'

# 1: one client, 10,000 views
base=$(hits_of imap)
repeats0=$(metric 'kbd_views_skipped_total{reason="repeat"}')
etag=$(curl -s -D - -o /dev/null -A "$ua" "$BASE/a/imap" | tr -d '\r' | sed -n 's/^ETag: //Ip')
[ -n "$etag" ] || fail 1.1 "no ETag on /a/imap"
curl -s -o /dev/null -A "$ua" "$BASE/a/imap?n=[1-4000]" || fail 1.2 "curl failed on the page views"
curl -s -o /dev/null -A "$ua" --compressed "$BASE/api/articles/imap?n=[1-4000]" ||
    fail 1.3 "curl failed on the API views"
curl -s -o /dev/null -A "$ua" -H "If-None-Match: $etag" "$BASE/a/imap?n=[1-1999]" ||
    fail 1.4 "curl failed on the 304s"
settled 1.5 imap $((base + 1))
repeats=$(metric 'kbd_views_skipped_total{reason="repeat"}')
[ "$((repeats - repeats0))" = 9999 ] || fail 1.6 "repeats moved by $((repeats - repeats0)), want 9999"

# 2: 100 clients
base=$(hits_of pop3)
for i in $(seq 50); do
	curl -s -o /dev/null -A "$ua kbd-test/$i" "$BASE/a/pop3"
	curl -s -o /dev/null -A "$ua" --interface "127.0.0.$((i + 1))" "$BASE/api/articles/pop3" ||
	    fail 2.1 "no answer to 127.0.0.$((i + 1))"
done
settled 2.2 pop3 $((base + 100))
for i in $(seq 50); do	# all of them again: nothing
	curl -s -o /dev/null -A "$ua kbd-test/$i" "$BASE/api/articles/pop3"
	curl -s -o /dev/null -A "$ua" --interface "127.0.0.$((i + 1))" "$BASE/a/pop3"
done
settled 2.3 pop3 $((base + 100))

# 3: X-Real-IP from a proxy on this host
base=$(hits_of smtp)
for i in $(seq 10); do
	curl -s -o /dev/null -A "$ua" -H "X-Real-IP: 198.51.100.$i" "$BASE/a/smtp"
	curl -s -o /dev/null -A "$ua" -H "X-Real-IP: 198.51.100.$i" "$BASE/a/smtp"
done
settled 3.1 smtp $((base + 10))
ext=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -m1 '^[0-9.]*$' | grep -v '^127\.')
if [ -n "$ext" ]; then
	for i in $(seq 10); do
		curl -s -o /dev/null -A "$ua" -H "X-Real-IP: 198.51.100.$((i + 100))" \
		    "http://$ext:$PORT/a/smtp" || fail 3.2 "no answer on $ext"
	done
	settled 3.3 smtp $((base + 11))
else
	skip 3.2 "no address other than loopback on this machine"
fi

# 4: robots, scripts, HEAD, prefetches
base=$(hits_of aliasname)
robot0=$(metric 'kbd_views_skipped_total{reason="robot"}')
prefetch0=$(metric 'kbd_views_skipped_total{reason="prefetch"}')
n=0
while IFS= read -r agent; do
	curl -s -o /dev/null -A "$agent" "$BASE/a/aliasname"
	curl -s -o /dev/null -A "$agent" "$BASE/api/articles/aliasname"
	n=$((n + 2))
done <<'EOF'
Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)
Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36
facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)
Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)
Twitterbot/1.0
WhatsApp/2.23.20.0 A
Mozilla/5.0 (Macintosh; Intel Mac OS X 11.6; rv:92.0) Gecko/20100101 Firefox/92.0 Discordbot/2.0
TelegramBot (like TwitterBot)
LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)
Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36
Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)
Wget/1.21.3
python-requests/2.31.0
Go-http-client/1.1
EOF
curl -s -o /dev/null "$BASE/a/aliasname"		# curl's own agent
curl -s -o /dev/null -A '' "$BASE/a/aliasname"		# none at all
n=$((n + 2))
for h in 'Sec-Purpose: prefetch' 'Sec-Purpose: prefetch;prerender' \
    'Purpose: prefetch' 'X-Moz: prefetch' 'X-Purpose: preview'; do
	curl -s -o /dev/null -A "$(reader)" -H "$h" "$BASE/a/aliasname"
	curl -s -o /dev/null -A "$(reader)" -H "$h" "$BASE/api/articles/aliasname"
done
for i in 1 2 3; do
	curl -s -o /dev/null -I -A "$(reader)" "$BASE/a/aliasname"
done
settled 4.1 aliasname "$base"
robot=$(metric 'kbd_views_skipped_total{reason="robot"}')
[ "$((robot - robot0))" = "$n" ] || fail 4.2 "robots moved by $((robot - robot0)), want $n"
prefetch=$(metric 'kbd_views_skipped_total{reason="prefetch"}')
[ "$((prefetch - prefetch0))" = 10 ] || fail 4.3 "prefetches moved by $((prefetch - prefetch0)), want 10"
# and a browser still counts
curl -s -o /dev/null -A "$(reader)" "$BASE/a/aliasname"
settled 4.4 aliasname $((base + 1))

# 5: what the page shows (after the flush of 4.4, made afresh)
ua5=$(reader)
before=$(hits_of dns-content)	# all written (4.4): the stored count
h=$(curl -s -A "$ua5" "$BASE/api/articles/dns-content" | jq .hits)
[ "$h" = $((before + 1)) ] || fail 5.1 "a first view shows $h, stored $before"
wait_until 10 stored dns-content "$h" || fail 5.2 "the first view was not counted"
h2=$(curl -s -A "$ua5" "$BASE/api/articles/dns-content" | jq .hits)
[ "$h2" = "$h" ] || fail 5.3 "a repeated view shows $h2, want $h"

stop_kbd 5.4
test_done
