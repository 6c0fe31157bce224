#!/usr/bin/env python3
"""edgecache benchmark: build a generated C++ project with no cache, ccache,
the edgecache launcher and edgecache-ninja, interleaved on one machine.

    python3 bench/run_bench.py                       # 300 TUs, 3 repetitions
    python3 bench/run_bench.py --tus 30 --reps 1     # a quick smoke run
    python3 bench/run_bench.py --scale 1000,10000    # per-edge overhead only
    python3 bench/run_bench.py --microbench-only     # 100 launcher hits only

Every build runs with -j2 (--jobs); only the build (ninja / edgecache-ninja)
is timed, never `cmake` configure. Results: a table on the terminal and JSON
in bench/results/latest.json (--out). See bench/README.md for what each
scenario means. Not a test: nothing here fails on time.
"""

import argparse
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
FIXTURE = os.path.join(REPO, "tests", "fixtures", "nginx_fixture.sh")

TOOLS = ["none", "ccache", "edgecache", "edgecache-ninja"]
# Scenario order inside one repetition of one tool: each depends on the one
# before (no-op and warm need the cold build's cache and tree).
SCENARIOS = ["cold", "noop", "warm", "teammate", "teammate-delay", "floor"]
SCENARIO_TITLES = {
    "cold": "cold build (empty cache; none: plain build)",
    "noop": "no-op build",
    "warm": "clean rebuild, warm local cache",
    "teammate": "teammate: other path, empty local, warm remote",
    "teammate-delay": "teammate through delay proxy",
    "floor": "floor: cp -a of build dir + no-op ninja",
}
BUILD_TIMEOUT_S = 7200


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def run(cmd, env=None, cwd=None, check=True, timeout=BUILD_TIMEOUT_S, capture=True):
    proc = subprocess.run(cmd, env=env, cwd=cwd, timeout=timeout, text=True,
                          stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                          stderr=subprocess.STDOUT if capture else subprocess.DEVNULL)
    if check and proc.returncode != 0:
        tail = (proc.stdout or "")[-3000:]
        raise RuntimeError(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{tail}")
    return proc


def timed(cmd, env=None, cwd=None):
    """Runs cmd under /usr/bin/time -v. Returns (seconds, max_rss_kb, output).

    GNU time reports the largest resident set of any single process it
    waited for (getrusage of the children), not the sum over a process tree:
    for a launcher build that is usually one cc1plus, for edgecache-ninja on
    a fully cached build the wrapper itself."""
    rss_file = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"bench-time-{os.getpid()}.txt")
    start = time.perf_counter()
    proc = run(["/usr/bin/time", "-v", "-o", rss_file] + cmd, env=env, cwd=cwd)
    seconds = time.perf_counter() - start
    rss = 0
    with open(rss_file) as f:
        for line in f:
            if "Maximum resident set size" in line:
                rss = int(line.rsplit(":", 1)[1])
    os.unlink(rss_file)
    return seconds, rss, proc.stdout


def rmtree(path):
    shutil.rmtree(path, ignore_errors=True)


def loadavg():
    return [round(x, 2) for x in os.getloadavg()]


# --------------------------------------------------------------------------
# the remote server and the delay proxy


class Nginx:
    def __init__(self, directory):
        self.dir = directory
        os.makedirs(directory, exist_ok=True)

    def __enter__(self):
        run(["bash", FIXTURE, "start", self.dir])
        with open(os.path.join(self.dir, "port")) as f:
            self.port = int(f.read())
        return self

    def __exit__(self, *exc):
        run(["bash", FIXTURE, "stop", self.dir], check=False)

    def clear(self, prefix):
        rmtree(os.path.join(self.dir, "data", prefix))


