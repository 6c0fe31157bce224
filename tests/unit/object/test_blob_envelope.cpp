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

}  // namespace
}  // namespace edgecache
