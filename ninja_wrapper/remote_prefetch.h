// Lookups ahead of -j: when a remote cache is configured, edgecache-ninja
// fetches, as soon as the build plan is known, the manifest and results of
// every planned edge whose inputs are already on disk, into the local store.
// When Ninja later offers the edge, TryRestore finds a local copy and does
// not wait on the network with a -j slot's worth of work queued behind it.
//
// Threading: each worker has its own CacheSession (LocalStore over the
// shared cache dir, HttpStore, TieredStore, FileHasher), so nothing but the
// work list and the set of remote-fetched keys is shared. Workers read only
// EdgeFacts copied out of Ninja's graph before they start, never the graph.
// Workers block every signal: Ninja's SubprocessSet waits for SIGINT in the
// main thread's pselect.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "edge_step_builder.h"
#include "edgecache/config.h"

struct Edge;
struct Node;

namespace edgecache::ninja {

/// Edges Ninja will run to build `targets` (their outputs are dirty) whose
/// non-order-only inputs exist and are built by no edge still to run, in
/// dependency order. Never-cached edges (phony, generator, console) are left
/// out.
std::vector<Edge*> PrefetchableEdges(const std::vector<Node*>& targets);

class RemotePrefetch {
 public:
  /// Starts up to `threads` workers over `edges` at once.
  RemotePrefetch(const Config& config, EdgeStepContext context, std::vector<EdgeFacts> edges,
                 int threads = 8);
  /// Stops and joins the workers.
  ~RemotePrefetch();
  RemotePrefetch(const RemotePrefetch&) = delete;
  RemotePrefetch& operator=(const RemotePrefetch&) = delete;

  /// True when a worker brought objects of `input_key` (CacheKey spelling)
  /// from the remote: a local hit on it then counts as a remote hit.
  bool FetchedFromRemote(const std::string& input_key) const;
  /// The store warning of a worker that switched the remote off, if any
  /// (the main thread prints it: workers never print).
  std::string RemoteWarning() const;

 private:
  void Work();

  const Config config_;
  const EdgeStepContext context_;
  const std::vector<EdgeFacts> edges_;
  /// Index of the next edge to fetch.
  std::atomic<size_t> next_{0};
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  /// Guarded by mutex_.
  std::set<std::string> from_remote_;
  /// Guarded by mutex_.
  std::string remote_warning_;
  std::vector<std::thread> workers_;
};

}  // namespace edgecache::ninja
