// A few threads that write cache hits' outputs while Ninja's main thread
// goes on looking up the next edges. A restore is mostly decompression and
// copying; done serially on the main thread it was ~70% of a warm rebuild.
//
// What stays on the main thread: Ninja's own finishing of the edge (deps
// log, build log, restat), which happens only when the runner hands the edge
// back after its restore finished, and every hit decision but a local hit
// (a job may key an edge and look it up in the local cache first:
// local_lookups.h). So an edge's dependents never start before its outputs
// are complete on disk, exactly as after a real command.
//
// Threading: a job touches only what it captured (the files of its edge);
// the pool shares nothing with Ninja. Workers block every signal: Ninja's
// SubprocessSet waits for SIGINT in the main thread's pselect.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

struct Edge;

namespace edgecache::ninja {

class RestorePool {
 public:
  /// `threads`: how many workers (started with the first job).
  explicit RestorePool(size_t threads);
  /// Waits for every job, then joins the workers.
  ~RestorePool();
  RestorePool(const RestorePool&) = delete;
  RestorePool& operator=(const RestorePool&) = delete;

  /// Runs `job` on a worker; `edge` comes back from wait_finished() after it.
  void submit(Edge* edge, std::function<void()> job);
  /// Jobs submitted and not yet returned by wait_finished().
  size_t pending() const;
  /// Blocks until a job has finished, oldest finished first; nullptr when
  /// none is pending.
  Edge* wait_finished();
  /// Blocks until every submitted job has run (their edges stay to be
  /// returned by wait_finished()).
  void drain();

  /// Workers for this machine: one per core, at most four. Not one fewer
  /// for the main thread: its lookups are done before the restores (on a
  /// warm build the links' large outputs come last, while it only waits),
  /// so a worker per core finishes them sooner (fmt's warm rebuild, 2 cores).
  static size_t default_threads();

 private:
  void work();
  /// Runs the queued jobs on the calling thread (no worker could start).
  void run_queued_here();
  /// Takes the oldest queued job, runs it unlocked, marks it finished.
  void run_next_job(std::unique_lock<std::mutex>& lock);

  const size_t threads_;
  mutable std::mutex mutex_;
  /// Signalled when a job is queued, or on stop.
  std::condition_variable queued_;
  /// Signalled when a job finishes.
  std::condition_variable finished_changed_;
  std::deque<std::pair<Edge*, std::function<void()>>> queue_;
  std::deque<Edge*> finished_;
  /// Jobs queued or running.
  size_t running_ = 0;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace edgecache::ninja
