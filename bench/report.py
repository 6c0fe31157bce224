"""Summary, ratios, targets and the tables of a benchmark run."""

import statistics


def scenario_names(delays):
    """Scenarios in the order one repetition of one tool runs them."""
    return (["cold", "noop", "warm", "teammate"] + [f"teammate-{d:g}ms" for d in delays] + ["floor"])


def scenario_title(name):
    titles = {
        "cold": "cold build (empty cache; none: plain build)",
        "noop": "no-op build",
        "warm": "clean rebuild, warm local cache",
        "teammate": "teammate: new path, empty local, warm remote (loopback)",
        "floor": "floor: cp -a of build dir + no-op ninja",
    }
    if name.startswith("teammate-"):
        return f"teammate as above, {name[len('teammate-'):]} round trip"
    return titles[name]


def is_hit_scenario(name):
    return name == "warm" or name.startswith("teammate")


def summarize(runs):
    out = {}
    for r in runs:
        if "error" in r:
            continue
        out.setdefault(r["tool"], {}).setdefault(r["scenario"], []).append(r)
    summary = {}
    for tool, scen in out.items():
        for name, rs in scen.items():
            secs = [r["seconds"] for r in rs]
            counts = [r["counts"] for r in rs if r.get("counts")]
            hit_rate = None
            if counts:
                h = sum(c["local"] + c["remote"] for c in counts)
                t = h + sum(c["miss"] for c in counts)
                hit_rate = round(h / t, 3) if t else None
            ready = [r["ready_s"] for r in rs if r.get("ready_s") is not None]
            summary.setdefault(tool, {})[name] = {
                "median_s": round(statistics.median(secs), 3), "min_s": min(secs), "max_s": max(secs),
                "n": len(secs), "hit_rate": hit_rate,
                # "executables ready" (final_outputs.py), as median_s/min_s/max_s/n
                "ready": {"median_s": round(statistics.median(ready), 3), "min_s": min(ready),
                          "max_s": max(ready), "n": len(ready)} if ready else None,
                "max_rss_kb": max(r["max_rss_kb"] for r in rs),
                "proxy_round_trips": [r["proxy"].get("round_trips") for r in rs if r.get("proxy")] or None}
    # Each hit build against the floor of its own repetition: on ext4 the
    # floor's copy and every tool's restores slow together from repetition to
    # repetition (deleted inodes around them), which the fastest floor alone
    # does not see. The median of those ratios, beside the official one.
    floors = {r["rep"]: r["seconds"] for r in out.get("none", {}).get("floor", []) if r.get("seconds")}
    for tool, scen in out.items():
        for name, rs in scen.items():
            if tool == "none" or not is_hit_scenario(name):
                continue
            paired = [r["seconds"] / floors[r["rep"]] for r in rs if r.get("rep") in floors]
            if paired:
                summary[tool][name]["vs_floor_paired"] = round(statistics.median(paired), 3)
    return summary


def median_of(summary, tool, scen):
    return summary.get(tool, {}).get(scen, {}).get("median_s")


def ready_of(summary, tool, scen):
    """Median "executables ready" seconds, or None."""
    return (summary.get(tool, {}).get(scen, {}).get("ready") or {}).get("median_s")


def newest_ccache(summary):
    """The ccache every target is measured against: the newest one in the run."""
    return "ccache-latest" if "ccache-latest" in summary else "ccache"


def floor_of(summary):
    """The floor is a bound: noise only raises it (on ext4 the copy slows at
    each repetition as earlier ones' files are deleted around it), so ratios
    to it use its fastest repetition, never a median that drifts up."""
    return (summary.get("none", {}).get("floor") or {}).get("min_s")


