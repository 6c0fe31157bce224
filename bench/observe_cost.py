#!/usr/bin/env python3
"""The cost of observing a run (issue 12): cold builds with edgecache-ninja's
cache on (every non-compile step traced on its miss) against --skip-cache
(plain Ninja), and the two parts of the difference told apart:

  skip      edgecache-ninja --skip-cache: plain Ninja, the reference
  cache     cache on, empty cache: keys, tracing, judging, storing
  untraced  cache on, empty cache, but the tracer library is missing: the
            steps it would observe run untraced and uncached
            ("not-observable"); compiles are keyed and stored as usual
  traced commands alone: every non-compile command of the build run again
            by itself, plain and with libedgecache-tracer.so preloaded as
            edgecache-ninja preloads it: the tracer's own cost, nothing else

Builds are interleaved (skip, cache, untraced, skip, ...), each in a fresh
build dir with a fresh cache; medians of --reps. Prints a table; --out
writes the JSON. On the shared machine, run it under the heavy lock:

  flock -o /tmp/edgecache-heavy.lock python3 bench/observe_cost.py --project generated --tus 40 --modules 4
  flock -o /tmp/edgecache-heavy.lock python3 bench/observe_cost.py --project fmt
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from bench_support import log, rmtree, run, loadavg  # noqa: E402
from projects import DEFAULT_SOURCE_CACHE, fetch_debian_source  # noqa: E402

def timed(cmd, env, cwd=None):
    """Wall seconds of cmd (the whole script runs under the heavy lock)."""
    start = time.perf_counter()
    proc = run(cmd, env=env, cwd=cwd)
    return time.perf_counter() - start, proc.stdout


def prepare_source(args, work):
    if args.project == "fmt":
        return fetch_debian_source("fmtlib", args.source_cache), [
            "-DCMAKE_BUILD_TYPE=Release", "-DFMT_DOC=OFF", "-DFMT_INSTALL=OFF"]
    src = os.path.join(work, "src")
    run([sys.executable, os.path.join(HERE, "generate_project.py"), "--tus", str(args.tus), "--modules",
         str(args.modules), src])
    return src, ["-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_CXX_FLAGS_RELEASE=-O2"]


def tool_dirs(args, work):
    """bin/ with edgecache-ninja and the tracer; bin-untraced/ without it."""
    built = os.path.join(args.edgecache_build, "ninja_wrapper")
    dirs = {}
    for name, with_tracer in (("bin", True), ("bin-untraced", False)):
        d = os.path.join(work, name)
        os.makedirs(d)
        shutil.copy2(os.path.join(built, "edgecache-ninja"), d)
        if with_tracer:
            shutil.copy2(os.path.join(built, "libedgecache-tracer.so"), d)
        dirs[name] = d
    return dirs


def base_env(cache_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDGECACHE_")}
    env["EDGECACHE_DIR"] = cache_dir
    return env


def cold_build(variant, args, work, src, flags, dirs, rep):
    build = os.path.join(work, f"b-{variant}-{rep}")
    cache = os.path.join(work, f"cache-{variant}-{rep}")
    rmtree(build)
    rmtree(cache)
    ninja = os.path.join(dirs["bin-untraced" if variant == "untraced" else "bin"], "edgecache-ninja")
    env = base_env(cache)
    run(["cmake", "-S", src, "-B", build, "-G", "Ninja", f"-DCMAKE_MAKE_PROGRAM={ninja}"] + flags, env=env)
    cmd = [ninja, "-C", build, f"-j{args.jobs}"] + (["--skip-cache"] if variant == "skip" else [])
    seconds, out = timed(cmd, env)
    log(f"{variant} rep {rep}: {seconds:.2f} s (load {loadavg()})")
    return build, seconds


def non_compile_commands(build):
    """(output, command) of every edge the last cached build ran that is no
    compile: what edgecache-ninja traced."""
    with open(os.path.join(build, ".edgecache", "last-run.json")) as f:
        record = json.load(f)
    outputs = [e["output"] for e in record["edges"]
               if "_COMPILER__" not in e["rule"] and e["result"] in ("ran", "uncached")]
    commands = []
    for output in outputs:
        proc = run(["ninja", "-C", build, "-t", "commands", "-s", output])
        lines = proc.stdout.strip().splitlines()
        if lines:
            commands.append((output, lines[-1]))
    return commands


def traced_command(command, tracer, trace_file):
    """As StepObserver::WrapCommand writes it."""
    quoted = "'" + command.replace("'", "'\\''") + "'"
    return (f"export LD_PRELOAD={tracer} EDGECACHE_TRACE_FILE={trace_file} && : >\"$EDGECACHE_TRACE_FILE\" && "
            f"exec /bin/sh -c {quoted}")


def time_commands(build, commands, tracer, reps, work):
    """Median over reps of the summed wall time of all commands, plain and traced,
    in one lock hold (interleaved per command)."""
    script = os.path.join(work, "commands.json")
    trace = os.path.join(work, "step.trace")
    with open(script, "w") as f:
        json.dump({"build": build, "reps": reps, "commands": [
            [c, traced_command(c, tracer, trace), trace] for _, c in commands]}, f)
    runner = r"""
