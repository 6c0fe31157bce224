#include "edge_step_builder.h"

#include <fnmatch.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <string_view>
#include <utility>

#include "edgecache/compile_step.h"
#include "edgecache/compiler_identity.h"
#include "edgecache/compiler_invocation.h"
#include "edgecache/step_outputs.h"
#include "ninja/debug_flags.h"  // g_keep_depfile
#include "ninja/graph.h"

namespace edgecache::ninja {

using Words = std::vector<std::string>;

namespace {

/// A reader of one /bin/sh command line, for split_shell_command.
class ShellSplitter {
 public:
  explicit ShellSplitter(const std::string& text) : text_(text) {}

  std::optional<std::vector<Words>> split(std::string* reason) {
    for (pos_ = 0; pos_ < text_.size() && error_.empty(); ++pos_) step(text_[pos_]);
    end_command();
    if (!error_.empty()) {
      *reason = error_;
      return std::nullopt;
    }
    return std::move(commands_);
  }

 private:
  void step(char c) {
    switch (c) {
      case '\\':
        if (pos_ + 1 < text_.size()) append(text_[++pos_]);
        return;
      case '\'':
        return single_quoted();
      case '"':
        return double_quoted();
      case '$':
      case '`':
        error_ = "shell-expansion";
        return;
      case '*':
      case '?':
      case '(':
      case ')':
      case '#':
      case '~':
      case '[':
        // '~', '#', '[' only matter at a word start, but are rare enough in
        // generated commands that being strict costs nothing.
        error_ = "shell-syntax";
        return;
      case ' ':
      case '\t':
      case '\n':
        return end_word();
      case '&':
      case '|':
      case ';':
        return end_command();
      case '<':
      case '>':
        return redirection();
      default:
        append(c);
    }
  }

  void append(char c) {
    word_ += c;
    in_word_ = true;
  }

  void single_quoted() {
    const size_t close = text_.find('\'', pos_ + 1);
    if (close == std::string::npos) {
      error_ = "unbalanced-quote";
      return;
    }
    word_.append(text_, pos_ + 1, close - pos_ - 1);
    in_word_ = true;
    pos_ = close;
  }

  void double_quoted() {
    in_word_ = true;
    for (++pos_; pos_ < text_.size(); ++pos_) {
      const char c = text_[pos_];
      if (c == '"') return;
      if (c == '$' || c == '`') {
        error_ = "shell-expansion";
        return;
      }
      // Inside double quotes a backslash only escapes these.
      if (c == '\\' && pos_ + 1 < text_.size() &&
          std::string_view("\"\\\n").find(text_[pos_ + 1]) != std::string_view::npos) {
        ++pos_;
      }
      word_ += text_[pos_];
    }
    error_ = "unbalanced-quote";
  }

