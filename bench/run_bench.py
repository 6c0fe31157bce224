#!/usr/bin/env python3
"""edgecache benchmark: build a project with no cache, Debian's ccache, the
newest ccache with its HTTP storage helper, the edgecache launcher and
edgecache-ninja, side by side in one run on one machine.

    python3 bench/run_bench.py --project fmt            # fmt from Debian's source, 3 reps
    python3 bench/run_bench.py --project fmt --targets fmt --reps 1 --delays 20   # smoke run
    python3 bench/run_bench.py                          # the generated project, 300 TUs
    python3 bench/run_bench.py --scale 1000,10000 --scale-only   # per-edge overhead
    python3 bench/run_bench.py --microbench-only        # launcher hits only

Every build runs with -j2 (--jobs); only the build (ninja / edgecache-ninja)
is timed, never `cmake` configure. Every teammate build is in a new checkout
(a copy of the sources at a path no build used before) with an empty local
cache. Results: a table on the terminal and JSON in bench/results/latest.json
(--out). See bench/README.md. Not a test: nothing here fails on time.
"""

import argparse
import glob
import itertools
import json
import os
import platform
import re
import shutil
import signal
import statistics
import sys
import time

from final_outputs import FinalOutputWatcher, final_outputs_of
from bench_support import HERE, REPO, DelayProxy, HeavyLock, Nginx, log, loadavg, rmtree, run, settle_writes, timed
from microbench import microbench
from projects import DEFAULT_SOURCE_CACHE, PROJECTS
import report

