#include "store/remote/shared_transfers.h"

#include <algorithm>
#include <chrono>

#include "edgecache/remote_store.h"
#include "util/worker_thread.h"

namespace edgecache {

namespace {

// How late a first-byte timeout may fire at most, as in curl_transfer.cpp;
// with no such deadline the thread sleeps until a transfer has news or a
// caller hands one over (curl_multi_wakeup).
constexpr int kFirstBytePollMs = 10;
constexpr int kIdlePollMs = 1000;
// Idle connections kept open for the next requests (HTTP/1.1: one per
// request in flight; edgecache-ninja's prefetch has 16 at most).
constexpr long kMaxIdleConnections = 32;

std::mutex g_start_mutex;               // guards the three below
bool g_wanted = false;                  // share_http_connections() was called
bool g_start_failed = false;            // no libcurl, or no thread: never retried
SharedTransfers* g_instance = nullptr;  // set once, never freed: see instance()

}  // namespace

struct SharedTransfers::Job {
  CURL* easy = nullptr;
  long first_byte_timeout_ms = 0;
  std::chrono::steady_clock::time_point started{};
  bool done = false;
  TransferOutcome outcome{};
};

SharedTransfers* SharedTransfers::instance() {
  std::lock_guard lock(g_start_mutex);
  if (g_instance != nullptr || !g_wanted || g_start_failed) return g_instance;
  // Started by the first transfer, which loads libcurl anyway: the remote
  // helper listens on its socket before paying for either.
  const CurlLibrary& curl = curl_library();
  // Lives until the process exits: stores on other threads may use it until
  // then, and its thread only ever waits in curl_multi_poll() between calls.
  auto* engine = new SharedTransfers();
  engine->multi_ = curl.loaded ? curl.multi_init() : nullptr;
  if (engine->multi_ != nullptr)
    curl.multi_setopt(engine->multi_, CURLMOPT_MAXCONNECTS, kMaxIdleConnections);
  if (engine->multi_ == nullptr ||
      !start_worker_thread(engine->thread_, [engine] { engine->run(); })) {
    if (engine->multi_ != nullptr) curl.multi_cleanup(engine->multi_);
    delete engine;
    g_start_failed = true;  // each handle drives its own transfers, as before
    return nullptr;
  }
  engine->thread_.back().detach();
  g_instance = engine;
  return g_instance;
}

TransferOutcome SharedTransfers::perform(CURL* easy, long first_byte_timeout_ms) {
  Job job{easy, first_byte_timeout_ms};
  {
    std::lock_guard lock(mutex_);
    pending_.push_back(&job);
  }
  curl_library().multi_wakeup(multi_);
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return job.done; });
  return job.outcome;
}

void SharedTransfers::finish(Job* job, TransferOutcome outcome) {
  // Removing an unfinished transfer ends only its stream on an HTTP/2
  // connection (its HTTP/1.1 connection is closed); a finished one's
  // connection goes back to the cache for the next caller.
  curl_library().multi_remove_handle(multi_, job->easy);
  active_.erase(std::find(active_.begin(), active_.end(), job));
  publish(job, outcome);
}

void SharedTransfers::publish(Job* job, TransferOutcome outcome) {
  std::lock_guard lock(mutex_);
  job->outcome = outcome;
  job->done = true;
  done_.notify_all();
}

void SharedTransfers::add_pending() {
  std::deque<Job*> jobs;
  {
    std::lock_guard lock(mutex_);
    jobs.swap(pending_);
  }
  for (Job* job : jobs) {
    job->started = std::chrono::steady_clock::now();
    if (curl_library().multi_add_handle(multi_, job->easy) != CURLM_OK) {
      publish(job, {CURLE_FAILED_INIT, false});
      continue;
    }
    active_.push_back(job);
  }
}

int SharedTransfers::expire_first_bytes() {
  int poll_ms = kIdlePollMs;
  for (size_t i = 0; i < active_.size();) {
    Job* job = active_[i];
    if (job->first_byte_timeout_ms <= 0) {
      ++i;
      continue;
    }
    if (first_byte_overdue(job->easy, job->started, job->first_byte_timeout_ms)) {
      finish(job, {CURLE_OPERATION_TIMEDOUT, true});  // erases active_[i]
      continue;
    }
    poll_ms = kFirstBytePollMs;
    ++i;
  }
  return poll_ms;
}

void SharedTransfers::run() {
  const CurlLibrary& curl = curl_library();
  for (;;) {
    add_pending();
    int running = 0;
    if (curl.multi_perform(multi_, &running) != CURLM_OK) {
      // The multi handle is broken: fail what it holds, keep serving (a
      // fresh add may still work; a caller never waits forever).
      while (!active_.empty()) finish(active_.back(), {CURLE_FAILED_INIT, false});
    }
    int queued = 0;
    while (CURLMsg* message = curl.multi_info_read(multi_, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      auto found = std::find_if(active_.begin(), active_.end(),
                                [&](const Job* job) { return job->easy == message->easy_handle; });
      if (found != active_.end()) finish(*found, {message->data.result, false});
    }
    int poll_ms = expire_first_bytes();
    curl.multi_poll(multi_, nullptr, 0, poll_ms, nullptr);
  }
}

void share_http_connections() {
  std::lock_guard lock(g_start_mutex);
  g_wanted = true;
}

}  // namespace edgecache
