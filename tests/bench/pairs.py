#!/usr/bin/env python3
"""Queries for kbd's benchmark made from a folder of articles.

usage: tests/bench/pairs.py pairs ARTICLES [N]   N (200) pairs of words of
                                                 one title, one per line
       tests/bench/pairs.py words ARTICLES       every title word, one per
                                                 line (for load.lua's
                                                 uncached searches)

Title words are the words of at least three letters of the articles'
titles (front matter "title:"), lowercased, but for common German
function words and numbers.  Pairs are drawn from one random title each,
with a fixed seed, so that two runs on the same folder ask the same.
Python 3 standard library only.
"""
import os
import random
import re
import sys

STOP = set("der die das und oder in im mit von zu für auf als an am aus bei "
           "ein eine einer eines dem den des ist sie wie nicht zum zur über "
           "ich was wird werden sich".split())


def titles(folder):
    out = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".md"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            for i, line in enumerate(f):
                if line.startswith("title:"):
                    t = line[6:].strip().strip('"')
                    out.append([w.lower() for w in re.findall(r"\w+", t)
                                if len(w) >= 3 and not w.isdigit() and
                                w.lower() not in STOP])
                    break
                if i > 0 and line.strip() == "---":
                    break   # the end of the front matter
    return out


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("pairs", "words"):
        sys.exit(__doc__)
    ts = titles(sys.argv[2])
    if sys.argv[1] == "words":
        for w in sorted({w for t in ts for w in t}):
            print(w)
        return
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    rng = random.Random(13)
    multi = [t for t in ts if len(t) >= 2]
    for _ in range(n):
        a, b = rng.sample(rng.choice(multi), 2)
        print(a, b)


if __name__ == "__main__":
    main()
