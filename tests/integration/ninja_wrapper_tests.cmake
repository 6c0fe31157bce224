# edgecache-ninja's integration tests, included from
# tests/integration/CMakeLists.txt. Each is a bash script that configures
# examples/ninja_demo or examples/hello (or a hand-written build.ninja) in a
# temporary directory with real cmake, ninja and g++, and compares
# edgecache-ninja with plain ninja.
# The command runner against Ninja's Builder with a fake cache (GoogleTest;
# built in ninja_wrapper/ because it links the front end's internals).
if(TARGET edgecache_ninja_unit_tests)
  add_test(NAME unit.ninja_wrapper_runner COMMAND edgecache_ninja_unit_tests)
  set_tests_properties(unit.ninja_wrapper_runner PROPERTIES LABELS "unit;ninja_wrapper")
endif()

if(TARGET edgecache-ninja)
  # edgecache-ninja against plain ninja on examples/ninja_demo
  # (ninja_wrapper_*.sh, harness in ninja_wrapper_common.sh).
  edgecache_script_tests(ninja_wrapper ninja_wrapper NAMES
    matches_ninja  # cold build byte-identical to ninja; no-op second run; -n
    incremental    # header touch reruns what ninja reruns; -d explain; deps log
    regenerate     # CMakeLists.txt edit re-runs CMake through the wrapper
    failures       # failing edge: exit 1; -k 0 builds the rest
    cli            # --version, -t handoff, malformed manifest, bad flags
    interrupt      # SIGINT/SIGTERM stop commands, exit 2
  )
  # edgecache-ninja with a real cache on examples/hello (ninja_cache_*.sh):
  # each gets its own cache dir; the launcher binary reads the stats.
  edgecache_script_tests(ninja_cache ninja_wrapper NAMES
    warm             # rm -rf build: every edge restored, no tool runs, outputs = plain ninja's
    changes          # header touch/edit: the same edges as plain ninja, only including compiles run
    second_checkout  # another absolute path with EDGECACHE_BASEDIR: all hits, same outputs
    zero_config      # a second build dir with no configuration: all hits, same outputs
    faults           # failing edges never stored (with and without -k); corrupt entries run
    options          # --skip-cache, --no-remote, a dead remote, exclude_rules
    remote           # a teammate through nginx: all edges from the remote, all looked up ahead
    mispredicted     # a verified generator writes other bytes than predicted: its dependents miss, never a wrong hit
    early_finals     # a whole chain hits: the final link written before its turn; killed then: not trusted; no-op after
    generated_source # a compile of a generated source: its link still fetched ahead by the prefetch
    remote_dies      # the remote stops mid-build: the build succeeds, what it could not fetch runs
    background_upload # uploads held by the server: every step still runs; the build ends once they are done
    http2            # a teammate through https + HTTP/2: the lookups ahead are streams of one connection
    silent_remote    # a server that never answers: the build runs every step and says so once
    no_threads       # pthread_create always fails: every edge still restored, locally and from the remote
    inputs           # include search shadowing, __has_include and pch files are keyed (issue 11)
    object_name      # one source into two objects: the second restored, its depfile naming it (issue 11)
    during_compile   # a header created in the include search while the edge compiles: the next build misses
    uncompressed     # compression=false: entries stored as they are, all hits, either kind opens, damage is a miss
    local_uncompressed # the defaults: local entries uncompressed, the remote's compressed; a teammate's fetched copies restore; local_compression
  )
endif()

# Steps without a tool model, cached only with their observed read and write
# sets (ninja_observe_*.sh: hand-written build.ninja files or small CMake
# projects with real gcc, ar, tar, clang-tidy, ExternalProject).
if(TARGET edgecache-ninja AND TARGET edgecache-tracer)
  edgecache_script_tests(ninja_observe ninja_wrapper NAMES
    shared_tool         # a generator linked to a rebuilt project library reruns
    prefixes            # `env gcc`, `CPATH=dir gcc`
    link_search         # -L dir -lfoo with a changed libfoo.a; a linker script; a libfoo.a appearing in a settled dir searched first
    toolchain           # gcc -B dir: the toolchain's own ld and start file
    directory           # tar cf out.tar data/: the listing and the files
    edited_during_run   # an input edited while the step runs is not stored
    side_outputs        # undeclared gen.inc; a static binary: not cached
    clang_tidy          # CXX_CLANG_TIDY: .clang-tidy's WarningsAsErrors fails the build
    external_project    # ExternalProject's undeclared build tree: a clean warm build works
    uncached_words      # why a step ran uncached, in words: record, report, explain, stats
  )
endif()
