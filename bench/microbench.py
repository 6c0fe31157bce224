"""The launcher microbenchmark: one compile, filled once, then hit N times in
a row through each launcher (local cache, no remote). Reports per hit: wall
time, CPU time (user+sys of the launcher and its children), the instructions
of one hit counted by callgrind (all processes; independent of the machine's
load, so it is the figure to compare on a busy machine), and the syscalls of
one hit (strace -c -f)."""

import glob
import os
import resource
import shutil
import sys
import time

from bench_support import loadavg, log, rmtree, run
from projects import GeneratedProject, compile_command_of

LAUNCHERS = ("ccache", "ccache-latest", "edgecache")


def generated_compile(bench, project, out_dir):
    """The first TU of module 0 with the project's flags, as before the real
    project mode (keeps earlier figures comparable). Returns the command, its
    working dir, the base dir and the source's name."""
    ck = project.checkout(os.path.join(bench.work, "micro-src"))
    src = sorted(p for p in os.listdir(os.path.join(ck, "mod0", "src")) if p.startswith("unit"))[0]
    gen_dir = os.path.join(out_dir, "gen", "generated")
    os.makedirs(gen_dir)
    run([sys.executable, os.path.join(ck, "gendata", "gen_table.py"), os.path.join(ck, "gendata", "table.data"),
         os.path.join(gen_dir, "table.h"), os.path.join(gen_dir, "table.cpp")])
    cmd = ["g++", "-std=gnu++17", "-O2", f"-I{ck}/core/include", f"-I{ck}/mod0/include",
           f"-I{ck}/mod1/include", f"-I{out_dir}/gen", "-MD", "-MT", "x.o", "-MF", "x.o.d",
           "-o", "x.o", "-c", os.path.join(ck, "mod0", "src", src)]
    return cmd, out_dir, out_dir, src


def real_project_compile(bench, project, out_dir):
    """A compile of the real project exactly as its build runs it (from
    compile_commands.json of a plain configure, plus Ninja's depfile flags)."""
    ck = project.checkout(os.path.join(out_dir, "ck"))
    env = bench.base_env()
    build = os.path.join(ck, "build")
    run(["cmake", "-S", ck, "-B", build, "-G", "Ninja", "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"]
        + project.configure_flags(), env=env)
    source = bench.args.microbench_source or bench.project.microbench_source
    cmd, cwd = compile_command_of(build, source)
    return cmd, cwd, ck, source


def instructions_per_hit(launcher, cmd, env, cwd, scratch):
    """Instructions of one hit, summed over every process it starts."""
    if not shutil.which("valgrind"):
        return None
    outs = os.path.join(scratch, "callgrind")
    rmtree(outs)
    os.makedirs(outs)
    proc = run(["valgrind", "--tool=callgrind", "--trace-children=yes",
                f"--callgrind-out-file={outs}/cg.%p", launcher] + cmd, env=env, cwd=cwd, check=False)
    if proc.returncode != 0:
        return None
    total = 0
    for path in glob.glob(os.path.join(outs, "cg.*")):
        with open(path) as f:
            for line in f:
                if line.startswith(("summary:", "totals:")):
                    total += int(line.split()[1])
                    break
    rmtree(outs)
    return total


def strace_total(path):
    with open(path) as f:
        for line in f:
            if line.strip().endswith("total"):
                parts = line.split()
                return {"seconds": float(parts[1]), "calls": int(parts[3])}
    return None


def microbench(bench, project, n):
    out_dir = os.path.join(bench.work, "micro")
    rmtree(out_dir)
    os.makedirs(out_dir)
    pick = generated_compile if isinstance(project, GeneratedProject) else real_project_compile
    cmd, cwd, base, source = pick(bench, project, out_dir)
    tools = [t for t in LAUNCHERS if bench.launcher(t)]
    result = {"source": source, "n": n, "tools": tools}
    with bench.lock.held("microbench plain compile"):
        result["load_before"] = {"plain": loadavg()}
        start = time.perf_counter()
        run(cmd, cwd=cwd)
        result["plain_compile_ms"] = round((time.perf_counter() - start) * 1000, 1)
    for tool in tools:
        launcher = bench.launcher(tool)
        env, cache = bench.tool_env(tool, base, None)
        rmtree(cache)
        # The heavy lock (--lock) over the fill and the timed hits; the
        # instruction and syscall counts below do not depend on the load.
        with bench.lock.held(f"microbench {tool}"):
            run([launcher] + cmd, env=env, cwd=cwd)  # fill
            result["load_before"][tool] = loadavg()
            cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            for _ in range(n):
                run([launcher] + cmd, env=env, cwd=cwd)
            result[f"{tool}_hit_ms"] = round((time.perf_counter() - start) * 1000 / n, 2)
            cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        result[f"{tool}_hit_cpu_ms"] = round(cpu * 1000 / n, 2)
        if bench.args.callgrind:
            result[f"{tool}_hit_instructions"] = instructions_per_hit(launcher, cmd, env, cwd, out_dir)
        trace = os.path.join(out_dir, f"{tool}.strace")
        if shutil.which("strace") and run(["strace", "-f", "-c", "-o", trace, launcher] + cmd, env=env, cwd=cwd,
                                          check=False).returncode == 0:
            result[f"{tool}_syscalls"] = strace_total(trace)
        log(f"microbench {tool}: {result[f'{tool}_hit_ms']} ms per hit, {result[f'{tool}_hit_cpu_ms']} ms CPU, "
            f"{result.get(f'{tool}_hit_instructions')} instructions")
    return result
