#include "edgecache/blob_envelope.h"

#include <zstd.h>

#include <cstring>

#include "edgecache/hash.h"
#include "object/byte_codec.h"
#include "util/hmac.h"

namespace edgecache {
namespace {

constexpr std::string_view kMagic = "ECB1";
constexpr size_t kHeaderSize = 32;
constexpr size_t kSignatureSize = 32;
constexpr uint8_t kSignedFlag = 1;
constexpr uint8_t kUncompressedFlag = 2;

// The signature of `blob` stored under `object_key` (see the format above).
// Without libcrypto there is no signature: "" never matches a stored one,
// so every signed object is rejected (a miss), and objects written then
// carry none and are rejected by every reader with the key.
std::string signature(const std::string& secret, const CacheKey& object_key,
                      std::string_view blob) {
  std::string data = "edgecache-signed-object";
  data += '\0';
  data += object_key.to_string();
  data += '\0';
  data.append(blob);
  auto mac = hmac_sha256(secret, data);
  return mac ? std::move(*mac) : std::string();
}

// Constant time, so a forger learns nothing from how long a rejection takes.
bool same_bytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string seal(ObjectKind kind, std::string_view payload, int compression_level, uint8_t flags) {
  Hash128 checksum = hash_bytes(payload);
  ByteWriter writer;
  writer.raw(kMagic.data(), kMagic.size());
  writer.u8(static_cast<uint8_t>(kind));
  writer.u8(static_cast<uint8_t>(kFormatVersion));
  writer.u8(flags);
  writer.u8(0);
  writer.u64(payload.size());
  writer.u64(checksum.high);
  writer.u64(checksum.low);
  std::string& out = writer.str();
  if (flags & kUncompressedFlag) {
    out.append(payload);
    return std::move(out);
  }
  size_t bound = ZSTD_compressBound(payload.size());
  out.resize(kHeaderSize + bound);
  size_t n = ZSTD_compress(out.data() + kHeaderSize, bound, payload.data(), payload.size(),
                           compression_level);
  // Compression into a buffer of compressBound size cannot fail for valid levels.
  out.resize(kHeaderSize + (ZSTD_isError(n) ? 0 : n));
  return std::move(out);
}

// The checked header of an object: its zstd frame (or its uncompressed
// payload) and what the payload must be. Everything but the decompression
// and the checksum.
struct CheckedFrame {
  std::string_view frame;
  uint64_t size = 0;
  Hash128 checksum;
  bool uncompressed = false;
};

Result<CheckedFrame> check_frame(const CacheKey& key, std::string_view blob,
                                 uint64_t max_payload_size, const std::string& signing_key) {
  ObjectKind kind = key.kind;
  if (blob.size() < kHeaderSize || blob.substr(0, 4) != kMagic) {
    return Error::corrupt("not an edgecache object (bad magic)");
  }
  ByteReader reader(blob.substr(4, kHeaderSize - 4));
  uint8_t stored_kind = *reader.u8();
  uint8_t version = *reader.u8();
  uint8_t flags = *reader.u8();
  reader.u8();
  uint64_t size = *reader.u64();
  Hash128 checksum{*reader.u64(), *reader.u64()};
  if (stored_kind != static_cast<uint8_t>(kind)) return Error::corrupt("object of the wrong kind");
  if (version != kFormatVersion) {
    return Error::corrupt("object format version " + std::to_string(version) + ", expected " +
                          std::to_string(kFormatVersion));
  }
  if (size > max_payload_size) {
    return Error::corrupt("object claims " + std::to_string(size) + " bytes, over the limit");
  }
  bool is_signed = (flags & kSignedFlag) != 0;
  if (is_signed && blob.size() < kHeaderSize + kSignatureSize)
    return Error::corrupt("object signature truncated");
  std::string_view signed_part =
      blob.substr(0, is_signed ? blob.size() - kSignatureSize : blob.size());
  if (!signing_key.empty() && (!is_signed || !same_bytes(signature(signing_key, key, signed_part),
                                                         blob.substr(signed_part.size())))) {
    return Error{std::string(kSignatureError), ErrorCode::kBadSignature};
  }
  std::string_view frame = signed_part.substr(kHeaderSize);
  const bool uncompressed = (flags & kUncompressedFlag) != 0;
  unsigned long long frame_size =
      uncompressed ? frame.size() : ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (frame_size != size) return Error::corrupt("object payload size does not match its header");
  return CheckedFrame{frame, size, checksum, uncompressed};
}

// One decompression context per thread, kept (as zstd's manual advises for
// many frames): ZSTD_decompress() makes and frees one, about 160 KB, for
// every entry and manifest a warm rebuild opens.
ZSTD_DCtx* thread_dctx() {
  struct Owned {
    ZSTD_DCtx* dctx = ZSTD_createDCtx();
    ~Owned() { ZSTD_freeDCtx(dctx); }
  };
  thread_local Owned owned;
  return owned.dctx;
}

Status checksum_matches(std::string_view payload, const CheckedFrame& checked) {
  if (!(hash_bytes(payload) == checked.checksum)) return Error::corrupt("object checksum mismatch");
  return ok_status();
}

// Decompresses the checked frame into `out` (exactly its size) and
// verifies the checksum.
Status decompress_into(const CheckedFrame& checked, char* out) {
  if (checked.uncompressed) {
    std::memcpy(out, checked.frame.data(), checked.size);  // sizes checked equal
  } else {
    ZSTD_DCtx* dctx = thread_dctx();
    size_t n = dctx != nullptr
                   ? ZSTD_decompressDCtx(dctx, out, checked.size, checked.frame.data(),
                                         checked.frame.size())
                   : ZSTD_decompress(out, checked.size, checked.frame.data(), checked.frame.size());
    if (ZSTD_isError(n) || n != checked.size)
      return Error::corrupt("object payload does not decompress");
  }
  return checksum_matches(std::string_view(out, checked.size), checked);
}

Result<std::string> open(const CacheKey& key, std::string_view blob, uint64_t max_payload_size,
                         const std::string& signing_key) {
  auto checked = check_frame(key, blob, max_payload_size, signing_key);
  if (!checked) return checked.failure();
  std::string payload(checked->size, '\0');
  if (Status done = decompress_into(*checked, payload.data()); !done) return done.failure();
  return payload;
}

}  // namespace

namespace {

std::string seal_as(const BlobCodec& codec, const CacheKey& key, std::string_view payload,
                    uint8_t stored) {
  if (codec.signing_key.empty())
    return edgecache::seal(key.kind, payload, codec.compression_level, stored);
  std::string blob =
      edgecache::seal(key.kind, payload, codec.compression_level, kSignedFlag | stored);
  return blob + signature(codec.signing_key, key, blob);
}

}  // namespace

std::string BlobCodec::seal(const CacheKey& key, std::string_view payload) const {
  return seal_as(*this, key, payload, compress ? 0 : kUncompressedFlag);
}

std::string BlobCodec::seal_uncompressed(const CacheKey& key, std::string_view payload) const {
  return seal_as(*this, key, payload, kUncompressedFlag);
}

Result<std::string> BlobCodec::open(const CacheKey& key, std::string_view blob) const {
  return edgecache::open(key, blob, max_payload_size, signing_key);
}

namespace {

// The checked frame decompressed (or copied) into a buffer of its own.
Result<Payload> payload_of(const CheckedFrame& checked) {
  Payload payload;
  payload.bytes.reset(new char[checked.size]);  // default-initialized: not cleared
  payload.size = checked.size;
  if (Status done = decompress_into(checked, payload.bytes.get()); !done) return done.failure();
  return payload;
}

}  // namespace

Result<Payload> BlobCodec::open_payload(const CacheKey& key, std::string_view blob) const {
  auto checked = check_frame(key, blob, max_payload_size, signing_key);
  if (!checked) return checked.failure();
  return payload_of(*checked);
}

Result<Payload> BlobCodec::open_payload(const CacheKey& key, std::string&& blob) const {
  Result<Payload> payload = open_payload_in_place(key, blob);
  if (!payload || payload->borrowed == nullptr) return payload;
  // The payload owns the bytes it views: by an offset, not a pointer (a
  // short string's bytes move with it).
  payload->offset = static_cast<size_t>(payload->borrowed - blob.data());
  payload->borrowed = nullptr;
  payload->blob = std::move(blob);
  return payload;
}

Result<Payload> BlobCodec::open_payload_in_place(const CacheKey& key, std::string_view blob) const {
  auto checked = check_frame(key, blob, max_payload_size, signing_key);
  if (!checked) return checked.failure();
  if (!checked->uncompressed) return payload_of(*checked);
  if (Status same = checksum_matches(checked->frame, *checked); !same) return same.failure();
  Payload payload;
  payload.size = checked->size;
  payload.borrowed = checked->frame.data();
  return payload;
}

Result<std::string> open_blob(ObjectKind kind, std::string_view blob, uint64_t max_payload_size) {
  return BlobCodec{1, "", max_payload_size}.open(CacheKey{kind, {}}, blob);
}

}  // namespace edgecache
