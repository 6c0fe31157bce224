#include "edgecache/blob_envelope.h"

#include <zstd.h>

#include "edgecache/byte_codec.h"
#include "edgecache/hash.h"

namespace edgecache {
namespace {

constexpr std::string_view kMagic = "ECB1";
constexpr size_t kHeaderSize = 32;

}  // namespace

std::string seal_blob(ObjectKind kind, std::string_view payload, int compression_level) {
  Hash128 checksum = hash_bytes(payload);
  ByteWriter writer;
  writer.raw(kMagic.data(), kMagic.size());
  writer.u8(static_cast<uint8_t>(kind));
  writer.u8(static_cast<uint8_t>(kFormatVersion));
  writer.u8(0);
  writer.u8(0);
  writer.u64(payload.size());
  writer.u64(checksum.high);
  writer.u64(checksum.low);
  std::string& out = writer.str();
  size_t bound = ZSTD_compressBound(payload.size());
  out.resize(kHeaderSize + bound);
  size_t n = ZSTD_compress(out.data() + kHeaderSize, bound, payload.data(), payload.size(),
                           compression_level);
  // Compression into a buffer of compressBound size cannot fail for valid levels.
  out.resize(kHeaderSize + (ZSTD_isError(n) ? 0 : n));
  return std::move(out);
}

Result<std::string> open_blob(ObjectKind kind, std::string_view blob, uint64_t max_payload_size) {
  if (blob.size() < kHeaderSize || blob.substr(0, 4) != kMagic) {
    return Error{"not an edgecache object (bad magic)"};
  }
  ByteReader reader(blob.substr(4, kHeaderSize - 4));
  uint8_t stored_kind = *reader.u8();
  uint8_t version = *reader.u8();
  reader.u8();
  reader.u8();
  uint64_t size = *reader.u64();
  Hash128 checksum{*reader.u64(), *reader.u64()};
  if (stored_kind != static_cast<uint8_t>(kind)) return Error{"object of the wrong kind"};
  if (version != kFormatVersion) {
    return Error{"object format version " + std::to_string(version) + ", expected " +
                 std::to_string(kFormatVersion)};
  }
  if (size > max_payload_size) {
    return Error{"object claims " + std::to_string(size) + " bytes, over the limit"};
  }
  std::string_view frame = blob.substr(kHeaderSize);
  unsigned long long frame_size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (frame_size != size) return Error{"object payload size does not match its header"};
  std::string payload(size, '\0');
  size_t n = ZSTD_decompress(payload.data(), payload.size(), frame.data(), frame.size());
  if (ZSTD_isError(n) || n != size) return Error{"object payload does not decompress"};
  if (!(hash_bytes(payload) == checksum)) return Error{"object checksum mismatch"};
  return payload;
}

}  // namespace edgecache
