#pragma once
// The files a step writes, as they are on disk: which output paths the
// cache must leave alone (a device, a FIFO, a symlink a tool writes
// through), how an output is captured into an entry after a run, and how it
// is put back on a hit: a symlink as a symlink, its permission bits, and an
// output that already holds the cached bytes left alone.

#include <optional>
#include <string>

#include "edgecache/entry.h"
#include "edgecache/result.h"
#include "edgecache/step_cache.h"

namespace edgecache {

// The uncacheable reason (stats: uncacheable.output-not-a-file) when an
// output path holds something the cache must not replace: `-o /dev/null`
// (CMake's and autoconf's probes), another device, a FIFO, a socket, a
// directory, or a symlink when the step does not own its symlinks.
inline constexpr const char* kOutputNotAFile = "output-not-a-file";

// Checks every output path before a lookup. Returns a description of the
// first one the cache must not touch (the step then runs uncached), or
// nullopt; records symlink outputs in step->symlinks_before_run.
std::optional<std::string> check_output_paths(Step* step);

// Reads one output after a successful run. nullopt, with `*skip_reason`
// set, when the step must not be stored: "output-missing",
// kOutputNotAFile, "output-written-through-symlink".
std::optional<EntryFile> capture_output(const Step& step, const StepOutput& output,
                                        std::string* skip_reason);

// The content an entry holds for `file`, read from `output` after a run:
// paths under base dirs normalized where it names paths, a depfile's target
// (step.depfile_target) replaced by a placeholder. nullopt, with
// `*skip_reason` = "depfile-target-unexpected", when the depfile does not
// start with that target.
std::optional<std::string> content_to_store(const Step& step, const StepOutput& output,
                                            const EntryFile& file, const PathNormalizer& paths,
                                            std::string* skip_reason);
// The reverse: the bytes `output` gets here, with this checkout's paths and
// this step's depfile target.
std::string content_to_restore(const Step& step, const StepOutput& output,
                               const EntryFileView& file, const PathNormalizer& paths);

// Puts one cached file at `output.path`; `content` is the file's bytes (or
// link target) with this checkout's paths. Never replaces a device, FIFO or
// directory, never a symlink by a regular file (the tool would have
// written through it): an error, which makes the lookup a miss. Written
// atomically (a temporary renamed into place): a reader of the path, or a
// restore that fails half-way, never sees part of the file. Safe on any
// thread for distinct outputs.
Status restore_output(const Step& step, const StepOutput& output, const EntryFileView& file,
                      std::string_view content);
// The bytes restore_entry_file() writes: content_to_restore() when the file
// names paths, else the entry's.
std::string entry_file_content(const Step& step, const StepOutput& output,
                               const EntryFileView& file, const PathNormalizer& paths);
// restore_output() of the entry's `file` with content_to_restore(), copying
// nothing when the file names no paths.
Status restore_entry_file(const Step& step, const StepOutput& output, const EntryFileView& file,
                          const PathNormalizer& paths);

}  // namespace edgecache
