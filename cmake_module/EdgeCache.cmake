# EdgeCache.cmake: one include switches a CMake project onto edgecache.
#
# Three ways in (docs/cmake-module.md has the details):
#   cmake -DCMAKE_PROJECT_TOP_LEVEL_INCLUDES=<prefix>/share/edgecache/EdgeCache.cmake ...
#   find_package(EdgeCache)    # the installed package config includes this file
#   include(EdgeCache)         # with this file's directory in CMAKE_MODULE_PATH
# Include it from the top-level CMakeLists.txt: the launcher variables and
# compile options it sets reach that directory and everything below it.
#
# Cache variables:
#   EDGECACHE_MODE          launcher | ninja | off (default launcher)
#   EDGECACHE_REMOTE        remote cache URL (http://, https://, file://, redis://, s3://),
#                           |attributes allowed; several servers separated by spaces
#   EDGECACHE_READ_ONLY     ON: append |read-only to the remote (to each server)
#   EDGECACHE_BASEDIR       ':'-separated dirs made relative in keys (default: top source dir)
#   EDGECACHE_RELOCATABLE   ON (default): -ffile-prefix-map so objects carry no checkout
#                           path, only paths relative to the build dir; OFF: objects as CMake makes them
#   EDGECACHE_PROGRAM, EDGECACHE_NINJA_PROGRAM   the executables (searched when unset)
#
# How the settings reach the programs: this file writes
# ${CMAKE_BINARY_DIR}/edgecache.json. edgecache (started by Ninja or Make with
# the build tree as working directory) and edgecache-ninja (which changes into
# the build dir) both look for edgecache.json upward from their working
# directory. Compared with a `cmake -E env EDGECACHE_...=... edgecache`
# launcher this costs no extra process per compile, reaches edgecache-ninja
# too (CMake never starts it with our environment), and leaves the EDGECACHE_*
# environment above the file, so a CI job can still override a setting.

if(CMAKE_VERSION VERSION_LESS 3.24)
  message(WARNING "EdgeCache: needs CMake 3.24 or newer (this is ${CMAKE_VERSION}); "
                  "building without the cache.")
  return()
endif()
include_guard(GLOBAL)
# Our own policy settings, whatever cmake_minimum_required the project has;
# functions defined below keep them when called.
cmake_policy(PUSH)
cmake_policy(VERSION 3.24)

# Captured at file scope: inside a function CMAKE_CURRENT_LIST_DIR is the caller's.
set(_edgecache_module_dir "${CMAKE_CURRENT_LIST_DIR}")
# Languages whose compiles go through the launcher. What it cannot cache
# (nvcc's .cu files, say) it runs untouched and counts under the reason.
set(_edgecache_languages C CXX OBJC OBJCXX CUDA)
# Languages whose GCC and Clang compilers take -ffile-prefix-map.
set(_edgecache_prefix_map_languages C CXX OBJC OBJCXX)

set(EDGECACHE_MODE "launcher" CACHE STRING "edgecache: launcher, ninja or off")
set_property(CACHE EDGECACHE_MODE PROPERTY STRINGS launcher ninja off)
set(EDGECACHE_REMOTE "" CACHE STRING
    "edgecache: remote cache URL (http://, https://, file://, redis:// or s3://, |attributes allowed; several separated by spaces)")
option(EDGECACHE_READ_ONLY "edgecache: never upload to the remote cache" OFF)
set(EDGECACHE_BASEDIR "${CMAKE_SOURCE_DIR}" CACHE STRING
    "edgecache: ':'-separated dirs whose paths are made relative in cache keys")
option(EDGECACHE_RELOCATABLE
       "edgecache: -ffile-prefix-map so objects are identical for every checkout path" ON)

# A wrong value fails configuration: ignoring it would quietly build uncached.
function(_edgecache_validate_settings)
  set(modes launcher ninja off)
  if(NOT EDGECACHE_MODE IN_LIST modes)
    message(FATAL_ERROR "EdgeCache: EDGECACHE_MODE is \"${EDGECACHE_MODE}\"; "
                        "accepted values: launcher, ninja, off.")
  endif()
  # Several servers: separated by spaces, each checked on its own.
  string(REGEX REPLACE "[ \t\n]+" ";" servers "${EDGECACHE_REMOTE}")
  set(first TRUE)
  foreach(server IN LISTS servers)
    if(server STREQUAL "")
      continue()
    endif()
    # A word without "://" after the first server continues an attribute
    # value with a space in it (header=X-Team=core team).
    if(NOT server MATCHES "^(https?|file|redis|s3)://[^|]" AND (first OR server MATCHES "://"))
      message(FATAL_ERROR "EdgeCache: EDGECACHE_REMOTE is \"${EDGECACHE_REMOTE}\"; each server must "
                          "start with http://, https://, file://, redis:// or s3:// "
                          "(e.g. http://host:8080/cache).")
    endif()
    set(first FALSE)
  endforeach()
