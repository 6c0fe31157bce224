#pragma once
// dlopen() of an optional shared library and dlsym() of its functions, for
// libraries only some runs need (libcurl, libcrypto). Linking them would make
// the dynamic loader relocate them, and their dependencies, in every
// launcher process: that cost more than the rest of a local cache hit.
// Private to cache_core.

#include <dlfcn.h>

#include <string>

namespace edgecache {

// The handle of `soname` loaded with RTLD_NOW | RTLD_LOCAL, or nullptr and
// `*error` set ("cannot load <soname> (install <package>): <why>"). Handles
// are never closed: what they hand out lives until the process exits.
inline void* open_shared_library(const char* soname, const char* package, std::string* error) {
  void* handle = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = ::dlerror();
    *error =
        std::string("cannot load ") + soname + " (install " + package + "): " + (why ? why : "");
  }
  return handle;
}

// Sets `*out` to the function `name` of `handle`; false (and `*error`, if
// not set yet) when the library lacks it.
template <typename Function>
bool resolve_function(void* handle, const char* library, const char* name, Function* out,
                      std::string* error) {
  *out = reinterpret_cast<Function>(::dlsym(handle, name));
  if (!*out && error->empty()) *error = std::string(library) + " lacks " + name;
  return *out != nullptr;
}

}  // namespace edgecache
