#include "edgecache/remote_probe.h"

#include <chrono>
#include <initializer_list>
#include <random>

namespace edgecache {
namespace {

bool contains_any(const std::string& text, std::initializer_list<const char*> needles) {
  for (const char* needle : needles) {
    if (text.find(needle) != std::string::npos) return true;
  }
  return false;
}

// Names the failing step from the store's message, as a user would look for
// it: name resolution, refused connection, TLS, authorization (HTTP 401/403,
// S3's signature and key errors, Redis's AUTH), a missing bucket, the wrong
// S3 region, timeout.
std::string classify_failure(const StoreReply& reply) {
  const std::string& m = reply.message;
  if (reply.status == StoreStatus::kTimeout || m.find("imeout") != std::string::npos) return "timeout";
  if (m.find("resolve") != std::string::npos) return "DNS";
  if (contains_any(m, {"HTTP 401", "HTTP 403", "[auth]", "SignatureDoesNotMatch", "InvalidAccessKeyId"}))
    return "auth";
  if (m.find("NoSuchBucket") != std::string::npos) return "bucket missing";
  if (contains_any(m, {"AuthorizationHeaderMalformed", "PermanentRedirect", "HTTP 301", "region"}))
    return "wrong region";
  if (contains_any(m, {"refused", "Couldn't connect"})) return "refused";
  if (m.find("connect") != std::string::npos) return "connect";
  if (m.find("SSL") != std::string::npos || m.find("certificate") != std::string::npos) return "TLS";
  if (m.find("read-only") != std::string::npos) return "read-only";
  if (auto http = m.find("HTTP "); http != std::string::npos) return m.substr(http, 8);
  return "error";
}

CacheKey probe_key() {
  std::random_device random;
  return CacheKey{ObjectKind::kResult,
                  hash_bytes("edgecache-probe-" + std::to_string(random()) + std::to_string(random()))};
}

template <typename Call>
ProbeStep timed(const std::string& name, Call call) {
  ProbeStep step;
  step.name = name;
  auto start = std::chrono::steady_clock::now();
  call(step);
  step.milliseconds =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return step;
}

void fail(ProbeStep& step, const StoreReply& reply) {
  step.ok = false;
  step.failure = classify_failure(reply);
  step.detail = reply.message;
}

}  // namespace

bool ProbeReport::ok() const {
  for (const ProbeStep& step : steps) {
    if (!step.ok) return false;
  }
  return !steps.empty();
}

ProbeReport probe_remote(Store& store, bool write) {
  ProbeReport report;
  CacheKey key = probe_key();
  std::string blob;
  if (!write) {
    report.steps.push_back(timed("read", [&](ProbeStep& step) {
      StoreReply reply = store.get(key, &blob);
      step.ok = reply.status == StoreStatus::kNotFound || reply.ok();
      if (!step.ok) fail(step, reply);
    }));
    return report;
  }
  const std::string payload = "edgecache connection probe " + key.digest.hex();
  report.steps.push_back(timed("write probe object", [&](ProbeStep& step) {
    StoreReply reply = store.put(key, payload);
    step.ok = reply.ok();
    if (!step.ok) fail(step, reply);
  }));
  if (!report.steps.back().ok) return report;
  report.steps.push_back(timed("read it back", [&](ProbeStep& step) {
    StoreReply reply = store.get(key, &blob);
    step.ok = reply.ok() && blob == payload;
    if (reply.status == StoreStatus::kNotFound) {
      step.failure = "404 on read-back";
      step.detail = "the server accepted the write but does not serve it back";
    } else if (!reply.ok()) {
      fail(step, reply);
    } else if (!step.ok) {
      step.failure = "content mismatch";
      step.detail = "the server returned other bytes than were written";
    }
  }));
  report.steps.push_back(timed("delete it", [&](ProbeStep& step) {
    StoreReply reply = store.remove(key);
    // Servers without DELETE leave one tiny object behind: not a failure.
    step.ok = !reply.failed() || reply.message.find("HTTP 405") != std::string::npos;
    if (!step.ok) fail(step, reply);
  }));
  return report;
}

}  // namespace edgecache
