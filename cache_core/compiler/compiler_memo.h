#pragma once
// The memo files of <cache>/compilers (a compiler's content digest, its
// --version line, its built-in include dirs), read at most once per process.
// Each file's name is a digest of everything its content depends on (the
// compiler's resolved path and stat data; its identity, language, flags and
// include-path variables), so a name read once gives the same content for
// the rest of the process: keeping it is as sound as reading the file again.
// edgecache-ninja keys every compile of a build in one process, with the
// same few memos: fmt's warm rebuild opened them 212 times on Ninja's main
// thread before this. Safe to call from several threads (prefetch workers).

#include <optional>
#include <string>

namespace edgecache {

/// The memo at `path`, from this process's copy or else from the file.
std::optional<std::string> read_compiler_memo(const std::string& path);

/// Writes the memo (atomically; a failure only costs time) and keeps it.
void write_compiler_memo(const std::string& path, const std::string& content);

}  // namespace edgecache
