// Turns a Ninja edge into an edgecache Step: the input key (command, tools,
// declared inputs, files named on the command line) and the outputs a hit
// restores. Edges it cannot key safely come back with a reason: they run.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "edgecache/file_hasher.h"
#include "edgecache/path_normalizer.h"
#include "edgecache/step_cache.h"

struct Edge;

namespace edgecache::ninja {

/// The result of keying one edge: a step, or why the edge is not cached.
struct EdgeStep {
  /// Set when the edge is cacheable.
  std::optional<Step> step;
  /// Short and stable ("excluded-rule", "native-cpu", "input-not-a-file"),
  /// used in the stats as uncacheable.<reason>; empty when cacheable.
  std::string uncacheable_reason;
  /// Human detail for the run record, e.g. the input that is not a file.
  std::string detail;
};

/// What keying needs to know of one edge, copied out of Ninja's graph so
/// that other threads (the remote prefetch) can key it while Ninja builds.
struct EdgeFacts {
  std::string rule;
  /// The evaluated command, without the response file.
  std::string command;
  /// The `rspfile` path and the content Ninja writes there before the run.
  std::string rspfile;
  std::string rspfile_content;
  /// The `depfile` binding (unescaped); empty when none.
  std::string depfile;
  /// `deps = gcc` without -d keepdepfile: Ninja reads the depfile once,
  /// when the edge finishes, and deletes it, so a hit may hand it over in
  /// memory (depfile_shelf.h).
  bool depfile_read_once = false;
  /// The depfile a hit hands over in memory (StepCache::restore_found's
  /// `in_memory`): `depfile` when read once, else none.
  const std::string* depfile_in_memory() const { return depfile_read_once ? &depfile : nullptr; }
  /// The explicit and implicit inputs the manifest declares (not order-only,
  /// not the headers Ninja adds from its deps log), as in build.ninja.
  std::vector<std::string> inputs;
  /// The implicit inputs its dyndep file adds (Fortran .mod files): keyed
  /// by content like declared inputs (see DyndepInputs).
  std::vector<std::string> dyndep_inputs;
  /// Set when the edge has a dyndep file that cannot be read now: not cached.
  std::string dyndep_error;
  /// Every output, explicit and implicit.
  std::vector<std::string> outputs;
  /// The rule's `restat`: a hit leaves outputs that already hold the
  /// cached bytes untouched, so Ninja prunes as after a real run.
  bool restat = false;
};

/// The facts of `edge`. `declared_inputs` is how many of its leading
/// non-order-only inputs the manifest declared: Ninja appends the deps log's
/// headers to an edge's implicit inputs, and those belong in the manifest
/// candidates of the two-level lookup, not in the input key (else a clean
/// build and an incremental one would never share a key).
EdgeFacts describe_edge(const Edge& edge, size_t declared_inputs);

/// Why an edge is not cached (see EdgeStep).
struct Uncacheable {
  std::string reason;
  std::string detail;
};

struct CommandScan;

/// What the builder needs besides the edge; fixed for one build.
struct EdgeStepContext {
  /// The build directory (where Ninja runs commands), absolute.
  std::string cwd;
  /// For the memoized tool identities (compiler_identity()).
  std::string cache_dir;
  /// $PATH, to resolve each sub-command's program as the shell would.
  std::string path_env;
  /// Rule names never cached (config exclude_rules); '*' and '?' match as in
  /// the shell, since CMake rule names carry target and config suffixes.
  std::vector<std::string> exclude_rules;
};

/// Keys edges. Not thread-safe (the FileHasher memo); one per thread.
class EdgeStepBuilder {
 public:
  EdgeStepBuilder(EdgeStepContext context, const PathNormalizer& paths, FileHasher& hasher);

  /// Keys the edge `facts` describe; reads files, never Ninja's graph.
  EdgeStep build(const EdgeFacts& edge);

 private:
  std::optional<Uncacheable> key_edge(const EdgeFacts& edge, Step* step);
  void key_command(const std::string& command, const CommandScan& scan, Step* step) const;
  std::optional<Uncacheable> key_compile(const std::vector<std::string>& argv, Step* step) const;
  std::set<std::string> add_outputs(const EdgeFacts& edge, Step* step) const;
  std::optional<Uncacheable> add_inputs(const EdgeFacts& edge, Step* step,
                                        std::set<std::string>* keyed);

  EdgeStepContext context_;
  const PathNormalizer& paths_;
  FileHasher& hasher_;
};

/// True when `rule` matches one of the exclude patterns.
bool rule_is_excluded(const std::string& rule, const std::vector<std::string>& patterns);

/// The words of each simple command of a /bin/sh command line split on
/// `&&`, `||`, `;`, `|` and `&`, with quotes and backslashes removed and
/// redirection operators dropped (their targets stay as words). nullopt with
/// `reason` set for what we cannot read statically: `$` and backquote
/// expansions, globs, `~`, subshells, unbalanced quotes.
std::optional<std::vector<std::vector<std::string>>> split_shell_command(const std::string& command,
                                                                         std::string* reason);

}  // namespace edgecache::ninja
