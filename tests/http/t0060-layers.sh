#!/usr/bin/env bash
# t0060-layers: kbd's files call only into their own layer and the layers
# below it, and no files call each other in a loop.
#   1.x  every kbd/*.c starts with a comment naming its layer:
#        " * <file>.c (<layer>): ..."
#   2.x  from the objects of the build under test (nm): no call from a
#        file into a file of a higher layer
#   3.x  no loop of calls between files (a file calling another that calls
#        it back, directly or through others)
#   4.x  SQLite's API is called only in the store and the search (which
#        ranks inside SQLite's FTS5), and by the text layer's tokenizer
#        and term functions, which SQLite calls back
#   4.2  libpq (PostgreSQL, cluster mode) is called only in the store
# The layers, from the bottom: base text store hits search service web
# staff cmd main (kbd/kbd.h is ordered the same way).
. "$(dirname "$0")/../lib.sh"

BUILD=$(dirname "$KBD")
py 1.0 "$ROOT/kbd" "$BUILD" >"$TMP/layers" <<'PY'
import collections, glob, os, re, subprocess, sys
src, build = sys.argv[1:3]
order = ["base", "text", "store", "hits", "search", "service", "web",
         "staff", "cmd", "main"]
layer = {}
for f in sorted(glob.glob(os.path.join(src, "*.c"))):
    name = os.path.basename(f)[:-2]
    m = re.search(r"^ \* " + re.escape(name) + r"\.c \(([a-z]+)\):",
                  open(f, encoding="utf-8").read(600), re.M)
    if m is None or m.group(1) not in order:
        print("1.1", name + ".c: no comment naming its layer")
        continue
    layer[name] = m.group(1)
layer["static_data"] = "web"	# generated from static/ (kbd/static_embed.sh)
defs, uses = {}, collections.defaultdict(set)
for name in layer:
    obj = os.path.join(build, name + ".o")
    if not os.path.exists(obj):
        print("2.0", name + ".o: not built")
        continue
    out = subprocess.run(["nm", obj], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        p = line.split()
        if len(p) == 3 and p[1] in "TDBR":
            defs[p[2]] = name
        elif len(p) == 2 and p[0] == "U":
            uses[name].add(p[1])
for name, syms in sorted(uses.items()):
    api = sorted(s for s in syms if s.startswith("sqlite3_"))
    if api and layer[name] not in ("store", "search", "text"):
        print("4.1", f"{name}.c ({layer[name]}) calls SQLite: "
              + ", ".join(api[:4]) + ("..." if len(api) > 4 else ""))
    pq = sorted(s for s in syms if re.match(r"(PQ|pg_encoding|lo_)", s))
    if pq and layer[name] != "store":
        print("4.2", f"{name}.c ({layer[name]}) calls libpq: "
              + ", ".join(pq[:4]) + ("..." if len(pq) > 4 else ""))
edges = collections.defaultdict(set)
for name, syms in uses.items():
    for s in sorted(syms):
        to = defs.get(s)
        if to is None or to == name:
            continue
        edges[name].add(to)
        if order.index(layer[name]) < order.index(layer[to]):
            print("2.1", f"{name}.c ({layer[name]}) calls {s}() of "
                  f"{to}.c ({layer[to]})")
# loops: strongly connected components of more than one file
index, low, stack, on, count = {}, {}, [], set(), [0]
sys.setrecursionlimit(10000)
def visit(v):
    index[v] = low[v] = count[0]
    count[0] += 1
    stack.append(v)
    on.add(v)
    for w in edges.get(v, ()):
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            print("3.1", "a loop through " + ", ".join(sorted(comp)))
for v in sorted(edges):
    if v not in index:
        visit(v)
print("checked", len(layer), "files")
PY
while read -r c rest; do
	case $c in
	checked) echo "$c $rest" ;;
	*) fail "$c" "$rest" ;;
	esac
done <"$TMP/layers"
grep -q '^checked [1-9]' "$TMP/layers" || fail 1.2 "no files were checked"
test_done
