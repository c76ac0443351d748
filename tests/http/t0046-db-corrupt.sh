#!/usr/bin/env bash
# t0046-db-corrupt: a damaged database at start is refused and left as it
# is.  Each damage is made on a copy of a good database kbd wrote:
#   1.x  cut to half its size; two pages in the middle overwritten with
#        random bytes; the schema (page 1 after the header) garbled; the
#        header's magic zeroed; a file of zeros: kbd exits with status 2
#        (not killed by a signal) within its start-up time, after one line
#        on stderr naming the file and what is wrong, without listening;
#        the file is byte for byte what it was (sha256), and still there
#   2.x  kbd backup of a damaged database fails with one line and writes
#        no copy
#   3.x  the good copy put back: kbd starts on it and has its hits
. "$(dirname "$0")/../lib.sh"

dir=$(copy_articles articles)
start_kbd --articles "$dir"
for i in $(seq 5); do req GET /a/imap; done
stop_kbd 0.1
hits=$(sql "SELECT hits FROM article WHERE slug = 'imap'")
cp "$DB" "$TMP/good.sqlite"
size=$(stat -c %s "$DB")
pages=$((size / 4096))
[ "$pages" -ge 20 ] || die "the database has only $pages pages"

damage() {	# damage KIND FILE
	cp "$TMP/good.sqlite" "$2"
	case $1 in
	half)	truncate -s $((size / 2)) "$2" ;;
	pages)	dd if=/dev/urandom of="$2" bs=4096 seek=$((pages / 2)) count=2 \
		    conv=notrunc 2>/dev/null ;;
	schema)	dd if=/dev/urandom of="$2" bs=1 seek=100 count=3000 conv=notrunc \
		    2>/dev/null ;;
	magic)	dd if=/dev/zero of="$2" bs=16 count=1 conv=notrunc 2>/dev/null ;;
	zeros)	head -c "$size" /dev/zero >"$2" ;;
	esac
}

# 1
for kind in half pages schema magic zeros; do
	db=$TMP/$kind.sqlite
	damage "$kind" "$db"
	sum=$(sha256sum <"$db")
	rc=0
	timeout 60 "$KBD" --articles "$dir" --static "$ROOT/static" --db "$db" \
	    --listen 127.0.0.1:0 >"$TMP/out" 2>"$TMP/err" || rc=$?
	[ "$rc" = 2 ] || fail "1.1 ($kind)" "exit status $rc, want 2: $(head -c 300 "$TMP/err")"
	[ "$(wc -l <"$TMP/err")" = 1 ] ||
	    fail "1.2 ($kind)" "$(wc -l <"$TMP/err") lines on stderr, want 1: $(head -c 300 "$TMP/err")"
	grep -q "^kbd: $db: .*\(damaged\|not a database\)" "$TMP/err" ||
	    fail "1.3 ($kind)" "the line does not name the file and the damage: $(cat "$TMP/err")"
	grep -q 'listening' "$TMP/err" && fail "1.4 ($kind)" "kbd listened on a damaged database"
	[ -f "$db" ] || fail "1.5 ($kind)" "the file is gone"
	[ "$(sha256sum <"$db")" = "$sum" ] || fail "1.6 ($kind)" "the file was changed"
done

# 2
rc=0
"$KBD" backup --db "$TMP/pages.sqlite" "$TMP/copy.sqlite" 2>"$TMP/err" || rc=$?
[ "$rc" = 1 ] && [ "$(wc -l <"$TMP/err")" = 1 ] ||
    fail 2.1 "backup of a damaged database: status $rc: $(cat "$TMP/err")"
[ ! -e "$TMP/copy.sqlite" ] && [ ! -e "$TMP/copy.sqlite.part" ] ||
    fail 2.2 "backup of a damaged database left a copy"

# 3
DB=$TMP/restored.sqlite
cp "$TMP/good.sqlite" "$DB"
start_kbd --articles "$dir"
expect_json 3.1 /api/articles/imap ".hits == $((hits + 1))"
stop_kbd 3.2
test_done