  /// Drops the operator (`>`, `>>`, `2>&1`, `<`) and a file descriptor
  /// number glued to it; a target file name stays as the next word.
  void redirection() {
    const bool fd_number =
        in_word_ && !word_.empty() &&
        std::all_of(word_.begin(), word_.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (fd_number) {
      word_.clear();
      in_word_ = false;
    }
    end_word();
    while (pos_ + 1 < text_.size() &&
           std::string_view("<>&").find(text_[pos_ + 1]) != std::string_view::npos) {
      const bool dup = text_[++pos_] == '&';
      // `>&2`, `2>&1`: a descriptor, not a file.
      while (dup && pos_ + 1 < text_.size() && text_[pos_ + 1] >= '0' && text_[pos_ + 1] <= '9')
        ++pos_;
    }
  }

  void end_word() {
    if (in_word_) words_.push_back(std::move(word_));
    word_.clear();
    in_word_ = false;
  }

  void end_command() {
    end_word();
    if (!words_.empty()) commands_.push_back(std::move(words_));
    words_.clear();
  }

  const std::string& text_;
  size_t pos_ = 0;
  std::string word_;
  bool in_word_ = false;
  Words words_;
  std::vector<Words> commands_;
  std::string error_;
};

std::string base_name(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

/// gcc, g++, cc, c++, clang, clang++, with a target prefix
/// (x86_64-linux-gnu-g++) or a version suffix (g++-12, clang-16).
bool is_compiler_name(const std::string& program) {
  std::string name = base_name(program);
  const size_t dash = name.find_last_of('-');
  if (dash != std::string::npos && dash + 1 < name.size() &&
      name.find_first_not_of("0123456789.", dash + 1) == std::string::npos) {
    name.resize(dash);
  }
  name = name.substr(name.find_last_of('-') + 1);
  constexpr std::array kCompilers = {"gcc", "g++", "cc", "c++", "clang", "clang++"};
  return std::find(kCompilers.begin(), kCompilers.end(), name) != kCompilers.end();
}

/// Programs that run the compiler named by their first argument.
bool is_launcher_name(const std::string& program) {
  constexpr std::array kLaunchers = {"ccache", "sccache", "distcc", "icecc", "edgecache"};
  return std::find(kLaunchers.begin(), kLaunchers.end(), base_name(program)) != kLaunchers.end();
}

/// Shell builtins that run no program (or whose program does not matter).
bool is_builtin(const std::string& word) {
  constexpr std::array kBuiltins = {"cd",   ":",    "true", "false",  "echo",
                                    "test", "exit", "set",  "export", "umask"};
  return std::find(kBuiltins.begin(), kBuiltins.end(), word) != kBuiltins.end();
}

/// `NAME=value` before a command sets its environment.
bool is_assignment(const std::string& word) {
  const size_t eq = word.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  return std::all_of(word.begin(), word.begin() + static_cast<std::ptrdiff_t>(eq), [](char c) {
    return c == '_' || std::isalnum(static_cast<unsigned char>(c));
  });
}

/// A compiler call that compiles (rather than only links): it reads headers
/// the manifest does not declare, so it needs the compile model's keying.
bool compiles_something(const Words& argv) {
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == "-c" || arg == "-E" || arg == "-S" || arg == "-M" || arg == "-MM") return true;
    if (arg == "-o")
      ++i;  // an output name is not a source
    else if (!arg.empty() && arg[0] != '-') {
      // The extensions the compiler model treats as sources (compile-and-link).
      CompilerInvocation probe = classify_compiler_invocation({argv[0], "-c", arg});
      if (probe.uncacheable_reason != "non-source-input") return true;
    }
  }
  return false;
}

}  // namespace

/// Everything the command line of an edge tells us.
struct CommandScan {
  /// Each program run: as written, and its content hash (or "builtin").
  std::vector<std::pair<std::string, std::string>> tools;
  /// Words that may name a path: as written, and absolute (whether each
  /// is a regular file is asked only of those that are not declared inputs).
  std::vector<std::pair<std::string, std::string>> path_words;
  /// Compiler calls that compile, argv[0] resolved.
  std::vector<Words> compiles;
  /// Simple commands other than `:` no-ops.
  int commands = 0;
  std::string uncacheable_reason;
  std::string detail;
};

namespace {

class CommandScanner {
 public:
  CommandScanner(const EdgeStepContext& context, CommandScan* scan)
      : context_(context), scan_(*scan), dir_(context.cwd) {}

