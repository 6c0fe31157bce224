// Runs a step's command under libedgecache-tracer.so and judges the trace
// (observed_run.h): how edgecache-ninja learns the read and write set of a
// step no tool model describes (links, archives, generators, scripts).
#pragma once

#include <cstdint>
#include <string>

#include "observed_run.h"

namespace edgecache::ninja {

/// Where the trace files of a build live, below the build dir.
inline constexpr const char* kTraceDirPath = ".edgecache/traces";

/// The file name of the tracer library.
inline constexpr const char* kTracerLibrary = "libedgecache-tracer.so";

class StepObserver {
 public:
  /// Finds the tracer next to the running edgecache-ninja (build tree) or in
  /// ../lib/edgecache (install tree); trace files go to `trace_dir`.
  explicit StepObserver(std::string trace_dir);

  /// Empty when steps can be observed; else why not (a run record detail).
  const std::string& unavailable() const { return unavailable_; }

  /// A fresh trace file path for one run.
  std::string new_trace_file();

  /// `command` as /bin/sh runs it, but with the tracer loaded into the shell
  /// and everything it starts, writing to `trace_file`.
  std::string wrap_command(const std::string& command, const std::string& trace_file) const;

  /// Reads and removes `trace_file`, and judges the run that started at
  /// `start`. The tracer and the trace file are never inputs.
  ObservationVerdict judge(const std::string& trace_file, ObservedStepPaths paths,
                           const StepStart& start, FileHasher& hasher,
                           const PathNormalizer& normalizer) const;

  /// Removes a trace that will not be judged (a failed command).
  static void discard(const std::string& trace_file);

 private:
  std::string trace_dir_;
  std::string tracer_;
  std::string unavailable_;
  uint64_t traces_ = 0;
};

}  // namespace edgecache::ninja
