#pragma once
// libcurl, loaded with dlopen() the first time an HTTP remote is used.
//
// Linking libcurl pulls about 30 shared libraries (TLS, Kerberos, LDAP, ...)
// into every process, and the dynamic loader's relocation of them cost more
// than the rest of a cache hit. The launcher starts once per compile and most
// compiles use no remote (or hit locally), so it loads libcurl only on demand.
// Private to cache_core: only http_store.cpp uses it.

#include <curl/curl.h>

#include <string>

namespace edgecache {

struct CurlLibrary {
  bool loaded = false;
  std::string error;  // why loading failed

  CURLcode (*global_init)(long flags) = nullptr;
  CURL* (*easy_init)() = nullptr;
  void (*easy_cleanup)(CURL*) = nullptr;
  void (*easy_reset)(CURL*) = nullptr;
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...) = nullptr;
  CURLcode (*easy_perform)(CURL*) = nullptr;
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...) = nullptr;
  const char* (*easy_strerror)(CURLcode) = nullptr;
  curl_slist* (*slist_append)(curl_slist*, const char*) = nullptr;
  void (*slist_free_all)(curl_slist*) = nullptr;
  CURLM* (*multi_init)() = nullptr;
  CURLMcode (*multi_cleanup)(CURLM*) = nullptr;
  CURLMcode (*multi_add_handle)(CURLM*, CURL*) = nullptr;
  CURLMcode (*multi_remove_handle)(CURLM*, CURL*) = nullptr;
  CURLMcode (*multi_perform)(CURLM*, int*) = nullptr;
  CURLMcode (*multi_poll)(CURLM*, curl_waitfd*, unsigned int, int, int*) = nullptr;
  CURLMsg* (*multi_info_read)(CURLM*, int*) = nullptr;
  CURLMcode (*multi_wakeup)(CURLM*) = nullptr;  // libcurl >= 7.68
  CURLMcode (*multi_setopt)(CURLM*, CURLMoption, ...) = nullptr;
};

// Loads libcurl and runs curl_global_init once per process; thread-safe.
const CurlLibrary& curl_library();

}  // namespace edgecache