endfunction()

# Searches the package's bin dir (set by EdgeCacheConfig.cmake), the bin dir
# next to an installed module (<prefix>/share/edgecache -> <prefix>/bin), then
# PATH. A value the user set for `var` is taken as is.
function(_edgecache_find_program var name)
  find_program(${var} NAMES ${name}
    HINTS "${_EDGECACHE_PACKAGE_BINDIR}" "${_edgecache_module_dir}/../../bin"
    DOC "edgecache: path of ${name}")
  if(${var} AND NOT EXISTS "${${var}}")
    message(WARNING "EdgeCache: ${var} is \"${${var}}\", which does not exist.")
    set(${var} "" PARENT_SCOPE)
  endif()
endfunction()

function(_edgecache_json_string out text)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  set(${out} "\"${text}\"" PARENT_SCOPE)
endfunction()

# EDGECACHE_BASEDIR as a list of clean absolute paths, then the build dir
# (always, last, once): compile commands name it (-o, generated headers), and
# the programs' own default (the build tree's source and build dirs, found
# from CMakeCache.txt) lists the same dirs in the same order, so a build with
# this module and one without number their placeholders alike.
function(_edgecache_base_dirs out)
  string(REPLACE ":" ";" configured "${EDGECACHE_BASEDIR}")
  set(dirs "")
  foreach(dir IN LISTS configured)
    cmake_path(ABSOLUTE_PATH dir BASE_DIRECTORY "${CMAKE_SOURCE_DIR}" NORMALIZE)
    string(REGEX REPLACE "(.)/$" "\\1" dir "${dir}")  # "/src/" -> "/src": prefix maps match exactly
    list(APPEND dirs "${dir}")
  endforeach()
  set(build "${CMAKE_BINARY_DIR}")
  cmake_path(NORMAL_PATH build)
  string(REGEX REPLACE "(.)/$" "\\1" build "${build}")
  if(dirs)
    list(REMOVE_ITEM dirs "${build}")
    list(APPEND dirs "${build}")
  endif()
  set(${out} "${dirs}" PARENT_SCOPE)
endfunction()

# Nearest edgecache.json at or above the top source dir; "" when none.
function(_edgecache_find_source_project_file out)
  set(dir "${CMAKE_SOURCE_DIR}")
  while(TRUE)
    if(EXISTS "${dir}/edgecache.json" AND NOT IS_DIRECTORY "${dir}/edgecache.json")
      set(${out} "${dir}/edgecache.json" PARENT_SCOPE)
      return()
    endif()
    cmake_path(GET dir PARENT_PATH parent)
    if(parent STREQUAL dir)
      set(${out} "" PARENT_SCOPE)
      return()
    endif()
    set(dir "${parent}")
  endwhile()
endfunction()

# The project's own edgecache.json as JSON text ("{}" when none or malformed).
function(_edgecache_read_source_project_file out)
  set(json "{}")
  _edgecache_find_source_project_file(file)
  if(file)
    file(READ "${file}" text)
    string(JSON type ERROR_VARIABLE error TYPE "${text}")
    if(NOT error AND type STREQUAL "OBJECT")
      set(json "${text}")
    else()
      message(WARNING "EdgeCache: ${file} is not a JSON object; not merged into the build dir.")
    endif()
    # Editing it re-runs CMake, so the merged copy stays current.
    set_property(DIRECTORY "${CMAKE_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${file}")
  endif()
  set(${out} "${json}" PARENT_SCOPE)
endfunction()

# `remote` with |read-only on every server of the list that lacks it; a
# server starts where a space is followed by "<scheme>://".
function(_edgecache_read_only_remote out remote)
  string(REGEX REPLACE "[ \t\n]+([a-z0-9]+://)" ";\\1" servers "${remote}")
  set(result "")
  foreach(server IN LISTS servers)
    if(NOT server MATCHES "\\|read-only(\\||$)")
      string(APPEND server "|read-only")
    endif()
    list(APPEND result "${server}")
  endforeach()
  list(JOIN result " " result)
  set(${out} "${result}" PARENT_SCOPE)
