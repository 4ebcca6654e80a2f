#!/usr/bin/env python3
"""Paced (open-loop) load for bench/scale/run.sh: standard library only.

   python3 bench/scale/load.py --urls urls.txt --cookie "k=v; ..." --connections 50 --rate 20 --timeout 60

Request i (0-based, URLs taken in file order) is due at start + i / rate seconds and goes out on
connection i mod connections (each connection a thread with its own keep-alive HTTP connection,
as 50 people clicking). A request is sent at its due time, or as soon as its connection is free if
the one before it on that connection is still waiting for its answer; its time is counted from
when it was due, not from when it was sent, so a server that falls behind shows it in the times
(no coordinated omission). Writes one line per request to stdout: seconds from due to the last
byte, bytes of the body, HTTP status (0: no answer within --timeout), and seconds late at sending.
"""
import argparse
import http.client
import sys
import threading
import time
import urllib.parse


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--urls", required=True)
    ap.add_argument("--cookie", default="")
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--rate", type=float, required=True)
    ap.add_argument("--timeout", type=float, default=60)
    args = ap.parse_args()
    with open(args.urls, encoding="utf-8") as f:
        urls = [line.strip() for line in f if line.strip()]
    if not urls or args.rate <= 0 or args.connections < 1:
        print("load.py: no URLs, or rate/connections not positive", file=sys.stderr)
        return 2

    results = [None] * len(urls)
    start = time.monotonic() + 0.5

    def worker(c: int) -> None:
        conn = None
        host = None
        for i in range(c, len(urls), args.connections):
            due = start + i / args.rate
            now = time.monotonic()
            if now < due:
                time.sleep(due - now)
            sent = time.monotonic()
            u = urllib.parse.urlsplit(urls[i])
            if conn is None or host != u.netloc:
                conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=args.timeout)
                host = u.netloc
            path = u.path + ("?" + u.query if u.query else "")
            status, size = 0, 0
            try:
                conn.request("GET", path, headers={"Cookie": args.cookie, "Accept-Encoding": "identity"})
                resp = conn.getresponse()
                size = len(resp.read())
                status = resp.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = None
            results[i] = (time.monotonic() - due, size, status, max(0.0, sent - due))
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=worker, args=(c,), daemon=True) for c in range(min(args.connections, len(urls)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out = sys.stdout
    for r in results:
        out.write("%.6f\t%d\t%d\t%.6f\n" % r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
