#pragma once
// The name of one object in a store.

#include <string>

#include "edgecache/hash.h"

namespace edgecache {

// Stores hold two kinds of objects under 128-bit keys:
//  - a manifest, named by an input key, lists candidate dependency sets and
//    the result key each leads to (two-level lookup, see manifest.h);
//  - a result entry, named by a result key, holds the outputs (entry.h).
enum class ObjectKind : char { kManifest = 'm', kResult = 'r' };

struct CacheKey {
  ObjectKind kind = ObjectKind::kResult;
  Hash128 digest;  // the key's hash, which already includes kFormatVersion

  // "m-<32 hex>" or "r-<32 hex>": the spelling in logs and run records.
  std::string to_string() const;
  // 64 hex digits, distinct per (kind, digest): what bazel-remote's /ac/ wants.
  std::string hex64() const;
  bool operator==(const CacheKey&) const = default;
};

// Bumped whenever the meaning of a key or the bytes of an entry change, so an
// older or newer client never reads an object it does not understand.
// 2: entries record each file's type, so symlinks come back as symlinks.
inline constexpr int kFormatVersion = 2;

}  // namespace edgecache