TOOLS = ["none", "ccache", "ccache-latest", "edgecache", "edgecache-ninja"]
# Not in the default run: the launcher without its connection helper
# (remote_helper=off), to measure what the helper saves; edgecache-ninja
# with compression=false (nothing compressed, the remote's copies neither),
# and with local_compression=true (the local cache compressed too, the
# default before f-local-uncompressed), to measure what restoring without
# decompressing saves.
EXTRA_TOOLS = ["edgecache-direct", "edgecache-ninja-uncompressed", "edgecache-ninja-compressed"]
LAUNCHER_TOOLS = ("edgecache", "edgecache-direct")
NINJA_TOOLS = ("edgecache-ninja", "edgecache-ninja-uncompressed", "edgecache-ninja-compressed")
CCACHE_LATEST = "/opt/ccache-latest/bin/ccache"


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
        self.ccache_latest = args.ccache_latest if os.access(args.ccache_latest, os.X_OK) else None
        self.project = PROJECTS[args.project](args, self.work)
        self.new_paths = itertools.count(1)
        self.runs = []
        self.lock = HeavyLock(args.lock, args.lock_hold)
        self.partial = None  # called with the runs so far after each build
        self.filled = set()  # tools whose checkout ckA-<tool> and caches hold a finished cold build

    def launcher(self, tool):
        return {"ccache": self.ccache, "ccache-latest": self.ccache_latest, "edgecache": self.edgecache,
                "edgecache-direct": self.edgecache}.get(tool)

    # ---- environment per tool and checkout

    def base_env(self):
        env = dict(os.environ)
        for key in list(env):
            if key.startswith(("CCACHE_", "EDGECACHE_")):
                del env[key]
        env["XDG_CONFIG_HOME"] = os.path.join(self.work, "xdg-config")  # no user config files
        env["CCACHE_CONFIGPATH"] = os.path.join(self.work, "ccache.conf")
        return env

    def tool_env(self, tool, ck, remote_url):
        """Each checkout has its own local cache; the base dir is the checkout."""
        env = self.base_env()
        cache = os.path.join(self.work, "cache", f"{tool}-{os.path.basename(ck)}")
        if tool in ("ccache", "ccache-latest"):
            env.update({"CCACHE_DIR": cache, "CCACHE_BASEDIR": ck, "CCACHE_NOHASHDIR": "1",
                        "CCACHE_MAXSIZE": "20G"})
            if remote_url:
                # ccache-latest finds its HTTP storage helper in <prefix>/libexec and
                # keeps connections open in it across compiles.
                env["CCACHE_REMOTE_STORAGE"] = remote_url
        elif tool in LAUNCHER_TOOLS + NINJA_TOOLS:
            env.update({"EDGECACHE_DIR": cache, "EDGECACHE_BASEDIR": ck, "EDGECACHE_MAX_SIZE": "20G"})
            # The launcher's connection helper: its socket in the bench's own dir.
            env["XDG_RUNTIME_DIR"] = self.helper_run_dir()
            if tool == "edgecache-direct":
                env["EDGECACHE_REMOTE_HELPER"] = "off"
            if tool == "edgecache-ninja-uncompressed":
                env["EDGECACHE_COMPRESSION"] = "false"
            if tool == "edgecache-ninja-compressed":
                env["EDGECACHE_LOCAL_COMPRESSION"] = "true"
            if remote_url:
                env["EDGECACHE_REMOTE"] = remote_url
            else:
                env["EDGECACHE_NO_REMOTE"] = "1"
        return env, cache

    def configure(self, tool, ck, env):
        build = os.path.join(ck, "build")
        rmtree(build)
        make_program = self.edgecache_ninja if tool in NINJA_TOOLS else self.ninja
        cmd = ["cmake", "-S", ck, "-B", build, "-G", "Ninja", f"-DCMAKE_MAKE_PROGRAM={make_program}"]
        cmd += self.project.configure_flags()
        if tool in ("edgecache",) + NINJA_TOOLS:
            # The product's documented route: EdgeCache.cmake included by CMake
            # itself (relocatable objects: -ffile-prefix-map, so a teammate's
            # checkout path is in no object), launcher or ninja mode.
            cmd += [f"-DCMAKE_PROJECT_TOP_LEVEL_INCLUDES={os.path.join(REPO, 'cmake_module', 'EdgeCache.cmake')}",
                    f"-DEDGECACHE_PROGRAM={self.edgecache}", f"-DEDGECACHE_NINJA_PROGRAM={self.edgecache_ninja}",
                    f"-DEDGECACHE_MODE={'ninja' if tool in NINJA_TOOLS else 'launcher'}"]
        elif self.launcher(tool):
            cmd += [f"-DCMAKE_CXX_COMPILER_LAUNCHER={self.launcher(tool)}",
                    f"-DCMAKE_C_COMPILER_LAUNCHER={self.launcher(tool)}"]
        run(cmd, env=env)
        return build

    def build_cmd(self, tool, build):
        driver = self.edgecache_ninja if tool in NINJA_TOOLS else self.ninja
        return [driver, "-C", build, f"-j{self.args.jobs}"] + self.project.targets

    def zero_stats(self, tool, env):
        if tool in ("ccache", "ccache-latest"):
            run([self.launcher(tool), "--zero-stats"], env=env)
        elif tool in LAUNCHER_TOOLS:
            run([self.edgecache, "stats", "--zero"], env=env)

    def drain_uploads(self, tool, env):
        """The launcher hands a miss's remote writes to a background process
        once the compile is done: wait for them (as a CI job must before it
        ends) so the next scenario finds the remote full, and return how long
        they ran on after the build (not timed in the build; reported beside
        it). None for other tools, and for a launcher without background
        uploads (no `wait-uploads` command)."""
        if tool not in LAUNCHER_TOOLS:
            return None
        start = time.perf_counter()
        proc = run([self.edgecache, "wait-uploads"], env=env, check=False)
        return round(time.perf_counter() - start, 3) if proc.returncode == 0 else None

    def stop_helpers(self, tool, env):
        """Storage helpers of ccache-latest outlive a build: stop them so each
        timed build starts as a fresh machine's would, and nothing is left."""
        if tool == "ccache-latest":
            run([self.ccache_latest, "--stop-storage-helpers"], env=env, check=False)
        if tool == "edgecache":
            # edgecache-remote-helper exits within 0.2 s of its socket's removal.
            for sock in glob.glob(os.path.join(self.helper_run_dir(), "edgecache", "*.sock")):
                os.unlink(sock)
            time.sleep(0.3)

    def helper_run_dir(self):
        path = os.path.join(self.work, "run")
        os.makedirs(path, mode=0o700, exist_ok=True)
        return path

    def read_stats(self, tool, env, output):
        """Hits and misses of the build that just ran, from the tool itself."""
        if tool in ("ccache", "ccache-latest"):
            text = run([self.launcher(tool), "--print-stats"], env=env).stdout
            s = {k: int(v) for k, v in (l.split("\t") for l in text.splitlines() if "\t" in l)}
            remote = s.get("remote_storage_hit", 0)
            hits = s.get("direct_cache_hit", 0) + s.get("preprocessed_cache_hit", 0)
            return {"local": hits - remote, "remote": remote, "miss": s.get("cache_miss", 0)}
        if tool in LAUNCHER_TOOLS:
            stats = json.loads(run([self.edgecache, "stats", "--json"], env=env).stdout)
            return edgecache_counts(stats)
        if tool in NINJA_TOOLS:
            return summary_counts(output)
        return None

    # ---- one build

    def record(self, rep, tool, scenario, seconds, rss, counts=None, **extra):
        entry = {"rep": rep, "tool": tool, "scenario": scenario, "seconds": round(seconds, 3),
                 "max_rss_kb": rss, "counts": counts, "load": loadavg()}
        entry.update(extra)
        self.runs.append(entry)
        if self.partial is not None:
            self.partial(self.runs)
        hit = ""
        if counts:
            hit = f" hits {counts.get('local', 0)}L+{counts.get('remote', 0)}R miss {counts.get('miss', 0)}"
        drain = f" (+{extra['upload_drain_s']:.2f} s background uploads after it)" if extra.get("upload_drain_s") else ""
        ready = ""
        if extra.get("ready_s") is not None:
            f = extra.get("finals", {})
            ready = f" ready {extra['ready_s']:.2f} s ({f.get('finals')} final outputs, {f.get('rewritten')} rewritten)"
        log(f"rep {rep} {tool:16s} {scenario:15s} {seconds:8.2f} s{ready}  rss {rss / 1024:.0f} MiB{hit}{drain}")

    def build(self, rep, tool, scenario, ck, remote_url, fresh_cache, reconfigure=True, **extra):
        env, cache = self.tool_env(tool, ck, remote_url)
        if fresh_cache:
            rmtree(cache)
        build = self.configure(tool, ck, env) if reconfigure else os.path.join(ck, "build")
        # "Executables ready": every tool's final outputs watched the same way.
        watcher = FinalOutputWatcher(final_outputs_of(self.ninja, build, self.project.targets))
        # The heavy lock (--lock) is held from here to the end of the build: only
        # the build is timed, never the wait for the lock.
        with self.lock.held(f"{tool} {scenario}") as wait:
            self.zero_stats(tool, env)
            if fresh_cache:
                self.stop_helpers(tool, env)
            load_before = loadavg()
            try:
                seconds, rss, output = timed(self.build_cmd(tool, build), env=env, watcher=watcher)
            except RuntimeError as e:
                watcher.stop()
                # A crashing tool is a result too: record it, skip its later scenarios.
                self.runs.append({"rep": rep, "tool": tool, "scenario": scenario, "error": str(e)[-2000:]})
                log(f"rep {rep} {tool} {scenario} FAILED: {str(e).splitlines()[0]}")
                raise ToolFailed() from e
            ready = watcher.stop()
            extra["ready_s"] = ready["ready_s"]
            extra["finals"] = {k: v for k, v in ready.items() if k != "ready_s"}
            drain = self.drain_uploads(tool, env)
            if drain is not None:
                extra["upload_drain_s"] = drain
            counts = self.read_stats(tool, env, output)
        self.record(rep, tool, scenario, seconds, rss, counts, load_before=load_before,
                    lock_wait_s=round(wait, 1), **extra)
        return build

    def floor(self, rep, build):
        """What no cache can beat: copy the finished outputs, then a no-op build.
        Watched as every timed build is (the executables-ready watcher polls
        and checksums the final outputs beside it, on the same cores), so that
        a ratio to the floor compares builds measured the same way."""
        dest = os.path.join(self.work, "floor-copy")
        rmtree(dest)
        prefix = build + os.sep
        finals = [os.path.join(dest, p[len(prefix):]) if p.startswith(prefix) else p
                  for p in final_outputs_of(self.ninja, build, self.project.targets)]
        watcher = FinalOutputWatcher(finals)
        with self.lock.held("floor") as wait:
            load_before = loadavg()
            settle_writes()
            start = time.perf_counter()
            watcher.start(start)
            try:
                run(["cp", "-a", build, dest])
                copy_s = time.perf_counter() - start
                noop_s, rss, out = timed([self.ninja, "-C", dest, f"-j{self.args.jobs}"] + self.project.targets)
            finally:
                ready = watcher.stop()
        if "no work to do" not in out:
            log("warning: the copied build dir was not a no-op for ninja")
        rmtree(dest)
        self.record(rep, "none", "floor", copy_s + noop_s, rss, copy_s=round(copy_s, 3),
                    noop_s=round(noop_s, 3), load_before=load_before, lock_wait_s=round(wait, 1),
                    ready_s=ready["ready_s"], finals={k: v for k, v in ready.items() if k != "ready_s"})

    # ---- one repetition

    def repetition(self, rep, nginx):
        """The first --cold-reps repetitions start each tool from a fresh
        checkout ckA-<tool>, an empty local cache and an empty remote (the cold
        build fills both); later ones reuse them, warm, for the hit scenarios."""
        cold = rep <= self.args.cold_reps
        for tool in self.args.tools:
            ck = os.path.join(self.work, f"ckA-{tool}")
            if cold:
                self.filled.discard(tool)
                self.project.checkout(ck)
            elif tool not in self.filled:
                log(f"rep {rep} {tool}: skipped (no finished cold build to start from)")
                continue
            try:
                self.tool_repetition(rep, tool, nginx, ck, cold)
            except ToolFailed:
                self.filled.discard(tool)
            if tool not in self.filled or rep == self.args.reps or rep + 1 <= self.args.cold_reps:
                rmtree(ck)

    def teammate(self, rep, tool, scenario, url, **extra):
        """A teammate: a checkout at a path no build used, an empty local cache."""
        ck = self.project.checkout(os.path.join(self.work, f"teammate{next(self.new_paths)}"))
        try:
            self.build(rep, tool, scenario, ck, url, fresh_cache=True, **extra)
        finally:
            env, cache = self.tool_env(tool, ck, url)
            self.stop_helpers(tool, env)
            rmtree(ck)
            rmtree(cache)

    def tool_repetition(self, rep, tool, nginx, ck, cold):
        prefix = tool.replace("-", "_")
        url = f"http://127.0.0.1:{nginx.port}/{prefix}" if tool != "none" else None
        if cold:
            nginx.clear(prefix)
            self.build(rep, tool, "cold", ck, url, fresh_cache=True)
            self.filled.add(tool)
        build = self.build(rep, tool, "noop", ck, url, fresh_cache=False, reconfigure=False)
        if tool == "none":
            self.floor(rep, build)
            return
        self.build(rep, tool, "warm", ck, url, fresh_cache=False)
        self.stop_helpers(tool, self.tool_env(tool, ck, url)[0])
        self.teammate(rep, tool, "teammate", url)
        for delay in self.args.delays:
            with DelayProxy(nginx.port, delay, self.work) as proxy:
                self.teammate(rep, tool, f"teammate-{delay:g}ms", f"http://127.0.0.1:{proxy.port}/{prefix}")
            self.runs[-1]["proxy"] = proxy.stats

    def main_runs(self):
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
# scale run: per-edge overhead of edgecache-ninja


