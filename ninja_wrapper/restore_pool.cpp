#include "restore_pool.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "edgecache/worker_thread.h"

namespace edgecache::ninja {

RestorePool::RestorePool(size_t threads) : threads_(std::max<size_t>(threads, 1)) {}

RestorePool::~RestorePool() {
  drain();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  queued_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

size_t RestorePool::default_threads() {
  const unsigned cores = std::thread::hardware_concurrency();
  return std::clamp<size_t>(cores, 1, 4);
}

void RestorePool::submit(Edge* edge, std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.emplace_back(edge, std::move(job));
    ++running_;
  }
  queued_.notify_one();
  if (workers_.size() >= threads_) return;
  // With no worker at all (none could start), nobody would run the job: it runs here.
  if (!start_worker_thread(workers_, [this] { work(); }) && workers_.empty()) run_queued_here();
}

void RestorePool::run_queued_here() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!queue_.empty()) run_next_job(lock);
}

size_t RestorePool::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return running_ + finished_.size();
}

Edge* RestorePool::wait_finished() {
  std::unique_lock<std::mutex> lock(mutex_);
  finished_changed_.wait(lock, [&] { return !finished_.empty() || running_ == 0; });
  if (finished_.empty()) return nullptr;
  Edge* edge = finished_.front();
  finished_.pop_front();
  return edge;
}

void RestorePool::drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  finished_changed_.wait(lock, [&] { return running_ == 0; });
}

void RestorePool::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    queued_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    run_next_job(lock);
  }
}

void RestorePool::run_next_job(std::unique_lock<std::mutex>& lock) {
  auto [edge, job] = std::move(queue_.front());
  queue_.pop_front();
  lock.unlock();
  try {
    job();
  } catch (const std::exception&) {
    // A job reports its own failure in what it captured; an exception
    // escaping it leaves that unset, which the hooks take as a failure.
  }
  job = nullptr;  // what it captured (the entry's bytes) goes now, not later
  lock.lock();
  --running_;
  finished_.push_back(edge);
  finished_changed_.notify_all();
}

}  // namespace edgecache::ninja