endfunction()

# Writes ${CMAKE_BINARY_DIR}/edgecache.json: the project's own edgecache.json
# with base_dir and remote from CMake on top; sets `remote_out` to the remote
# it names ("" for none). Why merge: the programs read only the nearest
# edgecache.json, so a build dir inside the checkout would hide the project's
# file behind ours, and one outside never saw it at all.
function(_edgecache_write_project_file base_dirs remote_out)
  _edgecache_read_source_project_file(json)
  if(base_dirs)
    list(JOIN base_dirs ":" joined)
    _edgecache_json_string(value "${joined}")
    string(JSON json SET "${json}" base_dir "${value}")
  endif()
  if(NOT EDGECACHE_REMOTE STREQUAL "")
    _edgecache_json_string(value "${EDGECACHE_REMOTE}")
    string(JSON json SET "${json}" remote "${value}")
  endif()
  string(JSON remote ERROR_VARIABLE no_remote GET "${json}" remote)
  if(no_remote)
    set(remote "")
  endif()
  # read-only applies to whichever remote is configured: ours or the project file's.
  if(EDGECACHE_READ_ONLY AND NOT remote STREQUAL "")
    _edgecache_read_only_remote(remote "${remote}")
    _edgecache_json_string(value "${remote}")
    string(JSON json SET "${json}" remote "${value}")
  endif()

  # Rewritten only when it changes (file(CONFIGURE) would expand @...@ in URLs).
  set(path "${CMAKE_BINARY_DIR}/edgecache.json")
  set(old "")
  if(EXISTS "${path}")
    file(READ "${path}" old)
  endif()
  if(NOT old STREQUAL "${json}\n")
    file(WRITE "${path}" "${json}\n")
  endif()
  string(JSON token ERROR_VARIABLE no_token GET "${json}" remote_token)
  if(NOT no_token)  # a token copied from the project's file stays private
    file(CHMOD "${path}" PERMISSIONS OWNER_READ OWNER_WRITE)
  endif()
  set(${remote_out} "${remote}" PARENT_SCOPE)
endfunction()

# -ffile-prefix-map=<dir>=<dir relative to the build dir> for every base dir
# (the build dir itself becomes "."), for GCC 8+ and Clang 10+ (older ones
# lack the flag and build as before): debug info and __FILE__ then name the
# same relative paths in every checkout, so objects are byte-identical and
# share cache entries (the keys see the flag with the base dir replaced by a
# placeholder), and gdb started in the build dir still finds the sources.
# A dir inside another base dir comes after it: GCC uses the last matching
# map and Clang before 16 the longest, so a build dir inside the source dir
# maps to "." either way. Otherwise the configured order, never the dirs'
# lengths: a teammate whose build dir is named longer or shorter than the
# source dir gets the same flags in the same order, so the same keys.
function(_edgecache_add_prefix_maps base_dirs)
  set(ordered "")
  list(LENGTH base_dirs count)
  foreach(level RANGE ${count})
    foreach(dir IN LISTS base_dirs)
      set(ancestors 0)  # how many other base dirs hold this one
      foreach(other IN LISTS base_dirs)
        cmake_path(IS_PREFIX other "${dir}" NORMALIZE holds)
        if(holds AND NOT other STREQUAL dir)
          math(EXPR ancestors "${ancestors} + 1")
        endif()
      endforeach()
      if(ancestors EQUAL level)
        list(APPEND ordered "${dir}")
      endif()
    endforeach()
  endforeach()
  foreach(dir IN LISTS ordered)
    cmake_path(RELATIVE_PATH dir BASE_DIRECTORY "${CMAKE_BINARY_DIR}" OUTPUT_VARIABLE relative)
    string(REGEX REPLACE "(.)/$" "\\1" relative "${relative}")
    if(relative STREQUAL "")
      set(relative ".")
    endif()
    foreach(lang IN LISTS _edgecache_prefix_map_languages)
      set(gnu "$<AND:$<STREQUAL:$<${lang}_COMPILER_ID>,GNU>,$<VERSION_GREATER_EQUAL:$<${lang}_COMPILER_VERSION>,8>>")
      set(clang "$<AND:$<STREQUAL:$<${lang}_COMPILER_ID>,Clang>,$<VERSION_GREATER_EQUAL:$<${lang}_COMPILER_VERSION>,10>>")
      set(apple "$<AND:$<STREQUAL:$<${lang}_COMPILER_ID>,AppleClang>,$<VERSION_GREATER_EQUAL:$<${lang}_COMPILER_VERSION>,12>>")
      add_compile_options("$<$<AND:$<COMPILE_LANGUAGE:${lang}>,$<OR:${gnu},${clang},${apple}>>:-ffile-prefix-map=${dir}=${relative}>")
    endforeach()
  endforeach()
