#pragma once
// The compiler model: reads a GCC or Clang command line, decides whether the
// call is cacheable, and names every file it reads and writes that matters.
// Anything it does not understand is uncacheable: the real compiler runs.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace edgecache {

enum class DepfileMode {
  kNone,  // no -MD/-MMD: the launcher adds its own -MD -MF to learn the headers
  kMD,    // -MD: the user's depfile lists system headers too
  kMMD,   // -MMD: the user's depfile omits system headers
};

// A file named by a flag whose content changes the result, though no depfile
// lists it (-specs=, -fsanitize-ignorelist=, -fprofile-use=<file>, ...).
struct FlagFile {
  std::string flag;    // the flag as written up to and including '='
  std::string path;    // as written
  std::string reason;  // uncacheable reason when it names no readable file
};

struct CompilerInvocation {
  std::vector<std::string> argv;  // the whole command as given, argv[0] is the compiler

  bool cacheable = false;
  std::string uncacheable_reason;  // short, stable, for stats: "link", "preprocess-only", ...

  std::string source;  // the one input file, as written on the command line
  std::string object;  // -o value, or the name the compiler derives
  DepfileMode depfile_mode = DepfileMode::kNone;
  std::string depfile;          // where the compiler writes the depfile (-MF or derived)
  bool debug_info = false;      // -g.. other than -g0: objects embed the working directory
  bool has_prefix_map = false;  // -ffile-prefix-map / -fdebug-prefix-map / -fmacro-prefix-map
  bool explicit_color = false;  // -fdiagnostics-color=.. / -fcolor-diagnostics given
  // -frecord-command-line, -grecord-command-line (and the -gcc-switches
  // spellings): the command line is written into the object, so flags the
  // cache would add (-MD -MF <temp>) would change it.
  bool records_command_line = false;
  // The include search, in the compiler's order (values as written):
  std::vector<std::string> quote_dirs;       // -iquote, and -I before -I-: "..." only
  std::vector<std::string> user_dirs;        // -I
  std::vector<std::string> system_dirs;      // -isystem
  std::vector<std::string> after_dirs;       // -idirafter (after the built-in dirs)
  bool includer_dir_searched = true;         // false after -I-: "..." skips the includer's dir
  std::vector<std::string> forced_includes;  // -include / -imacros names (cwd searched first)
  std::vector<std::string> include_pchs;     // clang -include-pch files
  std::vector<FlagFile> flag_files;          // their content is in the key

  // Whether the output names (-o, -MF, an -MT/-MQ naming the object) can
  // change what the compiler writes. Usually not: the object's bytes do not
  // depend on its name and the depfile's rule names it, which is restored
  // for the current name (depfile_target). They do with flags that record
  // the command line in the object (clang's -frecord-command-line,
  // -grecord-command-line), that derive file names from the object's (a
  // .gcda from -fprofile-use, a .dwo), assembler options, -dumpbase/-dumpdir.
  bool output_names_keyed = true;
  // argv words that only name outputs, left out of the key unless
  // output_names_keyed: (index, length of the flag part kept, e.g. 2 for
  // "-oa.o"; 0 for a separate value).
  std::vector<std::pair<size_t, size_t>> output_name_words;
  // The depfile rule's target as the compiler writes it, when it is the
  // object's name (no -MT/-MQ: the object name, make-escaped; or one -MT or
  // -MQ equal to it): "" when the depfile names no output.
  std::string depfile_target;
};

CompilerInvocation classify_compiler_invocation(const std::vector<std::string>& argv);

// argv[1..] as they go into the key: words that only name outputs replaced by
// a placeholder unless inv.output_names_keyed.
std::vector<std::string> keyed_arguments(const CompilerInvocation& inv);

// A path as GCC and Clang write it as a make target (-MQ, or the default
// target of -MD): ' ' as "\ ", '#' as "\#", '$' as "$$".
std::string make_quoted(std::string_view path);

// Environment variables that change what a compile produces or prints.
const std::vector<std::string>& compiler_environment_variables();

}  // namespace edgecache
