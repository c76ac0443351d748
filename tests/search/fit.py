#!/usr/bin/env python3
"""Fit the ranking's weights (struct rank_weights, kbd/search_rank.c) on
the tuning sets, and cross-validate them.

usage: tests/search/fit.py [--eval build/search_eval] [--rounds N]
                           [--params a,b,...] [--start 'k=v ...']
                           DB ARTICLES SET1.tsv SET2.tsv

DB is a kbd database of ARTICLES (start kbd on the folder once, or let
tests/search/run make one); SET1 and SET2 are query sets in shared/eval's
format (dev-queries.tsv, dev-queries-2.tsv).  search_eval (make
build/search_eval) runs every query for each set of weights it is sent.

The objective is the mean of the two sets' nDCG@10, each set counting the
same however many queries it has.  Coordinate ascent: each weight in turn
is tried at the values of its grid, the best kept when it gains more than
0.001, until a round changes nothing.  Printed:

  fit on both      the weights fitted on all queries (what kbd ships)
  set1 -> set2     fitted on set 1 only, scored on set 2 (and back)
  halves           fitted on the odd-numbered queries of both sets,
                   scored on the even ones (and back)

with nDCG@10 per set and query type on the queries the fit did not see,
next to the defaults' on the same queries.  Python 3 standard library.
"""
import argparse
import collections
import subprocess
import sys

# The grid of each weight: the values coordinate ascent tries.
GRID = collections.OrderedDict([
    ("k1", [0.6, 0.9, 1.2, 1.6, 2.0]),
    ("b", [0.3, 0.5, 0.75, 0.9]),
    ("ftitle", [2, 4, 6, 9, 12]),
    ("ftags", [1, 2, 3, 5, 8]),
    ("fbody", [1.0]),
    ("faliases", [2, 4, 6, 9]),
    ("cover", [0, 0.5, 1, 2, 3, 5, 8, 12]),
    ("cover_pow", [1, 1.5, 2, 3, 4]),
    ("title", [0, 0.25, 0.5, 1, 1.5, 2, 3]),
    ("title_all", [0, 0.25, 0.5, 1, 2]),
    ("title_pow", [1, 1.5, 2, 3]),
    ("pop", [0.1]),
    ("min_cover", [0.2, 0.3, 0.4, 0.5]),
    ("min_words", [0.25, 0.34, 0.5]),
    ("a_corrected", [0.5, 0.7, 0.9, 1.0]),
    ("a_split", [0.4, 0.55, 0.7, 0.85, 1.0]),
    ("a_synonym", [0.3, 0.5, 0.7, 0.9]),
    ("a_translated", [0, 0.4, 0.55, 0.7, 0.85, 1.0]),
    ("a_thesaurus", [0, 0.2, 0.4, 0.6, 0.8]),
    ("a_ding", [0, 0.2, 0.4, 0.6, 0.8]),
    ("a_pivot", [0, 0.2, 0.4, 0.6]),
    ("rare", [0, 0.0004, 0.0008, 0.0016, 0.003]),
    ("rare_thesaurus", [0, 0.0004, 0.0008, 0.0016]),
    ("related", [1, 2, 4, 8]),
    ("fb_min_words", [2, 3, 4, 6]),
    ("fb_docs", [3, 5, 10]),
    ("fb_terms", [5, 10, 20]),
    ("fb_weight", [0, 0.2, 0.4, 0.6]),
    ("fb_shared", [1, 2, 3]),
])


class Evaluator:
    """search_eval as a child: weights in, nDCG@10 per query out."""

    def __init__(self, binary, db, articles, sets):
        self.p = subprocess.Popen([binary, "-a", articles, db] + sets,
                                  stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        self.cache = {}

    def run(self, weights):
        line = " ".join("%s=%g" % kv for kv in sorted(weights.items()))
        if line in self.cache:
            return self.cache[line]
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        out = {}
        for row in self.p.stdout:
            row = row.rstrip("\n")
            if row == ".":
                break
            qid, qtype, v = row.split("\t")
            out[qid] = (qtype, float(v))
        if not out:
            sys.exit("fit.py: search_eval gave no scores for: " + line)
        self.cache[line] = out
        return out


def set_of(qid):
    return "set1" if qid.startswith("q") else "set2"


def objective(scores, ids):
    """Mean over the sets of each set's mean nDCG@10 on ids."""
    per = collections.defaultdict(list)
    for q in ids:
        per[set_of(q)].append(scores[q][1])
    return sum(sum(v) / len(v) for v in per.values()) / len(per)


def fit(ev, ids, start, params, rounds):
    w = dict(start)
    best = objective(ev.run(w), ids)
    for _ in range(rounds):
        changed = False
        for p in params:
            for v in GRID[p]:
                if v == w.get(p):
                    continue
                t = dict(w)
                t[p] = v
                s = objective(ev.run(t), ids)
                if s > best + 0.001:
                    best, w, changed = s, t, True
        if not changed:
            break
    return w, best


def table(scores, ids):
    per = collections.defaultdict(list)
    for q in ids:
        qtype, v = scores[q]
        per[(set_of(q), qtype)].append(v)
        per[(set_of(q), "all")].append(v)
    return {k: sum(v) / len(v) for k, v in per.items()}


def show(label, fitted, defaults, ids):
    a, b = table(fitted, ids), table(defaults, ids)
    print("  %s" % label)
    for s in ("set1", "set2"):
        keys = sorted(k for k in a if k[0] == s)
        if keys:
            print("    %s  " % s + "  ".join(
                "%s %.3f (%.3f)" % (k[1], a[k], b[k]) for k in keys))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval", default="build/search_eval")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--params", default=",".join(GRID))
    ap.add_argument("--start", default="")
    ap.add_argument("--quick", action="store_true",
                    help="fit on both sets only, no cross-validation")
    ap.add_argument("db")
    ap.add_argument("articles")
    ap.add_argument("set1")
    ap.add_argument("set2")
    a = ap.parse_args()
    params = [p for p in a.params.split(",") if p in GRID]
    start = dict((kv.split("=")[0], float(kv.split("=")[1]))
                 for kv in a.start.split())
    ev = Evaluator(a.eval, a.db, a.articles, [a.set1, a.set2])
    defaults = ev.run(start)
    ids = sorted(defaults)
    odd = [q for q in ids if int(q[1:]) % 2 == 1]
    even = [q for q in ids if int(q[1:]) % 2 == 0]
    s1 = [q for q in ids if set_of(q) == "set1"]
    s2 = [q for q in ids if set_of(q) == "set2"]

    print("objective: mean of the sets' nDCG@10; (in brackets: the start)")
    w, score = fit(ev, ids, start, params, a.rounds)
    print("fit on both: %.3f (%.3f)" % (score, objective(defaults, ids)))
    print("  weights: " + " ".join("%s=%g" % kv for kv in sorted(w.items())))
    show("all queries", ev.run(w), defaults, ids)
    if a.quick:
        return
    for train, test, label in ((s1, s2, "set1 -> set2"),
                               (s2, s1, "set2 -> set1"),
                               (odd, even, "odd -> even"),
                               (even, odd, "even -> odd")):
        wt, _ = fit(ev, train, start, params, a.rounds)
        print("%s: %.3f on the unseen queries (start %.3f)" % (
            label, objective(ev.run(wt), test), objective(defaults, test)))
        print("  weights: " + " ".join("%s=%g" % kv
                                       for kv in sorted(wt.items())))
        show("unseen", ev.run(wt), defaults, test)


if __name__ == "__main__":
    main()
