#include "build_session.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "build_summary.h"
#include "caching_command_runner.h"
#include "depfile_shelf.h"
#include "ninja/build.h"
#include "ninja/build_log.h"
#include "ninja/debug_flags.h"  // g_experimental_statcache
#include "ninja/deps_log.h"
#include "ninja/disk_interface.h"
#include "ninja/graph.h"
#include "ninja/manifest_parser.h"
#include "ninja/metrics.h"
#include "ninja/state.h"
#include "ninja/status.h"
#include "ninja/util.h"
#include "subprocess_command_runner.h"

namespace edgecache::ninja {
namespace {

/// Whether the manifest-rebuild step changed build.ninja.
enum class ManifestRebuild { kUnchanged, kRebuilt, kFailed };

// Ninja's BuildLogUser has a non-virtual destructor (not ours to change);
// BuildSession is final and never deleted through it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
/// The loaded graph of one manifest generation and the logs that go with it.
/// A fresh one is made after each generator run, as Ninja does, because
/// nodes and edges of the old manifest must not leak into the new graph.
class BuildSession final : public BuildLogUser {
 public:
  BuildSession(const NinjaOptions& options, EdgeCacheHooks* hooks, Status* status)
      : options_(options), hooks_(hooks), status_(status), start_millis_(GetTimeMillis()) {}

  /// Parses the manifest; prints Ninja's message on failure.
  bool load_manifest() {
    ManifestParserOptions parser_options;
    if (options_.dupe_edges_should_err) parser_options.dupe_edge_action_ = kDupeEdgeActionError;
    if (options_.phony_cycle_should_err)
      parser_options.phony_cycle_action_ = kPhonyCycleActionError;
    ManifestParser parser(&state_, &disk_, parser_options);
    std::string err;
    if (parser.Load(options_.input_file, &err)) {
      if (hooks_ != nullptr) hooks_->on_manifest_loaded(state_);
      return true;
    }
    status_->Error("%s", err.c_str());
    return false;
  }

  /// Creates $builddir and opens both logs for reading and (unless -n) writing.
  bool open_logs() {
    const std::string build_dir = state_.bindings_.LookupVariable("builddir");
    const bool dry_run = options_.config.dry_run;
    if (!build_dir.empty() && !dry_run && !disk_.MakeDirs(build_dir + "/.") && errno != EEXIST) {
      Error("creating build directory %s: %s", build_dir.c_str(), std::strerror(errno));
      return false;
    }
    const std::string prefix = build_dir.empty() ? "" : build_dir + "/";
    return open_build_log(prefix + ".ninja_log", dry_run) &&
           open_deps_log(prefix + ".ninja_deps", dry_run);
  }

  ManifestRebuild rebuild_manifest(std::string* err);
  int build_targets();

  /// BuildLogUser: during log recompaction, an entry may be dropped when its
  /// output is no longer built by the manifest and no longer on disk.
  bool IsPathDead(StringPiece path) const override {
    const Node* node = state_.LookupNode(path);
    if (node != nullptr && node->in_edge() != nullptr) return false;
    std::string err;
    const TimeStamp mtime = disk_.Stat(path.AsString(), &err);
    if (mtime == -1) Error("%s", err.c_str());
    return mtime == 0;
  }

  void dump_metrics() {
    g_metrics->Report();
    std::printf("\npath->node hash load %.2f (%zu entries / %zu buckets)\n",
                static_cast<double>(state_.paths_.size()) /
                    static_cast<double>(state_.paths_.bucket_count()),
                state_.paths_.size(), state_.paths_.bucket_count());
  }

 private:
  bool open_build_log(const std::string& path, bool dry_run);
  bool open_deps_log(const std::string& path, bool dry_run);
  /// A Builder whose commands go through the caching runner. With -n the
  /// runner stays unset so Ninja's Builder uses its own dry-run runner.
  std::unique_ptr<Builder> make_builder(CachingCommandRunner** runner);
  bool collect_targets(std::vector<Node*>* targets, std::string* err);
  Node* collect_target(std::string path, std::string* err);

