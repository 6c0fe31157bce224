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
std::string classify_failure(const Error& failure) {
  const std::string& m = failure.message;
  if (failure.code == ErrorCode::kTimeout || m.find("imeout") != std::string::npos)
    return "timeout";
  if (m.find("resolve") != std::string::npos) return "DNS";
  if (contains_any(
          m, {"HTTP 401", "HTTP 403", "[auth]", "SignatureDoesNotMatch", "InvalidAccessKeyId"}))
    return "auth";
  if (m.find("NoSuchBucket") != std::string::npos) return "bucket missing";
  if (contains_any(m, {"AuthorizationHeaderMalformed", "PermanentRedirect", "HTTP 301", "region"}))
    return "wrong region";
  if (contains_any(m, {"refused", "Couldn't connect"})) return "refused";
  if (m.find("connect") != std::string::npos) return "connect";
  if (m.find("SSL") != std::string::npos || m.find("certificate") != std::string::npos)
    return "TLS";
  if (m.find("read-only") != std::string::npos) return "read-only";
  if (auto http = m.find("HTTP "); http != std::string::npos) return m.substr(http, 8);
  return "error";
}

CacheKey probe_key() {
  std::random_device random;
  return CacheKey{ObjectKind::kResult, hash_bytes("edgecache-probe-" + std::to_string(random()) +
                                                  std::to_string(random()))};
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

void fail(ProbeStep& step, const Error& failure) {
  step.ok = false;
  step.failure = classify_failure(failure);
  step.detail = failure.message;
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
  if (!write) {
    report.steps.push_back(timed("read", [&](ProbeStep& step) {
      Result<std::string> blob = store.get(key);
      step.ok = blob.ok() || blob.code() == ErrorCode::kNotFound;
      if (!step.ok) fail(step, blob.failure());
    }));
    return report;
  }
  const std::string payload = "edgecache connection probe " + key.digest.hex();
  report.steps.push_back(timed("write probe object", [&](ProbeStep& step) {
    Status written = store.put(key, payload);
    step.ok = written.ok();
    if (!step.ok) fail(step, written.failure());
  }));
  if (!report.steps.back().ok) return report;
  report.steps.push_back(timed("read it back", [&](ProbeStep& step) {
    Result<std::string> blob = store.get(key);
    step.ok = blob.ok() && *blob == payload;
    if (!blob.ok() && blob.code() == ErrorCode::kNotFound) {
      step.failure = "404 on read-back";
      step.detail = "the server accepted the write but does not serve it back";
    } else if (!blob.ok()) {
      fail(step, blob.failure());
    } else if (!step.ok) {
      step.failure = "content mismatch";
      step.detail = "the server returned other bytes than were written";
    }
  }));
  report.steps.push_back(timed("delete it", [&](ProbeStep& step) {
    Status removed = store.remove(key);
    // Servers without DELETE leave one tiny object behind: not a failure.
    step.ok = !removed.failed() || removed.error().find("HTTP 405") != std::string::npos;
    if (!step.ok) fail(step, removed.failure());
  }));
  return report;
}

}  // namespace edgecache
