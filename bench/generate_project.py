#!/usr/bin/env python3
"""Generates a deterministic C++ CMake project for benchmarking build caches.

Two shapes:

* realistic (default): N translation units in N/50 static libraries, a few
  "core" headers that most TUs include (with templates and STL containers),
  one API header per module, a code-generation step (add_custom_command running
  python3 on a data file) and a few executables linking the libraries. A TU
  takes roughly 0.2-1 s to compile at -O2 on one core.

* tiny (--tiny EDGES): about EDGES Ninja edges of one-line C++ files
  (`int f_i() { return i; }`) in static libraries of 100 objects and one
  executable, to measure the per-edge overhead of a build driver.

The same --seed and options always give byte-identical files, so two
checkouts generated (or copied) at different paths are the same project.

    python3 bench/generate_project.py OUT_DIR [--tus 300] [--seed 1]
    python3 bench/generate_project.py OUT_DIR --tiny 1000
"""

import argparse
import os
import random
import re
import sys

STL_HEADERS = ["vector", "string", "map", "memory", "algorithm", "set"]
EXTRA_STL = ["unordered_map", "numeric", "functional", "sstream", "optional", "array"]


def write(path, text):
    """Writes only when the content differs, so a regeneration keeps mtimes."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


# --------------------------------------------------------------------------
# realistic project


def core_headers():
    """The headers with fan-in: included by most TUs."""
    types_h = """#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace core {

struct Point { double x = 0, y = 0, z = 0; };

template <typename T>
struct Range {
  T lo{}, hi{};
  bool contains(const T& v) const { return !(v < lo) && v < hi; }
  T clamp(const T& v) const { return v < lo ? lo : (hi < v ? hi : v); }
};

struct Record {
  std::int64_t id = 0;
  std::string name;
  std::vector<double> values;
  double sum() const { double s = 0; for (double v : values) s += v; return s; }
};

}  // namespace core
"""
    algo_h = """#pragma once
#include <algorithm>
#include <functional>
#include <map>
#include <numeric>
#include <string>
#include <vector>
#include "core/types.h"

namespace core {

template <typename T, typename Key>
std::map<Key, std::vector<T>> group_by(const std::vector<T>& items,
                                       std::function<Key(const T&)> key) {
  std::map<Key, std::vector<T>> out;
  for (const T& item : items) out[key(item)].push_back(item);
  return out;
}

template <typename T>
std::vector<T> top_n(std::vector<T> items, std::size_t n) {
  std::sort(items.begin(), items.end(), [](const T& a, const T& b) { return b < a; });
  if (items.size() > n) items.resize(n);
  return items;
}

template <typename T>
T median(std::vector<T> items) {
  if (items.empty()) return T{};
  auto mid = items.begin() + static_cast<std::ptrdiff_t>(items.size() / 2);
  std::nth_element(items.begin(), mid, items.end());
  return *mid;
}

template <typename It, typename F>
auto transform_sum(It first, It last, F f) -> decltype(f(*first)) {
  decltype(f(*first)) acc{};
  for (; first != last; ++first) acc += f(*first);
  return acc;
}

inline std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

}  // namespace core
"""
    registry_h = """#pragma once
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace core {

class Component {
 public:
  virtual ~Component() = default;
  virtual std::string name() const = 0;
  virtual int run(int input) = 0;
};

template <typename Base>
class Registry {
 public:
  template <typename T, typename... Args>
  T& add(const std::string& key, Args&&... args) {
    auto item = std::make_unique<T>(std::forward<Args>(args)...);
    T& ref = *item;
    items_[key] = std::move(item);
    return ref;
  }
  Base* find(const std::string& key) const {
    auto it = items_.find(key);
    return it == items_.end() ? nullptr : it->second.get();
  }
  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    for (const auto& kv : items_) out.push_back(kv.first);
    return out;
  }
 private:
  std::map<std::string, std::unique_ptr<Base>> items_;
};

}  // namespace core
"""
    log_h = """#pragma once
#include <string>
#include <vector>

