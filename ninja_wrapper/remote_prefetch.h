// Lookups ahead of -j: when a remote cache is configured, edgecache-ninja
// looks up every planned edge as soon as the build plan is known, and
// fetches the matching results into the local store. When Ninja later
// offers the edge, try_restore finds a local copy and does not wait on the
// network with a -j slot's worth of work queued behind it.
//
// The whole plan, not only the edges whose inputs are on disk: when an
// upstream edge's lookup finds its result, the entry tells the digests of
// its outputs before they are written (PredictedFiles), so the edges that
// read them (archives, links, consumers of generated headers) are keyed at
// once. A clean teammate build thus looks up every layer of its graph in
// parallel instead of one layer per round trip.
//
// Soundness: a prediction only decides what is fetched into the local store.
// Every edge is still looked up by the main thread (try_restore) with the
// files on disk, so a wrong prediction (a verified hit whose real run wrote
// other bytes, a nondeterministic generator, a race between two writers of
// one result) costs a wasted fetch and a miss, never a wrong hit. Such an
// edge is counted (prefetch.mispredicted) and its record says so.
//
// Threading: each worker has its own CacheSession (LocalStore over the
// shared cache dir, HttpStore, TieredStore, FileHasher answering from the
// shared predictions), so nothing but the plan's states, the predictions and
// the set of remote-fetched keys is shared. Workers read only EdgeFacts copied
// out of Ninja's graph before they start, never the graph. Workers block
// every signal: Ninja's SubprocessSet waits for SIGINT in the main thread's
// pselect.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "edge_step_builder.h"
#include "edgecache/cache_key.h"
#include "edgecache/config.h"
#include "edgecache/predicted_files.h"

struct Edge;
struct Node;

namespace edgecache::ninja {

/// The edges Ninja will run to build some targets (an output is dirty), in
/// dependency order, with what each one waits for.
struct PrefetchPlan {
  std::vector<Edge*> edges;
  /// Per edge: indices of the planned edges whose outputs it reads (inputs
  /// of every kind, order-only too, seen through phony edges).
  std::vector<std::vector<size_t>> producers;
  /// Per edge: false for one the cache never serves (generator, console
  /// pool): its outputs cannot be predicted, so its dependents wait for disk.
  std::vector<bool> cacheable;
};

/// The plan for `targets`. Phony edges are left out (seen through).
PrefetchPlan plan_prefetch(const std::vector<Node*>& targets);

/// Where the main thread is with a planned edge when the prefetch starts
/// (it starts only once a lookup needs the remote: a warm build whose every
/// edge hits the local cache never keys an edge twice).
enum class PrefetchStart {
  kPlanned,     // not offered yet: the workers may look it up
  kMainThread,  // offered, its outputs not on disk yet: outputs_on_disk() comes later
  kOnDisk,      // restored or ran successfully
  kFailed,      // its command failed
};

/// One planned edge handed to the workers.
struct PrefetchEdge {
  EdgeFacts facts;
  std::vector<size_t> producers;
  bool cacheable = true;
  PrefetchStart start = PrefetchStart::kPlanned;
};

class RemotePrefetch {
 public:
  /// Starts up to `threads` workers over `edges` (indices as in the plan).
  RemotePrefetch(const Config& config, EdgeStepContext context, std::vector<PrefetchEdge> edges,
                 int threads = 16);
  /// Stops and joins the workers.
  ~RemotePrefetch();
  RemotePrefetch(const RemotePrefetch&) = delete;
  RemotePrefetch& operator=(const RemotePrefetch&) = delete;

  /// The main thread is about to look edge `index` up: waits while a worker
  /// has it queued or in hand (moving it to the front of the queue), so its
  /// bytes are not fetched twice; then the edge is the main thread's.
  void settle(size_t index);
  /// The main thread restored or ran edge `index` (`ok`: it succeeded): its
  /// dependents may be keyed from the files on disk.
  void outputs_on_disk(size_t index, bool ok);
  /// The result key a worker found for edge `index`, if it found one.
  std::optional<CacheKey> found_result(size_t index) const;
  /// True when a worker brought objects of `input_key` (CacheKey spelling)
  /// from the remote: a local hit on it then counts as a remote hit.
  bool fetched_from_remote(const std::string& input_key) const;
  /// The warning of a worker that switched the remote off, if any
  /// (CacheSession::remote_off_warning; the main thread prints it: workers
  /// never print).
  std::string remote_warning() const;

 private:
  enum class State { kWaiting, kQueued, kWorking, kPredicted, kMainThread, kOnDisk, kFailed };
  void work();
  /// Marks `index` resolved (`ok`: its outputs are known, predicted or on
  /// disk) and queues or fails the dependents. Holds mutex_.
  void resolve_locked(size_t index, bool ok);
  bool resolved(State state) const;

  const Config config_;
  const EdgeStepContext context_;
  const std::vector<PrefetchEdge> edges_;
  /// Per edge: the edges that read its outputs.
  std::vector<std::vector<size_t>> dependents_;
  /// What workers key unwritten outputs by.
  PredictedFiles predictions_;
  std::atomic<bool> stop_{false};
  /// Workers still looking edges up (one whose session cannot be made
  /// leaves): with none, the main thread waits for nothing.
  std::atomic<size_t> alive_{0};
  mutable std::mutex mutex_;
  /// Signalled when the queue grows, an edge resolves, or on stop.
  std::condition_variable changed_;
  /// Guarded by mutex_: per edge, its state and how many producers are not
  /// resolved yet; the edges ready for a worker; what workers found.
  std::vector<State> states_;
  std::vector<size_t> unresolved_;
  std::deque<size_t> queue_;
  std::map<size_t, CacheKey> found_;
  std::set<std::string> from_remote_;
  std::string remote_warning_;
  std::vector<std::thread> workers_;
};

}  // namespace edgecache::ninja