  void scan_command(Words words) {
    auto first = std::find_if_not(words.begin(), words.end(), is_assignment);
    // `CPATH=dir gcc -c ...`: the environment changes what the compiler
    // reads, so such a call is observed like any other command, never keyed
    // by the compile model alone.
    const bool sets_environment = first != words.begin();
    words.erase(words.begin(), first);
    if (words.empty() || words[0] == ":") return;
    ++scan_.commands;
    if (is_builtin(words[0])) {
      scan_.tools.emplace_back(words[0], "builtin");
      // `cd dir && tool rel/path`: later relative words are below dir.
      if (words[0] == "cd" && words.size() == 2) dir_ = absolute_path(words[1], dir_);
    } else if (!add_tool(words[0], &words[0])) {
      return;
    }
    size_t program = 0;
    if (is_launcher_name(words[0]) && words.size() > 1) {
      program = 1;
      if (!add_tool(words[1], &words[1])) return;
    }
    if (is_compiler_name(words[program]) && !sets_environment) {
      Words argv(words.begin() + static_cast<std::ptrdiff_t>(program), words.end());
      if (compiles_something(argv)) scan_.compiles.push_back(std::move(argv));
    }
    for (size_t i = program + 1; i < words.size(); ++i) add_path_words(words[i]);
  }

 private:
  /// Resolves `written` as the shell would and keys its content; replaces
  /// it by the resolved path. False (edge uncacheable) when not found.
  bool add_tool(const std::string& written, std::string* resolved) {
    std::string name = written;
    if (name.find('/') != std::string::npos) name = absolute_path(name, dir_);
    auto found = find_program(name, context_.path_env);
    auto identity = found ? compiler_identity(*found, context_.cache_dir)
                          : Result<Hash128>(Error{found.error()});
    if (!identity) {
      scan_.uncacheable_reason = "program-not-found";
      scan_.detail = written + ": " + identity.error();
      return false;
    }
    scan_.tools.emplace_back(written, identity->hex());
    *resolved = *found;
    return true;
  }

  /// A word, or the value of `--opt=value` / `-DNAME=value`, that names a
  /// regular file: its content is part of the key even when the manifest
  /// does not declare it (a script passed to `cmake -P` or `python3`).
  void add_path_words(const std::string& word) {
    add_path_word(word);
    const size_t eq = word.find('=');
    if (eq != std::string::npos) add_path_word(word.substr(eq + 1));
  }

  void add_path_word(const std::string& word) {
    if (word.empty() || word[0] == '-') return;
    scan_.path_words.emplace_back(word, absolute_path(word, dir_));
  }

  const EdgeStepContext& context_;
  CommandScan& scan_;
  /// The directory the next simple command runs in.
  std::string dir_;
};

CommandScan scan_command_line(const std::string& command, const EdgeStepContext& context) {
  CommandScan scan;
  auto commands = split_shell_command(command, &scan.uncacheable_reason);
  if (!commands) return scan;
  CommandScanner scanner(context, &scan);
  for (Words& words : *commands) {
    scanner.scan_command(std::move(words));
    if (!scan.uncacheable_reason.empty()) return scan;
  }
  if (scan.compiles.size() > 0 && (scan.compiles.size() > 1 || scan.commands > 1)) {
    // `cd x && c++ -c ...` and friends: the compile model keys a single call
    // run in the build directory; anything else could hide a header read.
    scan.uncacheable_reason = "compound-compile";
  }
  return scan;
}

}  // namespace

std::optional<std::vector<Words>> split_shell_command(const std::string& command,
                                                      std::string* reason) {
  return ShellSplitter(command).split(reason);
}

bool rule_is_excluded(const std::string& rule, const std::vector<std::string>& patterns) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
    return !pattern.empty() && ::fnmatch(pattern.c_str(), rule.c_str(), 0) == 0;
  });
}

EdgeStepBuilder::EdgeStepBuilder(EdgeStepContext context, const PathNormalizer& paths,
                                 FileHasher& hasher)
    : context_(std::move(context)), paths_(paths), hasher_(hasher) {}