def scale_run(bench, sizes):
    results = []
    for edges in sizes:
        ck = os.path.join(bench.work, f"tiny{edges}")
        rmtree(ck)
        info = run([sys.executable, os.path.join(HERE, "generate_project.py"), ck, "--tiny", str(edges)]).stdout
        env, cache = bench.tool_env("edgecache-ninja", ck, None)
        rmtree(cache)
        with bench.lock.held(f"scale {edges}"):
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


def versions(bench):
    def first_line(cmd):
        try:
            return run(cmd, check=False).stdout.splitlines()[0]
        except Exception:
            return None
    source = None
    cache_file = os.path.join(bench.args.edgecache_build, "CMakeCache.txt")
    if os.path.exists(cache_file):
        with open(cache_file) as f:
            source = next((l.split("=", 1)[1].strip() for l in f if l.startswith("CMAKE_HOME_DIRECTORY")), None)
    # The commit of the tree the binaries were built from (the build dir's
    # source), with "-dirty" when tracked files differ from it.
    commit = None
    for tree in ([source] if source else []) + [REPO]:
        try:
            commit = run(["git", "-C", tree, "rev-parse", "--short", "HEAD"]).stdout.strip()
            if run(["git", "-C", tree, "status", "--porcelain", "--untracked-files=no"]).stdout.strip():
                commit += "-dirty"
            break
        except Exception:
            continue
    if source and os.path.exists(os.path.join(source, "COMMIT")):  # a `git archive` snapshot
        with open(os.path.join(source, "COMMIT")) as f:
            commit = f.read().strip()
    built = None
    if os.path.exists(bench.edgecache_ninja):
        built = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(os.path.getmtime(bench.edgecache_ninja)))
    return {"edgecache_commit": commit, "edgecache_source": source, "edgecache_ninja_built": built, "ccache": first_line([bench.ccache, "--version"]),
            "ninja": first_line([bench.ninja, "--version"]), "gcc": first_line(["g++", "--version"]),
            "cmake": first_line(["cmake", "--version"]),
            "ccache-latest": first_line([bench.ccache_latest, "--version"]) if bench.ccache_latest else None,
            "edgecache": first_line([bench.edgecache, "--version"])}


