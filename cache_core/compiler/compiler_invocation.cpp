#include "edgecache/compiler_invocation.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace edgecache {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Options whose value is the next argument (when not attached).
constexpr std::array kOptionsWithValue = {"-o",
                                          "-I",
                                          "-D",
                                          "-U",
                                          "-include",
                                          "-imacros",
                                          "-include-pch",
                                          "-isystem",
                                          "-iquote",
                                          "-idirafter",
                                          "-MF",
                                          "-MT",
                                          "-MQ",
                                          "-x",
                                          "-arch",
                                          "-target",
                                          "--target",
                                          "-Xassembler",
                                          "--param",
                                          "-isysroot",
                                          "-iprefix",
                                          "-iwithprefix",
                                          "-iwithprefixbefore",
                                          "--sysroot",
                                          "-imultilib",
                                          "-L",
                                          "-l",
                                          "-T",
                                          "-u",
                                          "-z",
                                          "-aux-info",
                                          "-A",
                                          "-dumpbase",
                                          "-dumpdir",
                                          "-dumpbase-ext"};

// Options that make the call something other than "one source in, one object
// out, all inputs in the depfile", so a cached result could be wrong or
// incomplete. Matched as prefixes.
constexpr std::pair<std::string_view, std::string_view> kUncacheablePrefixes[] = {
    {"-save-temps", "save-temps"},
    {"-fprofile-", "profile"},
    {"--coverage", "coverage"},
    {"-ftest-coverage", "coverage"},
    {"-fbranch-probabilities", "profile"},
    {"-march=native", "native-cpu"},
    {"-mcpu=native", "native-cpu"},
    {"-mtune=native", "native-cpu"},
    {"-fplugin", "plugin"},
    {"-iprefix", "include-prefix"},
    {"-iwithprefix", "include-prefix"},
    {"--include", "long-include-option"},
    {"-cxx-isystem", "long-include-option"},
    {"-B", "toolchain-prefix"},
    {"-Xclang", "xclang"},
    {"-Xpreprocessor", "xpreprocessor"},
    {"-Xlinker", "link"},
    {"-Wl,", "link"},
    {"-Wp,", "wp-option"},
    {"-fmodule", "modules"},
    {"-fdump-", "dump"},
    {"-fcallgraph-info", "extra-output"},
    {"-fstack-usage", "extra-output"},
    {"-ftime-trace", "extra-output"},
    {"-fsyntax-only", "syntax-only"},
    {"-gsplit-dwarf", "split-dwarf"},
    {"-MJ", "extra-output"},
    {"-fopt-info", "extra-output"},
    {"-flto", "lto"},
    {"-emit-", "extra-output"},
    {"-fsave-optimization-record", "extra-output"},
    {"-aux-info", "extra-output"},
    {"-save-stats", "extra-output"},
};

// Options under which the output names can change what the compiler writes
// (see CompilerInvocation::output_names_keyed). Matched as prefixes.
constexpr std::array kOutputNameSensitivePrefixes = {"-fprofile",
                                                     "-fauto-profile",
                                                     "-fcs-profile",
                                                     "-fbranch-probabilities",
                                                     "-Wa,",
                                                     "-Xassembler",
                                                     "-frecord-gcc-switches",
                                                     "-frecord-command-line",
                                                     "-grecord-",
                                                     "-fembed-bitcode",
                                                     "-dumpbase",
                                                     "-dumpdir",
                                                     "-gsplit-dwarf",
                                                     "-save-temps",
                                                     "-fdump",
                                                     "-ftest-coverage",
                                                     "--coverage"};

// Flags naming a file the compiler reads that no depfile lists: its content
// goes into the key (a flag naming no file here runs uncached by `reason`).
constexpr std::pair<std::string_view, std::string_view> kFlagFiles[] = {
    {"-specs=", "specs"},
    {"--specs=", "specs"},
    {"-fsanitize-ignorelist=", "sanitizer-list"},
    {"-fsanitize-blacklist=", "sanitizer-list"},
    {"-fprofile-use=", "profile"},
    {"-fprofile-instr-use=", "profile"},
    {"-fprofile-sample-use=", "profile"},
    {"-fauto-profile=", "profile"},
};

