#pragma once
// `edgecache verify`: open every object of the local cache the way a lookup
// would, to prove (in tests, and to users after a crash) that no partial or
// corrupt object is left where a reader could take it.

#include <cstdint>
#include <string>
#include <vector>

#include "edgecache/blob_envelope.h"
#include "edgecache/local_store.h"

namespace edgecache {

struct CheckReport {
  uint64_t objects = 0;          // named objects examined
  std::vector<std::string> bad;  // "<path>: <why>" for each that fails to open or decode
};

// With `remove_bad`, failing objects are deleted (a later lookup would treat
// them as misses anyway).
CheckReport check_local_store(LocalStore& store, const BlobCodec& codec, bool remove_bad);

}  // namespace edgecache