namespace core {

struct LogLine { int level; std::string text; };

class Log {
 public:
  void add(int level, std::string text) { lines_.push_back({level, std::move(text)}); }
  std::size_t count(int level) const {
    std::size_t n = 0;
    for (const auto& l : lines_) n += l.level == level;
    return n;
  }
 private:
  std::vector<LogLine> lines_;
};

}  // namespace core
"""
    return {"types.h": types_h, "algo.h": algo_h, "registry.h": registry_h, "log.h": log_h}


def tu_source(rng, mod, idx, n_in_mod, n_modules, uses_generated):
    """One translation unit: a component with templates instantiated over STL types."""
    cls = f"Unit{idx}"
    lines = [f"// module {mod}, unit {idx}: generated by bench/generate_project.py"]
    cores = ["core/types.h", "core/algo.h", "core/registry.h"]
    if rng.random() < 0.6:
        cores.append("core/log.h")
    for h in cores:
        lines.append(f'#include "{h}"')
    lines.append(f'#include "mod{mod}/api.h"')
    if mod > 0 and rng.random() < 0.3:
        # Only lower modules, which this module links: no cycles.
        lines.append(f'#include "mod{rng.randrange(mod)}/api.h"')
    if uses_generated:
        lines.append('#include "generated/table.h"')
    stl = list(STL_HEADERS) + rng.sample(EXTRA_STL, 2)
    for h in stl:
        lines.append(f"#include <{h}>")
    k = rng.randrange(3, 9)
    # Weights chosen so that one TU takes about 0.3-0.8 s at -O2 on an idle core.
    rtype = "double" if rng.random() < 0.3 else "long"
    if rng.random() < 0.5:
        grouping = """auto groups = core::group_by<core::Record, std::string>(
        records, [](const core::Record& r) { return r.name.substr(0, 2); });
    std::vector<std::string> names;
    for (const auto& g : groups) names.push_back(g.first);"""
    else:
        grouping = """std::vector<std::string> names;
    for (const auto& r : records) names.push_back(r.name);"""
    # About 40% of TUs are "heavy" (a component class instantiating the core
    # templates, ~2 s under load), the rest light (a few small templates).
    heavy = rng.random() < 0.4
    lines.append(f"""
namespace mod{mod} {{
namespace {{
""")
    if heavy:
        lines.append(f"""
template <typename T>
struct Stats{idx} {{
  std::vector<T> samples;
  std::map<std::string, T> named;
  void add(const std::string& key, T v) {{ samples.push_back(v); named[key] += v; }}
  T total() const {{ return core::transform_sum(samples.begin(), samples.end(), [](const T& v) {{ return v; }}); }}
  T mid() const {{ return core::median(samples); }}
  std::vector<T> best(std::size_t n) const {{ return core::top_n(samples, n); }}
}};

class {cls} : public core::Component {{
 public:
  explicit {cls}(int seed) : seed_(seed) {{}}
  std::string name() const override {{ return "mod{mod}.unit{idx}"; }}
  int run(int input) override {{
    Stats{idx}<long> ints;
    Stats{idx}<{rtype}> reals;
    for (int i = 0; i < {k * 16} + input % 7; ++i) {{
      ints.add("k" + std::to_string(i % {k}), static_cast<long>((i * {rng.randrange(3, 97)}) ^ seed_));
      reals.add(std::to_string(i % 5), i * {rng.uniform(0.1, 3.0):.3f});
    }}
    std::vector<core::Record> records;
    for (int i = 0; i < {k}; ++i) {{
      core::Record r;
      r.id = i;
      r.name = "r" + std::to_string(i);
      r.values = {{static_cast<double>(reals.mid()), static_cast<double>(ints.mid()), static_cast<double>(i)}};
      records.push_back(std::move(r));
    }}
    {grouping}
    std::sort(names.begin(), names.end());
    auto best = ints.best({k});
    long acc = ints.total() + static_cast<long>(reals.total()) + static_cast<long>(core::join(names, ",").size());
    for (long b : best) acc ^= b;
    return static_cast<int>(acc & 0x7fffffff);
  }}
 private:
  int seed_;
}};
""")
    # A few extra free templates per TU so compile times vary like real code.
    lines.append("""template <typename T>
std::size_t hv(const T& v) { return std::hash<T>{}(v); }
template <typename A, typename B>
std::size_t hv(const std::pair<A, B>& p) { return hv(p.first) * 7 + hv(p.second); }
""")
    for j in range(rng.randrange(2, 4)):
        container = rng.choice(["std::vector<int>", "std::vector<std::string>",
                                "std::map<int, std::string>", "std::set<long>"])
        lines.append(f"""template <typename C>
std::size_t fold{j}(const C& c, std::size_t seed) {{
  std::size_t h = seed;
  for (const auto& item : c) h = h * 31 + hv(item);
  return h;
}}
std::size_t use_fold{j}(int n) {{
  {container} c;
  for (int i = 0; i < n; ++i) {{
    {'c.push_back(i * ' + str(j + 3) + ');' if container == 'std::vector<int>' else
     'c.push_back(std::to_string(i));' if container == 'std::vector<std::string>' else
     'c[i] = std::to_string(i);' if container.startswith('std::map') else
     'c.insert(static_cast<long>(i) * ' + str(j + 5) + ');'}
  }}
  return fold{j}(c, {rng.randrange(1, 1000)});
}}
""")
    folds = " + ".join(f"use_fold{j}(input % 17 + {j})" for j in range(2))
    gen = " + generated::table_value(input % generated::kTableSize)" if uses_generated else ""
    body = (f"""  core::Registry<core::Component> reg;
  reg.add<{cls}>("u", input);
  return reg.find("u")->run(input) + static_cast<int>({folds}){gen};""" if heavy else
            f"  return static_cast<int>({folds}){gen};")
    lines.append(f"""}}  // namespace

int unit{idx}_entry(int input) {{
{body}
}}

}}  // namespace mod{mod}
""")
    return "\n".join(lines)


def module_files(mod, units, deps):
    api = [f"#pragma once", f"// API of module {mod}", "#include <string>", "",
           f"namespace mod{mod} {{"]
    for u in units:
        api.append(f"int unit{u}_entry(int input);")
    api.append(f"int run_all(int input);")
    api.append(f"}}  // namespace mod{mod}")
    calls = "\n".join(f"  acc += unit{u}_entry(input + {u});" for u in units)
    run = (f'#include "mod{mod}/api.h"\n\nnamespace mod{mod} {{\n\nint run_all(int input) {{\n'
           f"  int acc = 0;\n{calls}\n  return acc;\n}}\n\n}}  // namespace mod{mod}\n")
    cmake = (f"add_library(mod{mod} STATIC\n  "
             + "\n  ".join(["src/run_all.cpp"] + [f"src/unit{u}.cpp" for u in units])
             + f")\ntarget_include_directories(mod{mod} PUBLIC include)\n"
             f"target_link_libraries(mod{mod} PUBLIC core gendata"
             + "".join(f" mod{d}" for d in deps) + ")\n")
    return "\n".join(api) + "\n", run, cmake


GEN_SCRIPT = """#!/usr/bin/env python3
# Code generation step of the benchmark project: data file -> header + source.
import sys
data, header, source = sys.argv[1:4]
values = [int(line.split()[1]) for line in open(data) if line.strip() and not line.startswith("#")]
with open(header, "w") as h:
    h.write("#pragma once\\n#include <cstddef>\\nnamespace generated {\\n")
    h.write("constexpr std::size_t kTableSize = %d;\\n" % len(values))
    h.write("int table_value(std::size_t i);\\n}\\n")