EdgeFacts describe_edge(const Edge& edge, size_t declared_inputs) {
  EdgeFacts facts;
  facts.rule = edge.rule().name();
  facts.command = edge.EvaluateCommand(/*incl_rsp_file=*/false);
  facts.rspfile = edge.GetUnescapedRspfile();
  facts.rspfile_content = edge.GetBinding("rspfile_content");
  facts.depfile = edge.GetUnescapedDepfile();
  facts.depfile_read_once =
      !facts.depfile.empty() && edge.GetBinding("deps") == "gcc" && !g_keep_depfile;
  const size_t non_order_only = edge.inputs_.size() - static_cast<size_t>(edge.order_only_deps_);
  for (size_t i = 0; i < std::min(declared_inputs, non_order_only); ++i)
    facts.inputs.push_back(edge.inputs_[i]->path());
  for (const Node* output : edge.outputs_) facts.outputs.push_back(output->path());
  facts.restat = edge.GetBindingBool("restat");
  return facts;
}

EdgeStep EdgeStepBuilder::build(const EdgeFacts& edge) {
  EdgeStep result;
  Step step;
  if (std::optional<Uncacheable> why = key_edge(edge, &step)) {
    result.uncacheable_reason = std::move(why->reason);
    result.detail = std::move(why->detail);
    return result;
  }
  result.step = std::move(step);
  return result;
}

std::optional<Uncacheable> EdgeStepBuilder::key_edge(const EdgeFacts& edge, Step* step) {
  if (rule_is_excluded(edge.rule, context_.exclude_rules))
    return Uncacheable{"excluded-rule", "rule " + edge.rule + " is in exclude_rules"};
  const std::string& command = edge.command;
  CommandScan scan = scan_command_line(command, context_);
  if (!scan.uncacheable_reason.empty()) return Uncacheable{scan.uncacheable_reason, scan.detail};
  if (!scan.compiles.empty()) {
    if (auto why = key_compile(scan.compiles.front(), step)) return why;
  } else {
    key_command(command, scan, step);
  }
  std::set<std::string> keyed = add_outputs(edge, step);
  // A compiler writes through a symlink; other steps (ln -s, CMake's
  // cmake_symlink_library) make their own.
  step->symlink_outputs = scan.compiles.empty();
  step->keep_unchanged_outputs = edge.restat;
  if (auto hazard = check_output_paths(step)) return Uncacheable{kOutputNotAFile, *hazard};
  if (auto why = add_inputs(edge, step, &keyed)) return why;
  for (const auto& [written, path] : scan.path_words) {
    // A link's objects are its inputs, keyed above: only the other words
    // are asked whether they name a file.
    if (keyed.count(path) != 0) continue;
    auto stamp = stat_file(path);
    if (!stamp || stamp->is_directory) continue;
    keyed.insert(path);
    auto hash = hasher_.hash_file(path);
    if (!hash) return Uncacheable{"unreadable-argument", path + " cannot be read"};
    step->recipe.add_hash("file-arg:" + paths_.normalize(written), *hash);
  }
  // Ninja writes the response file just before the command starts: its
  // content is in the key; its path, a temporary, is not read back.
  if (!edge.rspfile_content.empty())
    step->recipe.add("rspfile-content", paths_.normalize(edge.rspfile_content));
  return std::nullopt;
}

void EdgeStepBuilder::key_command(const std::string& command, const CommandScan& scan,
                                  Step* step) const {
  KeyRecipe& recipe = step->recipe;
  recipe.add("kind", "edge");
  // No tool model says what such a command reads: its run is observed, and
  // the read set becomes the manifest candidate (step_observer.h).
  recipe.add("read-set", "observed");
  step->observed = true;
  recipe.add("command", paths_.normalize(command));
  recipe.add("cwd", paths_.normalize(context_.cwd));
  for (const auto& [written, identity] : scan.tools)
    recipe.add("tool:" + paths_.normalize(written), identity);
}