class DelayProxy:
    """bench/delay_proxy.py in front of nginx for one build."""

    def __init__(self, upstream_port, delay_ms, workdir):
        self.args = (upstream_port, delay_ms)
        self.port_file = os.path.join(workdir, "proxy.port")
        self.stats_file = os.path.join(workdir, "proxy.stats")

    def __enter__(self):
        for f in (self.port_file, self.stats_file):
            if os.path.exists(f):
                os.unlink(f)
        upstream, delay = self.args
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "delay_proxy.py"), "--upstream-port", str(upstream),
             "--delay-ms", str(delay), "--parent-pid", str(os.getpid()), "--max-seconds", "7200",
             "--port-file", self.port_file, "--stats-file", self.stats_file],
            stdout=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(self.port_file):
                break
            time.sleep(0.05)
        with open(self.port_file) as f:
            self.port = int(f.read())
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.stats = {}
        if os.path.exists(self.stats_file):
            with open(self.stats_file) as f:
                for line in f:
                    key, value = line.split()
                    self.stats[key] = int(value)


# --------------------------------------------------------------------------
# tools


class ToolFailed(Exception):
    """A build of one tool failed; its remaining scenarios in this repetition are skipped."""


class Bench:
    def __init__(self, args):
        self.args = args
        self.work = os.path.abspath(args.workdir)
        self.edgecache = os.path.join(args.edgecache_build, "launcher", "edgecache")
        self.edgecache_ninja = os.path.join(args.edgecache_build, "ninja_wrapper", "edgecache-ninja")
        self.ninja = shutil.which("ninja")
        self.ccache = shutil.which("ccache")
        self.runs = []

    # ---- environment per tool and checkout

    def checkout(self, name):
        return os.path.join(self.work, name)

    def base_env(self):
        env = dict(os.environ)
        for key in list(env):
            if key.startswith(("CCACHE_", "EDGECACHE_")):
                del env[key]
        env["XDG_CONFIG_HOME"] = os.path.join(self.work, "xdg-config")  # no user config files
        env["CCACHE_CONFIGPATH"] = os.path.join(self.work, "ccache.conf")
        return env

    def tool_env(self, tool, ck, remote_url):
        env = self.base_env()
        cache = os.path.join(self.work, "cache", f"{tool}-{os.path.basename(ck)}")
        if tool == "ccache":
            env.update({"CCACHE_DIR": cache, "CCACHE_BASEDIR": ck, "CCACHE_NOHASHDIR": "1",
                        "CCACHE_MAXSIZE": "20G"})
            if remote_url:
                env["CCACHE_REMOTE_STORAGE"] = remote_url
        elif tool in ("edgecache", "edgecache-ninja"):
            env.update({"EDGECACHE_DIR": cache, "EDGECACHE_BASEDIR": ck, "EDGECACHE_MAX_SIZE": "20G"})
            if remote_url:
                env["EDGECACHE_REMOTE"] = remote_url
            else:
                env["EDGECACHE_NO_REMOTE"] = "1"
        return env, cache

    def configure(self, tool, ck, env):
        build = os.path.join(ck, "build")
        rmtree(build)
        cmd = ["cmake", "-S", ck, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
               "-DCMAKE_CXX_FLAGS_RELEASE=-O2", f"-DCMAKE_MAKE_PROGRAM={self.ninja}"]
        if tool == "ccache":
            cmd.append(f"-DCMAKE_CXX_COMPILER_LAUNCHER={self.ccache}")
        elif tool == "edgecache":
            cmd.append(f"-DCMAKE_CXX_COMPILER_LAUNCHER={self.edgecache}")
        run(cmd, env=env)
        return build

    def build_cmd(self, tool, build):
        driver = self.edgecache_ninja if tool == "edgecache-ninja" else self.ninja
        return [driver, "-C", build, f"-j{self.args.jobs}"]

    def zero_stats(self, tool, env):
        if tool == "ccache":
            run([self.ccache, "--zero-stats"], env=env)
        elif tool == "edgecache":
            run([self.edgecache, "stats", "--zero"], env=env)

    def read_stats(self, tool, env, output):
        """Hits and misses of the build that just ran, from the tool itself."""
        if tool == "ccache":
            text = run([self.ccache, "--print-stats"], env=env).stdout
            s = {k: int(v) for k, v in (l.split("\t") for l in text.splitlines() if "\t" in l)}
            remote = s.get("remote_storage_hit", 0)
            hits = s.get("direct_cache_hit", 0) + s.get("preprocessed_cache_hit", 0)
            return {"local": hits - remote, "remote": remote, "miss": s.get("cache_miss", 0)}
        if tool == "edgecache":
            stats = json.loads(run([self.edgecache, "stats", "--json"], env=env).stdout)
            return edgecache_counts(stats)
        if tool == "edgecache-ninja":
            return summary_counts(output)
        return None

    # ---- one build

    def record(self, rep, tool, scenario, seconds, rss, counts=None, **extra):
        entry = {"rep": rep, "tool": tool, "scenario": scenario, "seconds": round(seconds, 3),
                 "max_rss_kb": rss, "counts": counts, "load": loadavg()}
        entry.update(extra)
        self.runs.append(entry)
        hit = ""
        if counts:
            hit = f" hits {counts.get('local', 0)}L+{counts.get('remote', 0)}R miss {counts.get('miss', 0)}"
        log(f"rep {rep} {tool:16s} {scenario:15s} {seconds:8.2f} s  rss {rss / 1024:.0f} MiB{hit}")

    def build(self, rep, tool, scenario, ck, remote_url, fresh_cache, reconfigure=True, **extra):
        env, cache = self.tool_env(tool, ck, remote_url)
        if fresh_cache:
            rmtree(cache)
        build = self.configure(tool, ck, env) if reconfigure else os.path.join(ck, "build")
        self.zero_stats(tool, env)
        try:
            seconds, rss, output = timed(self.build_cmd(tool, build), env=env)
        except RuntimeError as e:
            # A crashing tool is a result too: record it, skip its later scenarios.
            self.runs.append({"rep": rep, "tool": tool, "scenario": scenario, "error": str(e)[-2000:]})
            log(f"rep {rep} {tool} {scenario} FAILED: {str(e).splitlines()[0]}")
            raise ToolFailed() from e
        self.record(rep, tool, scenario, seconds, rss, self.read_stats(tool, env, output), **extra)
        return build

    def floor(self, rep, build):
        """What no cache can beat: copy the finished outputs, then a no-op build."""
        dest = os.path.join(self.work, "floor-copy")
        rmtree(dest)
        start = time.perf_counter()
        run(["cp", "-a", build, dest])
        copy_s = time.perf_counter() - start
        noop_s, rss, out = timed([self.ninja, "-C", dest, f"-j{self.args.jobs}"])
        if "no work to do" not in out:
            log("warning: the copied build dir was not a no-op for ninja")
        rmtree(dest)
        self.record(rep, "none", "floor", copy_s + noop_s, rss, copy_s=round(copy_s, 3),
                    noop_s=round(noop_s, 3))

    # ---- one repetition

    def repetition(self, rep, nginx):
        ck_a, ck_b = self.checkout("ckA"), self.checkout("ckB")
        for tool in self.args.tools:
            try:
                self.tool_repetition(rep, tool, nginx, ck_a, ck_b)
            except ToolFailed:
                pass
            rmtree(os.path.join(ck_b, "build"))

    def tool_repetition(self, rep, tool, nginx, ck_a, ck_b):
        prefix = tool.replace("-", "_")
        url = f"http://127.0.0.1:{nginx.port}/{prefix}" if tool != "none" else None
        nginx.clear(prefix)
        build = self.build(rep, tool, "cold", ck_a, url, fresh_cache=True)
        self.build(rep, tool, "noop", ck_a, url, fresh_cache=False, reconfigure=False)
        if tool == "none":
            self.floor(rep, build)
            return
        self.build(rep, tool, "warm", ck_a, url, fresh_cache=False)
        self.build(rep, tool, "teammate", ck_b, url, fresh_cache=True)
        if self.args.delay_ms > 0:
            with DelayProxy(nginx.port, self.args.delay_ms, self.work) as proxy:
                slow_url = f"http://127.0.0.1:{proxy.port}/{prefix}"
                self.build(rep, tool, "teammate-delay", ck_b, slow_url, fresh_cache=True)
            self.runs[-1]["proxy"] = proxy.stats

    def prepare_project(self):
        for name in ("ckA", "ckB"):
            ck = self.checkout(name)
            rmtree(ck)
            out = run([sys.executable, os.path.join(HERE, "generate_project.py"), ck,
                       "--tus", str(self.args.tus), "--seed", str(self.args.seed)]
                      + (["--modules", str(self.args.modules)] if self.args.modules else [])).stdout
        self.project = dict(kv.split("=") for kv in out.split())
        log(f"project: {out.strip()} in {self.checkout('ckA')} and {self.checkout('ckB')}")

    def main_runs(self):
        self.prepare_project()
        with Nginx(os.path.join(self.work, "nginx")) as nginx:
            for rep in range(1, self.args.reps + 1):
                self.repetition(rep, nginx)


