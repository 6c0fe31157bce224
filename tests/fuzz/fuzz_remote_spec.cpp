// Remote URLs with attributes come from users and config files.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "edgecache/remote_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = edgecache::parse_remote_spec(text);
  if (spec) (void)edgecache::redacted_url(*spec);
  (void)edgecache::redact_url_credentials(text);
  return 0;
}
