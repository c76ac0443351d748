#!/usr/bin/env python3
# tests/cluster/readload.py: a steady read load for cluster tests.
#   readload.py BASE STOPFILE OUTFILE PATH...
# Four threads GET the PATHs of BASE in turn, each over a connection it
# keeps (opening a new one after an error, as a browser would), until
# STOPFILE exists; then OUTFILE gets "requests failed", and the first
# failures' reasons, one a line.  A failure is anything but 200.
import http.client
import os
import sys
import threading
import time
import urllib.parse

base, stop, out, paths = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
host = urllib.parse.urlsplit(base)
lock = threading.Lock()
total = 0
failed = 0
reasons = []


def worker(k):
    global total, failed
    conn = None
    i = k
    while not os.path.exists(stop):
        path = paths[i % len(paths)]
        i += 1
        why = None
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host.hostname, host.port,
                                                  timeout=30)
            conn.request("GET", path,
                         headers={"User-Agent": "Mozilla/5.0 readload/%d" % k})
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                why = "%s: %d" % (path, r.status)
        except Exception as e:
            why = "%s: %s" % (path, e)
            conn = None
        with lock:
            total += 1
            if why is not None:
                failed += 1
                if len(reasons) < 20:
                    reasons.append(why)


threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
with open(out + ".tmp", "w") as f:
    f.write("%d %d\n" % (total, failed))
    for r in reasons:
        f.write(r + "\n")
os.rename(out + ".tmp", out)
