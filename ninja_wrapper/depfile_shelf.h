// Ninja's disk, with the depfiles of hits kept in memory.
//
// For a `deps = gcc` edge Ninja reads the depfile once, when the edge
// finishes, records its dependencies in .ninja_deps and deletes it. A hit
// that wrote it would create a file, write it, rename it into place, then
// Ninja would read and unlink it: on a warm build with a freshly deleted
// build tree, creating a file is the costliest thing a restore does (the
// filesystem looks for an inode not freed a moment ago), and depfiles were
// half the files. The hit's depfile is shelved here instead, and Ninja's
// read of that path takes it from the shelf.
//
// What stays as with the file: Ninja reads the same bytes, and its delete
// removes anything on disk at that path too (a stale depfile, as the
// restore would have replaced and Ninja then deleted). Only edges whose
// depfile nothing else reads are shelved: deps = gcc without -d keepdepfile
// (EdgeFacts::depfile_read_once).
#pragma once

#include <map>
#include <string>

#include "ninja/disk_interface.h"

namespace edgecache::ninja {

class DepfileShelf final : public RealDiskInterface {
 public:
  /// Main thread: a hit's depfile, read by Ninja when the edge finishes.
  void shelve(const std::string& path, std::string content);

  Status ReadFile(const std::string& path, std::string* contents, std::string* err) override;
  int RemoveFile(const std::string& path) override;

 private:
  /// Keyed by the path as the edge's depfile binding spells it, which is
  /// what Ninja asks for.
  std::map<std::string, std::string> shelved_;
};

}  // namespace edgecache::ninja