import json, os, subprocess, sys, time
spec = json.load(open(sys.argv[1]))
totals = {"plain": [], "traced": []}
lines = 0
for rep in range(spec["reps"]):
    t = {"plain": 0.0, "traced": 0.0}
    for plain, traced, trace in spec["commands"]:
        for kind, cmd in (("plain", plain), ("traced", traced)):
            start = time.perf_counter()
            subprocess.run(["/bin/sh", "-c", cmd], cwd=spec["build"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            t[kind] += time.perf_counter() - start
            if kind == "traced":
                lines += sum(1 for _ in open(trace))
                os.unlink(trace)
    for kind in t: totals[kind].append(t[kind])
print("RESULT", json.dumps({"totals": totals, "trace_lines_per_rep": lines // spec["reps"]}))
"""
    proc = run([sys.executable, "-c", runner, script])
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(proc.stdout[-2000:])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--project", choices=["generated", "fmt"], default="generated")
    ap.add_argument("--tus", type=int, default=40)
    ap.add_argument("--modules", type=int, default=4)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--variants", default="skip,cache,untraced")
    ap.add_argument("--edgecache-build", default=os.path.join(REPO, "build"))
    ap.add_argument("--source-cache", default=DEFAULT_SOURCE_CACHE)
    ap.add_argument("--workdir", default="/tmp/edgecache-observe-cost")
    ap.add_argument("--out", default="")
    args = ap.parse_args()

    work = os.path.join(args.workdir, args.project)
    rmtree(work)
    os.makedirs(work)
    src, flags = prepare_source(args, work)
    dirs = tool_dirs(args, work)
    variants = args.variants.split(",")
    times = {v: [] for v in variants}
    last_cached = None
    for rep in range(1, args.reps + 1):
        for variant in variants:
            build, seconds = cold_build(variant, args, work, src, flags, dirs, rep)
            times[variant].append(seconds)
            if variant == "cache":
                last_cached = build
            elif rep < args.reps:
                rmtree(build)
    log(f"cold builds: {json.dumps(times)}")
    result = {"project": args.project, "reps": args.reps, "jobs": args.jobs, "times": times,
              "median": {v: statistics.median(t) for v, t in times.items()}}
    if last_cached:
        commands = non_compile_commands(last_cached)
        tracer = os.path.join(dirs["bin"], "libedgecache-tracer.so")
        alone = time_commands(last_cached, commands, tracer, args.reps, work)
        alone["commands"] = len(commands)
        result["commands_alone"] = alone
    med = result["median"]
    print(f"\n{args.project}: medians of {args.reps} cold builds, -j{args.jobs}")
    base = med.get("skip")
    for v in variants:
        rel = f" ({100.0 * (med[v] / base - 1):+.1f}% vs skip)" if base and v != "skip" else ""
        print(f"  {v:9s} {med[v]:8.2f} s{rel}")
    if "commands_alone" in result:
        a = result["commands_alone"]
        plain, traced = statistics.median(a["totals"]["plain"]), statistics.median(a["totals"]["traced"])
        print(f"  {a['commands']} non-compile commands alone: plain {plain:.2f} s, traced {traced:.2f} s "
              f"(+{traced - plain:.2f} s, {100.0 * (traced / plain - 1):+.1f}%; "
              f"{a['trace_lines_per_rep']} trace lines)")
        if base:
            print(f"  tracer cost as a share of the plain cold build: {100.0 * (traced - plain) / base:.2f}%")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
