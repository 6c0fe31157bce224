#include <gtest/gtest.h>

#include "edgecache/blob_envelope.h"
#include "test_support.h"

namespace edgecache {
namespace {

using testing::seal_blob;

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

// The code, not the message, tells a forgery from damage: the stats count them apart.
TEST(SignedEntry, ABadSignatureAndDamageHaveTheirOwnCodes) {
  BlobCodec signer{1, "team-secret", kDefaultMaxPayloadSize};
  std::string blob = signer.seal(kResultKey, "payload");
  EXPECT_EQ(BlobCodec({1, "attacker-guess", kDefaultMaxPayloadSize}).open(kResultKey, blob).code(),
            ErrorCode::kBadSignature);
  std::string unsigned_blob = seal_blob(ObjectKind::kResult, "payload");
  std::string damaged = unsigned_blob;
  damaged[damaged.size() - 1] ^= 1;
  EXPECT_EQ(open_blob(ObjectKind::kResult, damaged).code(), ErrorCode::kCorrupt);
  EXPECT_EQ(open_blob(ObjectKind::kResult, "not an object").code(), ErrorCode::kCorrupt);
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
  std::string blob =
      BlobCodec{1, "k", kDefaultMaxPayloadSize}.seal(CacheKey{ObjectKind::kManifest, {}}, "{}");
  auto opened = open_blob(ObjectKind::kManifest, blob);
  ASSERT_TRUE(opened) << opened.error();
  EXPECT_EQ(*opened, "{}");
  EXPECT_FALSE(open_blob(ObjectKind::kManifest, blob.substr(0, 40)));
}

// The `compression` setting off: the payload is stored as it is (a restore
// copies instead of decompressing), and either kind opens with any codec.
TEST(UncompressedEntry, StoresThePayloadAsItIsAndOpensWithAnyCodec) {
  const std::string payload(4096, 'x');  // compresses to a few bytes
  BlobCodec plain{1, "", kDefaultMaxPayloadSize, /*compress=*/false};
  std::string blob = plain.seal(kResultKey, payload);
  EXPECT_EQ(blob.size(), 32 + payload.size());
  EXPECT_NE(blob.find(payload), std::string::npos);
  EXPECT_EQ(*BlobCodec{}.open(kResultKey, blob), payload);
  auto opened = plain.open_payload(kResultKey, blob);
  ASSERT_TRUE(opened) << opened.error();
  EXPECT_EQ(opened->view(), payload);
  // Handed the blob, it opens in place, short or long.
  for (const std::string& text : {std::string("short"), payload}) {
    auto in_place = plain.open_payload(kResultKey, plain.seal(kResultKey, text));
    ASSERT_TRUE(in_place) << in_place.error();
    EXPECT_EQ(in_place->view(), text);
  }

  std::string compressed = BlobCodec{}.seal(kResultKey, payload);
  EXPECT_LT(compressed.size(), 200u);
  EXPECT_EQ(*plain.open(kResultKey, compressed), payload);
}

// A restore's read buffer: opened in place, an uncompressed payload is a
// view of the caller's bytes (not copied); a compressed one is decompressed.
TEST(UncompressedEntry, OpensInPlaceAsAViewOfTheCallersBytes) {
  const std::string payload(4096, 'x');
  BlobCodec plain{1, "", kDefaultMaxPayloadSize, /*compress=*/false};
  const std::string blob = plain.seal(kResultKey, payload);
  auto in_place = plain.open_payload_in_place(kResultKey, blob);
  ASSERT_TRUE(in_place) << in_place.error();
  EXPECT_EQ(in_place->view(), payload);
  EXPECT_GE(in_place->view().data(), blob.data());
  EXPECT_LE(in_place->view().data() + payload.size(), blob.data() + blob.size());
  std::string damaged = blob;
  damaged[damaged.size() - 1] ^= 1;
  EXPECT_EQ(plain.open_payload_in_place(kResultKey, damaged).code(), ErrorCode::kCorrupt);
  auto compressed = plain.open_payload_in_place(kResultKey, BlobCodec{}.seal(kResultKey, payload));
  ASSERT_TRUE(compressed) << compressed.error();
  EXPECT_EQ(compressed->view(), payload);
}

// No zstd frame to fail on: the checksum and the sizes guard it alone.
TEST(UncompressedEntry, DamageTruncationAndPaddingAreCorrupt) {
  BlobCodec plain{1, "", kDefaultMaxPayloadSize, /*compress=*/false};
  std::string blob = plain.seal(kResultKey, "object bytes");
  std::string damaged = blob;
  damaged[damaged.size() - 1] ^= 1;
  EXPECT_EQ(plain.open(kResultKey, damaged).code(), ErrorCode::kCorrupt);
  EXPECT_EQ(plain.open(kResultKey, blob.substr(0, blob.size() - 1)).code(), ErrorCode::kCorrupt);
  EXPECT_EQ(plain.open(kResultKey, blob + "x").code(), ErrorCode::kCorrupt);
  EXPECT_EQ(plain.open_payload(kResultKey, damaged).code(), ErrorCode::kCorrupt);
  EXPECT_EQ(plain.open_payload(kResultKey, std::string(damaged)).code(), ErrorCode::kCorrupt);
}

TEST(UncompressedEntry, SignedUncompressedObjectsAreCheckedAsSignedOnes) {
  BlobCodec signer{1, "team-secret", kDefaultMaxPayloadSize, /*compress=*/false};
  std::string blob = signer.seal(kResultKey, "payload");
  ASSERT_TRUE(signer.open(kResultKey, blob));
  EXPECT_EQ(*signer.open(kResultKey, blob), "payload");
  std::string tampered = blob;
  tampered[32] ^= 1;  // the first payload byte
  EXPECT_EQ(signer.open(kResultKey, tampered).code(), ErrorCode::kBadSignature);
  EXPECT_EQ(BlobCodec({1, "other", kDefaultMaxPayloadSize, false}).open(kResultKey, blob).code(),
            ErrorCode::kBadSignature);
}

}  // namespace
}  // namespace edgecache