def edgecache_counts(stats):
    """`edgecache stats --json` -> {local, remote, miss}; tolerant of nesting."""
    flat = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else k, v)
        elif isinstance(value, (int, float)):
            flat[prefix] = value
    walk("", stats)
    return {"local": int(flat.get("hit.local", 0)), "remote": int(flat.get("hit.remote", 0)),
            "miss": int(flat.get("miss", flat.get("miss.total", 0)))}


SUMMARY_RE = re.compile(r"edgecache: (\d+)/(\d+) edges from cache \((\d+) local, (\d+) remote\), (\d+) ran")


def summary_counts(output):
    """The closing line of edgecache-ninja -> {local, remote, miss, edges}."""
    m = None
    for m in SUMMARY_RE.finditer(output or ""):
        pass
    if not m:
        return None
    hits, edges, local, remote, ran = (int(x) for x in m.groups())
    return {"local": local, "remote": remote, "miss": ran, "edges": edges}


# --------------------------------------------------------------------------
# launcher microbenchmark: 100 sequential hits of one compile


def microbench(bench, n):
    ck = bench.checkout("ckA")
    src = sorted(p for p in os.listdir(os.path.join(ck, "mod0", "src")) if p.startswith("unit"))[0]
    out_dir = os.path.join(bench.work, "micro")
    rmtree(out_dir)
    os.makedirs(out_dir)
    compile_cmd = ["g++", "-std=gnu++17", "-O2", f"-I{ck}/core/include", f"-I{ck}/mod0/include",
                   f"-I{ck}/mod1/include", f"-I{out_dir}/gen", "-MD", "-MT", "x.o", "-MF", "x.o.d",
                   "-o", "x.o", "-c", os.path.join(ck, "mod0", "src", src)]
    gen_dir = os.path.join(out_dir, "gen", "generated")
    os.makedirs(gen_dir)
    run([sys.executable, os.path.join(ck, "gendata", "gen_table.py"), os.path.join(ck, "gendata", "table.data"),
         os.path.join(gen_dir, "table.h"), os.path.join(gen_dir, "table.cpp")])
    result = {"source": src, "n": n}
    start = time.perf_counter()
    run(compile_cmd, cwd=out_dir)
    result["plain_compile_ms"] = round((time.perf_counter() - start) * 1000, 1)
    for tool, launcher in (("ccache", bench.ccache), ("edgecache", bench.edgecache)):
        env, cache = bench.tool_env(tool, out_dir, None)
        rmtree(cache)
        run([launcher] + compile_cmd, env=env, cwd=out_dir)  # fill
        # Wall time per hit, and CPU time (user+sys of the launcher and anything it
        # starts): on a loaded machine the CPU time is the steadier figure.
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        for _ in range(n):
            run([launcher] + compile_cmd, env=env, cwd=out_dir)
        result[f"{tool}_hit_ms"] = round((time.perf_counter() - start) * 1000 / n, 2)
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        result[f"{tool}_hit_cpu_ms"] = round(cpu * 1000 / n, 2)
        strace = run(["strace", "-f", "-c", "-o", os.path.join(out_dir, f"{tool}.strace"), launcher]
                     + compile_cmd, env=env, cwd=out_dir, check=False)
        if strace.returncode == 0:
            result[f"{tool}_syscalls"] = strace_total(os.path.join(out_dir, f"{tool}.strace"))
        log(f"microbench {tool}: {result[f'{tool}_hit_ms']} ms per hit, "
            f"{result[f'{tool}_hit_cpu_ms']} ms CPU")
    return result


