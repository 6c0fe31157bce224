#include "edgecache/cache_key.h"

namespace edgecache {

std::string CacheKey::to_string() const {
  return std::string(1, static_cast<char>(kind)) + "-" + digest.hex();
}

std::string CacheKey::hex64() const {
  // The second half is a hash of the kind and the digest so that a manifest
  // and a result with the same digest never collide in a flat namespace.
  Hasher hasher;
  hasher.update(std::string(1, static_cast<char>(kind)));
  hasher.update(digest.hex());
  return digest.hex() + hasher.digest().hex();
}

}  // namespace edgecache
