#pragma once
// XXH3-128 hashing of bytes and files.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace edgecache {

// A 128-bit digest. Equal digests mean equal content for every purpose of the
// cache; hex() is the one spelling used in file names, URLs and logs.
struct Hash128 {
  uint64_t high = 0;  // first 64 bits of the digest
  uint64_t low = 0;   // last 64 bits of the digest

  std::string hex() const;  // 32 lowercase hex digits
  static std::optional<Hash128> from_hex(std::string_view hex);
  bool operator==(const Hash128&) const = default;
};

Hash128 hash_bytes(std::string_view bytes);

// Streaming hasher; update() calls may split the input anywhere.
class Hasher {
 public:
  Hasher();
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void update(std::string_view bytes);
  // Hashes a length prefix with the bytes so that ("ab","c") != ("a","bc").
  void update_field(std::string_view bytes);
  Hash128 digest() const;

 private:
  void* state_;  // XXH3_state_t, kept opaque so xxhash.h stays out of our headers
};

}  // namespace edgecache
