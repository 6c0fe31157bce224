#include <gtest/gtest.h>

#include "edgecache/blob_envelope.h"
#include "edgecache/manifest.h"

namespace edgecache {
namespace {

TEST(Manifest, RoundTripsAndKeepsNewestCandidatesFirst) {
  Manifest manifest;
  manifest.recipe.add("arg", "-O2");
  for (int i = 0; i < 20; ++i) {
    manifest.add_candidate(
        {{{"@BASE0@/a.h", std::to_string(i), ""}}, hash_bytes(std::to_string(i))});
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
  manifest.add_candidate(
      {{{"@BASE0@/a.h", "abc", "1-2-3-4-5"}, {"/usr/include/stdio.h", "def", ""}},
       hash_bytes("r")});
  std::string payload = encode_manifest(manifest);
  for (size_t n = 0; n < payload.size(); ++n) {
    EXPECT_FALSE(decode_manifest(payload.substr(0, n))) << "length " << n;
  }
  EXPECT_FALSE(decode_manifest(payload + "x"));
  EXPECT_FALSE(decode_manifest(std::string(8, '\xff')));
}

TEST(Manifest, CandidateViewsHoldWhatTheFullDecodeHoldsAndRefuseTheSameTruncations) {
  Manifest manifest;
  manifest.recipe.add("arg", "-O2");
  manifest.add_candidate({{{"@BASE0@/a.h", "abc", "1-2-3-4-5"}}, hash_bytes("old")});
  manifest.add_candidate(
      {{{"@BASE0@/b.h", "def", ""}, {"/usr/include/x", "absent", "1:6-7-8-9-10"}},
       hash_bytes("new")});
  const std::string payload = encode_manifest(manifest);
  auto views = decode_manifest_candidates(payload);
  ASSERT_TRUE(views) << views.error();
  ASSERT_EQ(views->size(), 2u);
  for (size_t c = 0; c < 2; ++c) {
    const ManifestCandidate& full = manifest.candidates[c];
    EXPECT_EQ((*views)[c].result, full.result);
    ASSERT_EQ((*views)[c].deps.size(), full.deps.size());
    for (size_t d = 0; d < full.deps.size(); ++d) {
      EXPECT_EQ((*views)[c].deps[d].path, full.deps[d].path);
      EXPECT_EQ((*views)[c].deps[d].fingerprint, full.deps[d].fingerprint);
      EXPECT_EQ((*views)[c].deps[d].stamp, full.deps[d].stamp);
    }
  }
  for (size_t n = 0; n < payload.size(); ++n) {
    EXPECT_FALSE(decode_manifest_candidates(payload.substr(0, n))) << "length " << n;
  }
  EXPECT_FALSE(decode_manifest_candidates(payload + "x"));
  EXPECT_FALSE(decode_manifest_candidates(std::string(8, '\xff')));
}

}  // namespace
}  // namespace edgecache