def ratios(summary):
    out = {}
    plain, floor = median_of(summary, "none", "cold"), floor_of(summary)
    for tool in summary:
        if tool == "none":
            continue
        for scen in summary[tool]:
            t = median_of(summary, tool, scen)
            r = {}
            base = median_of(summary, "none", scen) if scen != "cold" else plain
            if base and scen in ("cold", "noop"):
                r["vs_plain"] = round(t / base, 3)
            for peer in ("ccache", "ccache-latest"):
                if median_of(summary, peer, scen) and tool not in ("ccache", peer):
                    r[f"vs_{peer}"] = round(t / median_of(summary, peer, scen), 3)
                mine, theirs = ready_of(summary, tool, scen), ready_of(summary, peer, scen)
                if mine is not None and theirs and tool not in ("ccache", peer) and is_hit_scenario(scen):
                    r[f"ready_vs_{peer}"] = round(mine / theirs, 3)
            if floor and is_hit_scenario(scen):
                r["vs_floor"] = round(t / floor, 3)
            if summary[tool][scen].get("vs_floor_paired") is not None:
                r["vs_floor_paired"] = summary[tool][scen]["vs_floor_paired"]
            out.setdefault(tool, {})[scen] = r
    return out


def targets(summary, rat, micro, delays):
    """The targets of issue 15, each a ratio of medians in this run."""
    peer = newest_ccache(summary)
    vs_peer = f"vs_{peer}"
    t = []

    def add(name, value, limit):
        t.append({"target": name, "value": None if value is None else round(value, 3), "limit": limit,
                  "met": None if value is None else value <= limit})

    def ratio(tool, scen, key):
        return rat.get(tool, {}).get(scen, {}).get(key)
    for tool in ("edgecache", "edgecache-ninja"):
        add(f"cold {tool} / plain", ratio(tool, "cold", "vs_plain"), 1.05)
    add(f"warm edgecache-ninja / {peer}", ratio("edgecache-ninja", "warm", vs_peer), 0.25)
    add("warm edgecache-ninja / floor", ratio("edgecache-ninja", "warm", "vs_floor"), 2.0)
    far = [s for s in scenario_names(delays) if s.startswith("teammate-")]
    if far:
        add(f"{far[0]} edgecache-ninja / {peer}", ratio("edgecache-ninja", far[0], vs_peer), 1 / 3)
    for scen in ["warm", "teammate"] + far:
        add(f"{scen} edgecache launcher / {peer}", ratio("edgecache", scen, vs_peer), 1.0)
    if micro:
        for key, what in (("hit_cpu_ms", "CPU"), ("hit_instructions", "instructions")):
            mine, theirs = micro.get(f"edgecache_{key}"), micro.get(f"{peer}_{key}")
            add(f"launcher hit {what}: edgecache / {peer}", mine / theirs if mine and theirs else None, 1.0)
    return t


def fmt_cell(s, single_mark=""):
    if not s:
        return "-"
    if s["n"] > 1:
        return f"{s['median_s']:.2f} ({s['min_s']:.2f}-{s['max_s']:.2f})"
    return f"{s['median_s']:.2f}{single_mark}"


def table(summary, rat, tools, delays):
    scenarios = [s for s in scenario_names(delays) if any(s in summary.get(t, {}) for t in tools)]
    # With repetitions, a figure from a single run (the cold builds of
    # --cold-reps 1) is marked: it is no median.
    repeated = any(x["n"] > 1 for scen in summary.values() for x in scen.values())
    mark = " (1 run)" if repeated else ""
    lines = ["Build time, seconds: median (min-max)" + ("; (1 run): a single run, no median" if repeated else "")]
    lines += markdown(["scenario"] + tools,
                      [[scenario_title(s)] + [fmt_cell(summary.get(t, {}).get(s), mark) for t in tools]
                       for s in scenarios])
    lines += ["", "Executables ready (every final output of the build in place with its final bytes, "
              "from the build's start), seconds: median (min-max)"]
    lines += markdown(["scenario"] + tools,
                      [[scenario_title(s)] + [fmt_cell((summary.get(t, {}).get(s) or {}).get("ready"), mark)
                                              for t in tools]
                       for s in scenarios if s != "floor"])
    rows = []
    for scen in scenarios:
        cells = [" ".join(f"{k.replace('ready_vs_', 'ready/').replace('vs_floor_paired', '/floor-same-rep').replace('vs_', '/')}={v:.2f}"
                          for k, v in rat.get(t, {}).get(scen, {}).items())
                 for t in tools[1:]]
        if any(cells):
            rows.append([scen] + [c or "-" for c in cells])
    lines += ["", "Ratios of medians (/plain: vs no cache, /<ccache>; /floor: vs the fastest floor; "
              "/floor-same-rep: median of each build over its own repetition's floor; "
              "ready/<ccache>: executables ready)"]
    lines += markdown(["scenario"] + tools[1:], rows)
    rows = []
    for scen in scenarios:
        row = [scen]
        for t in tools:
            s = summary.get(t, {}).get(scen)
            if not s:
                row.append("-")
                continue
            hr = f"{s['hit_rate'] * 100:.0f}%" if s.get("hit_rate") is not None else "n/a"
            rt = f", {s['proxy_round_trips'][0]} RTs" if s.get("proxy_round_trips") else ""
            row.append(f"{hr}, {s['max_rss_kb'] / 1024:.0f} MiB{rt}")
        rows.append(row)
    lines += ["", "Hit rate, peak RSS of the largest single process (GNU time), proxy round trips"]
    lines += markdown(["scenario"] + tools, rows)
    return "\n".join(lines)