def parse_args(argv):
    ap = argparse.ArgumentParser(description="edgecache benchmark (see bench/README.md)")
    ap.add_argument("--project", choices=sorted(PROJECTS), default="generated",
                    help="generated (generate_project.py), or a real project from its Debian source package: "
                    "fmt (with its tests), leveldb (with its tests), ninja (re2c generates sources)")
    ap.add_argument("--targets", default="", help="comma-separated Ninja targets to build (default: all)")
    ap.add_argument("--source-cache", default=DEFAULT_SOURCE_CACHE,
                    help="where real projects' sources are unpacked once (default %(default)s)")
    ap.add_argument("--tus", type=int, default=300, help="generated project: translation units (default 300)")
    ap.add_argument("--modules", type=int, help="generated project: static libraries (default tus/50)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reps", type=int, default=3, help="repetitions (default 3)")
    ap.add_argument("--cold-reps", type=int, help="how many of the repetitions start with a cold build (the "
                    "first ones; later ones reuse the warm checkout, local cache and remote for the hit "
                    "scenarios; default: all)")
    ap.add_argument("--lock", help="an flock(1) lock file taken around each timed build (as `flock -o`), "
                    "e.g. /tmp/edgecache-heavy.lock on a shared machine; the wait is never timed (default: none)")
    ap.add_argument("--lock-hold", type=float, default=0, metavar="SECONDS",
                    help="with --lock: keep the lock across builds until held this long, then release it "
                    "after the next build (fewer waits on a contended machine; default 0: after every build)")
    ap.add_argument("--jobs", type=int, default=2, help="-j of every build (default 2)")
    ap.add_argument("--tools", default=",".join(TOOLS), help="comma-separated subset of " + ",".join(TOOLS + EXTRA_TOOLS))
    ap.add_argument("--ccache-latest", default=CCACHE_LATEST,
                    help="the newest ccache, with its storage helper in <prefix>/libexec "
                         "(../shared/peers/build-ccache.sh builds it; default %(default)s)")
    ap.add_argument("--delays", default="20,50", help="round trips (ms) of the delay-proxy teammate builds; "
                    "'' skips them (default 20,50)")
    ap.add_argument("--delay-ms", type=float, help=argparse.SUPPRESS)  # the former single delay
    ap.add_argument("--workdir", default="/tmp/edgecache-bench", help="scratch dir (deleted first)")
    ap.add_argument("--edgecache-build", default=os.path.join(REPO, "build-bench"),
                    help="build dir holding launcher/edgecache and ninja_wrapper/edgecache-ninja")
    ap.add_argument("--microbench", type=int, default=100, help="sequential launcher hits (0: skip)")
    ap.add_argument("--microbench-only", action="store_true")
    ap.add_argument("--microbench-source",
                    help="real projects: the compile the microbenchmark repeats (default: the project's, "
                    "fmt src/format.cc, leveldb db/db_impl.cc, ninja src/build.cc)")
    ap.add_argument("--no-callgrind", dest="callgrind", action="store_false",
                    help="skip counting one hit's instructions with valgrind")
    ap.add_argument("--scale", default="", help="comma-separated edge counts for the scale run")
    ap.add_argument("--scale-only", action="store_true", help="with --scale: skip the main runs")
    ap.add_argument("--out", default=os.path.join(HERE, "results", "latest.json"))
    ap.add_argument("--report", metavar="JSON", help="only print the tables of a result file (also a partial one)")
    args = ap.parse_args(argv)
    args.tools = [t for t in args.tools.split(",") if t]
    args.targets = [t for t in args.targets.split(",") if t]
    args.delays = [float(d) for d in args.delays.split(",") if d]
    if args.delay_ms is not None:
        args.delays = [args.delay_ms] if args.delay_ms > 0 else []
    bad = [t for t in args.tools if t not in TOOLS + EXTRA_TOOLS]
    if bad:
        ap.error(f"unknown tools: {bad}")
    if "none" not in args.tools:
        args.tools.insert(0, "none")  # plain build and floor are the baselines
    if "ccache-latest" in args.tools and not os.access(args.ccache_latest, os.X_OK):
        log(f"no {args.ccache_latest}: running without ccache-latest "
            f"(build it with ../shared/peers/build-ccache.sh, or pass --ccache-latest)")
        args.tools.remove("ccache-latest")
    args.scale = [int(x) for x in args.scale.split(",") if x]
    args.cold_reps = args.reps if args.cold_reps is None else args.cold_reps
    if not 1 <= args.cold_reps <= args.reps:
        ap.error("--cold-reps must be between 1 and --reps")
    return args


