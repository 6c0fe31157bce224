#include "edgecache/compile_step.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "compiler/builtin_include_dirs.h"
#include "compiler/compile_inputs.h"
#include "edgecache/compiler_identity.h"
#include "edgecache/file_io.h"
#include "edgecache/step_outputs.h"

namespace edgecache {
namespace {

std::string language_of(const CompilerInvocation& inv) {
  for (size_t i = 1; i + 1 < inv.argv.size(); ++i) {
    if (inv.argv[i] == "-x") return inv.argv[i + 1];
  }
  const std::string& s = inv.source;
  std::string ext = s.substr(s.rfind('.') + 1);
  if (ext == "s") return "assembler";
  if (ext == "S" || ext == "sx") return "assembler-with-cpp";
  return ext == "c" || ext == "i" ? "c" : "c++";
}

// Flags that move the compiler's built-in include dirs.
std::vector<std::string> system_dir_flags(const CompilerInvocation& inv) {
  std::vector<std::string> flags;
  for (size_t i = 1; i < inv.argv.size(); ++i) {
    const std::string& a = inv.argv[i];
    if (a.rfind("--sysroot", 0) == 0 || a.rfind("-nostdinc", 0) == 0 ||
        a.rfind("-stdlib=", 0) == 0 || a.rfind("--target=", 0) == 0 || a == "-m32" || a == "-m64" ||
        a == "-mx32") {
      flags.push_back(a);
    } else if ((a == "-target" || a == "-isysroot") && i + 1 < inv.argv.size()) {
      flags.push_back(a);
      flags.push_back(inv.argv[++i]);
    }
  }
  return flags;
}

// Why a source cannot be cached from its text alone ("" when it can).
std::string unkeyable_source(const std::string& text, const std::string& language) {
  if (text.find("__TIME__") != std::string::npos || text.find("__DATE__") != std::string::npos ||
      text.find("__TIMESTAMP__") != std::string::npos) {
    return "time-macros";
  }
  // The assembler reads these files; no depfile names them.
  if (text.find(".incbin") != std::string::npos) return "incbin";
  if (language.rfind("assembler", 0) == 0 && text.find(".include") != std::string::npos)
    return "asm-include";
  return "";
}

IncludeSearch include_search_of(const CompilerInvocation& inv, const CompileContext& context,
                                const std::vector<std::string>& builtin_dirs) {
  IncludeSearch search;
  const std::string& cwd = context.cwd;
  for (const std::string& dir : inv.quote_dirs)
    search.quote_dirs.push_back(absolute_path(dir, cwd));
  for (const auto* list : {&inv.user_dirs, &inv.system_dirs, &builtin_dirs, &inv.after_dirs}) {
    for (const std::string& dir : *list)
      search.bracket_dirs.push_back(join_path(absolute_path(dir, cwd), ""));
  }
  search.includer_dir_searched = inv.includer_dir_searched;
  search.cwd = cwd;
  search.forced_includes = inv.forced_includes;
  return search;
}

// After a real run with -MMD: the same compile, preprocessing only, writes
// a full depfile for the key (the user's depfile stays as asked).
void add_full_deps_command(const CompilerInvocation& inv, Step* step) {
  step->full_deps_file = temporary_depfile_name(inv.object, "full");
  std::vector<std::string>& argv = step->full_deps_command;
  for (size_t i = 0; i < inv.argv.size(); ++i) {
    const std::string& a = inv.argv[i];
    bool with_value = a == "-o" || a == "-MF" || a == "-MT" || a == "-MQ";
    if (with_value) {
      ++i;
      continue;
    }
    if (a == "-c" || a == "-MMD" || a == "-MD" || a == "-MP" || a == "-MG" ||
        a.rfind("-MF", 0) == 0 || a.rfind("-MT", 0) == 0 || a.rfind("-MQ", 0) == 0 ||
        a.rfind("-o", 0) == 0) {
      continue;
    }
    argv.push_back(a);
  }
  argv.insert(argv.end(), {"-M", "-MF", step->full_deps_file, "-o", "/dev/null"});
}

}  // namespace

std::string temporary_depfile_name(const std::string& object, const char* what) {
  const char* tmp = std::getenv("TMPDIR");
  return std::string(tmp && *tmp ? tmp : "/tmp") + "/edgecache-" + std::to_string(getpid()) + "-" +
         what + "-" + hash_bytes(object).hex().substr(0, 8) + ".d";
}

std::optional<std::string> make_compile_step(const CompilerInvocation& inv,
                                             const CompileContext& context,
                                             const PathNormalizer& paths, CompileStep* out) {
  const std::string& compiler = context.compiler;
  const std::string& cwd = context.cwd;
  auto identity = compiler_identity(compiler, context.cache_dir);
  if (!identity) return "compiler-unreadable";
  auto source = read_file(inv.source);
  if (!source) return "source-unreadable";
  std::string language = language_of(inv);
  if (std::string why = unkeyable_source(*source, language); !why.empty()) return why;
  KeyRecipe& recipe = out->step.recipe;
  recipe.add("kind", "compile");
  recipe.add_hash("tool", *identity);
  recipe.add("tool-name", compiler.substr(compiler.find_last_of('/') + 1));
  recipe.add("tool-version", compiler_version(compiler, *identity, context.cache_dir));
  for (const std::string& arg : keyed_arguments(inv)) recipe.add("arg", paths.normalize(arg));
  recipe.add("cwd", paths.normalize(cwd));
  for (const std::string& name : compiler_environment_variables()) {
    if (const char* value = std::getenv(name.c_str()))
      recipe.add("env:" + name, paths.normalize(value));
  }
  recipe.add_hash("input:" + paths.normalize(inv.source), hash_bytes(*source));
  if (!inv.explicit_color) recipe.add("stderr-is-tty", context.stderr_is_tty ? "yes" : "no");
  Step& step = out->step;
  // Debug info embeds the working directory: without a prefix map the
  // object is only right for this exact path.
  if (inv.debug_info && !inv.has_prefix_map) step.pinned_cwd = cwd;
  step.scan_for_macros = true;
  step.output_paths_keyed = inv.output_names_keyed;
  step.outputs.push_back({"object", inv.object, false});
  if (inv.depfile_mode != DepfileMode::kNone) {
    step.outputs.push_back({"depfile", inv.depfile, true});
    if (!inv.output_names_keyed) step.depfile_target = inv.depfile_target;
    step.discovered_deps_file = inv.depfile;
    if (inv.depfile_mode == DepfileMode::kMMD) add_full_deps_command(inv, &step);
  } else if (inv.records_command_line) {
    return "records-command-line";       // our -MD -MF <temp> would be written into the object
  } else if (language != "assembler") {  // plain assembler reads only the source (checked above)
    out->our_depfile = temporary_depfile_name(inv.object, "deps");
    step.discovered_deps_file = out->our_depfile;
  }
  // -o /dev/null (CMake's and autoconf's probes), a FIFO, a symlink the
  // compiler writes through: run the real compiler, never restore over it.
  if (check_output_paths(&step)) return kOutputNotAFile;
  std::vector<std::string> builtin_dirs = compiler_system_include_dirs(
      compiler, *identity, language, system_dir_flags(inv), context.cache_dir);
  step.include_search = include_search_of(inv, context, builtin_dirs);
  FileHasher local_hasher;
  FileHasher& hasher = context.hasher ? *context.hasher : local_hasher;
  if (auto why = add_flag_files(inv, cwd, paths, hasher, context.cache_dir, &recipe)) return why;
  add_pch_files(step.include_search, absolute_path(inv.source, cwd), *source, paths, hasher,
                context.cache_dir, &recipe);
  return std::nullopt;
}

}  // namespace edgecache