endfunction()

# True while no language is enabled: only then does CMAKE_MAKE_PROGRAM choose
# the program the Ninja generator checks, stores and builds with.
function(_edgecache_before_languages out)
  get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
  list(REMOVE_ITEM languages NONE)
  if(languages)
    set(${out} FALSE PARENT_SCOPE)
  else()
    set(${out} TRUE PARENT_SCOPE)
  endif()
endfunction()

function(_edgecache_is_ninja_wrapper out program)
  cmake_path(GET program FILENAME name)
  if(name STREQUAL "edgecache-ninja")
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()

# Mode ninja: makes edgecache-ninja the make program. Sets `ok` to TRUE when
# it is, FALSE when the caller should fall back to the launcher. The Ninja
# generator reads CMAKE_MAKE_PROGRAM when project() enables the first
# language; after that it has checked and stored another program, and we say
# how to choose ours rather than force the cache behind the generator's back.
function(_edgecache_use_ninja_wrapper ok)
  set(${ok} FALSE PARENT_SCOPE)
  if(NOT CMAKE_GENERATOR STREQUAL "Ninja")
    message(WARNING "EdgeCache: EDGECACHE_MODE=ninja needs the Ninja generator (this is "
                    "\"${CMAKE_GENERATOR}\"); caching compiles with the launcher instead.")
    return()
  endif()
  _edgecache_find_program(EDGECACHE_NINJA_PROGRAM edgecache-ninja)
  if(NOT EDGECACHE_NINJA_PROGRAM)
    message(WARNING "EdgeCache: edgecache-ninja was not found (set EDGECACHE_NINJA_PROGRAM); "
                    "caching compiles with the launcher instead.")
    return()
  endif()
  _edgecache_is_ninja_wrapper(already "${CMAKE_MAKE_PROGRAM}")
  _edgecache_before_languages(early)
  if(already)
    set(${ok} TRUE PARENT_SCOPE)
  elseif(early)
    set(CMAKE_MAKE_PROGRAM "${EDGECACHE_NINJA_PROGRAM}" CACHE FILEPATH
        "Program used to build from build.ninja files." FORCE)
    # Remembered so that only a make program we chose is ever taken back.
    set(_EDGECACHE_CHOSE_MAKE_PROGRAM "${EDGECACHE_NINJA_PROGRAM}" CACHE INTERNAL "")
    set(${ok} TRUE PARENT_SCOPE)
  else()
    message(WARNING
      "EdgeCache: EDGECACHE_MODE=ninja, but CMake chose the make program "
      "(${CMAKE_MAKE_PROGRAM}) in project(), before EdgeCache was included. Configure with\n"
      "  -DCMAKE_MAKE_PROGRAM=${EDGECACHE_NINJA_PROGRAM}\n"
      "or include EdgeCache through CMAKE_PROJECT_TOP_LEVEL_INCLUDES. Until then compiles "
      "are cached through the compiler launcher.")
  endif()
endfunction()