def machine():
    """What the figures depend on: cores, CPU model, memory."""
    info = {"cpus": os.cpu_count(), "nproc": len(os.sched_getaffinity(0)), "machine": platform.platform()}
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu_model"] = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), None)
        with open("/proc/meminfo") as f:
            info["mem_total_kb"] = int(next(l.split()[1] for l in f if l.startswith("MemTotal")))
    except (OSError, StopIteration, ValueError):
        pass
    return info


def main(argv=None):
    args = parse_args(argv)
    if args.report:
        with open(args.report) as f:
            report.print_report(json.load(f))
        return 0
    # SIGTERM unwinds like Ctrl-C, so nginx and the proxy are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    bench = Bench(args)
    for path in (bench.edgecache, bench.edgecache_ninja):
        if not os.access(path, os.X_OK):
            sys.exit(f"missing {path}: EDGECACHE_BUILD_DIR={args.edgecache_build} bash scripts/build.sh")
    rmtree(bench.work)
    os.makedirs(bench.work)
    open(os.path.join(bench.work, "ccache.conf"), "w").close()
    bench.project.prepare()
    log(f"project: {bench.project.description()}, targets {args.targets or 'all'}")
    result = {"meta": {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "project": bench.project.description(),
                       "targets": args.targets, "tus": args.tus, "modules": args.modules, "reps": args.reps,
                       "cold_reps": args.cold_reps, "jobs": args.jobs, "delays_ms": args.delays,
                       "tools": args.tools, "lock": args.lock, "lock_hold_s": args.lock_hold if args.lock else None,
                       "command": " ".join(["python3", "bench/run_bench.py"] + (sys.argv[1:] if argv is None else argv)),
                       **machine(), "load_start": loadavg(), "versions": versions(bench)}}
    log(f"load average at start: {loadavg()}")

    def save(runs, partial=True):
        """The JSON so far after each build: a run stopped early (a deadline,
        SIGTERM) still leaves every build it finished, with medians."""
        out = dict(result, partial=partial, runs=runs)
        if runs:
            out["summary"] = report.summarize(runs)
            out["ratios"] = report.ratios(out["summary"])
        out["meta"] = dict(result["meta"], load_now=loadavg(), saved=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out + ".tmp", "w") as f:
            json.dump(out, f, indent=1)
        os.replace(args.out + ".tmp", args.out)
    bench.partial = save
    try:
        if not (args.microbench_only or (args.scale and args.scale_only)):
            bench.main_runs()
            result["runs"] = bench.runs
            result["summary"] = report.summarize(bench.runs)
            result["ratios"] = report.ratios(result["summary"])
        micro = None
        if args.microbench and not (args.scale and args.scale_only):
            micro = microbench(bench, bench.project, args.microbench)
            result["microbench"] = micro
        if args.scale:
            result["scale"] = scale_run(bench, args.scale)
    finally:
        bench.lock.depth = 0
        bench.lock.release()
        for tool in ("ccache-latest",):
            if tool in args.tools:
                bench.stop_helpers(tool, bench.base_env())
    if "summary" in result:
        result["targets"] = report.targets(result["summary"], result["ratios"], micro, args.delays)
    result["meta"]["load_end"] = loadavg()
    builds = [r for r in bench.runs if "load_before" in r]
    if builds:  # the 1-minute load average just before each timed build, lock held
        loads = [r["load_before"][0] for r in builds]
        result["meta"]["load_before_builds"] = {"min": min(loads), "median": statistics.median(loads),
                                                "max": max(loads)}
    if args.lock:
        result["meta"]["lock_waits_s"] = {"n": len(bench.lock.waits), "total": round(sum(bench.lock.waits), 1),
                                          "max": max(bench.lock.waits, default=0),
                                          "held_total": round(bench.lock.held_s, 1)}
    result["meta"]["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
    report.print_report(result)
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
