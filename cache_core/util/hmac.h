#pragma once
// HMAC-SHA256 for signed objects (blob_envelope.h), from libcrypto loaded
// with dlopen() the first time a signature is made or checked: only caches
// with a signing key pay for loading it (linked, its relocation cost every
// launcher process about 3 million instructions, half of a whole local hit).
// Private to cache_core.

#include <string>
#include <string_view>

#include "edgecache/result.h"

namespace edgecache {

// The 32-byte HMAC-SHA256 of `data` under `key`; an error when libcrypto
// cannot be loaded (then nothing can be signed or verified).
Result<std::string> hmac_sha256(std::string_view key, std::string_view data);

// The 32-byte SHA-256 of `data` (S3's x-amz-content-sha256), from the same
// on-demand libcrypto; an error when it cannot be loaded.
Result<std::string> sha256(std::string_view data);

}  // namespace edgecache