// Compiling a header writes a precompiled header: never cached (a clang pch
// records the mtimes of its inputs, so a restored one can fail to load).
constexpr std::array kHeaderLanguages = {"c-header",
                                         "c++-header",
                                         "objective-c-header",
                                         "objective-c++-header",
                                         "c-header-cpp-output",
                                         "c++-header-cpp-output"};
constexpr std::array kHeaderExtensions = {".h", ".hh", ".hpp", ".hxx", ".h++", ".H", ".tcc"};

constexpr std::array kSourceExtensions = {".c",  ".cc", ".cpp", ".cxx", ".c++", ".C",  ".cp", ".m",
                                          ".mm", ".i",  ".ii",  ".s",   ".S",   ".sx", ".CPP"};

bool takes_separate_value(std::string_view arg) {
  return std::find(kOptionsWithValue.begin(), kOptionsWithValue.end(), arg) !=
         kOptionsWithValue.end();
}

std::string_view uncacheable_reason_for(std::string_view arg) {
  if (arg == "-E") return "preprocess-only";
  if (arg == "-S") return "assembly-output";
  for (const auto& [prefix, reason] : kUncacheablePrefixes) {
    if (starts_with(arg, prefix)) return reason;
  }
  return {};
}

bool has_extension_in(std::string_view path, const auto& extensions) {
  auto dot = path.rfind('.');
  if (dot == std::string_view::npos) return false;
  return std::find(extensions.begin(), extensions.end(), path.substr(dot)) != extensions.end();
}

std::string derived_object_name(const std::string& source) {
  std::string base = source.substr(source.find_last_of('/') + 1);
  auto dot = base.rfind('.');
  return (dot == std::string::npos ? base : base.substr(0, dot)) + ".o";
}

// An -MT or -MQ option: the depfile's target as written.
struct TargetOption {
  size_t index = 0;   // of the word holding the value
  size_t prefix = 0;  // length of the flag part of that word (attached form)
  std::string value;
  bool quoted = false;  // -MQ: make-quoted by the compiler
};

struct ParseState {
  CompilerInvocation inv;
  size_t at = 0;  // index of the option being handled
  std::vector<TargetOption> targets;
  bool compile_only = false;
  bool language_given = false;
  bool depfile_only = false;           // -M or -MM without -MD: preprocessing to a dependency list
  bool output_name_sensitive = false;  // an option of kOutputNameSensitivePrefixes
  std::vector<std::string> sources;
};

void mark_uncacheable(ParseState& state, std::string_view reason) {
  if (state.inv.uncacheable_reason.empty()) state.inv.uncacheable_reason = std::string(reason);
}

// An option with its value, separate or attached ("-oa.o").
struct OptionValue {
  std::string_view flag;
  const std::string& value;
  size_t word;    // index of the argv word holding the value
  size_t prefix;  // length of the flag part of that word (0: a separate word)
};

void handle_value(ParseState& state, const OptionValue& option) {
  CompilerInvocation& inv = state.inv;
  std::string_view arg = option.flag;
  const std::string& v = option.value;
  if (arg == "-o" || arg == "-MF") {
    (arg == "-o" ? inv.object : inv.depfile) = v;
    inv.output_name_words.emplace_back(option.word, option.prefix);
  } else if (arg == "-MT" || arg == "-MQ") {
    state.targets.push_back({option.word, option.prefix, v, arg == "-MQ"});
  } else if (arg == "-x") {
    state.language_given = true;
    if (std::find(kHeaderLanguages.begin(), kHeaderLanguages.end(), v) != kHeaderLanguages.end()) {
      mark_uncacheable(state, "pch-build");
    }
  } else if (arg == "-I")
    inv.user_dirs.push_back(v);
  else if (arg == "-isystem")
    inv.system_dirs.push_back(v);
  else if (arg == "-iquote")
    inv.quote_dirs.push_back(v);
  else if (arg == "-idirafter")
    inv.after_dirs.push_back(v);
  else if (arg == "-include" || arg == "-imacros")
    inv.forced_includes.push_back(v);
  else if (arg == "-include-pch")
    inv.include_pchs.push_back(v);
}

