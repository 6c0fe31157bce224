#pragma once
// A real round trip to a remote, to tell a user whether it works before a
// build depends on it (`edgecache connect`, `edgecache doctor`).

#include <memory>
#include <string>
#include <vector>

#include "edgecache/remote_spec.h"
#include "edgecache/remote_store.h"
#include "edgecache/result.h"
#include "edgecache/store.h"

namespace edgecache {

struct ProbeStep {
  std::string name;  // "read", "write probe object", "read it back", "delete it"
  bool ok = false;
  std::string failure;  // "DNS", "refused", "TLS", "auth", "bucket missing", "wrong region",
                        // "404 on read-back", "timeout", ...
  std::string detail;   // the store's message, secrets already redacted
  double milliseconds = 0;
};

struct ProbeReport {
  std::vector<ProbeStep> steps;
  bool ok() const;
};

// Read-only: one read of an object that does not exist (a 404 is the right
// answer). Otherwise: write a probe object, read it back and compare, delete it.
ProbeReport probe_remote(Store& store, bool write);

}  // namespace edgecache
