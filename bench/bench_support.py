"""Process helpers, the nginx remote and the delay proxy, shared by the
benchmark's modules (run_bench.py is the entry point)."""

import contextlib
import fcntl
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


def settle_writes():
    """Untimed, before every timed build and the floor: what the steps
    before it wrote (a configure, an `rm -rf build`, an earlier build's
    outputs and caches) is written back now, not during the timed build.
    Without it the floor's copy grew from 0.03 s to 0.11 s over five
    repetitions of one run, and every tool's warm build with it."""
    os.sync()


def timed(cmd, env=None, cwd=None, watcher=None):
    """Runs cmd under /usr/bin/time -v. Returns (seconds, max_rss_kb, output).
    `watcher` (final_outputs.FinalOutputWatcher) watches from the same start.

    GNU time reports the largest resident set of any single process it
    waited for (getrusage of the children), not the sum over a process tree:
    for a launcher build that is usually one cc1plus, for edgecache-ninja on
    a fully cached build the wrapper itself."""
    rss_file = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"bench-time-{os.getpid()}.txt")
    settle_writes()
    start = time.perf_counter()
    if watcher:
        watcher.start(start)
    try:
        proc = run(["/usr/bin/time", "-v", "-o", rss_file] + cmd, env=env, cwd=cwd)
    finally:
        seconds = time.perf_counter() - start
        if watcher:
            watcher.stopping.set()
    rss = 0
    with open(rss_file) as f:
        for line in f:
            if "Maximum resident set size" in line:
                rss = int(line.rsplit(":", 1)[1])
    os.unlink(rss_file)
    return seconds, rss, proc.stdout


class HeavyLock:
    """The machine's heavy lock (`--lock FILE`), taken around each timed build
    so that no other session builds while one is timed, and released in
    between so that they can. Equivalent to `flock -o FILE`: an exclusive
    flock(2) on a close-on-exec descriptor, so the build's children (ccache's
    storage helper, servers) never inherit it. Only the time after the lock is
    held is ever measured; each wait is recorded.

    `hold_s` (--lock-hold): keep the lock across builds until it has been held
    that long, then release it after the next build (fewer waits when many
    sessions queue for it; the untimed copies and configures between the
    builds then run under it too). 0 releases it after every build. Without a
    path it does nothing."""

    def __init__(self, path, hold_s=0):
        self.path = path
        self.hold_s = hold_s
        self.fd = None
        self.depth = 0
        self.acquired = 0.0
        self.waits = []  # seconds waited per acquisition
        self.held_s = 0.0

    @contextlib.contextmanager
    def held(self, what=""):
        if not self.path:
            yield 0.0
            return
        wait = 0.0
        if self.fd is None:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
            start = time.perf_counter()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log(f"waiting for {self.path} ({what})")
                fcntl.flock(fd, fcntl.LOCK_EX)
            self.acquired = time.perf_counter()
            wait = self.acquired - start
            self.waits.append(round(wait, 1))
            if wait >= 1:
                log(f"waited {wait:.0f} s for {self.path}")
            self.fd = fd
        self.depth += 1
        try:
            yield wait
        finally:
            self.depth -= 1
            if self.depth == 0 and time.perf_counter() - self.acquired >= self.hold_s:
                self.release()

    def release(self):
        if self.fd is not None and self.depth == 0:
            self.held_s += time.perf_counter() - self.acquired
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


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