with open(source, "w") as s:
    s.write('#include "generated/table.h"\\nnamespace generated {\\nnamespace {\\n')
    s.write("const int kTable[] = {%s};\\n}\\n" % ", ".join(str(v) for v in values))
    s.write("int table_value(std::size_t i) { return kTable[i % kTableSize]; }\\n}\\n")
"""


def generate_realistic(out, tus, seed, modules=None):
    rng = random.Random(seed)
    n_modules = max(1, min(modules or tus // 50, tus // 2))
    n_apps = min(4, max(1, n_modules))
    for name, text in core_headers().items():
        write(os.path.join(out, "core/include/core", name), text)
    write(os.path.join(out, "core/CMakeLists.txt"),
          "add_library(core INTERFACE)\ntarget_include_directories(core INTERFACE include)\n")
    data = "# key value\n" + "".join(f"k{i} {rng.randrange(1 << 20)}\n" for i in range(512))
    write(os.path.join(out, "gendata/table.data"), data)
    write(os.path.join(out, "gendata/gen_table.py"), GEN_SCRIPT)
    write(os.path.join(out, "gendata/CMakeLists.txt"), """set(gen_dir ${CMAKE_CURRENT_BINARY_DIR}/include/generated)
add_custom_command(
  OUTPUT ${gen_dir}/table.h ${gen_dir}/table.cpp
  COMMAND ${CMAKE_COMMAND} -E make_directory ${gen_dir}
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/gen_table.py
          ${CMAKE_CURRENT_SOURCE_DIR}/table.data ${gen_dir}/table.h ${gen_dir}/table.cpp
  DEPENDS gen_table.py table.data
  COMMENT "Generating table.h/table.cpp from table.data")
