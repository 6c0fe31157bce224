#include "util/hmac.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <mutex>

#include "util/shared_library.h"

namespace edgecache {
namespace {

struct CryptoLibrary {
  decltype(&::EVP_sha256) sha256 = nullptr;
  decltype(&::HMAC) hmac = nullptr;
  decltype(&::EVP_Digest) digest = nullptr;
  std::string error;  // why loading failed
};

CryptoLibrary load() {
  CryptoLibrary lib;
  if (void* handle = open_shared_library("libcrypto.so.3", "libssl3", &lib.error)) {
    resolve_function(handle, "libcrypto", "EVP_sha256", &lib.sha256, &lib.error) &&
        resolve_function(handle, "libcrypto", "HMAC", &lib.hmac, &lib.error) &&
        resolve_function(handle, "libcrypto", "EVP_Digest", &lib.digest, &lib.error);
  }
  return lib;
}

const CryptoLibrary& crypto_library() {
  static std::once_flag once;
  static CryptoLibrary library;
  std::call_once(once, [] { library = load(); });
  return library;
}

}  // namespace

Result<std::string> hmac_sha256(std::string_view key, std::string_view data) {
  const CryptoLibrary& lib = crypto_library();
  if (!lib.hmac) return Error{lib.error};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!lib.hmac(lib.sha256(), key.data(), static_cast<int>(key.size()),
                reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest,
                &length)) {
    return Error{"HMAC-SHA256 failed"};
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

Result<std::string> sha256(std::string_view data) {
  const CryptoLibrary& lib = crypto_library();
  if (!lib.digest) return Error{lib.error};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!lib.digest(data.data(), data.size(), digest, &length, lib.sha256(), nullptr)) {
    return Error{"SHA-256 failed"};
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace edgecache
