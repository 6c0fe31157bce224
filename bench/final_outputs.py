""""Executables ready": when did every final output of a build exist with
the content the finished build has? Measured the same way for every tool,
from outside the build: a watcher thread polls the final outputs with stat
while the build runs.

Final outputs: the outputs of the steps a build of the requested targets
runs that no other of those steps reads (through phony edges, inputs of
every kind), from `ninja -t graph` of the configured build dir: for fmt with
its tests, the test executables (libfmt.a is read by their links).

Content, not stat: a tool may write a final output twice (edgecache-ninja
writes a final link's output as soon as its entry is fetched, and at the
link's turn finds the same bytes there and only touches it), and a linker
writes its output in place over time. The watcher keeps an open descriptor
on every version (inode) of each final output it sees, and each change of
a version (first seen, then any change of size or mtime) with its time and
a sample of its bytes right then (size, and a checksum of the first and
last 64 KiB: cheap enough not to slow the build it watches; a linker's last
writes, the ELF and section headers, are in them). After the build: the
earliest version from which every later version ends with the final bytes
(whole files compared); in it, the earliest change from which every sample
equals the final file's. That change's time is when the path was ready.
"""

import os
import re
import subprocess
import threading
import time
import zlib

NODE_RE = re.compile(r'^"(0x[0-9a-f]+|[^"]+)" \[label="(.*)"(, shape=ellipse)?\]$')
ARROW_RE = re.compile(r'^"([^"]+)" -> "([^"]+)"(?: \[(.*)\])?$')


def parse_graph(dot):
    """`ninja -t graph` (Ninja 1.11's graphviz.cc) -> (paths, edges): node id
    -> path, and a list of (rule, [input ids], [output ids])."""
    paths, rules, ins, outs = {}, {}, {}, {}
    simple = []
    for line in dot.splitlines():
        m = NODE_RE.match(line)
        if m:
            if m.group(3):
                rules[m.group(1)] = m.group(2)
            else:
                paths[m.group(1)] = m.group(2)
            continue
        m = ARROW_RE.match(line)
        if not m:
            continue
        src, dst, attrs = m.groups()
        label = re.search(r'label=" ([^"]*)"', attrs or "")
        if label:  # one input, one output, drawn as one arrow
            simple.append((label.group(1), [src], [dst]))
        elif src in rules:
            outs.setdefault(src, []).append(dst)
        elif dst in rules:
            ins.setdefault(dst, []).append(src)
    edges = simple + [(rule, ins.get(e, []), outs.get(e, [])) for e, rule in rules.items()]
    return paths, edges


def final_outputs(paths, edges):
    """Outputs of non-phony edges that no non-phony edge reads (seen through
    phony edges)."""
    made_by = {}
    for i, (_rule, _ins, outs) in enumerate(edges):
        for o in outs:
            made_by[o] = i
    read = set()

    def mark_read(node, seen):
        # A phony edge's inputs are read by whoever reads its output.
        if node in seen:
            return
        seen.add(node)
        read.add(node)
        edge = made_by.get(node)
        if edge is not None and edges[edge][0] == "phony":
            for i in edges[edge][1]:
                mark_read(i, seen)
    for rule, ins, _outs in edges:
        if rule != "phony":
            for i in ins:
                mark_read(i, set())
    # `-t graph` names only the nodes it walked: an unread extra output of a
    # multi-output edge has no path there, and is left out.
    finals = [paths[o] for rule, _ins, outs in edges if rule != "phony" for o in outs
              if o not in read and o in paths]
    return sorted(set(finals))


def final_outputs_of(ninja, build, targets):
    """The final outputs (absolute paths) of building `targets` in `build`."""
    dot = subprocess.run([ninja, "-C", build, "-t", "graph"] + targets, check=True, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    paths, edges = parse_graph(dot)
    return [p if os.path.isabs(p) else os.path.join(build, p) for p in final_outputs(paths, edges)]


class FinalOutputWatcher:
    """Polls `paths` every `interval_s` from start(t0) to stop()."""

    def __init__(self, paths, interval_s=0.003):
        self.paths = paths
        self.interval_s = interval_s
        # per path: [version], a version = {"ino", "fd", "sig", "changed"}
        self.versions = {p: [] for p in paths}
        self.stopping = threading.Event()
        self.thread = None
        self.t0 = None
        self.polls = 0

    def start(self, t0):
        self.t0 = t0
        self.poll()  # what was there before the build (a no-op build)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stopping.wait(self.interval_s):
            self.poll()

    def poll(self):
        now = time.perf_counter() - self.t0
        self.polls += 1
        for path, versions in self.versions.items():
            try:
                st = os.stat(path)
            except OSError:
                continue
            sig = (st.st_size, st.st_mtime_ns)
            if versions and versions[-1]["ino"] == (st.st_dev, st.st_ino):
                v = versions[-1]
                if v["sig"] != sig:
                    v["sig"] = sig
                    v["changes"].append((now, sample_fd(v["fd"])))
                continue
            try:
                fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                continue
            fst = os.fstat(fd)
            versions.append({"ino": (fst.st_dev, fst.st_ino), "fd": fd,
                             "sig": (fst.st_size, fst.st_mtime_ns), "changes": [(now, sample_fd(fd))]})

    def stop(self):
        """Ends the watch (after the build) and returns {"ready_s", "finals",
        "rewritten", "missing"}: ready_s is the time the last final output
        became ready (None without final outputs); rewritten counts paths
        written more than once with the final bytes."""
        self.stopping.set()
        if self.thread:
            self.thread.join()
        self.poll()  # the state at the end, in case the last change fell between polls
        ready, rewritten, missing = [], 0, []
        for path, versions in self.versions.items():
            try:
                final = digest_path(path)
                final_sample = sample_path(path)
            except OSError:
                final = None
            if final is None or not versions:
                missing.append(os.path.basename(path))
                self.close(versions)
                continue
            same = [digest_fd(v["fd"]) == final for v in versions]
            first = len(same) - 1
            while first > 0 and same[first - 1]:
                first -= 1
            changes = [c for v in versions[first:] for c in v["changes"]]
            k = len(changes) - 1
            while k > 0 and changes[k - 1][1] == final_sample:
                k -= 1
            ready.append(changes[k][0])
            rewritten += k < len(changes) - 1
            self.close(versions)
        return {"ready_s": round(max(ready), 3) if ready else None, "finals": len(self.paths),
                "rewritten": rewritten, "missing": missing, "polls": self.polls}

    @staticmethod
    def close(versions):
        for v in versions:
            os.close(v["fd"])


def digest_fd(fd):
    """(size, CRC-32) of all of the file's bytes now."""
    crc, offset = 0, 0
    while True:
        chunk = os.pread(fd, 1 << 20, offset)
        if not chunk:
            return offset, crc
        crc = zlib.crc32(chunk, crc)
        offset += len(chunk)


SAMPLE = 64 * 1024


def sample_fd(fd):
    """(size, CRC-32 of the first and last 64 KiB) of the file now."""
    size = os.fstat(fd).st_size
    head = os.pread(fd, SAMPLE, 0)
    tail = os.pread(fd, SAMPLE, max(size - SAMPLE, 0)) if size > SAMPLE else b""
    return size, zlib.crc32(tail, zlib.crc32(head))


def _with_fd(path, what):
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        return what(fd)
    finally:
        os.close(fd)


def digest_path(path):
    return _with_fd(path, digest_fd)


def sample_path(path):
    return _with_fd(path, sample_fd)
