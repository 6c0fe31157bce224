#pragma once
// The versioned, checksummed, compressed envelope around every stored object.
//
// On-disk and on-wire format (this layout since version 1; byte 5 holds
// kFormatVersion, which cache_key.h defines and entry.h explains), all
// integers little-endian:
//   offset size  field
//   0      4     magic "ECB1"
//   4      1     object kind: 'm' manifest, 'r' result
//   5      1     kFormatVersion
//   6      1     flags: bit 0 set = signed; bit 1 set = stored uncompressed
//   7      1     reserved, 0
//   8      8     payload size after decompression
//   16     16    XXH3-128 of the decompressed payload (high 64 bits, then low)
//   32     ...   payload, one zstd frame; or the payload itself (bit 1)
//   end-32 32    signed objects only: HMAC-SHA256 (shared key) of
//                "edgecache-signed-object\0" + the object's key ("r-<32 hex>")
//                + "\0" + all bytes before the signature
// The key is inside the signature, so a validly signed object copied to
// another key's place (anyone who can PUT to the remote can do that) fails
// the check there as surely as a forged one.
// A reader rejects any mismatch (magic, kind, version, sizes, checksum) as a
// miss, and checks the declared size against its limit before allocating.
// Uncompressed objects (the `compression` setting off) restore without
// decompressing, at about 3 times the bytes ({fmt}: 47 MB, not 14); a
// reader from before bit 1 existed finds no zstd frame in them: a miss,
// never a wrong payload.
// A reader with a signing key also rejects unsigned and badly signed objects,
// so a writable remote cannot be poisoned by anyone without the key; a reader
// without a key ignores signatures. An object that cannot be opened is an
// error with code kCorrupt, or kBadSignature for a missing or wrong signature
// (counted apart in the stats: "rejected.signature").

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "edgecache/cache_key.h"
#include "edgecache/result.h"

namespace edgecache {

inline constexpr uint64_t kDefaultMaxPayloadSize = uint64_t{1} << 30;  // 1 GiB

// An opened payload in a buffer that is never zero-filled: the frame is
// decompressed straight into it (a restore's largest cost after the
// decompression itself was clearing the buffer first). An uncompressed
// object opened from a blob it was given keeps the blob and is a view of
// its bytes: no copy.
struct Payload {
  std::unique_ptr<char[]> bytes;
  size_t size = 0;
  std::string blob;  // the object's own bytes, when opened in place
  size_t offset = 0;
  // Opened in place in bytes the caller keeps (open_payload_in_place).
  const char* borrowed = nullptr;
  std::string_view view() const {
    if (bytes) return {bytes.get(), size};
    if (borrowed != nullptr) return {borrowed, size};
    return std::string_view(blob).substr(offset, size);
  }
};

// How objects are sealed and opened in one process. Opening is const and
// touches nothing shared, so several threads may open objects at once.
struct BlobCodec {
  int compression_level = 1;
  std::string signing_key;  // empty: write unsigned, accept unsigned
  uint64_t max_payload_size = kDefaultMaxPayloadSize;
  bool compress = true;  // false: seal payloads uncompressed (either kind opens)
  // With `compress`: result entries and manifests written to the local
  // cache are compressed too. Off by default: a restore copies the bytes and
  // a lookup reads its manifest instead of decompressing them, and the
  // remote's copy is still compressed.
  bool compress_local_entries = false;

  // `key` is where the object is stored: signatures bind to it.
  std::string seal(const CacheKey& key, std::string_view payload) const;
  // seal(), uncompressed whatever `compress` says.
  std::string seal_uncompressed(const CacheKey& key, std::string_view payload) const;
  Result<std::string> open(const CacheKey& key, std::string_view blob) const;
  // open() into a Payload: the same checks, no zero-fill.
  Result<Payload> open_payload(const CacheKey& key, std::string_view blob) const;
  // The same, owning `blob`: an uncompressed payload is not copied.
  Result<Payload> open_payload(const CacheKey& key, std::string&& blob) const;
  // The same, an uncompressed payload a view of `blob`, which must outlive
  // the Payload (a ReadBuffer the restore keeps).
  Result<Payload> open_payload_in_place(const CacheKey& key, std::string_view blob) const;
};

inline constexpr std::string_view kSignatureError = "object signature missing or invalid";

// Unsigned objects with the default limits.
Result<std::string> open_blob(ObjectKind kind, std::string_view blob,
                              uint64_t max_payload_size = kDefaultMaxPayloadSize);

}  // namespace edgecache
