// Local lookups off Ninja's main thread. On a warm build the main thread
// was the limit: keying an edge (hashing its inputs, the pch probes) and
// matching its manifest (a stat per recorded header) took ~0.75 ms per edge
// there, while Ninja waited to offer the next one. Once lookups hit, the
// hooks hand each offered edge to a restore thread instead, which keys it,
// matches it against the local cache and, on a hit, writes its outputs: the
// main thread only copies the edge's facts out of Ninja's graph.
//
// Soundness is the main thread's lookup's: Ninja offers an edge only when
// its inputs are on disk, so a lookup on another thread right after sees the
// same files. A worker never decides anything but a local hit: a miss, an
// uncacheable edge or a remote that may hold more goes back to the main
// thread, which looks the edge up again as before (cached_edge_hooks.cpp).
//
// Threading: each worker thread takes a context of its own (a local-only
// CacheSession with its FileHasher, and an EdgeStepBuilder) for one lookup;
// nothing else is shared but the list of paths to forget. What a step of
// the build writes, the main thread's hasher forgets, and through its
// listener every context forgets it before its next lookup: an edge reading
// that path is offered only after the write, so after the forget.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "edge_step_builder.h"
#include "edgecache/cache_session.h"
#include "edgecache/config.h"
#include "edgecache/shared_listings.h"
#include "edgecache/stats.h"
#include "edgecache/step_cache.h"
#include "edgecache/watched_stats.h"

namespace edgecache::ninja {

/// What one worker lookup found.
struct LocalLookup {
  /// The keyed step; unset when the edge is not cacheable (the main thread
  /// keys it again to say why).
  std::optional<Step> step;
  LookupOutcome found;
  FoundEntry located;
  /// Set when found.result is a hit: what writing the outputs did.
  RestoreOutcome restored;
  /// The warnings of the worker's session (the main thread prints them).
  std::vector<SessionWarning> warnings;

  /// A local hit: its outputs are written or their restore failed. Anything
  /// else is for the main thread to decide.
  bool decided() const { return step && found.result == LookupResult::kHit; }
};

class LocalLookups {
 public:
  /// `watched`: the stamps every context's lookups share; `listings`: the
  /// directory names they share (both outlive this).
  LocalLookups(const Config& config, EdgeStepContext context, WatchedStats* watched,
               SharedListings* listings);
  ~LocalLookups();
  LocalLookups(const LocalLookups&) = delete;
  LocalLookups& operator=(const LocalLookups&) = delete;

  /// Any thread: keys the edge `facts` describe with the files on disk, looks
  /// it up in the local cache and on a hit writes its outputs.
  /// `observable`: observed steps (non-compile edges) can be cached.
  void run(const EdgeFacts& facts, bool observable, LocalLookup* out);
  /// Main thread: a step wrote `path` (absolute); every context's hasher
  /// forgets it before its next lookup.
  void forget(const std::string& path);
  /// The counters of the contexts' sessions since the last call, for the
  /// main session's flush_stats. Only once no lookup runs.
  Counters take_counters();

 private:
  struct Context;
  std::unique_ptr<Context> acquire();
  void release(std::unique_ptr<Context> context);

  const Config config_;
  const EdgeStepContext step_context_;
  WatchedStats* const watched_;
  SharedListings* const listings_;
  std::mutex mutex_;
  /// Guarded by mutex_: contexts not in use, and every context made.
  std::vector<std::unique_ptr<Context>> idle_;
  std::vector<Context*> all_;
};

}  // namespace edgecache::ninja
