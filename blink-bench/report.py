#!/usr/bin/env python3
"""Turns run-comparison.sh's results into markdown tables (stdout) and SVG charts.

Usage: report.py OUT_DIR CHART_DIR

Reads OUT_DIR/results.jsonl and OUT_DIR/jmh-*.json. Every row quotes the median of its rounds and the
Blink/Redis ratio of the medians; the rounds themselves are listed so the spread is visible. Standard library only.
"""
import json
import os
import statistics
import sys
from html import escape

BLINK, REDIS = "#e4572e", "#4c72b0"
COLORS = {"blink": BLINK, "blink-resp": "#f3a712", "redis": REDIS, "echo": "#8c8c8c",
          "baseline": "#9467bd", "baseline-resp": "#c5b0d5"}
LABELS = {"blink": "Blink (text)", "blink-resp": "Blink (RESP)", "redis": "Redis", "echo": "echo floor",
          "baseline": "baseline (text)", "baseline-resp": "baseline (RESP)"}


def load(out):
    rows = []
    with open(os.path.join(out, "results.jsonl")) as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    return rows


def median(values):
    return statistics.median(values) if values else None


def ratio(a, b):
    return f"**{a / b:.2f}**" if a is not None and b else "n/a"


def fmt(value, digits=0):
    return "n/a" if value is None else f"{value:,.{digits}f}"


def runs(values, digits=0):
    return ", ".join(fmt(v, digits) for v in values)


def by(rows, suite):
    return [r for r in rows if r.get("suite") == suite]


def servers_in(rows):
    order = ["baseline", "blink", "baseline-resp", "blink-resp", "redis", "echo"]
    present = {r["server"] for r in rows}
    return [s for s in order if s in present]


def machine(rows):
    m = next((r for r in rows if r.get("suite") == "machine"), None)
    if not m:
        return []
    mode = "QUICK smoke run: not a measurement" if m["quick"] == 1 else "full run"
    return [
        f"Machine: {m['cpus']} vCPUs ({m['cpu_model']}), {m['memory_kb'] // 1048576} GiB, Linux {m['kernel']}, "
        f"{m['java']}, Redis {m['redis']}; load average before the run {m['loadavg_before']}; {m['date']}; "
        f"{mode}, {m['rounds']} round(s) of {m['duration']} s (+{m['warmup']} s warm-up) per server and workload, "
        "servers alternating.",
        "",
    ]


def throughput_table(rows):
    rows = by(rows, "throughput")
    if not rows:
        return [], {}
    servers = servers_in(rows)
    workloads = list(dict.fromkeys(r["workload"] for r in rows))
    out = ["### Throughput: 50 connections, 100-byte values, 100,000 keys (GETs all hit)", ""]
    head = "| workload | " + " | ".join(f"{LABELS[s]} req/s (runs)" for s in servers)
    # Optional ratios: ours against a BASELINE build (before/after), and our RESP path against our text path.
    extra = [(label, a, b) for label, a, b in (("Blink/baseline (text)", "blink", "baseline"),
                                              ("Blink/baseline (RESP)", "blink-resp", "baseline-resp"),
                                              ("Blink RESP/text", "blink-resp", "blink"))
             if a in servers and b in servers]
    head += " | Blink/Redis" + "".join(f" | {label}" for label, _, _ in extra)
    head += " | client CPU Blink / Redis runs (cores) | server CPU Blink / Redis (cores) |"
    out += [head, "|" + "---|" * (len(servers) + 4 + len(extra))]
    chart = {}
    for w in workloads:
        cells, medians, cpu, client = [], {}, {}, {}
        for s in servers:
            mine = [r for r in rows if r["workload"] == w and r["server"] == s]
            values = [r["result"]["throughput"] for r in mine]
            medians[s] = median(values)
            cpu[s] = median([r["server_cpu_cores"] for r in mine])
            client[s] = median([r["result"]["client_cpu_cores"] for r in mine])
            errors = sum(r["result"]["errors"] + r["result"]["unanswered"] for r in mine)
            cells.append(f"{fmt(medians[s])} ({runs(values)})" + (f" {errors} errors" if errors else ""))
        out.append(f"| {w} | " + " | ".join(cells) + f" | {ratio(medians.get('blink'), medians.get('redis'))}"
                   + "".join(f" | {ratio(medians.get(a), medians.get(b))}" for _, a, b in extra) +
                   f" | {fmt(client.get('blink'), 2)} / {fmt(client.get('redis'), 2)}"
                   f" | {fmt(cpu.get('blink'), 2)} / {fmt(cpu.get('redis'), 2)} |")
        chart[w] = medians
    out.append("")
    return out, chart


