#include "background_uploader.h"

#include <exception>
#include <utility>

#include "edgecache/cache_session.h"
#include "edgecache/worker_thread.h"

namespace edgecache::ninja {

BackgroundUploader::BackgroundUploader(Config config, size_t threads)
    : config_(std::move(config)), threads_(threads == 0 ? 1 : threads) {}

BackgroundUploader::~BackgroundUploader() { (void)finish(); }

void BackgroundUploader::submit(std::vector<TieredStore::DeferredWrite> writes) {
  if (writes.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(writes));
  }
  queued_.notify_one();
  if (workers_.size() >= threads_) return;
  // No thread to be had: with none at all, finish() runs the writes.
  (void)start_worker_thread(workers_, [this] { work(); });
}

std::string BackgroundUploader::finish() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  queued_.notify_all();
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
  workers_.clear();
  if (!queue_.empty()) work();  // no thread could start: the writes run here
  std::lock_guard<std::mutex> lock(mutex_);
  return warning_;
}

void BackgroundUploader::work() {
  // A failed upload only costs a later build a hit: nothing here may stop
  // the build.
  try {
    CacheSession session(config_);
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      queued_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping, nothing left
      std::vector<TieredStore::DeferredWrite> writes = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      session.store().run_writes(writes);
      lock.lock();
    }
    if (std::string off = session.remote_off_warning(); !off.empty() && warning_.empty())
      warning_ = off;
    lock.unlock();
    (void)session.flush_stats();
  } catch (const std::exception&) {
  }
}

}  // namespace edgecache::ninja
