// Any command line: the classifier decides, never crashes. Arguments are
// separated by NUL bytes in the input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "edgecache/compiler_invocation.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> argv{"gcc"};
  std::string current;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      argv.push_back(current);
      current.clear();
    } else {
      current += static_cast<char>(data[i]);
    }
  }
  argv.push_back(current);
  auto inv = edgecache::classify_compiler_invocation(argv);
  if (inv.cacheable && (inv.source.empty() || inv.object.empty())) __builtin_trap();
  return 0;
}
