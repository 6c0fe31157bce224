#pragma once
// The first level of the two-level lookup (ccache's direct mode, for any
// step with discovered dependencies).
//
// A manifest is stored under an input key (command + declared inputs). Each
// candidate lists the dependencies a real run discovered (headers from the
// depfile, directory listings that decide include lookup) with their
// fingerprints then, and the result key they led to. A candidate whose every
// fingerprint matches the file system now names the result to restore.
//
// Payload format (inside the blob envelope, kind 'm'), little-endian, with
// "bytes" a u64 length and that many bytes (byte_codec.h):
//   u32 recipe field count, then per field: bytes name, bytes value
//   u32 candidate count, then per candidate:
//     u64 result high, u64 result low, u32 dependency count,
//     then per dependency: bytes path, bytes fingerprint, bytes stamp
// Binary, not JSON: a manifest is decoded on every lookup, and parsing a
// JSON manifest of a few hundred headers cost more than the rest of a hit.
// Paths carry base-dir placeholders (path_normalizer.h).

#include <string>
#include <string_view>
#include <vector>

#include "edgecache/hash.h"
#include "edgecache/key_recipe.h"
#include "edgecache/result.h"

namespace edgecache {

struct Dependency {
  std::string path;  // normalized path of a discovered input
  // Content hash hex; "listing:<hash>" for a directory the include search
  // visits (include_listing.h); "dir:<hash of names>"; or "absent".
  std::string fingerprint;
  // Stat data of the file when its content was hashed on the machine that
  // wrote this candidate ("" when none). Equal stat data now means equal
  // content, so a lookup on that machine skips reading the file; anywhere
  // else the stamp differs (inode, ctime) and the content is hashed.
  std::string stamp;
  bool operator==(const Dependency& o) const {
    return path == o.path && fingerprint == o.fingerprint;
  }
};

// A dependency as a manifest's payload holds it, without a copy: views into
// the payload (decode_manifest_candidates), or into a Dependency.
struct DependencyView {
  std::string_view path;
  std::string_view fingerprint;
  std::string_view stamp;
  DependencyView(std::string_view p, std::string_view f, std::string_view s)
      : path(p), fingerprint(f), stamp(s) {}
  DependencyView(const Dependency& dep)  // NOLINT: implicit by design, as string_view's
      : path(dep.path), fingerprint(dep.fingerprint), stamp(dep.stamp) {}
};

struct ManifestCandidate {
  std::vector<Dependency> deps;
  Hash128 result;  // result key digest this dependency set produced
};

struct Manifest {
  KeyRecipe recipe;  // the input key's recipe, kept for `edgecache explain`
  std::vector<ManifestCandidate> candidates;  // newest first

  // Puts `candidate` first, drops an older one with the same deps, and keeps
  // at most `max_candidates` so a manifest cannot grow without bound.
  void add_candidate(ManifestCandidate candidate, size_t max_candidates = 16);
};

// A candidate whose dependencies are views into a payload.
struct CandidateView {
  std::vector<DependencyView> deps;
  Hash128 result;
};

std::string encode_manifest(const Manifest& manifest);
Result<Manifest> decode_manifest(std::string_view payload);
// What a lookup matches, on every lookup: the candidates, views into
// `payload` (valid while it is), the recipe skipped. The same checks as
// decode_manifest(), without a string per path (a compile's manifest holds
// thousands: headers, and names that must stay absent).
Result<std::vector<CandidateView>> decode_manifest_candidates(std::string_view payload);

}  // namespace edgecache