def markdown(head, rows):
    widths = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
    fmt = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"
    return [fmt(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [fmt(r) for r in rows]


def print_report(result):
    """The tables of a result (also of a partial one: --report FILE)."""
    meta = result["meta"]
    tools, delays = meta["tools"], meta["delays_ms"]
    print()
    if result.get("partial"):
        print(f"PARTIAL: the run stopped early; builds finished up to {meta.get('saved')}")
    print(f"edgecache bench: {meta['project']}, {meta['reps']} reps (cold builds in the first "
          f"{meta.get('cold_reps', meta['reps'])}), -j{meta['jobs']}, delays {delays} ms; "
          f"edgecache {meta['versions'].get('edgecache_commit')}; {meta.get('nproc')} cores "
          f"({meta.get('cpu_model')}); load {meta['load_start']} -> {meta.get('load_end', meta.get('load_now'))}"
          + (f", before timed builds {meta['load_before_builds']}" if meta.get("load_before_builds") else ""))
    print(f"command: {meta.get('command')}")
    if meta.get("lock_waits_s"):
        print(f"heavy lock {meta['lock']}: {meta['lock_waits_s']}")
    if result.get("runs"):
        # Made again from the builds: a file written before a change of the
        # summary reads the same as a new one.
        result["summary"] = summarize(result["runs"])
    if "summary" in result:
        # Ratios and targets made again from the summary: a file written
        # before a change of how they are made reads the same as a new one.
        rat = ratios(result["summary"])
        print(table(result["summary"], rat, tools, delays))
        print()
        print("Targets")
        for t in targets(result["summary"], rat, result.get("microbench"), delays):
            met = {True: "met", False: "MISSED", None: "n/a"}[t["met"]]
            print(f"  {t['target']:50s} {t['value']} (limit {t['limit']:.3g}): {met}")
    if result.get("microbench"):
        m = result["microbench"]
        print(f"\nLauncher hits ({m['n']} sequential, {m['source']}): plain compile {m['plain_compile_ms']} ms")
        for tool in m["tools"]:
            print(f"  {tool:14s} {m.get(f'{tool}_hit_ms')} ms/hit, {m.get(f'{tool}_hit_cpu_ms')} ms CPU/hit, "
                  f"{m.get(f'{tool}_hit_instructions')} instructions/hit (callgrind), "
                  f"syscalls {m.get(f'{tool}_syscalls')}")
    for s in result.get("scale", []):
        print(f"scale: {s['edges']} edges: warm {s['warm_s']} s ({s['warm_ms_per_edge']} ms/edge), "
              f"peak RSS {s['warm_max_rss_kb'] / 1024:.0f} MiB; cold {s['cold_s']} s; "
              f"no-op {s['noop_s']} s (ninja {s['ninja_noop_s']} s)")
