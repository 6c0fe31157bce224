// Hash128 and Hasher: XXH3-128, streaming, fields length-prefixed.
#include <gtest/gtest.h>

#include "edgecache/hash.h"

using edgecache::Hash128;
using edgecache::hash_bytes;
using edgecache::Hasher;

TEST(Hash, StreamingEqualsOneShot) {
  Hasher hasher;
  hasher.update("hello ");
  hasher.update("world");
  EXPECT_EQ(hasher.digest(), hash_bytes("hello world"));
}

TEST(Hash, FieldsAreLengthPrefixedSoBoundariesMatter) {
  Hasher ab_c, a_bc;
  ab_c.update_field("ab");
  ab_c.update_field("c");
  a_bc.update_field("a");
  a_bc.update_field("bc");
  EXPECT_NE(ab_c.digest(), a_bc.digest());
}

TEST(Hash, HexRoundTrips) {
  Hash128 h = hash_bytes("x");
  ASSERT_EQ(h.hex().size(), 32u);
  EXPECT_EQ(Hash128::from_hex(h.hex()), h);
}

TEST(Hash, MalformedHexIsRejected) {
  EXPECT_FALSE(Hash128::from_hex("zz"));
  EXPECT_FALSE(Hash128::from_hex(std::string(32, 'g')));
  EXPECT_FALSE(Hash128::from_hex(std::string(31, 'a')));
}
