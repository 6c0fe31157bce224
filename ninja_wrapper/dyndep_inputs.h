// The inputs an edge learns from its dyndep file (Fortran: the .mod files
// of the modules it uses; CMake writes one dyndep file per target). Ninja
// adds them to the edge's implicit inputs, mixed with the headers from its
// deps log, so they are read back here from the dyndep file itself, with
// Ninja's own parser: they belong in the edge's input key.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "edgecache/file_hasher.h"
#include "ninja/dyndep.h"

struct Edge;
struct State;

namespace edgecache::ninja {

/// What one edge's dyndep file says it reads.
struct DyndepInputsOf {
  /// The implicit inputs it adds, as Ninja spells their paths.
  std::vector<std::string> inputs;
  /// Set when the edge has a dyndep file not loaded yet or unreadable: the
  /// edge cannot be keyed.
  std::string error;
};

/// Reads dyndep files for the edges of one loaded manifest. Each file is
/// parsed once per version on disk (a target's file names all its objects).
/// Not thread-safe: the build's thread only (parsing may add nodes to State).
class DyndepInputs {
 public:
  /// The manifest just loaded; forgets everything read for the last one.
  void reset(State* state);
  DyndepInputsOf of(const Edge& edge);

 private:
  struct ParsedFile {
    FileStamp stamp;
    DyndepFile edges;
  };
  State* state_ = nullptr;
  std::map<std::string, ParsedFile> files_;
};

}  // namespace edgecache::ninja