add_library(gendata STATIC ${gen_dir}/table.cpp ${gen_dir}/table.h)
target_include_directories(gendata PUBLIC ${CMAKE_CURRENT_BINARY_DIR}/include)
""")
    per_mod = [[] for _ in range(n_modules)]
    for i in range(tus - n_modules):  # run_all.cpp of each module counts as a TU
        per_mod[i % n_modules].append(i)
    for mod, units in enumerate(per_mod):
        deps = set()
        for u in units:
            src = tu_source(rng, mod, u, len(units), n_modules, uses_generated=rng.random() < 0.2)
            deps.update(int(d) for d in re.findall(r'#include "mod(\d+)/api.h"', src) if int(d) != mod)
            write(os.path.join(out, f"mod{mod}/src/unit{u}.cpp"), src)
        api, run, cmake = module_files(mod, units, sorted(deps))
        write(os.path.join(out, f"mod{mod}/include/mod{mod}/api.h"), api)
        write(os.path.join(out, f"mod{mod}/src/run_all.cpp"), run)
        write(os.path.join(out, f"mod{mod}/CMakeLists.txt"), cmake)
    apps = []
    for a in range(n_apps):
        mods = sorted(set([a % n_modules] + rng.sample(range(n_modules), min(n_modules, 3))))
        includes = "".join(f'#include "mod{m}/api.h"\n' for m in mods)
        calls = "".join(f"  acc += mod{m}::run_all(argc + {m});\n" for m in mods)
        write(os.path.join(out, f"apps/app{a}.cpp"),
              f"#include <cstdio>\n{includes}\nint main(int argc, char**) {{\n  int acc = 0;\n"
              f'{calls}  std::printf("%d\\n", acc);\n  return 0;\n}}\n')
        apps.append(f"add_executable(app{a} app{a}.cpp)\n"
                    f"target_link_libraries(app{a} PRIVATE {' '.join(f'mod{m}' for m in mods)})\n")
    write(os.path.join(out, "apps/CMakeLists.txt"), "".join(apps))
    subdirs = "".join(f"add_subdirectory(mod{m})\n" for m in range(n_modules))
    write(os.path.join(out, "CMakeLists.txt"), f"""cmake_minimum_required(VERSION 3.16)
project(edgecache_bench_project CXX)
# Generated by bench/generate_project.py (tus={tus}, seed={seed}).
set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
find_package(Python3 REQUIRED COMPONENTS Interpreter)
add_subdirectory(core)
add_subdirectory(gendata)
{subdirs}add_subdirectory(apps)
""")
    return {"compiles": tus + 1 + n_apps, "modules": n_modules, "apps": n_apps}


# --------------------------------------------------------------------------
# tiny project for per-edge overhead


def generate_tiny(out, edges):
    """About `edges` Ninja edges: one compile per file, one archive per 100
    objects, one link. Counting compiles c: c + ceil(c/100) + 1 == edges."""
    compiles = max(1, (edges - 1) * 100 // 101)
    libs = (compiles + 99) // 100
    cmake = ["cmake_minimum_required(VERSION 3.16)", "project(edgecache_bench_tiny CXX)",
             f"# Generated by bench/generate_project.py --tiny {edges}."]
    for lib in range(libs):
        files = []
        for i in range(lib * 100, min(compiles, (lib + 1) * 100)):
            rel = f"lib{lib}/f{i}.cpp"
            write(os.path.join(out, rel), f"int f_{i}() {{ return {i}; }}\n")
            files.append(rel)
        cmake.append(f"add_library(tiny{lib} STATIC\n  " + "\n  ".join(files) + ")")
    calls = "".join(f"int f_{i}();\n" for i in range(0, compiles, 100))
    body = "".join(f"  s += f_{i}();\n" for i in range(0, compiles, 100))
    write(os.path.join(out, "main.cpp"), f"{calls}int main() {{\n  int s = 0;\n{body}  return s & 1;\n}}\n")
    cmake.append("add_executable(tiny main.cpp)")
    cmake.append("target_link_libraries(tiny PRIVATE " + " ".join(f"tiny{l}" for l in range(libs)) + ")")
    write(os.path.join(out, "CMakeLists.txt"), "\n".join(cmake) + "\n")
    return {"compiles": compiles + 1, "libraries": libs, "edges": compiles + 1 + libs + 1}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="directory to write the project into")
    ap.add_argument("--tus", type=int, default=300, help="translation units (default 300)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--modules", type=int, help="static libraries (default tus/50)")
    ap.add_argument("--tiny", type=int, metavar="EDGES",
                    help="instead: ~EDGES edges of one-line files (per-edge overhead)")
    args = ap.parse_args(argv)
    if args.tiny:
        info = generate_tiny(args.out, args.tiny)
    else:
        if args.tus < 2:
            ap.error("--tus must be at least 2")
        info = generate_realistic(args.out, args.tus, args.seed, args.modules)
    print(" ".join(f"{k}={v}" for k, v in info.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