# The mode that will really run: ninja falls back to launcher when the
# wrapper cannot be the make program; launcher becomes ninja when the user
# made edgecache-ninja the make program (the launcher would cache compiles
# a second time); a make program this module set in an earlier mode-ninja
# configure is replaced by plain ninja again while that is still possible.
function(_edgecache_effective_mode out)
  set(mode "${EDGECACHE_MODE}")
  if(mode STREQUAL "ninja")
    _edgecache_use_ninja_wrapper(ok)
    if(NOT ok)
      set(mode launcher)
    endif()
  else()
    _edgecache_is_ninja_wrapper(wrapper_in_use "${CMAKE_MAKE_PROGRAM}")
    _edgecache_before_languages(early)
    if(wrapper_in_use AND early AND CMAKE_MAKE_PROGRAM STREQUAL "${_EDGECACHE_CHOSE_MAKE_PROGRAM}")
      # CMake searches for the make program on the first configure only:
      # unsetting it would leave none, so we search as CMakeNinjaFindMake does.
      find_program(plain_ninja NAMES ninja-build ninja samu NO_CACHE)
      set(CMAKE_MAKE_PROGRAM "${plain_ninja}" CACHE FILEPATH
          "Program used to build from build.ninja files." FORCE)
      unset(_EDGECACHE_CHOSE_MAKE_PROGRAM CACHE)
    elseif(wrapper_in_use AND mode STREQUAL "launcher")
      set(mode ninja)
    endif()
  endif()
  if(mode STREQUAL "launcher")
    _edgecache_find_program(EDGECACHE_PROGRAM edgecache)
    if(NOT EDGECACHE_PROGRAM)
      message(WARNING "EdgeCache: the edgecache program was not found (set EDGECACHE_PROGRAM "
                      "or put it on PATH); building without the cache.")
      set(mode off)
    endif()
  endif()
  set(${out} "${mode}" PARENT_SCOPE)
endfunction()

# Sets CMAKE_<LANG>_COMPILER_LAUNCHER in the scope of the file that included
# us, except where the user chose a launcher (cache, variable or the
# environment CMake reads it from): theirs is kept and we say so.
function(_edgecache_switch_on)
  _edgecache_validate_settings()
  _edgecache_effective_mode(mode)
  _edgecache_base_dirs(dirs)
  # The prefix maps do not depend on the mode: switching the cache off (or
  # a machine without the programs) builds the same objects, so a plain
  # build with the same settings is the reference a cached one must equal,
  # and turning the cache on or off rebuilds nothing.
  if(EDGECACHE_RELOCATABLE)
    _edgecache_add_prefix_maps("${dirs}")
  endif()
  if(mode STREQUAL "off")
    message(STATUS "EdgeCache: off (EDGECACHE_MODE=${EDGECACHE_MODE}): plain build; "
                   "relocatable ${EDGECACHE_RELOCATABLE}")
    return()
  endif()
  _edgecache_write_project_file("${dirs}" remote)
  if(NOT EDGECACHE_RELOCATABLE)
    message(STATUS "EdgeCache: EDGECACHE_RELOCATABLE is OFF: objects built with -g (Debug, "
                   "RelWithDebInfo) embed this checkout's path, and their cache entries serve "
                   "only builds at this same path; turn it ON to share them across checkouts")
  endif()

  if(mode STREQUAL "ninja")
    set(what "make program ${CMAKE_MAKE_PROGRAM} (every build step cached)")
  else()
    set(launched "")
    foreach(lang IN LISTS _edgecache_languages)
      set(var CMAKE_${lang}_COMPILER_LAUNCHER)
      if(DEFINED ${var} OR DEFINED ENV{${var}})
        set(theirs "$ENV{${var}}")
        if(DEFINED ${var})
          set(theirs "${${var}}")
        endif()
        message(STATUS "EdgeCache: keeping your ${var} (${theirs}); "
                       "${lang} compiles do not go through edgecache")
      else()
        set(${var} "${EDGECACHE_PROGRAM}" PARENT_SCOPE)
        list(APPEND launched ${lang})
      endif()
    endforeach()
    # Through CMAKE_PROJECT_TOP_LEVEL_INCLUDES no language is enabled yet.
    get_property(enabled GLOBAL PROPERTY ENABLED_LANGUAGES)
    if(enabled)
      string(REPLACE ";" "|" enabled "${enabled}")
      list(FILTER launched INCLUDE REGEX "^(${enabled})$")
      list(JOIN launched ", " launched)
    else()
      list(JOIN launched ", " launched)
      string(APPEND launched " (as enabled)")
    endif()
    set(what "compiler launcher ${EDGECACHE_PROGRAM} for ${launched}")
  endif()
  list(JOIN dirs ":" dirs)
  if(remote STREQUAL "")
    set(remote "none")
  endif()
  # http://user:password@host: the credentials are never printed.
  string(REGEX REPLACE "://[^/|@]*@" "://(credentials hidden)@" remote "${remote}")
  message(STATUS "EdgeCache: ${mode} mode: ${what}; base dir ${dirs}; remote ${remote}; "
                 "relocatable ${EDGECACHE_RELOCATABLE}; settings in ${CMAKE_BINARY_DIR}/edgecache.json")
endfunction()

_edgecache_switch_on()
cmake_policy(POP)
