#pragma once
// Local first, then remote: a remote hit fills the local cache; a put goes to
// the local cache and, unless read-only or switched off, to the remote.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "edgecache/local_store.h"
#include "edgecache/stats.h"
#include "edgecache/store.h"

namespace edgecache {

// The two tiers: the local cache and the remote.
enum class StoreTier { kLocal, kRemote };

struct FetchedObject {
  std::string blob;
  StoreTier source = StoreTier::kLocal;  // the tier that held it
};

// An addition to an object that concurrent writers add to (a manifest).
struct ObjectUpdate {
  // The blob to write, given the current one (nullptr when there is none).
  std::function<std::string(const std::string* current)> merge;
  // The same for the local cache, when it keeps another encoding (unset:
  // `merge`): a manifest is read at every lookup, so it is kept there
  // uncompressed, and compressed on the remote, whose bytes cross the network.
  std::function<std::string(const std::string* current)> merge_local;
  // True when `blob` already holds the addition.
  std::function<bool(const std::string& blob)> holds_addition;
};

// How the tiered store asks whether the remote may be used now, and reports
// its failures (the launcher backs these with a state file shared between
// processes, so a dead server costs a few timeouts, not one per compile).
struct RemoteGate {
  std::function<bool()> allowed = [] { return true; };
  std::function<void(const Error&)> on_failure = [](const Error&) {};
  std::function<void()> on_success = [] {};
  // True: one failure stops this process from using the remote at all. A
  // remote of several servers (ShardedStore) switches off only the failing
  // server itself, so it sets this to false.
  bool whole_remote_off_after_failure = true;
};

// A failure of one tier, for the program to report once. Which tier failed
// is a field, so no program has to read it out of the text.
struct StoreWarning {
  StoreTier tier = StoreTier::kLocal;
  std::string text;  // "local cache read failed: <why>", "remote cache write failed: <why>", ...
};

class TieredStore {
 public:
  // `local` and `remote` may each be null (no local cache dir, no remote).
  TieredStore(Store* local, Store* remote, RemoteGate gate = {});

  std::optional<FetchedObject> get(const CacheKey& key);
  void put(const CacheKey& key, std::string_view blob);
  // The same object sealed two ways: `local_blob` for the local cache,
  // `remote_blob` for the remote (an entry kept uncompressed here and sent
  // compressed).
  void put(const CacheKey& key, std::string_view local_blob, std::string_view remote_blob);
  // Whether a put() would write the remote now (or defer the write): there
  // is one, writable, and this process has not stopped using it.
  bool writes_remote() const { return remote_ != nullptr && !remote_->read_only() && !remote_off_; }
  // Adds to the object at `key` without losing what concurrent writers add.
  // Local: read, merge and write under the store's update lock. Remote
  // (still under the local lock, so writers sharing a local cache take
  // turns): the remote's own copy is read and merged, put, and read back
  // twice, 50-100 ms apart; when another machine's put replaced ours, merged
  // and put again (up to six puts). Readers see a whole object (puts are
  // atomic), old or new.
  void update(const CacheKey& key, const ObjectUpdate& update);
  // The remote's copy only (no local fill): a second opinion when the local
  // copy of a manifest has no match. nullopt without a usable remote.
  std::optional<std::string> get_remote(const CacheKey& key);
  // Merges into the local copy only (a manifest learnt from the remote).
  void update_local(const CacheKey& key, const ObjectUpdate& update);
  // Drops a corrupt object from the local cache so it is not read again.
  void discard_local(const CacheKey& key);

  // From now on, put() and update() write the local cache at once and keep
  // their remote writes for run_deferred_writes(): a program that must not
  // wait for the remote (the launcher, whose compile is done) runs them
  // after it has handed its result back to the build.
  void defer_remote_writes() { defer_remote_ = true; }
  bool has_deferred_writes() const { return !deferred_.empty(); }
  // The remote writes held back, in the order they were asked for (an entry
  // before the manifest that names it), each update under the local cache's
  // update lock for its key, as update() does; then forgets them.
  void run_deferred_writes();

  // A remote write held back by defer_remote_writes(). It owns what it
  // writes, so another TieredStore (another thread's) may run it.
  struct DeferredWrite {
    CacheKey key;
    std::string blob;                    // a put's bytes
    std::optional<ObjectUpdate> update;  // an update's merge, instead of a put
  };
  // The writes held back so far, handed over (edgecache-ninja's uploader
  // thread runs them with its own store), and forgotten here.
  std::vector<DeferredWrite> take_deferred_writes();
  // Runs `writes` as run_deferred_writes() runs its own.
  void run_writes(const std::vector<DeferredWrite>& writes);

  // The local tier itself (nullptr when none), for a read on another
  // thread (FoundEntry::read_from); counted by the caller.
  Store* local() const { return local_; }
  Counters& counters() { return counters_; }
  // Failures of the local cache or the remote, for the face to report once.
  const std::vector<StoreWarning>& warnings() const { return warnings_; }
  bool has_remote() const { return remote_ != nullptr; }
  // True once this process stopped using the remote (the shared health
  // state said skip it, or a request failed).
  bool remote_skipped() const { return remote_off_; }

 private:
  bool remote_usable();
  void merge_local(const CacheKey& key, const ObjectUpdate& update);
  void update_remote(const CacheKey& key, const ObjectUpdate& update);
  void note_remote_failure(const Error& failure, const char* what);

  void put_remote(const CacheKey& key, std::string_view blob);

  Store* local_;
  Store* remote_;
  RemoteGate gate_;
  bool defer_remote_ = false;            // defer_remote_writes() was called
  std::vector<DeferredWrite> deferred_;  // in the order asked
  bool remote_off_ = false;              // this process stopped using the remote after a failure
  Counters counters_;
  std::vector<StoreWarning> warnings_;
};

}  // namespace edgecache
