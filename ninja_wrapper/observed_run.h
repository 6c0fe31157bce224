// What an observed run of a step read and wrote, from the trace that
// libedgecache-tracer.so (tracer/) wrote while the command ran, and the
// verdict on it: the read set as manifest dependencies, or why the step is
// not cached.
//
// Trace format (version 1), one event per line, "<tag> <absolute path>\n",
// appended by every traced process of the step (no order across processes):
//   x  a program executed (the file exec reads; also each process's own binary)
//   r  a file opened for reading, or a shared object mapped
//   s  a probe: stat, access, readlink, realpath, a failed open, a PATH
//      lookup miss, a directory opened without listing it
//   d  a directory listed (opendir, fdopendir, scandir, glob)
//   w  created, truncated, opened for writing, renamed to, mkdir'ed, linked,
//      chmod'ed or touched
//   a  opened for appending only: a log the step adds to, a side effect that
//      no restore could replay, so it is neither an output nor a reason to
//      refuse the step
//   u  removed, or renamed away
//   !  the step cannot be fully observed; the rest of the line says why (a
//      statically linked program, another ELF class, setuid, fexecve, ...)
// Paths below /proc, /dev and /sys are not recorded. Paths are not
// canonicalized ("/usr/lib/gcc/../../lib/x.o"): they are fingerprinted as
// written, which the kernel resolves the same way.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "edgecache/file_hasher.h"
#include "edgecache/manifest.h"
#include "edgecache/path_normalizer.h"
#include "edgecache/result.h"
#include "edgecache/step_cache.h"

namespace edgecache::ninja {

/// The events of one trace, by kind (absolute paths, deduplicated).
struct ObservedAccesses {
  /// 'x' and 'r': content read.
  std::set<std::string> reads;
  /// 's': existence, type or link target learned.
  std::set<std::string> probes;
  /// 'd': names listed.
  std::set<std::string> listed;
  /// 'w' and 'u': changed by the step.
  std::set<std::string> written;
  /// 'a': appended to.
  std::set<std::string> appended;
  /// '!' messages.
  std::vector<std::string> untraceable;
};

Result<ObservedAccesses> parse_trace(const std::string& text);

/// What the step may write and what is never an input: absolute paths.
struct ObservedStepPaths {
  /// Declared outputs, the depfile, the rspfile: written by the step, and
  /// read only as the step's own products.
  std::set<std::string> owned;
  /// Our own files: the tracer library and the trace file.
  std::set<std::string> ignored;
  /// The step's working directory: messages name paths relative to it.
  std::string cwd;
};

/// The verdict on one observed run.
struct ObservationVerdict {
  /// Set when the step must not be cached: "untraceable-static-binary",
  /// "untraceable-setuid-program", "untraceable-32-bit-program",
  /// "untraceable-foreign-program", "untraceable-program" (fexecve, ...),
  /// "writes-undeclared-files", "reads-special-file", "unreadable-input";
  /// `detail` names the program, the path, or the first few undeclared
  /// files ("gen.inc, gen.txt (and 3 more)", relative to the cwd);
  /// uncached_reason.h says them in words.
  std::string uncacheable_reason;
  /// Set when this run must not be stored ("input-changed-during-run").
  std::string not_stored_reason;
  std::string detail;
  /// Otherwise: the read set with fingerprints now, for the manifest.
  std::vector<Dependency> deps;
};

/// Judges `accesses` of a run whose inputs were first read at `start`
/// (step_start(); the command began after its granule, wait_past_start_granule):
/// every file written must be owned or gone again (a temporary), and every
/// path read, probed or listed is fingerprinted: content hash, directory
/// listing, "directory", or "absent". A read input changed since the start
/// makes the run unsafe to store.
ObservationVerdict judge_observation(const ObservedAccesses& accesses,
                                     const ObservedStepPaths& paths, const StepStart& start,
                                     FileHasher& hasher, const PathNormalizer& normalizer);

}  // namespace edgecache::ninja
