// Result, Status and Error: one failure type with a code a caller acts on
// and a message a person reads; the Store interface answers with it.
#include <gtest/gtest.h>

#include "edgecache/result.h"
#include "memory_store.h"
#include "remote_test_support.h"
#include "test_support.h"

namespace edgecache {
namespace {

using testing::code_of;
using testing::MemoryStore;
using testing::test_key;

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return Error{std::string("not a digit: ") + c};
  return c - '0';
}

TEST(Result, HoldsAValueOrAnErrorWithItsCodeAndMessage) {
  Result<int> seven = parse_digit('7');
  ASSERT_TRUE(seven.ok());
  EXPECT_EQ(*seven, 7);
  Result<int> bad = parse_digit('x');
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.code(), ErrorCode::kFailed);  // an Error without a code is a plain failure
  EXPECT_EQ(bad.error(), "not a digit: x");
  EXPECT_EQ(code_of(seven), std::nullopt);
}

TEST(Result, NotFoundAndUnavailableAreNotFailures) {
  EXPECT_FALSE(Status(Error::not_found()).failed());
  EXPECT_FALSE(Status(Error::unavailable()).failed());
  EXPECT_TRUE(Status(Error{"disk full"}).failed());
  EXPECT_TRUE(Status(Error::timed_out("no answer in 300 ms")).failed());
  EXPECT_TRUE(Status(Error::corrupt("bad checksum")).failed());
  EXPECT_FALSE(ok_status().failed());
  EXPECT_EQ(Status(Error::timed_out("slow")).code(), ErrorCode::kTimeout);
  EXPECT_EQ(Status(Error::corrupt("bad")).failure().message, "bad");
}

TEST(Result, AStoreAnswersWithTheSameType) {
  MemoryStore store;
  EXPECT_EQ(code_of(store.get(test_key("a"))), ErrorCode::kNotFound);
  EXPECT_EQ(code_of(store.exists(test_key("a"))), ErrorCode::kNotFound);
  EXPECT_EQ(code_of(store.remove(test_key("a"))), ErrorCode::kNotFound);
  ASSERT_TRUE(store.put(test_key("a"), "blob").ok());
  Result<std::string> blob = store.get(test_key("a"));
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(*blob, "blob");
  store.failure = Error::timed_out("memory: no answer");
  Result<std::string> slow = store.get(test_key("a"));
  EXPECT_TRUE(slow.failed());
  EXPECT_EQ(slow.code(), ErrorCode::kTimeout);
  EXPECT_EQ(slow.error(), "memory: no answer");
}

}  // namespace
}  // namespace edgecache
