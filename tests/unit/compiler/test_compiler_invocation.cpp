#include <gtest/gtest.h>

#include "edgecache/compiler_invocation.h"

namespace edgecache {
namespace {

CompilerInvocation classify(std::vector<std::string> argv) {
  return classify_compiler_invocation(argv);
}

TEST(CompilerInvocation, SingleSourceCompileIsCacheable) {
  auto inv = classify({"g++", "-O2", "-Iinclude", "-c", "src/a.cpp", "-o", "obj/a.o"});
  ASSERT_TRUE(inv.cacheable) << inv.uncacheable_reason;
  EXPECT_EQ(inv.source, "src/a.cpp");
  EXPECT_EQ(inv.object, "obj/a.o");
  EXPECT_EQ(inv.depfile_mode, DepfileMode::kNone);
  EXPECT_EQ(inv.user_dirs, std::vector<std::string>{"include"});
}

TEST(CompilerInvocation, IncludeSearchIsSortedIntoTheCompilersOrder) {
  auto inv = classify({"gcc", "-idirafter", "late", "-isystem", "sys", "-Iuser", "-iquote", "q",
                       "-include", "conf.h", "-c", "a.c"});
  ASSERT_TRUE(inv.cacheable) << inv.uncacheable_reason;
  EXPECT_EQ(inv.quote_dirs, std::vector<std::string>{"q"});
  EXPECT_EQ(inv.user_dirs, std::vector<std::string>{"user"});
  EXPECT_EQ(inv.system_dirs, std::vector<std::string>{"sys"});
  EXPECT_EQ(inv.after_dirs, std::vector<std::string>{"late"});
  EXPECT_EQ(inv.forced_includes, std::vector<std::string>{"conf.h"});
  auto split = classify({"gcc", "-Ibefore", "-I-", "-Iafter", "-c", "a.c"});
  EXPECT_EQ(split.quote_dirs, std::vector<std::string>{"before"});
  EXPECT_EQ(split.user_dirs, std::vector<std::string>{"after"});
  EXPECT_FALSE(split.includer_dir_searched);
}

TEST(CompilerInvocation, FilesNamedByFlagsAreKeyedAndPchBuildsAreNot) {
  auto inv = classify({"gcc", "-specs=my.specs", "-fprofile-use=a.profdata", "-c", "a.c"});
  ASSERT_TRUE(inv.cacheable) << inv.uncacheable_reason;
  ASSERT_EQ(inv.flag_files.size(), 2u);
  EXPECT_EQ(inv.flag_files[0].flag, "-specs=");
  EXPECT_EQ(inv.flag_files[0].path, "my.specs");
  EXPECT_EQ(inv.flag_files[1].reason, "profile");
  EXPECT_EQ(classify({"g++", "-x", "c++-header", "-c", "pch.hxx.cxx", "-o", "pch.hxx.gch"})
                .uncacheable_reason,
            "pch-build");
  EXPECT_EQ(classify({"gcc", "-c", "x.h"}).uncacheable_reason, "pch-build");
  EXPECT_EQ(classify({"clang", "-include-pch", "x.pch", "-c", "a.c"}).include_pchs,
            std::vector<std::string>{"x.pch"});
}

TEST(CompilerInvocation, CMakeStyleDepfileOptionsAreUnderstood) {
  auto inv = classify(
      {"/usr/bin/c++", "-MD", "-MT", "x.o", "-MF", "x.o.d", "-o", "x.o", "-c", "/s/x.cpp"});
  ASSERT_TRUE(inv.cacheable);
  EXPECT_EQ(inv.depfile_mode, DepfileMode::kMD);
  EXPECT_EQ(inv.depfile, "x.o.d");
  auto derived = classify({"gcc", "-MMD", "-c", "dir/y.c"});
  EXPECT_EQ(derived.object, "y.o");
  EXPECT_EQ(derived.depfile, "y.d");
  EXPECT_EQ(derived.depfile_mode, DepfileMode::kMMD);
}

TEST(CompilerInvocation, OutputNamesLeaveTheKeyUnlessTheyChangeTheOutput) {
  auto cmake = classify(
      {"c++", "-O2", "-MD", "-MT", "d/x.o", "-MF", "d/x.o.d", "-o", "d/x.o", "-c", "x.cpp"});
  auto other = classify(
      {"c++", "-O2", "-MD", "-MT", "e/y.o", "-MF", "e/y.o.d", "-o", "e/y.o", "-c", "x.cpp"});
  EXPECT_FALSE(cmake.output_names_keyed);
  EXPECT_EQ(cmake.depfile_target, "d/x.o");
  EXPECT_EQ(keyed_arguments(cmake), keyed_arguments(other));
  auto attached = classify({"gcc", "-MD", "-oa b.o", "-c", "x.c"});
  EXPECT_EQ(attached.depfile_target, "a\\ b.o");
  EXPECT_EQ(keyed_arguments(attached),
            keyed_arguments(classify({"gcc", "-MD", "-oc.o", "-c", "x.c"})));
  auto quoted = classify({"gcc", "-MD", "-MQ", "$.o", "-o", "$.o", "-c", "x.c"});
  EXPECT_EQ(quoted.depfile_target, "$$.o");
  // A user's -MT naming something else is what the depfile says: keyed.
  auto fixed = classify({"gcc", "-MD", "-MT", "all", "-o", "a.o", "-c", "x.c"});
  EXPECT_EQ(fixed.depfile_target, "");
  EXPECT_NE(keyed_arguments(fixed),
            keyed_arguments(classify({"gcc", "-MD", "-MT", "any", "-o", "a.o", "-c", "x.c"})));
  EXPECT_EQ(keyed_arguments(fixed),
            keyed_arguments(classify({"gcc", "-MD", "-MT", "all", "-o", "b.o", "-c", "x.c"})));
  for (const char* flag :
       {"-grecord-command-line", "-frecord-gcc-switches", "-Wa,-adhln", "-fprofile-use=p.profdata",
        "-fauto-profile=p.afdo", "-fembed-bitcode"}) {
    auto sensitive = classify({"clang", flag, "-c", "x.c", "-o", "a.o"});
    EXPECT_TRUE(sensitive.output_names_keyed) << flag;
    EXPECT_NE(keyed_arguments(sensitive),
              keyed_arguments(classify({"clang", flag, "-c", "x.c", "-o", "b.o"})))
        << flag;
  }
  EXPECT_EQ(classify({"gcc", "-aux-info", "p.txt", "-c", "x.c"}).uncacheable_reason,
            "extra-output");
}

TEST(CompilerInvocation, UncacheableCallsNameTheirReason) {
  EXPECT_EQ(classify({"gcc", "a.c", "-o", "a"}).uncacheable_reason, "link");
  EXPECT_EQ(classify({"gcc", "-E", "a.c"}).uncacheable_reason, "preprocess-only");
  EXPECT_EQ(classify({"gcc", "-c", "a.c", "b.c"}).uncacheable_reason, "multiple-sources");
  EXPECT_EQ(classify({"gcc", "-c"}).uncacheable_reason, "no-source");
  EXPECT_EQ(classify({"gcc", "-c", "a.c", "-save-temps"}).uncacheable_reason, "save-temps");
  EXPECT_EQ(classify({"gcc", "-c", "a.c", "-march=native"}).uncacheable_reason, "native-cpu");
  EXPECT_EQ(classify({"gcc", "-c", "a.c", "--coverage"}).uncacheable_reason, "coverage");
  EXPECT_EQ(classify({"gcc", "-c", "a.c", "-fprofile-use"}).uncacheable_reason, "profile");
  EXPECT_EQ(classify({"gcc", "-c", "@args.rsp"}).uncacheable_reason, "response-file");
  EXPECT_EQ(classify({"gcc", "-c", "a.c", "-o", "-"}).uncacheable_reason, "output-to-stdout");
  EXPECT_EQ(classify({"gcc", "-M", "a.c"}).uncacheable_reason, "preprocess-only");
  EXPECT_EQ(classify({"gcc", "-c", "a.c", "-o"}).uncacheable_reason, "missing-option-value");
  EXPECT_EQ(classify({"gcc", "-c", "a.c", "-gsplit-dwarf"}).uncacheable_reason, "split-dwarf");
  EXPECT_EQ(classify({"gcc", "-c", "a.c", "libfoo.a"}).uncacheable_reason, "non-source-input");
}

// Found by fuzz_compiler_args: an empty argument after -x was taken as the
// source file, giving a "cacheable" call with no source.
TEST(CompilerInvocation, EmptyArgumentIsUncacheableNotAnEmptySource) {
  auto inv = classify({"gcc", "-e", "-MD", "-x.M((`", "-c", "", "-xa/"});
  EXPECT_FALSE(inv.cacheable);
  EXPECT_EQ(inv.uncacheable_reason, "empty-argument");
}

TEST(CompilerInvocation, OptionValuesAreNotMistakenForSources) {
  auto inv = classify({"gcc", "-include", "pre.h", "-x", "c", "-c", "weird.input", "-D", "X=a.c"});
  ASSERT_TRUE(inv.cacheable) << inv.uncacheable_reason;
  EXPECT_EQ(inv.source, "weird.input");
}

TEST(CompilerInvocation, DebugInfoAndPrefixMapsAreNoticed) {
  EXPECT_TRUE(classify({"gcc", "-g", "-c", "a.c"}).debug_info);
  EXPECT_FALSE(classify({"gcc", "-g", "-g0", "-c", "a.c"}).debug_info);
  EXPECT_TRUE(classify({"gcc", "-ffile-prefix-map=/src=.", "-c", "a.c"}).has_prefix_map);
}

}  // namespace
}  // namespace edgecache
