// Depfiles are written by compilers and custom commands, and come back from
// the cache: the parser and the path normalizer must take any bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "edgecache/path_normalizer.h"
#include "step/depfile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  (void)edgecache::parse_depfile(bytes);
  static const edgecache::PathNormalizer paths({"/src/project", "/src/project/build"});
  (void)paths.restore(paths.normalize(bytes));
  (void)edgecache::absolute_path(bytes, "/cwd");
  return 0;
}
