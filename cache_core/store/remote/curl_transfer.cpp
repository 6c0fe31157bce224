#include "store/remote/curl_transfer.h"

#include <chrono>

namespace edgecache {
namespace {

constexpr int kPollMs = 10;  // how late a first-byte timeout may fire at most

}  // namespace

bool first_byte_overdue(CURL* easy, std::chrono::steady_clock::time_point started,
                        long timeout_ms) {
  const CurlLibrary& curl = curl_library();
  curl_off_t sent_us = 0;
  curl_off_t first_byte_us = 0;
  curl.easy_getinfo(easy, CURLINFO_PRETRANSFER_TIME_T, &sent_us);
  curl.easy_getinfo(easy, CURLINFO_STARTTRANSFER_TIME_T, &first_byte_us);
  if (sent_us <= 0 || first_byte_us > 0) return false;
  auto elapsed_us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
  return elapsed_us - sent_us > static_cast<curl_off_t>(timeout_ms) * 1000;
}

TransferOutcome perform_transfer(CURLM* multi, CURL* easy, long first_byte_timeout_ms) {
  const CurlLibrary& curl = curl_library();
  if (multi == nullptr) return {curl.easy_perform(easy), false};
  if (curl.multi_add_handle(multi, easy) != CURLM_OK) return {curl.easy_perform(easy), false};
  const auto started = std::chrono::steady_clock::now();
  TransferOutcome outcome;
  for (bool done = false; !done;) {
    int running = 0;
    if (curl.multi_perform(multi, &running) != CURLM_OK) {
      outcome.code = CURLE_FAILED_INIT;
      break;
    }
    int queued = 0;
    while (CURLMsg* message = curl.multi_info_read(multi, &queued)) {
      if (message->msg == CURLMSG_DONE && message->easy_handle == easy) {
        outcome.code = message->data.result;
        done = true;
      }
    }
    if (done) break;
    if (first_byte_timeout_ms > 0 && first_byte_overdue(easy, started, first_byte_timeout_ms)) {
      outcome = {CURLE_OPERATION_TIMEDOUT, true};
      break;
    }
    curl.multi_poll(multi, nullptr, 0, kPollMs, nullptr);
  }
  // Removing an unfinished transfer closes its connection; a finished one
  // goes back to the multi handle's connection cache.
  curl.multi_remove_handle(multi, easy);
  return outcome;
}

}  // namespace edgecache
