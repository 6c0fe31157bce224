#pragma once
// Make-syntax dependency files as GCC and Clang write them (-MD, -MMD).

#include <string>
#include <string_view>
#include <vector>

#include "edgecache/result.h"

namespace edgecache {

struct Depfile {
  std::vector<std::string> targets;       // left of ':' in every rule, unescaped
  std::vector<std::string> dependencies;  // right of ':' in every rule, unescaped, deduplicated
};

// Understands backslash-newline continuations, "\ " and "\#" escapes, "$$",
// several rules (the phony rules of -MP) and CRLF line ends.
Result<Depfile> parse_depfile(std::string_view text);

}  // namespace edgecache
