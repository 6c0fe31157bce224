// Manifests come from the cache dir or a server: JSON inside the envelope.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "edgecache/blob_envelope.h"
#include "edgecache/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto manifest = edgecache::decode_manifest(bytes);
  if (manifest) (void)edgecache::encode_manifest(*manifest);
  // What every lookup decodes: must agree with the full decode.
  auto candidates = edgecache::decode_manifest_candidates(bytes);
  if (candidates.ok() != manifest.ok()) __builtin_trap();
  auto payload = edgecache::open_blob(edgecache::ObjectKind::kManifest, bytes, 1 << 20);
  if (payload) (void)edgecache::decode_manifest(*payload);
  return 0;
}