def latency_table(rows):
    rows = by(rows, "latency")
    if not rows:
        return [], {}
    servers = servers_in(rows)
    out = ["### Latency: 1 connection, pipeline 1, GET of a 100-byte value (closed loop)", "",
           "| server | p50 µs (runs) | p99 µs | p99.9 µs | req/s | p50 / Redis p50 | p50 / echo p50 |",
           "|---|---|---|---|---|---|---|"]
    med = {}
    for s in servers:
        mine = [r["result"] for r in rows if r["server"] == s]
        med[s] = {p: median([r["latency_us"][p] for r in mine]) for p in ("p50", "p99", "p99_9")}
        med[s]["runs"] = [r["latency_us"]["p50"] for r in mine]
        med[s]["rps"] = median([r["throughput"] for r in mine])
    for s in servers:
        m = med[s]
        out.append(f"| {LABELS[s]} | {fmt(m['p50'], 1)} ({runs(m['runs'], 1)}) | {fmt(m['p99'], 1)} | "
                   f"{fmt(m['p99_9'], 1)} | {fmt(m['rps'])} | "
                   f"{ratio(m['p50'], med.get('redis', {}).get('p50'))} | "
                   f"{ratio(m['p50'], med.get('echo', {}).get('p50'))} |")
    out += ["", "The echo floor is `blink-bench echo-server` measured by the same tool, a line with the 100-byte"
            " value going each way: the round trip with no server work.", ""]
    return out, med


def redis_benchmark_table(rows):
    rows = by(rows, "redis-benchmark")
    support = next((r["blink_resp"] for r in rows_all if r.get("suite") == "resp-support"), 0)
    out = ["### redis-benchmark -t set,get -d 100 -c 50", ""]
    if not rows:
        return out + ["Not run.", ""]
    baseline = any(r["server"] == "baseline" for r in rows)
    out += ["| test | pipeline | Redis req/s | Blink req/s | Blink/Redis |"
            + (" baseline req/s | Blink/baseline |" if baseline else ""),
            "|---|---|---|---|---|" + ("---|---|" if baseline else "")]
    keys = list(dict.fromkeys((r["test"], r["pipeline"]) for r in rows))
    for test, pipeline in keys:
        got = {r["server"]: r["rps"] for r in rows if r["test"] == test and r["pipeline"] == pipeline}
        blink = got.get("blink")
        out.append(f"| {test} | {pipeline} | {fmt(got.get('redis'))} | "
                   f"{fmt(blink) if blink is not None else 'skipped'} | {ratio(blink, got.get('redis'))} |"
                   + (f" {fmt(got.get('baseline'))} | {ratio(blink, got.get('baseline'))} |" if baseline else ""))
    if not support:
        out += ["", "Blink rows skipped: our server did not answer a RESP `PING` with `PONG` in this build."]
    return out + [""]


