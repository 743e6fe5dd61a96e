#!/usr/bin/env python3
"""Markdown tables from the load client's JSON lines (one per run): bench/lib/tables.py KIND FILE.

KIND: live (listener capacity), requests (time to first byte / frame), streams (unique streams),
glass (glass to glass), relay (mp3cast pushing to an Icecast under load), browser (browser-tests/latency.mjs:
first sound and glass to glass in a browser).
"""
import json
import sys


def ms(us):
    return "-" if us is None or us < 0 else (f"{us / 1000:.1f}" if us < 100_000 else f"{us / 1000:.0f}")


def pct(d, key, conv=ms):
    p = d.get(key) or {}
    if not p or p.get("n", 0) == 0:
        return "-"
    return f"{conv(p['p50'])} / {conv(p['p99'])}"


def failures(r):
    f = r.get("failures") or {}
    return ", ".join(f"{v}x {k}" for k, v in f.items()) or "0"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def live(results):
    rows = []
    for r in results:
        n = r["listeners"]
        active = r.get("held", 0)
        rss_idle = r.get("server_rss_idle_kib")
        rss = r.get("server_rss_kib")
        heap_idle = r.get("server_heap_idle_kib")
        heap = r.get("server_heap_kib")
        rows.append([
            r["label"], n, f"{active} / {r.get('with_frames', 0)}",
            pct(r, "max_lag_ms", lambda v: str(v)),
            f"{r.get('server_cpu_pct', '-')} ({r.get('server_cpu_idle_pct', '-')} idle)",
            r.get("server_us_per_listener_s", "-"),
            f"{rss_idle / 1024:.0f} → {rss / 1024:.0f}" if rss and rss_idle else "-",
            f"{(rss - rss_idle) / n:.1f}" if rss and rss_idle else "-",
            f"{(heap - heap_idle) / n:.2f}" if heap is not None and heap_idle is not None else "n/a",
            pct(r, "probe_first_frame_us"),
            pct(r, "first_frame_us"),
            f"{r.get('on_frame_boundary', 0)} / {r.get('with_frames', 0)}",
            r.get("client_cpu_pct", "-"),
            failures(r),
            r.get("load_start", "?"),
        ])
    return table(["server", "listeners", "held (lag < 1 s) / connected", "max lag p50 / p99 ms",
                  "server CPU % of one core", "CPU µs per listener-second", "RSS MiB idle → loaded",
                  "RSS KiB per listener", "heap KiB per listener", "join under load: first frame p50 / p99 ms",
                  "ramp joins: first frame p50 / p99 ms", "bursts on a frame boundary", "client CPU %",
                  "failed", "load avg at start"], rows)


def requests(results):
    rows = []
    for r in results:
        rows.append([
            r["label"], r["concurrency"], r["with_frames"],
            pct(r, "response_us"), pct(r, "ttfb_us"), pct(r, "first_frame_us"),
            f"{r.get('on_frame_boundary', 0)} / {r.get('with_frames', 0)}",
            r.get("server_cpu_pct", "-"), failures(r), r.get("load_start", "?"),
        ])
    return table(["server", "concurrent requests", "samples", "first response byte p50 / p99 ms",
                  "first audio byte p50 / p99 ms", "first whole frame p50 / p99 ms", "starts on a frame boundary", "server CPU %", "failed",
                  "load avg at start"], rows)


def keeps_up(r):
    """Every stream held, and the median stream not slower than real time: a slow drift (0.98x) stays
    under the 1 s lag bound over a short window, so the lag alone would call it held."""
    rate = (r.get("audio_per_wall_permille") or {}).get("p50")
    if r.get("held", 0) < r["listeners"]:
        return "**no**"
    if rate is None or rate < 995:
        return "**no** (slower than real time)"
    return "yes"


