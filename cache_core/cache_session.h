#pragma once
// Everything one face needs to use the cache, built from the configuration:
// the local store, the remote (if any) behind its shared health state, the
// tiered store, path normalization and the step cache.

#include <memory>
#include <string>
#include <vector>

#include "edgecache/config.h"
#include "edgecache/file_hasher.h"
#include "edgecache/helper_store.h"
#include "edgecache/local_store.h"
#include "edgecache/miss_explanation.h"
#include "edgecache/path_normalizer.h"
#include "edgecache/remote_spec.h"
#include "edgecache/stats.h"
#include "edgecache/step_cache.h"
#include "edgecache/step_ledger.h"
#include "edgecache/tiered_store.h"

namespace edgecache {

// Only this session's own code needs to know how the remote is watched.
class RemoteHealth;
class ShardedStore;

struct SessionOptions {
  bool no_remote = false;  // the face's --no-remote, on top of the config's no_remote
  // Where remote_helper=auto finds edgecache-remote-helper (the launcher's own
  // dir). Empty: no helper at all (edgecache-ninja is one long-lived process
  // that keeps its own connections).
  std::string helper_dir;
};

// A problem with the stores for the program to say, once per kind.
struct SessionWarning {
  enum class Kind {
    kRemoteHelper,   // the remote helper was bypassed
    kRemoteOff,      // this process switched the remote off (the failure, and for how long)
    kLocalIo,        // the local cache failed to read or write (the build goes on without it)
    kRemoteFailure,  // a remote request failed
  };
  Kind kind;
  std::string text;
};
// The kind's stable name ("remote-helper", "remote-off", "local-io",
// "remote"): what the launcher's once-per-cache-dir warnings are keyed by.
const char* warning_kind_name(SessionWarning::Kind kind);

class CacheSession {
 public:
  CacheSession(const Config& config, SessionOptions options = {});
  ~CacheSession();

  StepCache& steps() { return *step_cache_; }
  // What the program writes down after each lookup and run (history, miss
  // sentences, counters); flush_stats adds its counters.
  StepLedger& ledger() { return *ledger_; }
  TieredStore& store() { return *tiered_; }
  LocalStore& local() { return *local_; }
  FileHasher& hasher() { return hasher_; }
  const PathNormalizer& paths() const { return paths_; }
  const Config& config() const { return config_; }
  bool has_remote() const { return remote_ != nullptr; }
  std::string remote_description() const;
  // The remote as this session has used it so far, for miss explanations.
  RemoteUse remote_use() const;

  // Problems met while setting up (bad remote URL, ...): the face prints them.
  const std::vector<std::string>& setup_warnings() const { return setup_warnings_; }
  // True when this process was the one that switched the remote off: the
  // face prints the warning then, and only then.
  bool remote_switched_off_here() const { return remote_switched_off_here_; }
  // The warning for that moment: the failure, and how long the remote now
  // stays off for every process (RemoteHealthPolicy). "" when this process
  // did not switch it off.
  std::string remote_off_warning() const;
  // Why the remote helper was bypassed in this process ("" when it was not, or
  // for no reason worth a warning): the face prints it once.
  std::string remote_helper_problem() const;
  // The problems above and the stores' failures so far, the first of each
  // kind, in the order of SessionWarning::Kind.
  std::vector<SessionWarning> warnings() const;

  // Adds this session's counters (the stores', the ledger's, plus `extra`)
  // to the cache's stats files.
  Status flush_stats(const Counters& extra = {});

 private:
  void open_remote();
  void open_servers(std::vector<RemoteSpec> specs);
  std::unique_ptr<Store> make_single_remote(std::string_view entry, const RemoteSpec& spec);
  RemoteGate remote_gate();

  Config config_;
  SessionOptions options_;
  PathNormalizer paths_;
  FileHasher hasher_;
  std::unique_ptr<LocalStore> local_;
  std::unique_ptr<Store> remote_;
  std::unique_ptr<RemoteHealth> health_;  // one server: its health; several: null
  ShardedStore* sharded_ = nullptr;       // several servers: remote_, each with its health
  HelperStore* helper_ = nullptr;         // one http(s) server through the helper: remote_
  std::unique_ptr<TieredStore> tiered_;
  std::unique_ptr<StepCache> step_cache_;
  std::unique_ptr<StepLedger> ledger_;
  std::vector<std::string> setup_warnings_;
  bool remote_switched_off_here_ = false;
  std::string remote_off_reason_;  // why a configured remote was not opened
};

}  // namespace edgecache