def memory_table(rows):
    m = next(iter(by(rows, "memory")), None)
    if not m:
        return []
    n = m["entries"]
    b, r = m["blink"], m["redis"]
    raw = m["key_bytes"] + m["value_bytes"]

    def per(after, before):
        return (after - before) / n

    blink_heap, blink_rss = per(b["live_heap"], b["live_heap_before"]), per(b["rss"], b["rss_before"])
    redis_used, redis_rss = per(r["used_memory"], r["used_memory_before"]), per(r["rss"], r["rss_before"])
    return [
        f"### Memory: {n:,} entries, {m['key_bytes']}-byte keys, {m['value_bytes']}-byte values"
        f" ({raw} bytes of data each)", "",
        "| measure | Blink | Redis | Blink/Redis |", "|---|---|---|---|",
        f"| entries held | {fmt(b['keys'])} | {fmt(r['keys'])} | |",
        f"| live heap after full GC (Blink) / used_memory (Redis), bytes per entry | {fmt(blink_heap, 1)} | "
        f"{fmt(redis_used, 1)} | {ratio(blink_heap, redis_used)} |",
        f"| RSS growth, bytes per entry | {fmt(blink_rss, 1)} | {fmt(redis_rss, 1)} | {ratio(blink_rss, redis_rss)} |",
        f"| RSS total, MiB | {fmt(b['rss'] / 2**20, 1)} | {fmt(r['rss'] / 2**20, 1)} | {ratio(b['rss'], r['rss'])} |",
        "",
        "Per-entry figures are (after loading − before loading) / entries. Blink's live heap is the total of"
        " `jcmd <pid> GC.class_histogram` (which runs a full GC first); its RSS includes heap the collector has"
        " committed but not returned.", "",
    ]


def hit_ratio_table(rows):
    rows = by(rows, "hit-ratio")
    if not rows:
        return [], {}
    first = rows[0]
    res = first["result"]
    out = [f"### Hit ratio: Zipf(0.99) read-through, {res['key_space']:,} keys, {res['requests']:,} GETs,"
           f" seed {res['seed']}, budgets for about {first['capacity']:,} entries", "",
           "| server, policy | budget (bytes) | entries held at the end | hit ratio | Blink/this |",
           "|---|---|---|---|---|"]
    rows = sorted(rows, key=lambda r: r["server"] != "blink")
    blink = next((r["result"]["hit_ratio"] for r in rows if r["server"] == "blink"), None)
    chart = {}
    for r in rows:
        hr = r["result"]["hit_ratio"]
        name = f"{'Blink' if r['server'] == 'blink' else 'Redis'} {r['policy']}"
        chart[name] = hr
        out.append(f"| {name} | {r['budget']:,} | {fmt(r.get('held'))} | {hr:.4f} | "
                   f"{'' if r['server'] == 'blink' else ratio(blink, hr)} |")
    out += ["", "Budgets hold the same number of entries: Redis's `maxmemory` counts its own overhead, so it gets"
            " the `used_memory` it reports holding that many entries (it then holds a few percent more during the"
            " trace); ours counts key + value bytes only, so it gets the key + value bytes of as many entries as"
            " Redis held at the end of its allkeys-lru run.", ""]
    return out, chart


