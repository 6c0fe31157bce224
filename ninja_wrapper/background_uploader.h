// The remote writes of an edgecache-ninja build, off Ninja's main thread.
//
// A step that ran is stored locally at once; its remote writes (the entry,
// then the manifest naming it) go to a few threads with their own
// CacheSession. A manifest's remote update is read, merge, put, and two
// read-backs 50-100 ms apart (TieredStore::update), so on the main thread
// each step that ran held up the next command's start by that long: Ninja's
// own build (66 steps, 18 s plain) took 3.5 s longer cold with a remote than
// without one.
//
// Nothing is lost: the build waits for every write before it ends (finish()),
// as a real command's outputs are complete when Ninja returns. A remote that
// fails is switched off as on the main thread (the shared health state), and
// its warning is handed to the main thread to print: threads never print.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "edgecache/config.h"
#include "edgecache/tiered_store.h"

namespace edgecache::ninja {

class BackgroundUploader {
 public:
  /// Threads start with the first writes.
  explicit BackgroundUploader(Config config, size_t threads = 4);
  /// Waits for the writes (finish()).
  ~BackgroundUploader();
  BackgroundUploader(const BackgroundUploader&) = delete;
  BackgroundUploader& operator=(const BackgroundUploader&) = delete;

  /// Queues one step's writes, in their order (the entry before its manifest).
  void submit(std::vector<TieredStore::DeferredWrite> writes);
  /// Waits until every queued write ran, then joins the threads (which
  /// flush their stats). Returns the warning of a thread that switched the
  /// remote off, or "".
  std::string finish();

 private:
  void work();

  const Config config_;
  const size_t threads_;
  std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<std::vector<TieredStore::DeferredWrite>> queue_;
  bool stop_ = false;
  std::string warning_;
  std::vector<std::thread> workers_;
};

}  // namespace edgecache::ninja