def strace_total(path):
    with open(path) as f:
        for line in f:
            if line.strip().endswith("total"):
                parts = line.split()
                return {"seconds": float(parts[1]), "calls": int(parts[3])}
    return None


# --------------------------------------------------------------------------
# scale run: per-edge overhead of edgecache-ninja


def scale_run(bench, sizes):
    results = []
    for edges in sizes:
        ck = os.path.join(bench.work, f"tiny{edges}")
        rmtree(ck)
        info = run([sys.executable, os.path.join(HERE, "generate_project.py"), ck, "--tiny", str(edges)]).stdout
        env, cache = bench.tool_env("edgecache-ninja", ck, None)
        rmtree(cache)
        build = bench.configure("edgecache-ninja", ck, env)
        cold_s, cold_rss, out = timed(bench.build_cmd("edgecache-ninja", build), env=env)
        noop_s, noop_rss, _ = timed(bench.build_cmd("edgecache-ninja", build), env=env)
        ninja_noop_s, _, _ = timed([bench.ninja, "-C", build])
        build = bench.configure("edgecache-ninja", ck, env)
        warm_s, warm_rss, out = timed(bench.build_cmd("edgecache-ninja", build), env=env)
        counts = summary_counts(out)
        n = (counts or {}).get("edges") or int(dict(kv.split("=") for kv in info.split())["edges"])
        entry = {"edges": n, "cold_s": round(cold_s, 2), "warm_s": round(warm_s, 2),
                 "warm_ms_per_edge": round(warm_s * 1000 / n, 3), "warm_max_rss_kb": warm_rss,
                 "cold_max_rss_kb": cold_rss, "noop_s": round(noop_s, 3), "noop_max_rss_kb": noop_rss,
                 "ninja_noop_s": round(ninja_noop_s, 3), "counts": counts, "load": loadavg()}
        log(f"scale {n} edges: warm {warm_s:.2f} s = {entry['warm_ms_per_edge']} ms/edge, "
            f"rss {warm_rss / 1024:.0f} MiB; no-op {noop_s:.2f} s (ninja {ninja_noop_s:.2f} s)")
        results.append(entry)
        rmtree(ck)
        rmtree(cache)
    return results