def churn_table(rows):
    rows = by(rows, "churn")
    if not rows:
        return []
    lines = ["### RSS per entry under churn (80% GET / 20% overwriting SET, pipeline 16, the launcher's defaults)", "",
             "| server | phase | entries | RSS idle MiB | RSS loaded, per entry | steady median, per entry | max, per entry "
             "| req/s | GC pauses (max ms, total ms) |",
             "|---|---|---|---|---|---|---|---|---|"]
    redis = {r["result"]["phase"]: r["result"] for r in rows if r["server"] == "redis"}
    for r in rows:
        x = r["result"]
        pauses = (f"{x['gc_pauses']} ({x['gc_pause_max_ms']:.1f}, {x['gc_pause_total_ms']:.0f})"
                  if "gc_pauses" in x else "")
        lines.append(f"| {LABELS.get(r['server'], r['server'])} | {x['phase']} | {x['entries']:,} | "
                     f"{x['rss_idle'] / 2**20:.1f} | {x['per_entry_loaded']} | {x['per_entry_steady']} | "
                     f"{x['per_entry_max']} | {x['throughput']:,} | {pauses} |")
    for r in rows:
        x, peer = r["result"], redis.get(r["result"]["phase"])
        if r["server"] != "redis" and peer:
            lines.append(f"| Blink/Redis | {x['phase']} | | | {ratio(x['per_entry_loaded'], peer['per_entry_loaded'])} | "
                         f"{ratio(x['per_entry_steady'], peer['per_entry_steady'])} | "
                         f"{ratio(x['per_entry_max'], peer['per_entry_max'])} | "
                         f"{ratio(x['throughput'], peer['throughput'])} | |")
    lines += ["", "Per entry: (RSS − RSS before loading) / entries; steady: the median of the per-second samples of the "
              "phase's second half; max: the largest sample of the phase.", ""]
    return lines


def hit_ratio_rss_table(rows):
    rows = by(rows, "hit-ratio-rss")
    if not rows:
        return []
    lines = ["### Hit ratio at equal RSS (the same Zipf(0.99) read-through trace)", "",
             "| server, policy | memory setting (bytes) | RSS at the end, MiB | target MiB | hit ratio |",
             "|---|---|---|---|---|"]
    for r in rows:
        setting = r.get("maxmemory", r.get("memory_limit"))
        lines.append(f"| {LABELS.get(r['server'], r['server'])} {r['policy']} | {setting:,} | "
                     f"{r['rss'] / 2**20:.1f} | {r['target'] >> 20} | {r['hit_ratio']:.4f} |")
    return lines + [""]


def jmh_tables(out_dir):
    store = []
    for threads in (1, 2):
        path = os.path.join(out_dir, f"jmh-store-t{threads}.json")
        if os.path.exists(path):
            with open(path) as f:
                store += json.load(f)
    lines = []
    if store:
        lines += ["### In-process: BlinkStore vs bare Caffeine (JMH, ops/µs, all threads together)", "",
                  "| operation | threads | value bytes | keys | Blink | Caffeine | Blink/Caffeine |",
                  "|---|---|---|---|---|---|---|"]
        index = {}
        for b in store:
            p = b["params"]
            key = (b["benchmark"].rsplit(".", 1)[1], b["threads"], int(p["valueBytes"]), p["keys"])
            index.setdefault(key, {})[p["impl"]] = b["primaryMetric"]["score"]
        for key in sorted(index):
            got = index[key]
            lines.append(f"| {key[0]} | {key[1]} | {key[2]} | {key[3]} | {fmt(got.get('blink'), 2)} | "
                         f"{fmt(got.get('caffeine'), 2)} | {ratio(got.get('blink'), got.get('caffeine'))} |")
        lines.append("")
    codec = os.path.join(out_dir, "jmh-codec.json")
    if os.path.exists(codec):
        with open(codec) as f:
            data = json.load(f)
        lines += ["### Text protocol codec (JMH, one thread)", "", "| operation | value bytes | ops/µs | ns/op |",
                  "|---|---|---|---|"]
        for b in data:
            score = b["primaryMetric"]["score"]
            lines.append(f"| {b['benchmark'].rsplit('.', 1)[1]} | {b['params']['valueBytes']} | {score:.2f} | "
                         f"{1000 / score:.0f} |")
        lines.append("")
    return lines


def short(v):
    """A bar label: 188k, 1.25M, 36.7."""
    if v >= 1e6:
        return f"{v / 1e6:.2f}M"
    if v >= 1e4:
        return f"{v / 1e3:.0f}k"
    return f"{v:,.3g}" if v < 1000 else f"{v:,.0f}"


