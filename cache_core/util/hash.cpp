#include "edgecache/hash.h"

#include <xxhash.h>

#include <cstdio>

namespace edgecache {
namespace {

Hash128 from_xxh(XXH128_hash_t h) { return Hash128{h.high64, h.low64}; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string Hash128::hex() const {
  char buffer[33];
  std::snprintf(buffer, sizeof buffer, "%016llx%016llx", static_cast<unsigned long long>(high),
                static_cast<unsigned long long>(low));
  return std::string(buffer, 32);
}

std::optional<Hash128> Hash128::from_hex(std::string_view hex) {
  if (hex.size() != 32) return std::nullopt;
  Hash128 result;
  for (size_t i = 0; i < 32; ++i) {
    int v = hex_value(hex[i]);
    if (v < 0) return std::nullopt;
    uint64_t& half = i < 16 ? result.high : result.low;
    half = (half << 4) | static_cast<uint64_t>(v);
  }
  return result;
}

Hash128 hash_bytes(std::string_view bytes) {
  return from_xxh(XXH3_128bits(bytes.data(), bytes.size()));
}

Hasher::Hasher() : state_(XXH3_createState()) {
  XXH3_128bits_reset(static_cast<XXH3_state_t*>(state_));
}

Hasher::~Hasher() { XXH3_freeState(static_cast<XXH3_state_t*>(state_)); }

void Hasher::update(std::string_view bytes) {
  XXH3_128bits_update(static_cast<XXH3_state_t*>(state_), bytes.data(), bytes.size());
}

void Hasher::update_field(std::string_view bytes) {
  uint64_t size = bytes.size();
  update(std::string_view(reinterpret_cast<const char*>(&size), sizeof size));
  update(bytes);
}

Hash128 Hasher::digest() const {
  return from_xxh(XXH3_128bits_digest(static_cast<XXH3_state_t*>(state_)));
}

}  // namespace edgecache