# --------------------------------------------------------------------------
# summary and report


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
            summary.setdefault(tool, {})[name] = {
                "median_s": round(statistics.median(secs), 3), "min_s": min(secs), "max_s": max(secs),
                "n": len(secs), "hit_rate": hit_rate,
                "max_rss_kb": max(r["max_rss_kb"] for r in rs),
                "proxy_round_trips": [r["proxy"].get("round_trips") for r in rs if r.get("proxy")] or None}
    return summary


def ratios(summary):
    def med(tool, scen):
        return summary.get(tool, {}).get(scen, {}).get("median_s")

    out = {}
    plain, floor = med("none", "cold"), med("none", "floor")
    for tool in summary:
        if tool == "none":
            continue
        for scen in summary[tool]:
            t = med(tool, scen)
            r = {}
            base = med("none", scen) if scen != "cold" else plain
            if base and scen in ("cold", "noop"):
                r["vs_plain"] = round(t / base, 3)
            if med("ccache", scen) and tool != "ccache":
                r["vs_ccache"] = round(t / med("ccache", scen), 3)
            if floor and scen in ("warm", "teammate", "teammate-delay"):
                r["vs_floor"] = round(t / floor, 3)
            out.setdefault(tool, {})[scen] = r
    return out


def targets(summary, rat, micro):
    def med(tool, scen):
        return summary.get(tool, {}).get(scen, {}).get("median_s")

    t = []

    def add(name, value, limit, ok_if_le=True):
        if value is None:
            t.append({"target": name, "value": None, "limit": limit, "met": None})
        else:
            t.append({"target": name, "value": round(value, 3), "limit": limit,
                      "met": value <= limit if ok_if_le else value >= limit})
    for tool in ("ccache", "edgecache", "edgecache-ninja"):
        add(f"cold {tool} / plain", rat.get(tool, {}).get("cold", {}).get("vs_plain"), 1.05)
    add("warm edgecache-ninja / warm ccache", rat.get("edgecache-ninja", {}).get("warm", {}).get("vs_ccache"), 0.5)
    for scen in ("teammate", "teammate-delay"):
        add(f"{scen} edgecache-ninja / ccache", rat.get("edgecache-ninja", {}).get(scen, {}).get("vs_ccache"), 1 / 3)
        add(f"{scen} edgecache launcher / ccache", rat.get("edgecache", {}).get(scen, {}).get("vs_ccache"), 1 / 3)
    for tool in ("edgecache", "edgecache-ninja"):
        add(f"warm {tool} / floor", rat.get(tool, {}).get("warm", {}).get("vs_floor"), 2.0)
    if micro:
        add("launcher hit CPU: edgecache / ccache",
            micro["edgecache_hit_cpu_ms"] / micro["ccache_hit_cpu_ms"] if micro.get("ccache_hit_cpu_ms") else None, 1.0)
    return t


