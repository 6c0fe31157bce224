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
// Final outputs first: the queue serves the edge with the longest chain of
// planned dependents first (the critical path: objects of a library every
// link reads before a test's own objects), and an edge nothing planned
// reads (a final link) whose key used a prediction is written as soon as
// its entry is found ("written early"), while the main thread is still
// restoring the intermediates the next incremental build needs. Sound
// because the main thread still decides that edge at its normal turn with
// the files on disk: the same result restores again (same bytes: only the
// mtime is refreshed, so the output ends newer than its inputs and Ninja's
// log records it as after a real run); another result or a miss overwrites
// the early file (prefetch.early_replaced). A build stopped between the two
// leaves the file without a .ninja_log record (or an older one than its
// inputs): Ninja finds it dirty. The main thread never decides an edge a
// worker is writing (settle waits for the write; a worker never writes an
// edge the main thread has taken). Restat steps and entries with symlinks
// are never written early: a second restore leaves their mtimes alone.
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
#include <cstdint>
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
#include "edgecache/step_cache.h"

struct Edge;
struct Node;

namespace edgecache {
class CacheSession;
}

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
  /// Stops and joins the workers (again: nothing).
  void stop();
  /// At the end of the build: stops the workers, then deletes the outputs
  /// they wrote early for edges the main thread never decided (a build that
  /// failed or was interrupted before their turn, or a restat step that left
  /// its output unchanged, so Ninja never offered them: their early bytes
  /// were keyed from predictions nothing confirmed). Ninja builds them next
  /// time. Returns how many files it deleted.
  size_t remove_undecided_early_writes();
  RemotePrefetch(const RemotePrefetch&) = delete;
  RemotePrefetch& operator=(const RemotePrefetch&) = delete;

  /// The main thread is about to look edge `index` up: waits while a worker
  /// has it queued or in hand (moving it to the front of the queue), so its
  /// bytes are not fetched twice; then the edge is the main thread's.
  /// False when it gave up waiting for a worker (after 20 s).
  bool settle(size_t index);
  /// The main thread runs edge `index` without a lookup (not cacheable
  /// after all): no worker may write its outputs from now on; waits for
  /// one that is writing them.
  void claim(size_t index);
  /// The main thread restored or ran edge `index` (`ok`: it succeeded): its
  /// dependents may be keyed from the files on disk.
  void outputs_on_disk(size_t index, bool ok);
  /// The result key a worker found for edge `index`, if it found one.
  std::optional<CacheKey> found_result(size_t index) const;
  /// True when a worker wrote edge `index`'s outputs early (a final edge
  /// keyed from predictions) and they were not replaced since.
  bool written_early(size_t index) const;
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
  /// Queue order: the main thread's edges first, in the order it asked,
  /// then the longest chain of planned dependents first, then plan order.
  using QueueKey = std::pair<int64_t, size_t>;
  void enqueue_locked(size_t index);
  void dequeue_locked(size_t index);
  /// A worker found the result of a final edge keyed from predictions:
  /// writes its outputs unless the main thread has taken it. True when written.
  bool write_early(size_t index, CacheSession& session, const Step& step, const Entry& entry);
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
  std::set<QueueKey> queue_;
  /// Per edge: its key in queue_ (fixed, or the main thread's urgent one).
  std::vector<int64_t> rank_;
  int64_t next_urgent_ = INT64_MIN;
  /// Per edge: the main thread has decided it may go on with it (settle):
  /// no worker writes its outputs from then on.
  std::vector<bool> claimed_;
  /// Per edge: a worker is writing its outputs early.
  std::vector<bool> writing_;
  /// outputs_on_disk() came while a worker held the edge: 1 ok, 2 failed.
  std::vector<char> on_disk_while_working_;
  /// Edges whose outputs a worker wrote early.
  std::set<size_t> written_early_;
  std::map<size_t, CacheKey> found_;
  std::set<std::string> from_remote_;
  std::string remote_warning_;
  std::vector<std::thread> workers_;
};

}  // namespace edgecache::ninja
