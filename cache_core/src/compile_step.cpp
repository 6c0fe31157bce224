#include "edgecache/compile_step.h"

#include <unistd.h>

#include <cstdlib>

#include "edgecache/compiler_identity.h"
#include "edgecache/file_io.h"

namespace edgecache {
namespace {

std::string language_of(const CompilerInvocation& inv) {
  for (size_t i = 1; i + 1 < inv.argv.size(); ++i) {
    if (inv.argv[i] == "-x") return inv.argv[i + 1];
  }
  const std::string& s = inv.source;
  std::string ext = s.substr(s.rfind('.') + 1);
  return ext == "c" || ext == "i" ? "c" : "c++";
}

// Flags that move the compiler's built-in include dirs.
std::vector<std::string> system_dir_flags(const CompilerInvocation& inv) {
  std::vector<std::string> flags;
  for (size_t i = 1; i < inv.argv.size(); ++i) {
    const std::string& a = inv.argv[i];
    if (a.rfind("--sysroot", 0) == 0 || a.rfind("-nostdinc", 0) == 0 || a.rfind("-stdlib=", 0) == 0 ||
        a.rfind("--target=", 0) == 0 || a == "-m32" || a == "-m64" || a == "-mx32") {
      flags.push_back(a);
    } else if ((a == "-target" || a == "-isysroot") && i + 1 < inv.argv.size()) {
      flags.push_back(a);
      flags.push_back(inv.argv[++i]);
    }
  }
  return flags;
}

}  // namespace

std::optional<std::string> make_compile_step(const CompilerInvocation& inv, const CompileContext& context,
                                             const PathNormalizer& paths, CompileStep* out) {
  const std::string& compiler = context.compiler;
  const std::string& cwd = context.cwd;
  auto identity = compiler_identity(compiler, context.cache_dir);
  if (!identity) return "compiler-unreadable";
  auto source = read_file(inv.source);
  if (!source) return "source-unreadable";
  if (source->find("__TIME__") != std::string::npos || source->find("__DATE__") != std::string::npos ||
      source->find("__TIMESTAMP__") != std::string::npos) {
    return "time-macros";
  }
  KeyRecipe& recipe = out->step.recipe;
  recipe.add("kind", "compile");
  recipe.add_hash("tool", *identity);
  recipe.add("tool-name", compiler.substr(compiler.find_last_of('/') + 1));
  for (size_t i = 1; i < inv.argv.size(); ++i) recipe.add("arg", paths.normalize(inv.argv[i]));
  recipe.add("cwd", paths.normalize(cwd));
  for (const std::string& name : compiler_environment_variables()) {
    if (const char* value = std::getenv(name.c_str())) recipe.add("env:" + name, paths.normalize(value));
  }
  recipe.add_hash("input:" + paths.normalize(inv.source), hash_bytes(*source));
  if (!inv.explicit_color) recipe.add("stderr-is-tty", context.stderr_is_tty ? "yes" : "no");
  // Debug info embeds the working directory: without a prefix map the
  // object is only right for this exact path.
  if (inv.debug_info && !inv.has_prefix_map) recipe.add("absolute-cwd", cwd);

  Step& step = out->step;
  step.scan_for_macros = true;
  step.outputs.push_back({"object", inv.object, false});
  if (inv.depfile_mode != DepfileMode::kNone) {
    step.outputs.push_back({"depfile", inv.depfile, true});
    step.discovered_deps_file = inv.depfile;
  } else {
    const char* tmp = std::getenv("TMPDIR");
    out->our_depfile = std::string(tmp && *tmp ? tmp : "/tmp") + "/edgecache-" +
                       std::to_string(getpid()) + "-" + hash_bytes(inv.object).hex().substr(0, 8) + ".d";
    step.discovered_deps_file = out->our_depfile;
  }
  std::string source_abs = absolute_path(inv.source, cwd);
  step.include_search_path.push_back(source_abs.substr(0, source_abs.find_last_of('/')));
  for (const std::string& dir : inv.include_dirs) step.include_search_path.push_back(absolute_path(dir, cwd));
  for (const std::string& dir : compiler_system_include_dirs(compiler, *identity, language_of(inv),
                                                            system_dir_flags(inv),
                                                            context.cache_dir)) {
    step.include_search_path.push_back(absolute_path(dir, cwd));
  }
  return std::nullopt;
}


}  // namespace edgecache