def fmt_cell(s):
    if not s:
        return "-"
    if s["n"] > 1:
        return f"{s['median_s']:.2f} ({s['min_s']:.2f}-{s['max_s']:.2f})"
    return f"{s['median_s']:.2f}"


def table(summary, rat, tools):
    lines = []
    head = ["scenario"] + tools
    rows = []
    for scen in SCENARIOS:
        if not any(scen in summary.get(t, {}) for t in tools):
            continue
        rows.append([SCENARIO_TITLES[scen]] + [fmt_cell(summary.get(t, {}).get(scen)) for t in tools])
    lines.append("Build time, seconds: median (min-max)")
    lines += markdown(head, rows)
    rows = []
    for scen in SCENARIOS:
        row = [scen]
        any_val = False
        for t in tools[1:]:
            r = rat.get(t, {}).get(scen, {})
            cell = " ".join(f"{k.replace('vs_', '/')}={v:.2f}" for k, v in r.items())
            any_val |= bool(cell)
            row.append(cell or "-")
        if any_val:
            rows.append(row)
    lines.append("")
    lines.append("Ratios of medians (/plain: vs no cache, /ccache, /floor)")
    lines += markdown(["scenario"] + tools[1:], rows)
    rows = []
    for scen in SCENARIOS:
        if not any(scen in summary.get(t, {}) for t in tools):
            continue
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
    lines.append("")
    lines.append("Hit rate, peak RSS of the largest single process (GNU time), proxy round trips")
    lines += markdown(["scenario"] + tools, rows)
    return "\n".join(lines)


