#!/usr/bin/python3
"""Markdown tables of medians from bench/compare.sh's results file (one 'load=... server=...
round=... key=value...' line per run): Parley's figure and its ratio to each anchor and the floor."""
import re
import statistics
import sys
from collections import defaultdict

SERVERS = ["parley", "prosody", "ejabberd", "floor"]
# load -> (row label, key, unit, higher is better)
ROWS = [
    ("throughput", "Messages, 50 pairs, window 64 (msg/s)", "rate", True),
    ("latency", "Latency at 2,000 msg/s, p50 (ms)", "p50_ms", False),
    ("latency", "Latency at 2,000 msg/s, p99 (ms)", "p99_ms", False),
    ("latency", "Latency at 2,000 msg/s, max (ms)", "max_ms", False),
    ("logins-plain", "Logins/s, PLAIN, 50 concurrent", "rate", True),
    ("logins-scram", "Logins/s, SCRAM-SHA-1, 50 concurrent", "rate", True),
    ("logins-scram256", "Logins/s, SCRAM-SHA-256, 50 concurrent", "rate", True),
    ("logins-plain-tls", "Logins/s, PLAIN over STARTTLS", "rate", True),
    ("logins-scram-tls", "Logins/s, SCRAM-SHA-256 over STARTTLS", "rate", True),
    ("idle", "KiB RSS per idle session, 2,000 (first round)", "kib_per_session", False),
    ("idle-tls", "KiB RSS per idle session over TLS (first round)", "kib_per_session", False),
    ("idle-big", "10,000 idle sessions: KiB per session", "kib_per_session", False),
    ("idle-big", "10,000 idle sessions: held", "sessions", True),
    ("idle-big", "10,000 idle sessions: failed", "failed", False),
    ("idle-big-tls", "10,000 idle TLS sessions: KiB per session", "kib_per_session", False),
    ("idle-big-tls", "10,000 idle TLS sessions: held", "sessions", True),
    ("idle-big-tls", "10,000 idle TLS sessions: failed", "failed", False),
    ("yardstick-throughput", "Yardstick: messages (msg/s)", "delivered", True),
    ("yardstick-latency", "Yardstick: latency p50 (ms)", "p50", False),
    ("yardstick-latency", "Yardstick: latency p99 (ms)", "p99", False),
    ("yardstick-login", "Yardstick: logins/s, PLAIN", "rate", True),
]


def number(text):
    match = re.match(r"-?[0-9.]+", text)
    return float(match.group(0)) if match else None


def main(path):
    runs = defaultdict(list)
    problems = []
    for line in open(path, encoding="utf-8"):
        fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
        key = (fields.get("load"), fields.get("server"))
        runs[key].append(fields)
        if fields.get("failed", "0") not in ("0",) or number(fields.get("lost", "0")) or number(fields.get("stalls", "0")):
            problems.append(line.strip())

    def values(load, server, key):
        # Memory per session only means something in a process that has not run a load before:
        # later rounds reuse what the first freed (Lua's and BEAM's heaps, the GC's), so idle
        # rows take the first round only.
        chosen = [r for r in runs.get((load, server), []) if not load.startswith("idle") or r.get("round") == "1"]
        return [v for v in (number(r.get(key, "")) for r in chosen) if v is not None]

    def median(load, server, key):
        found = values(load, server, key)
        return statistics.median(found) if found else None

    def cell(load, server, key):
        found = values(load, server, key)
        if not found:
            return "–"
        text = fmt(statistics.median(found))
        return text if len(found) == 1 else f"{text} ({fmt(min(found))}–{fmt(max(found))})"

    print("| Load | Parley | Prosody | ejabberd | floor | Parley vs Prosody | Parley vs ejabberd | Parley vs floor |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for load, label, key, higher in ROWS:
        if not any(values(load, s, key) for s in SERVERS):
            continue
        ratios = []
        mine = median(load, "parley", key)
        for other in SERVERS[1:]:
            theirs = median(load, other, key)
            if mine is None or theirs is None or theirs == 0 or key in ("sessions", "failed"):
                ratios.append("–")
            else:
                ratios.append(ratio(mine / theirs))
        print(f"| {label} | " + " | ".join(cell(load, s, key) for s in SERVERS) + " | " + " | ".join(ratios) + " |")
    print()
    print("Medians (min–max) over the rounds. Ratios are Parley's median divided by the other's: above 1 is better")
    print("for rates, below 1 is better for latency and memory.")
    print()
    print("CPU in cores (1.00 = one core busy) during the measured seconds, medians: server / generator.")
    print()
    print("| Load | Parley | Prosody | ejabberd | floor |")
    print("|---|---:|---:|---:|---:|")
    for load in dict.fromkeys(row[0] for row in ROWS):
        if not any(values(load, s, "server_cpu") for s in SERVERS):
            continue
        cells = []
        for s in SERVERS:
            server = median(load, s, "server_cpu")
            generator = median(load, s, "gen_cpu")
            cells.append("–" if server is None else f"{server:.2f} / {generator:.2f}")
        print(f"| {load} | " + " | ".join(cells) + " |")
    if problems:
        print()
        print("Runs with failures, undelivered messages or stalls:")
        print()
        for line in problems:
            print(f"    {line}")


def ratio(value):
    return f"{value:.2f}×" if value >= 0.1 else f"{value:.2g}×"


def fmt(value):
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


if __name__ == "__main__":
    main(sys.argv[1])