def streams(results):
    rows = []
    for r in results:
        rows.append([
            r["label"], r["listeners"], keeps_up(r), f"{r.get('held', 0)} / {r['listeners']}",
            pct(r, "max_lag_ms", lambda v: str(v)),
            pct(r, "audio_per_wall_permille", lambda v: f"{v / 1000:.3f}"),
            r.get("server_cpu_pct", "-"),
            f"{r['server_rss_kib'] / 1024:.0f}" if r.get("server_rss_kib") else "-",
            r.get("server_threads", "-"),
            pct(r, "first_frame_us"), r.get("client_cpu_pct", "-"), failures(r), r.get("load_start", "?"),
        ])
    return table(["server", "concurrent streams", "all keep up", "held (lag < 1 s)", "max lag p50 / p99 ms",
                  "audio per wall second p50 / p99", "server CPU % of one core", "server RSS MiB",
                  "server threads", "first whole frame p50 / p99 ms", "client CPU %",
                  "failed", "load avg at start"], rows)


def glass(results):
    rows = []
    for r in results:
        rows.append([r["label"], r["clicks"] - r.get("missed", 0), pct(r, "latency_us"),
                     ms(r["latency_us"]["max"]) if r["latency_us"]["n"] else "-", r.get("missed", 0), r.get("load", "?")])
    return table(["producer → listener", "clicks timed", "glass to glass p50 / p99 ms", "max ms", "clicks not found",
                  "load avg at end"], rows)


def relay(results):
    rows = []
    for r in results:
        rows.append([
            r["listeners"], f"{r.get('held', 0)} / {r.get('with_frames', 0)}",
            pct(r, "max_lag_ms", lambda v: str(v)),
            f"{r.get('server_cpu_pct', '-')} ({r.get('server_cpu_idle_pct', '-')} idle)",
            f"{r.get('upstream_cpu_pct', '-')} ({r.get('upstream_cpu_idle_pct', '-')} idle)",
            f"{r.get('server_rss_kib', 0) / 1024:.0f}", f"{r.get('upstream_rss_kib', 0) / 1024:.0f}",
            r.get("client_cpu_pct", "-"), failures(r), r.get("load_start", "?"),
        ])
    return table(["Icecast listeners", "held (lag < 1 s) / connected", "max lag p50 / p99 ms",
                  "Icecast CPU % of one core (idle)", "mp3cast CPU % of one core (idle)", "Icecast RSS MiB",
                  "mp3cast RSS MiB", "client CPU %", "failed", "load avg at start"], rows)


PATHS = {"audio": "<audio>", "webcodecs": "player: WebCodecs", "mse-mpeg": "player: MSE audio/mpeg",
         "mse-fmp4": "player: MSE fMP4"}


def spread_ms(d):
    if not d or not d.get("n"):
        return "-"
    return f"{d['p50']:.0f} / {d['p99']:.0f}"


def browser(results):
    """One row per server, browser and decoder path; results are latency.mjs's JSON objects."""
    rows = []
    for r in results:
        if r.get("fatal"):
            rows.append([r.get("label") or r.get("server"), r.get("browser", "?"), "run failed: " + r["fatal"][:80],
                         "", "", "", "", "", "", r.get("load", "?")])
            continue
        c = r["checks"]
        version = (r.get("version") or "").replace("HeadlessChrome/", "Chromium ").replace("Chrome/", "Chromium ").replace("firefox/", "Firefox ESR ")
        for path in r["decoders"]:
            g2g = (c.get("g2g") or {}).get(path) or {}
            behind = (g2g.get("behindLiveMs") or {}).get("p50")
            rows.append([r.get("label") or "mp3cast", version or r["browser"], PATHS.get(path, path),
                         spread_ms((c.get("ttfs") or {}).get(path)), spread_ms((c.get("strict") or {}).get(path)),
                         spread_ms((c.get("join") or {}).get(path)),
                         spread_ms(g2g), "-" if behind is None else behind,
                         g2g.get("underruns", "-") if g2g else "-", r.get("load", "?")])
    return table(["server", "browser", "played by", "first sound, paced /tone.mp3 (player's burst): p50 / p99 ms",
                  "first sound, paced /tone.mp3, strictly real time (no burst): p50 / p99 ms",
                  "first sound, joining a live mount: p50 / p99 ms", "glass to glass p50 / p99 ms",
                  "behindLiveMs p50", "underruns", "load avg at start"], rows)


def main():
    kind, path = sys.argv[1], sys.argv[2]
    with open(path) as f:
        results = [json.loads(line) for line in f if line.strip()]
    print({"live": live, "requests": requests, "streams": streams, "glass": glass, "relay": relay,
           "browser": browser}[kind](results))


if __name__ == "__main__":
    main()