// Handles one option (arg starts with '-'); `value` is the following argument
// for options that take one. Returns true when it consumed `value`.
bool handle_option(ParseState& state, std::string_view arg, const std::string* value) {
  CompilerInvocation& inv = state.inv;
  for (std::string_view prefix : kOutputNameSensitivePrefixes) {
    if (starts_with(arg, prefix)) state.output_name_sensitive = true;
  }
  if (starts_with(arg, "-frecord-") || starts_with(arg, "-grecord-"))
    inv.records_command_line = true;
  for (const auto& [flag, reason] : kFlagFiles) {
    if (starts_with(arg, flag)) {
      inv.flag_files.push_back(
          {std::string(flag), std::string(arg.substr(flag.size())), std::string(reason)});
      return false;
    }
  }
  if (auto reason = uncacheable_reason_for(arg); !reason.empty()) {
    mark_uncacheable(state, reason);
    return false;
  }
  if (arg == "-c") {
    state.compile_only = true;
    return false;
  }
  if (arg == "-MD") {
    inv.depfile_mode = DepfileMode::kMD;
    return false;
  }
  if (arg == "-MMD") {
    inv.depfile_mode = DepfileMode::kMMD;
    return false;
  }
  if (arg == "-M" || arg == "-MM") {
    state.depfile_only = true;
    return false;
  }
  if (arg == "-MP" || arg == "-MG") {
    return false;
  }
  if (arg == "-I-") {
    inv.quote_dirs.insert(inv.quote_dirs.end(), inv.user_dirs.begin(), inv.user_dirs.end());
    inv.user_dirs.clear();
    inv.includer_dir_searched = false;
    return false;
  }
  if (starts_with(arg, "-g")) {
    inv.debug_info = arg != "-g0";
    return false;
  }
  if (starts_with(arg, "-ffile-prefix-map=") || starts_with(arg, "-fdebug-prefix-map=") ||
      starts_with(arg, "-fmacro-prefix-map=")) {
    inv.has_prefix_map = true;
    return false;
  }
  if (starts_with(arg, "-fdiagnostics-color") || starts_with(arg, "-fcolor-diagnostics") ||
      starts_with(arg, "-fno-color-diagnostics") || starts_with(arg, "-fno-diagnostics-color")) {
    inv.explicit_color = true;
    return false;
  }
  bool separate = takes_separate_value(arg);
  if (separate && !value) {
    mark_uncacheable(state, "missing-option-value");
    return false;
  }
  std::string attached;
  for (std::string_view opt :
       {"-o", "-MF", "-MT", "-MQ", "-I", "-isystem", "-iquote", "-idirafter", "-x"}) {
    if (arg.size() > opt.size() && starts_with(arg, opt) && !(opt == "-I" && arg == "-include")) {
      attached = std::string(arg.substr(opt.size()));
      arg = opt;
      break;
    }
  }
  OptionValue option{arg, separate ? *value : attached, separate ? state.at + 1 : state.at,
                     separate ? 0 : arg.size()};
  handle_value(state, option);
  return separate;
}

// Decides whether the output names stay in the key, and what the depfile's
// rule names when it is the object. A -MT/-MQ naming something else is
// keyed as written (it is what the depfile says, whatever the object).
void settle_output_names(ParseState& state) {
  CompilerInvocation& inv = state.inv;
  inv.output_names_keyed = state.output_name_sensitive;
  if (inv.depfile_mode == DepfileMode::kNone) return;
  if (state.targets.empty()) {
    inv.depfile_target = make_quoted(inv.object);
  } else if (state.targets.size() == 1 && state.targets.front().value == inv.object) {
    const TargetOption& target = state.targets.front();
    inv.depfile_target = target.quoted ? make_quoted(target.value) : target.value;
    inv.output_name_words.emplace_back(target.index, target.prefix);
  }
}

}  // namespace

