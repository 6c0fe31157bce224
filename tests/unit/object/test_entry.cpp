#include <gtest/gtest.h>

#include "edgecache/blob_envelope.h"
#include "edgecache/entry.h"
#include "test_support.h"

namespace edgecache {
namespace {

using testing::seal_blob;

Entry sample_entry() {
  Entry entry;
  entry.files.push_back({"object", 0644,
                         std::string("\x7f"
                                     "ELF\0\1\2",
                                     7)});
  entry.files.push_back({"depfile", 0644, "a.o: @BASE0@/a.c\n"});
  entry.stderr_text = "warning: unused\n";
  entry.duration_ms = 1234;
  return entry;
}

TEST(Entry, RoundTripsThroughTheEnvelope) {
  std::string blob = seal_blob(ObjectKind::kResult, encode_entry(sample_entry()));
  auto payload = open_blob(ObjectKind::kResult, blob);
  ASSERT_TRUE(payload) << payload.error();
  auto entry = decode_entry(*payload);
  ASSERT_TRUE(entry) << entry.error();
  ASSERT_EQ(entry->files.size(), 2u);
  EXPECT_EQ(entry->find("object")->content, std::string("\x7f"
                                                        "ELF\0\1\2",
                                                        7));
  EXPECT_EQ(entry->find("depfile")->content, "a.o: @BASE0@/a.c\n");
  EXPECT_EQ(entry->stderr_text, "warning: unused\n");
  EXPECT_EQ(entry->duration_ms, 1234u);
  EXPECT_EQ(entry->find("missing"), nullptr);
}

TEST(Entry, EveryTruncationIsAnErrorNotACrash) {
  std::string blob = seal_blob(ObjectKind::kResult, encode_entry(sample_entry()));
  for (size_t n = 0; n < blob.size(); ++n) {
    EXPECT_FALSE(open_blob(ObjectKind::kResult, blob.substr(0, n))) << "length " << n;
  }
  std::string payload = encode_entry(sample_entry());
  for (size_t n = 0; n < payload.size(); ++n) {
    EXPECT_FALSE(decode_entry(payload.substr(0, n))) << "length " << n;
  }
}

TEST(Entry, FlippedByteFailsTheChecksumOrDecompression) {
  std::string blob = seal_blob(ObjectKind::kResult, encode_entry(sample_entry()));
  for (size_t i = 0; i < blob.size(); ++i) {
    std::string bad = blob;
    bad[i] ^= 0x20;
    auto payload = open_blob(ObjectKind::kResult, bad);
    if (payload) {
      EXPECT_EQ(*payload, encode_entry(sample_entry())) << "byte " << i;
    }
  }
}

TEST(Entry, OpenedWithoutZeroFillEveryFlipAndTruncationIsStillCaught) {
  const std::string payload = encode_entry(sample_entry());
  const BlobCodec codec;
  const CacheKey key{ObjectKind::kResult, {}};
  const std::string blob = codec.seal(key, payload);
  auto opened = codec.open_payload(key, blob);
  ASSERT_TRUE(opened) << opened.error();
  EXPECT_EQ(opened->view(), payload);
  for (size_t n = 0; n < blob.size(); ++n)
    EXPECT_FALSE(codec.open_payload(key, blob.substr(0, n))) << "length " << n;
  for (size_t i = 0; i < blob.size(); ++i) {
    std::string bad = blob;
    bad[i] ^= 0x20;
    if (auto flipped = codec.open_payload(key, bad)) {
      EXPECT_EQ(flipped->view(), payload) << "byte " << i;
    }
  }
}

TEST(Entry, AViewDecodesTheSameEntryWithoutCopying) {
  const std::string payload = encode_entry(sample_entry());
  auto view = decode_entry_view(payload);
  ASSERT_TRUE(view) << view.error();
  ASSERT_EQ(view->files.size(), 2u);
  const EntryFileView* object = view->find("object");
  ASSERT_NE(object, nullptr);
  EXPECT_EQ(object->content, std::string_view("\x7f"
                                              "ELF\0\1\2",
                                              7));
  EXPECT_GE(object->content.data(), payload.data());
  EXPECT_LE(object->content.data() + object->content.size(), payload.data() + payload.size());
  EXPECT_EQ(view->stderr_text, "warning: unused\n");
  EXPECT_EQ(view->duration_ms, 1234u);
  for (size_t n = 0; n < payload.size(); ++n)
    EXPECT_FALSE(decode_entry_view(payload.substr(0, n))) << "length " << n;
}

TEST(Entry, ABlobClaimingGigabytesIsRejectedBeforeAllocation) {
  std::string blob = seal_blob(ObjectKind::kResult, "small");
  uint64_t huge = uint64_t{1} << 40;
  blob.replace(8, 8, reinterpret_cast<const char*>(&huge), 8);
  auto payload = open_blob(ObjectKind::kResult, blob);
  ASSERT_FALSE(payload);
  EXPECT_NE(payload.error().find("over the limit"), std::string::npos);
}

TEST(Entry, WrongKindOrVersionIsRejected) {
  std::string blob = seal_blob(ObjectKind::kManifest, "{}");
  EXPECT_FALSE(open_blob(ObjectKind::kResult, blob));
  std::string other_version = blob;
  other_version[5] = static_cast<char>(kFormatVersion + 1);
  EXPECT_FALSE(open_blob(ObjectKind::kManifest, other_version));
  EXPECT_FALSE(open_blob(ObjectKind::kManifest, "not an edgecache object at all, no"));
}

TEST(Entry, SymlinksKeepTheirKindAndTarget) {
  Entry entry;
  entry.files.push_back({"output:0", 0755, "ELF", EntryFileKind::kRegular});
  entry.files.push_back({"output:1", 0777, "libfoo.so.1.2", EntryFileKind::kSymlink});
  auto decoded = decode_entry(encode_entry(entry));
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(decoded->find("output:0")->kind, EntryFileKind::kRegular);
  EXPECT_EQ(decoded->find("output:0")->mode, 0755u);
  EXPECT_EQ(decoded->find("output:1")->kind, EntryFileKind::kSymlink);
  EXPECT_EQ(decoded->find("output:1")->content, "libfoo.so.1.2");
}

TEST(Entry, AFileOfUnknownTypeIsCorrupt) {
  std::string payload = encode_entry(sample_entry());
  // The first file's mode follows u32 count, u64 role length, the role.
  size_t mode_at = 4 + 8 + std::string("object").size();
  uint32_t char_device = 0020644;
  payload.replace(mode_at, 4, reinterpret_cast<const char*>(&char_device), 4);
  EXPECT_FALSE(decode_entry(payload));
}

TEST(Entry, HugeFileCountIsRejected) {
  std::string payload(4, '\xff');
  EXPECT_FALSE(decode_entry(payload));
}

}  // namespace
}  // namespace edgecache
