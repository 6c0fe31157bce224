#include "edgecache/uncached_reason.h"

#include <array>

namespace edgecache {
namespace {

struct ReasonWords {
  std::string_view code;
  // Says the reason; the detail follows after `separator`.
  std::string_view phrase;
  std::string_view separator;
  // What the user can do, or why it matters; may be empty.
  std::string_view advice;
};

// Observed steps (edgecache-ninja's tracer) first, then the reasons found
// before a step runs, then the compiler model's.
constexpr std::array kReasons = {
    ReasonWords{"writes-undeclared-files", "writes undeclared files", ": ",
                " (declare them as outputs, e.g. OUTPUT or BYPRODUCTS, to cache the step)"},
    ReasonWords{"untraceable-static-binary", "untraceable static binary", " ",
                " (LD_PRELOAD cannot see what a statically linked program reads)"},
    ReasonWords{"untraceable-setuid-program", "untraceable setuid program", " ",
                " (the loader ignores LD_PRELOAD for it: what it reads cannot be observed)"},
    ReasonWords{"untraceable-32-bit-program", "untraceable 32-bit program", " ",
                " (the 64-bit tracer cannot be loaded into it: what it reads cannot be observed)"},
    ReasonWords{"untraceable-foreign-program", "untraceable program for another machine", " ",
                " (the tracer cannot be loaded into it: what it reads cannot be observed)"},
    ReasonWords{"untraceable-program", "does something the tracer cannot observe", ": ", ""},
    ReasonWords{"reads-special-file", "reads a device or FIFO", ": ", ""},
    ReasonWords{"unreadable-input", "reads a file edgecache cannot read", ": ", ""},
    ReasonWords{"not-observable", "reads files it does not declare, and its run cannot be observed",
                ": ", ""},
    ReasonWords{"untraced-run", "reads files it does not declare, and its run left no trace", ": ",
                ""},
    ReasonWords{"excluded-rule", "its rule is excluded", ": ", ""},
    ReasonWords{"program-not-found", "runs a program that is not found", ": ", ""},
    ReasonWords{"input-not-a-file", "has an input that is not a file", ": ", ""},
    ReasonWords{"dyndep-unreadable", "its dyndep file cannot be read", ": ", ""},
    ReasonWords{"unreadable-argument", "names a file on its command line that cannot be read", ": ",
                ""},
    ReasonWords{"output-not-a-file", "writes to a path that is not a regular file", ": ", ""},
    ReasonWords{"output-written-through-symlink", "writes through a symlink it did not make", ": ",
                ""},
    ReasonWords{"shell-expansion",
                "its command needs the shell to expand it ($, backquotes, globs, ~)", ": ", ""},
    ReasonWords{"shell-syntax",
                "its command uses shell syntax edgecache does not read (subshells, ...)", ": ", ""},
    ReasonWords{"unbalanced-quote", "its command has an unbalanced quote", ": ", ""},
    ReasonWords{"compound-compile", "a compile inside a compound command", ": ", ""},
    ReasonWords{"compile-without-depfile", "a compile without a depfile", ": ", ""},
    ReasonWords{"internal", "an internal error of the cache", ": ", ""},
    ReasonWords{"link", "a link (the compiler model caches compiles)", ": ", ""},
    ReasonWords{"multiple-sources", "a compile of several sources at once", ": ", ""},
    ReasonWords{"preprocess-only", "preprocessing only", ": ", ""},
    ReasonWords{"time-macros", "uses __DATE__ or __TIME__", ": ", ""},
    ReasonWords{"dependency-env", "DEPENDENCIES_OUTPUT or SUNPRO_DEPENDENCIES is set", ": ", ""},
    ReasonWords{"records-command-line", "records its command line in the object and has no depfile",
                ": ", " (add -MD: the -MD -MF edgecache would add would be recorded too)"},
    // Why a run was not stored.
    ReasonWords{"input-changed-during-run", "an input changed while the step ran", ": ", ""},
    ReasonWords{"bad-depfile", "its depfile cannot be read", ": ", ""},
    ReasonWords{"unusual-include-name", "it includes a header by an unusual name", ": ", ""},
    ReasonWords{"depfile-target-unexpected", "its depfile does not start with the object's name",
                ": ", ""},
    ReasonWords{"output-name-in-messages",
                "its messages name an output, so they are not the same for another name", ": ", ""},
};

const ReasonWords* find_reason(std::string_view code) {
  for (const ReasonWords& words : kReasons) {
    if (words.code == code) return &words;
  }
  return nullptr;
}

}  // namespace

std::string uncached_phrase(std::string_view reason) {
  if (const ReasonWords* words = find_reason(reason)) return std::string(words->phrase);
  std::string phrase(reason);
  for (char& c : phrase) c = c == '-' ? ' ' : c;
  return phrase;
}

std::string uncached_sentence(std::string_view reason, std::string_view detail) {
  const ReasonWords* words = find_reason(reason);
  std::string sentence = "not cached: " + uncached_phrase(reason);
  if (!detail.empty())
    sentence += std::string(words ? words->separator : ": ") + std::string(detail);
  if (words) sentence += words->advice;
  return sentence;
}

std::string not_stored_sentence(std::string_view reason, std::string_view detail) {
  std::string sentence = "not stored: " + uncached_phrase(reason);
  if (!detail.empty()) sentence += ": " + std::string(detail);
  return sentence;
}

}  // namespace edgecache
