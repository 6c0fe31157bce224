"""Process helpers, the nginx remote and the delay proxy, shared by the
benchmark's modules (run_bench.py is the entry point)."""

import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
FIXTURE = os.path.join(REPO, "tests", "fixtures", "nginx_fixture.sh")
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
