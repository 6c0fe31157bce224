#pragma once
// One libcurl transfer driven through a multi handle of our own, so that a
// lookup can give up when a server accepts the request and never answers.
//
// libcurl's own timeouts cover the whole request (CURLOPT_TIMEOUT_MS, which
// a large download may need in full) or the connection; nothing stops a
// request that is connected but waits for its first response byte, except
// the whole-request timeout. Polling the transfer ourselves every few
// milliseconds gives that deadline. Private to cache_core (http_store.cpp).

#include <chrono>

#include "store/remote/curl_library.h"

namespace edgecache {

struct TransferOutcome {
  CURLcode code = CURLE_OK;
  bool first_byte_timed_out = false;  // ended by `first_byte_timeout_ms`
};

// Runs the transfer set up on `easy` through `multi`. Connections stay in
// `multi`'s cache between calls, so a pair reused for the next request
// keeps the connection alive. With `first_byte_timeout_ms` > 0, a transfer
// whose request went out that long ago without a response byte ends with
// CURLE_OPERATION_TIMEDOUT.
TransferOutcome perform_transfer(CURLM* multi, CURL* easy, long first_byte_timeout_ms);

// True when the request of `easy` (added at `started`) went out more than
// `timeout_ms` ago and no byte of the response has come back.
bool first_byte_overdue(CURL* easy, std::chrono::steady_clock::time_point started, long timeout_ms);

}  // namespace edgecache
