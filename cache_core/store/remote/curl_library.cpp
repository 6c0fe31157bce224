#include "store/remote/curl_library.h"

#include <mutex>

#include "util/shared_library.h"

namespace edgecache {
namespace {

bool resolve(void* handle, const char* name, auto* out, std::string* error) {
  return resolve_function(handle, "libcurl", name, out, error);
}

CurlLibrary load() {
  CurlLibrary lib;
  void* handle = open_shared_library("libcurl.so.4", "libcurl4", &lib.error);
  if (!handle) return lib;
  // Never dlclose()d: handles live in stores until the process exits.
  bool ok = resolve(handle, "curl_global_init", &lib.global_init, &lib.error) &&
            resolve(handle, "curl_easy_init", &lib.easy_init, &lib.error) &&
            resolve(handle, "curl_easy_cleanup", &lib.easy_cleanup, &lib.error) &&
            resolve(handle, "curl_easy_reset", &lib.easy_reset, &lib.error) &&
            resolve(handle, "curl_easy_setopt", &lib.easy_setopt, &lib.error) &&
            resolve(handle, "curl_easy_perform", &lib.easy_perform, &lib.error) &&
            resolve(handle, "curl_easy_getinfo", &lib.easy_getinfo, &lib.error) &&
            resolve(handle, "curl_easy_strerror", &lib.easy_strerror, &lib.error) &&
            resolve(handle, "curl_slist_append", &lib.slist_append, &lib.error) &&
            resolve(handle, "curl_slist_free_all", &lib.slist_free_all, &lib.error) &&
            resolve(handle, "curl_multi_init", &lib.multi_init, &lib.error) &&
            resolve(handle, "curl_multi_cleanup", &lib.multi_cleanup, &lib.error) &&
            resolve(handle, "curl_multi_add_handle", &lib.multi_add_handle, &lib.error) &&
            resolve(handle, "curl_multi_remove_handle", &lib.multi_remove_handle, &lib.error) &&
            resolve(handle, "curl_multi_perform", &lib.multi_perform, &lib.error) &&
            resolve(handle, "curl_multi_poll", &lib.multi_poll, &lib.error) &&
            resolve(handle, "curl_multi_info_read", &lib.multi_info_read, &lib.error) &&
            resolve(handle, "curl_multi_wakeup", &lib.multi_wakeup, &lib.error) &&
            resolve(handle, "curl_multi_setopt", &lib.multi_setopt, &lib.error);
  if (!ok) return lib;
  lib.global_init(CURL_GLOBAL_DEFAULT);
  lib.loaded = true;
  return lib;
}

}  // namespace

const CurlLibrary& curl_library() {
  static std::once_flag once;
  static CurlLibrary library;
  std::call_once(once, [] { library = load(); });
  return library;
}

}  // namespace edgecache
