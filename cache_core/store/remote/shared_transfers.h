#pragma once
// One libcurl multi handle, driven by one thread, for every HTTP transfer
// of a process that asks for it (share_http_connections(), remote_store.h):
// edgecache-ninja, whose lookups ahead of -j run on many threads at once,
// and the remote helper, which serves many compiles at once.
//
// Transfers in flight together then share connections. An https server
// that speaks HTTP/2 (offered by ALPN) carries them as streams of one
// connection: one TLS handshake for the whole build, and curl waits for
// that connection rather than opening more (CURLOPT_PIPEWAIT, set by
// http_store.cpp). An HTTP/1.1 server gets a pool of keep-alive
// connections that every caller draws from. Without it (the launcher: one
// request at a time) each HttpStore handle drives its own transfers
// (curl_transfer.h). Private to cache_core (http_store.cpp).
//
// It is never closed: its thread waits in curl_multi_poll() until the
// process exits. (Closing its connections at the end of each build was
// tried, 9c40dc7: OpenSSL objects were then reported leaked, in 4 runs of
// 6 under ASan.)

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "store/remote/curl_library.h"
#include "store/remote/curl_transfer.h"

namespace edgecache {

class SharedTransfers {
 public:
  // The process's engine once share_http_connections() was called,
  // started by the first call after it; nullptr otherwise, and when libcurl
  // is missing or no thread could be started (then each handle drives its
  // own transfers, as without it).
  static SharedTransfers* instance();

  // Runs the transfer set up on `easy` on the engine's thread and returns
  // when it is done, as perform_transfer() does (the same first-byte
  // timeout). The caller blocks meanwhile: `easy` and every buffer its
  // callbacks touch stay alive, and the outcome is published under the lock.
  TransferOutcome perform(CURL* easy, long first_byte_timeout_ms);

 private:
  struct Job;
  SharedTransfers() = default;
  void run();
  void add_pending();
  // Takes `job` out of the multi handle, then publish()es its outcome.
  void finish(Job* job, TransferOutcome outcome);
  // Hands `outcome` to the caller waiting in perform().
  void publish(Job* job, TransferOutcome outcome);
  // Ends transfers whose request got no response byte in time; the poll
  // timeout until the next such deadline may pass.
  int expire_first_bytes();

  CURLM* multi_ = nullptr;  // driven by the engine's thread only (curl_multi_wakeup: any)
  std::mutex mutex_;
  std::condition_variable done_;
  std::deque<Job*> pending_;  // handed over by perform(), not yet added
  std::vector<Job*> active_;  // added to multi_ (engine thread only)
  std::vector<std::thread> thread_;
};

}  // namespace edgecache
