#include <gtest/gtest.h>

#include "edgecache/blob_envelope.h"
#include "edgecache/entry.h"
#include "edgecache/manifest.h"

namespace edgecache {
namespace {

Entry sample_entry() {
  Entry entry;
  entry.files.push_back({"object", 0644, std::string("\x7f" "ELF\0\1\2", 7)});
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
  EXPECT_EQ(entry->find("object")->content, std::string("\x7f" "ELF\0\1\2", 7));
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

TEST(Manifest, RoundTripsAndKeepsNewestCandidatesFirst) {
  Manifest manifest;
  manifest.recipe.add("arg", "-O2");
  for (int i = 0; i < 20; ++i) {
    manifest.add_candidate({{{"@BASE0@/a.h", std::to_string(i), ""}}, hash_bytes(std::to_string(i))});
  }
  EXPECT_EQ(manifest.candidates.size(), 16u);
  EXPECT_EQ(manifest.candidates.front().deps[0].fingerprint, "19");
  auto decoded = decode_manifest(encode_manifest(manifest));
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(decoded->candidates.size(), 16u);
  EXPECT_EQ(decoded->candidates[0].result, hash_bytes("19"));
  EXPECT_EQ(decoded->recipe.fields(), manifest.recipe.fields());
}

TEST(Manifest, SameDependencySetReplacesTheOlderCandidate) {
  Manifest manifest;
  manifest.add_candidate({{{"a.h", "1", ""}}, hash_bytes("old")});
  manifest.add_candidate({{{"a.h", "1", "s"}}, hash_bytes("new")});
  ASSERT_EQ(manifest.candidates.size(), 1u);
  EXPECT_EQ(manifest.candidates[0].result, hash_bytes("new"));
}

TEST(Manifest, EveryTruncationIsAnErrorNotACrash) {
  Manifest manifest;
  manifest.recipe.add("arg", "-O2");
  manifest.add_candidate({{{"@BASE0@/a.h", "abc", "1-2-3-4-5"}, {"/usr/include/stdio.h", "def", ""}}, hash_bytes("r")});
  std::string payload = encode_manifest(manifest);
  for (size_t n = 0; n < payload.size(); ++n) {
    EXPECT_FALSE(decode_manifest(payload.substr(0, n))) << "length " << n;
  }
  EXPECT_FALSE(decode_manifest(payload + "x"));
  EXPECT_FALSE(decode_manifest(std::string(8, '\xff')));
}

}  // namespace
}  // namespace edgecache

namespace edgecache {
namespace {

const CacheKey kResultKey{ObjectKind::kResult, Hash128{1, 2}};

TEST(SignedEntry, ReaderWithTheKeyAcceptsOnlyCorrectlySignedObjects) {
  BlobCodec signer{1, "team-secret", kDefaultMaxPayloadSize};
  std::string blob = signer.seal(kResultKey, "payload");
  auto opened = signer.open(kResultKey, blob);
  ASSERT_TRUE(opened) << opened.error();
  EXPECT_EQ(*opened, "payload");

  BlobCodec other_key{1, "attacker-guess", kDefaultMaxPayloadSize};
  EXPECT_EQ(other_key.open(kResultKey, blob).error(), kSignatureError);
  std::string unsigned_blob = seal_blob(ObjectKind::kResult, "payload");
  EXPECT_EQ(signer.open(kResultKey, unsigned_blob).error(), kSignatureError);
  // A forged object: valid envelope, signed flag set, wrong signature.
  std::string forged = BlobCodec{1, "x", kDefaultMaxPayloadSize}.seal(kResultKey, "evil");
  EXPECT_EQ(signer.open(kResultKey, forged).error(), kSignatureError);
  std::string tampered = blob;
  tampered[tampered.size() - 40] ^= 1;
  EXPECT_FALSE(signer.open(kResultKey, tampered));
}

TEST(SignedEntry, ValidlySignedObjectUnderAnotherKeyIsRejected) {
  BlobCodec signer{1, "team-secret", kDefaultMaxPayloadSize};
  std::string blob = signer.seal(kResultKey, "payload for key 1,2");
  CacheKey elsewhere{ObjectKind::kResult, Hash128{1, 3}};
  EXPECT_EQ(signer.open(elsewhere, blob).error(), kSignatureError);
  CacheKey as_manifest{ObjectKind::kManifest, Hash128{1, 2}};
  EXPECT_FALSE(signer.open(as_manifest, blob));
}

TEST(SignedEntry, ReaderWithoutAKeyStillReadsSignedObjects) {
  std::string blob = BlobCodec{1, "k", kDefaultMaxPayloadSize}.seal(CacheKey{ObjectKind::kManifest, {}}, "{}");
  auto opened = open_blob(ObjectKind::kManifest, blob);
  ASSERT_TRUE(opened) << opened.error();
  EXPECT_EQ(*opened, "{}");
  EXPECT_FALSE(open_blob(ObjectKind::kManifest, blob.substr(0, 40)));
}

}  // namespace
}  // namespace edgecache
