// The command line of edgecache-ninja: Ninja's own options, with the same
// meaning and defaults, plus the few that steer the cache.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "edge_cache_hooks.h"  // CacheOptions
#include "ninja/build.h"       // BuildConfig

namespace edgecache::ninja {

/// Everything the command line decides before any file is read.
struct NinjaOptions {
  /// Verbosity, -j, -k, -l, -n: handed to Ninja's Builder unchanged.
  BuildConfig config;
  /// -f: the manifest to load, relative to the working directory.
  std::string input_file = "build.ninja";
  /// -C: the directory to change into first; empty means stay.
  std::string working_dir;
  /// -t: the tool to hand to the real ninja; empty means build.
  std::string tool;
  /// -w dupbuild=...: a duplicate edge is an error (Ninja's default) or a warning.
  bool dupe_edges_should_err = true;
  /// -w phonycycle=...: a phony self-reference is an error or a warning.
  bool phony_cycle_should_err = false;
  /// Targets to build, or the arguments of the tool when `tool` is set.
  std::vector<std::string> args;
  /// --skip-cache / --no-remote.
  CacheOptions cache;
};

/// What parsing decided: go on with `options`, or exit with `exit_code`
/// (after --version, -h, -d list, or a bad flag; messages already printed).
struct ParsedCommandLine {
  std::optional<NinjaOptions> options;
  int exit_code = 0;
};

/// Parses argv as Ninja 1.11 does (getopt_long, options may follow targets,
/// `-t TOOL` ends the options). Sets Ninja's debug globals for `-d MODE`.
ParsedCommandLine parse_command_line(int argc, char** argv);

}  // namespace edgecache::ninja
