// Runs edge commands as child processes through Ninja's SubprocessSet, which
// also owns Ninja's SIGINT/SIGTERM/SIGHUP handling: an interrupt makes
// WaitForCommand return false, and Abort() stops every child.
//
// Our own equivalent of Ninja's RealCommandRunner, which build.cc keeps in an
// anonymous namespace: the caching runner needs a runner it can wrap.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ninja/build.h"
#include "ninja/subprocess.h"

namespace edgecache::ninja {

class SubprocessCommandRunner final : public CommandRunner {
 public:
  /// What runs for an edge: by default its command as Ninja evaluates it.
  using CommandOf = std::function<std::string(Edge*)>;

  /// `config` must outlive the runner (the Builder's config does).
  explicit SubprocessCommandRunner(const BuildConfig& config, CommandOf command_of = nullptr);

  /// True while fewer than -j commands run and the load is below -l.
  bool CanRunMore() const override;
  bool StartCommand(Edge* edge) override;
  /// Blocks until a command finishes; false if the user interrupted.
  bool WaitForCommand(Result* result) override;
  std::vector<Edge*> GetActiveEdges() override;
  void Abort() override;

 private:
  /// -j and -l.
  const BuildConfig& config_;
  /// Set: the command to run for an edge (the cache may observe it).
  CommandOf command_of_;
  /// The children; constructing it installs Ninja's signal handlers.
  SubprocessSet subprocs_;
  /// Which edge each child runs for. Owns nothing: SubprocessSet hands the
  /// finished Subprocess to us and WaitForCommand deletes it.
  std::map<const Subprocess*, Edge*> edge_of_;
};

}  // namespace edgecache::ninja