CompilerInvocation classify_compiler_invocation(const std::vector<std::string>& argv) {
  ParseState state;
  state.inv.argv = argv;
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    state.at = i;
    if (!arg.empty() && arg[0] == '@') {
      mark_uncacheable(state, "response-file");
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-') {
      const std::string* value = i + 1 < argv.size() ? &argv[i + 1] : nullptr;
      if (handle_option(state, arg, value)) ++i;
      continue;
    }
    if (arg == "-") {
      mark_uncacheable(state, "stdin-input");
      continue;
    }
    if (arg.empty()) {
      mark_uncacheable(state, "empty-argument");
      continue;
    }
    if (has_extension_in(arg, kHeaderExtensions) && !state.language_given)
      mark_uncacheable(state, "pch-build");
    else if (has_extension_in(arg, kSourceExtensions) || state.language_given)
      state.sources.push_back(arg);
    else
      mark_uncacheable(state, "non-source-input");
  }
  CompilerInvocation& inv = state.inv;
  if (state.depfile_only && inv.depfile_mode == DepfileMode::kNone)
    mark_uncacheable(state, "preprocess-only");
  if (!state.compile_only) mark_uncacheable(state, "link");
  if (state.sources.empty()) mark_uncacheable(state, "no-source");
  if (state.sources.size() > 1) mark_uncacheable(state, "multiple-sources");
  if (inv.object == "-") mark_uncacheable(state, "output-to-stdout");
  if (!inv.uncacheable_reason.empty()) return inv;
  inv.source = state.sources.front();
  if (inv.object.empty()) inv.object = derived_object_name(inv.source);
  if (inv.depfile_mode != DepfileMode::kNone && inv.depfile.empty()) {
    auto dot = inv.object.rfind('.');
    auto slash = inv.object.rfind('/');
    bool has_ext = dot != std::string::npos && (slash == std::string::npos || dot > slash);
    inv.depfile = (has_ext ? inv.object.substr(0, dot) : inv.object) + ".d";
  }
  settle_output_names(state);
  inv.cacheable = true;
  return inv;
}

std::vector<std::string> keyed_arguments(const CompilerInvocation& inv) {
  std::vector<std::string> args(inv.argv.begin() + (inv.argv.empty() ? 0 : 1), inv.argv.end());
  if (inv.output_names_keyed) return args;
  for (const auto& [index, prefix] : inv.output_name_words) {
    args[index - 1] = inv.argv[index].substr(0, prefix) + "@output-name@";
  }
  return args;
}

std::string make_quoted(std::string_view path) {
  std::string out;
  for (char c : path) {
    if (c == ' ' || c == '#')
      out += '\\';
    else if (c == '$')
      out += '$';
    out += c;
  }
  return out;
}

const std::vector<std::string>& compiler_environment_variables() {
  static const std::vector<std::string> names = {"CPATH",
                                                 "C_INCLUDE_PATH",
                                                 "CPLUS_INCLUDE_PATH",
                                                 "OBJC_INCLUDE_PATH",
                                                 "OBJCPLUS_INCLUDE_PATH",
                                                 "GCC_EXEC_PREFIX",
                                                 "COMPILER_PATH",
                                                 "LIBRARY_PATH",
                                                 "SOURCE_DATE_EPOCH",
                                                 "LANG",
                                                 "LC_ALL",
                                                 "LC_CTYPE",
                                                 "LC_MESSAGES",
                                                 "GCC_COMPARE_DEBUG",
                                                 "CCC_OVERRIDE_OPTIONS",
                                                 "SDKROOT",
                                                 "MACOSX_DEPLOYMENT_TARGET",
                                                 "GCC_COLORS"};
  return names;
}

}  // namespace edgecache
