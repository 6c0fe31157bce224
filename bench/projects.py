"""The projects the benchmark builds: the generated one (generate_project.py)
and a real public CMake project, fmt, from Debian's source package (offline:
`apt-get source fmtlib`, unpacked once and kept in a cache dir).

A project has one pristine source tree; every build happens in a copy made
for it (`checkout`), so a teammate's checkout is at a path no earlier build
used, as a real teammate's is."""

import json
import os
import shlex
import subprocess
import sys
import tempfile

from bench_support import HERE, log, rmtree, run

# Shared with the real-projects test stage (tests/real_projects): one
# unpacked copy per source package.
DEFAULT_SOURCE_CACHE = "/var/cache/edgecache-bootstrap/real-projects"


class Project:
    name = "project"
    # Ninja targets of every build ([] = the default targets).
    targets = []

    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.source = None  # pristine tree, set by prepare()
        self.info = {}

    def checkout(self, dest):
        """A fresh copy of the sources at `dest` (new mtimes and inodes, as a
        clone has)."""
        rmtree(dest)
        run(["cp", "-r", self.source, dest])
        return dest

    def configure_flags(self):
        return ["-DCMAKE_BUILD_TYPE=Release"]

    def description(self):
        return f"{self.name} ({' '.join(f'{k}={v}' for k, v in self.info.items())})"


class GeneratedProject(Project):
    name = "generated"

    def prepare(self):
        self.source = os.path.join(self.work, "src-generated")
        out = run([sys.executable, os.path.join(HERE, "generate_project.py"), self.source,
                   "--tus", str(self.args.tus), "--seed", str(self.args.seed)]
                  + (["--modules", str(self.args.modules)] if self.args.modules else [])).stdout
        self.info = dict(kv.split("=") for kv in out.split())
        self.targets = self.args.targets

    def configure_flags(self):
        return ["-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_CXX_FLAGS_RELEASE=-O2"]


class FmtProject(Project):
    """fmt with its tests (Debian's fmtlib source; its tests build GoogleTest
    from /usr/src/googletest). --targets fmt builds the library alone: a
    smoke setting of two compiles and one archive."""

    name = "fmt"

    def prepare(self):
        self.source = fetch_debian_source("fmtlib", self.args.source_cache)
        self.targets = self.args.targets
        self.info = {"source": debian_version(self.source)}

    def configure_flags(self):
        # No doc target (doxygen), no install rules: what a developer builds.
        return ["-DCMAKE_BUILD_TYPE=Release", "-DFMT_DOC=OFF", "-DFMT_INSTALL=OFF"]


PROJECTS = {"generated": GeneratedProject, "fmt": FmtProject}


def fetch_debian_source(package, cache_root):
    """The unpacked source of a Debian source package, fetched once with
    `apt-get source` (needs a deb-src entry: scripts/bootstrap.sh adds one) and
    kept in <cache_root>/<package>."""
    dest = os.path.join(cache_root, package)
    if os.path.isfile(os.path.join(dest, "CMakeLists.txt")):
        return dest
    os.makedirs(cache_root, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_root) as tmp:
        log(f"fetching the source of {package} with apt-get source (once; kept in {dest})")
        # The apt lock serializes apt-get runs of concurrent sessions on one machine.
        proc = subprocess.run(["flock", "/tmp/edgecache-apt.lock", "apt-get", "source", "-qq", package], cwd=tmp, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        dirs = [d for d in os.listdir(tmp) if os.path.isdir(os.path.join(tmp, d))]
        if proc.returncode != 0 or len(dirs) != 1:
            sys.exit(f"apt-get source {package} failed (is there a deb-src entry? scripts/bootstrap.sh "
                     f"adds one):\n{proc.stdout[-2000:]}")
        rmtree(dest)
        os.rename(os.path.join(tmp, dirs[0]), dest)
    return dest


def debian_version(source):
    """"fmtlib 9.1.0+ds1-2", from the first line of debian/changelog."""
    try:
        with open(os.path.join(source, "debian", "changelog")) as f:
            name, version = f.readline().split()[:2]
        return f"{name} {version.strip('()')}"
    except (OSError, ValueError):
        return os.path.basename(source)


def compile_command_of(build_dir, source_suffix):
    """argv and directory of the compile of the file ending in `source_suffix`
    in <build_dir>/compile_commands.json, with the depfile flags Ninja adds
    (CMake leaves them out of that file)."""
    with open(os.path.join(build_dir, "compile_commands.json")) as f:
        entries = json.load(f)
    entry = next(e for e in entries if e["file"].endswith(source_suffix))
    argv = shlex.split(entry["command"])
    obj = argv[argv.index("-o") + 1]
    os.makedirs(os.path.join(entry["directory"], os.path.dirname(obj)), exist_ok=True)
    return argv[:1] + ["-MD", "-MT", obj, "-MF", obj + ".d"] + argv[1:], entry["directory"]