def bar_chart(path, title, unit, groups, series, log=False):
    """Grouped bars: groups = {group: {series: value}}; written as a standalone SVG."""
    import math
    width, height, left, bottom, top = 760, 360, 70, 60, 40
    values = [v for g in groups.values() for v in g.values() if v]
    if not values:
        return
    vmax = max(values) * 1.15
    plot_w, plot_h = width - left - 20, height - bottom - top

    def y(v):
        if log:
            lo = math.log10(min(values) / 2)
            return plot_h * (math.log10(v) - lo) / (math.log10(vmax) - lo)
        return plot_h * v / vmax

    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15">{escape(title)}</text>',
           f'<text x="14" y="{top + plot_h / 2}" transform="rotate(-90 14 {top + plot_h / 2})" '
           f'text-anchor="middle">{escape(unit)}</text>',
           f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="black"/>']
    slot = plot_w / max(1, len(groups))
    bar = slot * 0.8 / max(1, len(series))
    for i, (group, got) in enumerate(groups.items()):
        x0 = left + i * slot + slot * 0.1
        for j, s in enumerate(series):
            v = got.get(s)
            if not v:
                continue
            h = max(1, y(v))
            x = x0 + j * bar
            svg.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
                       f'fill="{COLORS.get(s, "#999")}"><title>{escape(LABELS.get(s, s))}: {short(v)}</title></rect>')
            svg.append(f'<text x="{x + bar / 2 - 1:.1f}" y="{top + plot_h - h - 4:.1f}" text-anchor="middle" '
                       f'font-size="10">{short(v)}</text>')
        svg.append(f'<text x="{left + i * slot + slot / 2:.1f}" y="{top + plot_h + 18}" '
                   f'text-anchor="middle">{escape(group)}</text>')
    for j, s in enumerate(series):
        x = left + j * 140
        svg.append(f'<rect x="{x}" y="{height - 22}" width="12" height="12" fill="{COLORS.get(s, "#999")}"/>')
        svg.append(f'<text x="{x + 16}" y="{height - 12}">{escape(LABELS.get(s, s))}</text>')
    svg.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(svg) + "\n")


def main():
    global rows_all
    out_dir, charts = sys.argv[1], sys.argv[2]
    rows_all = load(out_dir)
    docs = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs")
    link = os.path.relpath(os.path.abspath(charts), docs)
    lines = ["## Results from blink-bench/run-comparison.sh", ""] + machine(rows_all)
    tput, tput_chart = throughput_table(rows_all)
    lat, lat_med = latency_table(rows_all)
    hit, _ = hit_ratio_table(rows_all)
    if tput_chart:
        servers = [s for s in ("baseline", "blink", "baseline-resp", "blink-resp", "redis")
                   if any(s in m for m in tput_chart.values())]
        bar_chart(os.path.join(charts, "throughput.svg"), "Throughput, 50 connections (median of rounds)",
                  "requests per second", tput_chart, servers)
        lines += [f"![throughput]({link}/throughput.svg)", ""]
    if lat_med:
        groups = {p: {s: lat_med[s][p] for s in lat_med} for p in ("p50", "p99", "p99_9")}
        bar_chart(os.path.join(charts, "latency.svg"), "Latency, 1 connection, pipeline 1 (log scale)",
                  "microseconds", {k.replace("_", "."): v for k, v in groups.items()}, list(lat_med), log=True)
        lines += [f"![latency]({link}/latency.svg)", ""]
    lines += (tput + lat + redis_benchmark_table(rows_all) + memory_table(rows_all) + churn_table(rows_all)
              + hit + hit_ratio_rss_table(rows_all) + jmh_tables(out_dir))
    end = next((r for r in rows_all if r.get("suite") == "elapsed"), None)
    if end is not None:
        lines.append(f"The whole run took {end['seconds'] // 60} min {end['seconds'] % 60} s; load average at the end"
                     f" {end.get('loadavg_after', 'n/a')}.")
    print("\n".join(lines))


rows_all = []
if __name__ == "__main__":
    main()