  const NinjaOptions& options_;
  EdgeCacheHooks* hooks_;
  Status* status_;
  /// Build start, the zero of the times Ninja writes into .ninja_log.
  int64_t start_millis_;
  State state_;
  /// Ninja's disk, with the depfiles of hits kept in memory.
  DepfileShelf disk_;
  BuildLog build_log_;
  DepsLog deps_log_;
};
#pragma GCC diagnostic pop

bool BuildSession::open_build_log(const std::string& path, bool dry_run) {
  std::string err;
  if (build_log_.Load(path, &err) == LOAD_ERROR) {
    Error("loading build log %s: %s", path.c_str(), err.c_str());
    return false;
  }
  // Load() reports recoverable problems (e.g. an old log version) in `err`.
  if (!err.empty()) Warning("%s", err.c_str());
  err.clear();
  if (!dry_run && !build_log_.OpenForWrite(path, *this, &err)) {
    Error("opening build log: %s", err.c_str());
    return false;
  }
  return true;
}

bool BuildSession::open_deps_log(const std::string& path, bool dry_run) {
  std::string err;
  if (deps_log_.Load(path, &state_, &err) == LOAD_ERROR) {
    Error("loading deps log %s: %s", path.c_str(), err.c_str());
    return false;
  }
  if (!err.empty()) Warning("%s", err.c_str());
  err.clear();
  if (!dry_run && !deps_log_.OpenForWrite(path, &err)) {
    Error("opening deps log: %s", err.c_str());
    return false;
  }
  return true;
}

std::unique_ptr<Builder> BuildSession::make_builder(CachingCommandRunner** runner) {
  auto builder = std::make_unique<Builder>(&state_, options_.config, &build_log_, &deps_log_,
                                           &disk_, status_, start_millis_);
  *runner = nullptr;
  if (!options_.config.dry_run) {
    SubprocessCommandRunner::CommandOf command_of;
    if (hooks_ != nullptr)
      command_of = [hooks = hooks_](Edge* edge) { return hooks->command_for(edge); };
    auto caching = std::make_unique<CachingCommandRunner>(
        std::make_unique<SubprocessCommandRunner>(options_.config, std::move(command_of)), hooks_,
        &disk_);
    *runner = caching.get();
    builder->command_runner_ = std::move(caching);
  }
  return builder;
}

ManifestRebuild BuildSession::rebuild_manifest(std::string* err) {
  std::string path = options_.input_file;
  if (path.empty()) {
    *err = "empty path";
    return ManifestRebuild::kFailed;
  }
  uint64_t slash_bits = 0;
  CanonicalizePath(&path, &slash_bits);
  // A manifest that no edge builds (hand-written build.ninja) is never stale.
  Node* manifest = state_.LookupNode(path);
  if (manifest == nullptr) return ManifestRebuild::kUnchanged;

  CachingCommandRunner* runner = nullptr;
  std::unique_ptr<Builder> builder = make_builder(&runner);
  if (!builder->AddTarget(manifest, err))
    return err->empty() ? ManifestRebuild::kUnchanged : ManifestRebuild::kFailed;
  if (builder->AlreadyUpToDate()) return ManifestRebuild::kUnchanged;
  if (!builder->Build(err)) return ManifestRebuild::kFailed;
  // A restat rule may have found build.ninja unchanged after all. Then the
  // graph we hold is still right, but its dirty marks from this mini-build
  // are not: reset them before the real build scans again.
  if (!manifest->dirty()) {
    state_.Reset();
    return ManifestRebuild::kUnchanged;
  }
  return ManifestRebuild::kRebuilt;
}

Node* BuildSession::collect_target(std::string path, std::string* err) {
  if (path.empty()) {
    *err = "empty path";
    return nullptr;
  }
  uint64_t slash_bits = 0;
  CanonicalizePath(&path, &slash_bits);
  // "foo.cc^" names the first output built from foo.cc.
  const bool first_output = path.back() == '^';
  if (first_output) path.pop_back();
  Node* node = state_.LookupNode(path);
  if (node == nullptr) {
    *err = "unknown target '" + Node::PathDecanonicalized(path, slash_bits) + "'";
    if (path == "clean") {
      *err += ", did you mean 'ninja -t clean'?";
    } else if (path == "help") {
      *err += ", did you mean 'ninja -h'?";
    } else if (Node* suggestion = state_.SpellcheckNode(path)) {
      *err += ", did you mean '" + suggestion->path() + "'?";
    }
    return nullptr;
  }
  if (!first_output) return node;
  if (!node->out_edges().empty()) {
    const Edge* edge = node->out_edges().front();
    if (!edge->outputs_.empty()) return edge->outputs_.front();
    *err = "'" + path + "' has no out edge";
    return nullptr;
  }
  if (Node* dependent = deps_log_.GetFirstReverseDepsNode(node)) return dependent;
  *err = "'" + path + "' has no out edge";
  return nullptr;
}

bool BuildSession::collect_targets(std::vector<Node*>* targets, std::string* err) {
  if (options_.args.empty()) {
    *targets = state_.DefaultNodes(err);
    return err->empty();
  }
  for (const std::string& arg : options_.args) {
    Node* node = collect_target(arg, err);
    if (node == nullptr) return false;
    targets->push_back(node);
  }
  return true;
}

int BuildSession::build_targets() {
  std::string err;
  std::vector<Node*> targets;
  if (!collect_targets(&targets, &err)) {
    status_->Error("%s", err.c_str());
    return 1;
  }
  disk_.AllowStatCache(g_experimental_statcache);
  CachingCommandRunner* runner = nullptr;
  std::unique_ptr<Builder> builder = make_builder(&runner);
  for (Node* target : targets) {
    // false with an empty err means "already up to date", not a failure.
    if (!builder->AddTarget(target, &err) && !err.empty()) {
      status_->Error("%s", err.c_str());
      return 1;
    }
  }
  // Restat rules must see the timestamps commands leave, not cached ones.
  disk_.AllowStatCache(false);
  if (builder->AlreadyUpToDate()) {
    status_->Info("no work to do.");
    return 0;
  }
  if (runner != nullptr && hooks_ != nullptr) hooks_->on_build_planned(targets);
  const bool ok = builder->Build(&err);
  if (runner != nullptr && hooks_ != nullptr) {
    if (auto line = format_build_summary(hooks_->counts(), runner->counts()))
      std::printf("%s\n", line->c_str());
  }
  if (ok) return 0;
  status_->Info("build stopped: %s.", err.c_str());
  return err.find("interrupted by user") != std::string::npos ? 2 : 1;
}

}  // namespace

int run_build_command(const NinjaOptions& options, EdgeCacheHooks* hooks, Status* status) {
  // Each generator run may leave build.ninja dirty again (e.g. a clock
  // skew); give up after this many rounds, as Ninja does.
  constexpr int kMaxManifestRebuilds = 100;
  for (int round = 0; round < kMaxManifestRebuilds; ++round) {
    BuildSession session(options, hooks, status);
    if (!session.load_manifest() || !session.open_logs()) return 1;
    std::string err;
    switch (session.rebuild_manifest(&err)) {
      case ManifestRebuild::kRebuilt:
        // -n only pretends to regenerate; the manifest would stay stale forever.
        if (options.config.dry_run) return 0;
        continue;  // load the new build.ninja
      case ManifestRebuild::kFailed:
        status->Error("rebuilding '%s': %s", options.input_file.c_str(), err.c_str());
        return 1;
      case ManifestRebuild::kUnchanged:
        break;
    }
    const int result = session.build_targets();
    if (g_metrics != nullptr) session.dump_metrics();
    return result;
  }
  status->Error("manifest '%s' still dirty after %d tries, perhaps system time is not set",
                options.input_file.c_str(), kMaxManifestRebuilds);
  return 1;
}

}  // namespace edgecache::ninja
