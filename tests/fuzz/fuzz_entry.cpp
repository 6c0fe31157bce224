// Bytes from a cache dir or a server: the envelope, then the entry decoder.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "edgecache/blob_envelope.h"
#include "edgecache/entry.h"

namespace {
const edgecache::CacheKey kKey{edgecache::ObjectKind::kResult, {}};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // A small limit, so a blob claiming a huge size is rejected, not allocated.
  edgecache::BlobCodec codec{1, "", 1 << 20};
  auto payload = codec.open(kKey, bytes);
  if (payload) (void)edgecache::decode_entry(*payload);
  (void)edgecache::decode_entry(bytes);
  edgecache::BlobCodec signed_codec{1, "key", 1 << 20};
  (void)signed_codec.open(kKey, bytes);
  return 0;
}