std::optional<Uncacheable> EdgeStepBuilder::key_compile(const std::vector<std::string>& argv,
                                                        Step* step) const {
  CompilerInvocation inv = classify_compiler_invocation(argv);
  if (!inv.cacheable)
    return Uncacheable{inv.uncacheable_reason, "the compiler model does not cache this call"};
  CompileStep compile;
  // Ninja's subprocesses write to a pipe, so GCC never colours for a tty.
  CompileContext compile_context{argv[0], context_.cache_dir, context_.cwd, /*stderr_is_tty=*/false,
                                 &hasher_};
  if (auto reason = make_compile_step(inv, compile_context, paths_, &compile))
    return Uncacheable{*reason, "source " + inv.source};
  // Without -MD/-MF the headers stay unknown: the launcher adds the flags to
  // the command, but an edge's command is Ninja's to run as written.
  if (!compile.our_depfile.empty())
    return Uncacheable{"compile-without-depfile", "add -MD -MF (or deps = gcc) to cache it"};
  *step = std::move(compile.step);
  return std::nullopt;
}

/// Every output as role output:<i> (the compile model's object and depfile
/// keep their roles), and the rule's depfile as the discovered deps; returns
/// their absolute paths: a word naming one is no input.
std::set<std::string> EdgeStepBuilder::add_outputs(const EdgeFacts& edge, Step* step) const {
  std::set<std::string> owned;
  for (const StepOutput& output : step->outputs)
    owned.insert(absolute_path(output.path, context_.cwd));
  // A compile's own outputs whose names change nothing it writes: the same
  // compile into another object (one source in two targets) shares the entry.
  const std::set<std::string> unkeyed = step->output_paths_keyed ? std::set<std::string>{} : owned;
  for (size_t i = 0; i < edge.outputs.size(); ++i) {
    const std::string& path = edge.outputs[i];
    // CMake names some outputs twice, relative and absolute.
    if (owned.insert(absolute_path(path, context_.cwd)).second)
      step->outputs.push_back({"output:" + std::to_string(i), path, false});
    if (!unkeyed.count(absolute_path(path, context_.cwd)))
      step->recipe.add("output", paths_.normalize(path));
  }
  const std::string& depfile = edge.depfile;
  if (!depfile.empty() && step->discovered_deps_file.empty()) {
    step->discovered_deps_file = depfile;
    if (owned.insert(absolute_path(depfile, context_.cwd)).second)
      step->outputs.push_back({"depfile", depfile, true});
  }
  if (!edge.rspfile.empty()) owned.insert(absolute_path(edge.rspfile, context_.cwd));
  return owned;
}

std::optional<Uncacheable> EdgeStepBuilder::add_inputs(const EdgeFacts& edge, Step* step,
                                                       std::set<std::string>* keyed) {
  for (const std::string& path : edge.inputs) {
    // (hash_file answers nullopt for a directory; ahead of the build, a
    // prediction for a file a planned step writes: predicted_files.h.)
    // By its absolute path, as the manifest's dependencies are checked: an
    // input that is also an observed dependency (a link's objects) is then
    // read and hashed once per build, not once per spelling.
    std::string absolute = absolute_path(path, context_.cwd);
    auto hash = hasher_.hash_file(absolute);
    // A phony alias or a missing file: nothing to key by content.
    if (!hash) return Uncacheable{"input-not-a-file", path + " is not a readable file"};
    step->recipe.add_hash("input:" + paths_.normalize(path), *hash);
    keyed->insert(std::move(absolute));
  }
  if (!edge.dyndep_error.empty()) return Uncacheable{"dyndep-unreadable", edge.dyndep_error};
  for (const std::string& path : edge.dyndep_inputs) {
    std::string absolute = absolute_path(path, context_.cwd);
    auto hash = hasher_.hash_file(absolute);
    if (!hash)
      return Uncacheable{"input-not-a-file",
                         path + " (from the dyndep file) is not a readable file"};
    step->recipe.add_hash("dyndep-input:" + paths_.normalize(path), *hash);
    keyed->insert(std::move(absolute));
  }
  return std::nullopt;
}

}  // namespace edgecache::ninja