def markdown(head, rows):
    widths = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
    fmt = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"
    return [fmt(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [fmt(r) for r in rows]


def versions(bench):
    def first_line(cmd):
        try:
            return run(cmd, check=False).stdout.splitlines()[0]
        except Exception:
            return None
    try:
        commit = run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"]).stdout.strip()
    except Exception:
        commit = None
    source = None
    cache_file = os.path.join(bench.args.edgecache_build, "CMakeCache.txt")
    if os.path.exists(cache_file):
        with open(cache_file) as f:
            source = next((l.split("=", 1)[1].strip() for l in f if l.startswith("CMAKE_HOME_DIRECTORY")), None)
    if source and os.path.exists(os.path.join(source, "COMMIT")):  # a `git archive` snapshot
        with open(os.path.join(source, "COMMIT")) as f:
            commit = f.read().strip()
    return {"edgecache_commit": commit, "edgecache_source": source, "ccache": first_line([bench.ccache, "--version"]),
            "ninja": first_line([bench.ninja, "--version"]), "gcc": first_line(["g++", "--version"]),
            "cmake": first_line(["cmake", "--version"]),
            "edgecache": first_line([bench.edgecache, "--version"])}


def parse_args(argv):
    ap = argparse.ArgumentParser(description="edgecache benchmark (see bench/README.md)")
    ap.add_argument("--tus", type=int, default=300, help="translation units (default 300)")
    ap.add_argument("--modules", type=int, help="static libraries (default tus/50)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions (default 3)")
    ap.add_argument("--jobs", type=int, default=2, help="-j of every build (default 2)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset of " + ",".join(TOOLS))
    ap.add_argument("--delay-ms", type=float, default=20, help="proxy round-trip delay; 0 skips it")
    ap.add_argument("--workdir", default="/tmp/edgecache-bench", help="scratch dir (deleted first)")
    ap.add_argument("--edgecache-build", default=os.path.join(REPO, "build-bench"),
                    help="build dir holding launcher/edgecache and ninja_wrapper/edgecache-ninja")
    ap.add_argument("--microbench", type=int, default=100, help="sequential launcher hits (0: skip)")
    ap.add_argument("--microbench-only", action="store_true")
    ap.add_argument("--scale", default="", help="comma-separated edge counts for the scale run")
    ap.add_argument("--scale-only", action="store_true", help="with --scale: skip the main runs")
    ap.add_argument("--out", default=os.path.join(HERE, "results", "latest.json"))
    args = ap.parse_args(argv)
    args.tools = [t for t in args.tools.split(",") if t]
    bad = [t for t in args.tools if t not in TOOLS]
    if bad:
        ap.error(f"unknown tools: {bad}")
    if "none" not in args.tools:
        args.tools.insert(0, "none")  # plain build and floor are the baselines
    args.scale = [int(x) for x in args.scale.split(",") if x]
    return args


def main(argv=None):
    args = parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so nginx and the proxy are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    bench = Bench(args)
    for path in (bench.edgecache, bench.edgecache_ninja):
        if not os.access(path, os.X_OK):
            sys.exit(f"missing {path}: EDGECACHE_BUILD_DIR={args.edgecache_build} bash scripts/build.sh")
    rmtree(bench.work)
    os.makedirs(bench.work)
    open(os.path.join(bench.work, "ccache.conf"), "w").close()
    result = {"meta": {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "tus": args.tus,
                       "modules": args.modules, "reps": args.reps,
                       "jobs": args.jobs, "delay_ms": args.delay_ms, "tools": args.tools,
                       "cpus": os.cpu_count(), "machine": platform.platform(), "load_start": loadavg(),
                       "versions": versions(bench)}}
    log(f"load average at start: {loadavg()}")
    skip_main = args.microbench_only or (args.scale and args.scale_only)
    if not skip_main:
        bench.main_runs()
        result["runs"] = bench.runs
        result["summary"] = summarize(bench.runs)
        result["ratios"] = ratios(result["summary"])
    elif args.microbench_only:
        bench.prepare_project()
    micro = None
    if args.microbench and not (args.scale and args.scale_only):
        micro = microbench(bench, args.microbench)
        result["microbench"] = micro
    if args.scale:
        result["scale"] = scale_run(bench, args.scale)
    if "summary" in result:
        result["targets"] = targets(result["summary"], result["ratios"], micro)
    result["meta"]["load_end"] = loadavg()
    result["meta"]["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
    print_report(result, args)
    log(f"wrote {args.out}")
    return 0


def print_report(result, args):
    print()
    print(f"edgecache bench: {args.tus} TUs, {args.reps} reps, -j{args.jobs}, delay {args.delay_ms} ms; "
          f"load {result['meta']['load_start']} -> {result['meta']['load_end']}")
    if "summary" in result:
        print(table(result["summary"], result["ratios"], args.tools))
        print()
        print("Targets")
        for t in result["targets"]:
            met = {True: "met", False: "MISSED", None: "n/a"}[t["met"]]
            print(f"  {t['target']:45s} {t['value']} (limit {t['limit']:.3g}): {met}")
    if result.get("microbench"):
        m = result["microbench"]
        print(f"\nLauncher hits ({m['n']} sequential, {m['source']}): plain compile {m['plain_compile_ms']} ms; "
              f"ccache {m.get('ccache_hit_ms')} ms/hit ({m.get('ccache_hit_cpu_ms')} ms CPU), "
              f"edgecache {m.get('edgecache_hit_ms')} ms/hit ({m.get('edgecache_hit_cpu_ms')} ms CPU); "
              f"syscalls per hit: ccache {m.get('ccache_syscalls')}, edgecache {m.get('edgecache_syscalls')}")
    for s in result.get("scale", []):
        print(f"scale: {s['edges']} edges: warm {s['warm_s']} s ({s['warm_ms_per_edge']} ms/edge), "
              f"peak RSS {s['warm_max_rss_kb'] / 1024:.0f} MiB; cold {s['cold_s']} s; "
              f"no-op {s['noop_s']} s (ninja {s['ninja_noop_s']} s)")


if __name__ == "__main__":
    sys.exit(main())
