#!/usr/bin/env python3
"""Per-hit wall time of a launcher's REMOTE hit: one compile, stored once in the
nginx remote, then N times in a row with an empty local cache (so every run is
a remote hit), at loopback and through delay_proxy.py. Compares the edgecache
launcher through its connection helper, the launcher with remote_helper=off
("edgecache-direct"), and the newest ccache with its HTTP storage helper. The
helpers stay up across the N hits, as they do across a build's compiles; the
first hit after a fill pays no helper start (the fill started it).

  python3 bench/remote_hits.py --edgecache-build build --hits 20 --delays 0,20

Prints a table of medians (ms per hit) and writes bench/results/remote_hits.json.
Never part of the test suite."""

import argparse
import json
import os
import shutil
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_support import DelayProxy, Nginx, log, rmtree, run  # noqa: E402
from run_bench import edgecache_counts  # noqa: E402

SOURCE = """#include <map>
#include <string>
#include <vector>
std::map<std::string, std::vector<int>> table() { return {{"a", {1, 2}}, {"b", {3}}}; }
int size() { return static_cast<int>(table().size()); }
"""


def tool_env(tool, work, cache, url):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CCACHE_", "EDGECACHE_"))}
    env["XDG_CONFIG_HOME"] = os.path.join(work, "xdg-config")
    env["XDG_RUNTIME_DIR"] = os.path.join(work, "run")
    if tool.startswith("edgecache"):
        env.update({"EDGECACHE_DIR": cache, "EDGECACHE_REMOTE": url, "EDGECACHE_BASEDIR": work})
        if tool == "edgecache-direct":
            env["EDGECACHE_REMOTE_HELPER"] = "off"
    else:
        env.update({"CCACHE_DIR": cache, "CCACHE_REMOTE_STORAGE": url, "CCACHE_BASEDIR": work,
                    "CCACHE_CONFIGPATH": os.path.join(work, "ccache.conf")})
    return env


def remote_hit_counted(tool, launcher, env):
    if tool.startswith("edgecache"):
        stats = json.loads(run([launcher, "stats", "--json"], env=env).stdout)
        return edgecache_counts(stats).get("remote") == 1
    text = run([launcher, "--print-stats"], env=env).stdout
    return "remote_storage_hit\t1" in text


def hits_of(tool, launcher, work, url, hits):
    src_dir = os.path.join(work, "src")
    compile_cmd = [launcher, "g++", "-O2", "-c", "unit.cpp", "-o", "unit.o", "-MD", "-MF", "unit.o.d"]
    fill_cache = os.path.join(work, "cache", f"{tool}-fill")
    rmtree(fill_cache)
    run(compile_cmd, env=tool_env(tool, work, fill_cache, url), cwd=src_dir)  # miss: stores remotely
    times, verified = [], 0
    for i in range(hits):
        cache = os.path.join(work, "cache", f"{tool}-{i}")
        rmtree(cache)
        env = tool_env(tool, work, cache, url)
        os.remove(os.path.join(src_dir, "unit.o"))
        start = time.perf_counter()
        run(compile_cmd, env=env, cwd=src_dir)
        times.append((time.perf_counter() - start) * 1000)
        if i == hits - 1:
            verified = remote_hit_counted(tool, launcher, env)
        rmtree(cache)
    return times, verified


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edgecache-build", default="build")
    ap.add_argument("--ccache-latest", default="/opt/ccache-latest/bin/ccache")
    ap.add_argument("--hits", type=int, default=20)
    ap.add_argument("--delays", default="0,20", help="round trips in ms; 0 = loopback without the proxy")
    ap.add_argument("--workdir", default="/tmp/edgecache-remote-hits")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                  "results", "remote_hits.json"))
    args = ap.parse_args(argv)
    work = os.path.abspath(args.workdir)
    rmtree(work)
    os.makedirs(os.path.join(work, "src"))
    os.makedirs(os.path.join(work, "run"), mode=0o700)
    with open(os.path.join(work, "src", "unit.cpp"), "w") as f:
        f.write(SOURCE)
    edgecache = os.path.join(os.path.abspath(args.edgecache_build), "launcher", "edgecache")
    tools = {"edgecache": edgecache, "edgecache-direct": edgecache}
    if os.access(args.ccache_latest, os.X_OK):
        tools["ccache-latest"] = args.ccache_latest
    results = []
    with Nginx(os.path.join(work, "nginx")) as nginx:
        for delay in [float(d) for d in args.delays.split(",") if d]:
            for tool, launcher in tools.items():
                path = tool.replace("-", "_")
                if delay == 0:
                    times, ok = hits_of(tool, launcher, work, f"http://127.0.0.1:{nginx.port}/{path}", args.hits)
                else:
                    with DelayProxy(nginx.port, delay, work) as proxy:
                        times, ok = hits_of(tool, launcher, work, f"http://127.0.0.1:{proxy.port}/{path}",
                                            args.hits)
                results.append({"tool": tool, "delay_ms": delay, "median_ms": round(statistics.median(times), 2),
                                "min_ms": round(min(times), 2), "times_ms": [round(t, 2) for t in times],
                                "remote_hit_verified": ok})
                log(f"{tool:16s} delay {delay:4g} ms: median {statistics.median(times):7.2f} ms per remote hit "
                    f"(min {min(times):.2f}; last run counted as a remote hit: {ok})")
            if "ccache-latest" in tools:
                run([tools["ccache-latest"], "--stop-storage-helpers"],
                    env=tool_env("ccache-latest", work, os.path.join(work, "cache", "x"), ""), check=False)
    for sock in os.listdir(os.path.join(work, "run", "edgecache")) if os.path.isdir(
            os.path.join(work, "run", "edgecache")) else []:
        if sock.endswith(".sock"):
            os.unlink(os.path.join(work, "run", "edgecache", sock))
    print("\n| delay | " + " | ".join(tools) + " |")
    print("| --- |" + " ---: |" * len(tools))
    for delay in sorted({r["delay_ms"] for r in results}):
        row = {r["tool"]: r["median_ms"] for r in results if r["delay_ms"] == delay}
        print(f"| {delay:g} ms | " + " | ".join(f"{row.get(t, '')}" for t in tools) + " |")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"hits": args.hits, "results": results, "load": os.getloadavg()}, f, indent=1)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
