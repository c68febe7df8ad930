#include "backup/atomic_file.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace epicsync::backup {
namespace {

using testing::mode_of;
using testing::slurp;
using testing::TempDir;

std::size_t entries_in(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST(AtomicFile, WritesContentWithMode0600AndLeavesNoTempFile) {
  TempDir tmp;
  auto path = tmp.path() / "out.json";
  ::umask(022);
  ASSERT_TRUE(write_file_atomic(path, "hello\n"));
  EXPECT_EQ(slurp(path), "hello\n");
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(entries_in(tmp.path()), 1u);
}

TEST(AtomicFile, ReplacesAnExistingFile) {
  TempDir tmp;
  auto path = tmp.path() / "out.json";
  ASSERT_TRUE(write_file_atomic(path, "a much longer old content"));
  ASSERT_TRUE(write_file_atomic(path, "new"));
  EXPECT_EQ(slurp(path), "new");
  EXPECT_EQ(entries_in(tmp.path()), 1u);
}

TEST(AtomicFile, KeepsTheExistingModeWhenAsked) {
  TempDir tmp;
  auto path = tmp.path() / "EPIC.md";
  testing::spit(path, "old");
  ::chmod(path.c_str(), 0644);
  ASSERT_TRUE(write_file_atomic(path, "kept", {.mode = 0600, .keep_existing_mode = true}));
  EXPECT_EQ(slurp(path), "kept");
  EXPECT_EQ(mode_of(path), 0644u);
  ASSERT_TRUE(write_file_atomic(path, "private"));
  EXPECT_EQ(mode_of(path), 0600u);
}

TEST(AtomicFile, UsesTheGivenModeForANewFileEvenWhenKeeping) {
  TempDir tmp;
  auto path = tmp.path() / "new.md";
  ASSERT_TRUE(write_file_atomic(path, "x", {.mode = 0640, .keep_existing_mode = true}));
  EXPECT_EQ(mode_of(path), 0640u);
}

TEST(AtomicFile, ReportsTheOsErrorAndLeavesNothingBehind) {
  TempDir tmp;
  auto result = write_file_atomic(tmp.path() / "missing" / "out.json", "x");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kLocalStorage);
  EXPECT_NE(result.error().message.find("No such file or directory"), std::string::npos)
      << result.error().message;
  EXPECT_EQ(entries_in(tmp.path()), 0u);
}

TEST(AtomicFile, RenameFailureRemovesTheTempFile) {
  TempDir tmp;
  // A directory in the way makes the rename fail after the temp file was written.
  std::filesystem::create_directories(tmp.path() / "taken" / "child");
  auto result = write_file_atomic(tmp.path() / "taken", "x");
  ASSERT_FALSE(result);
  EXPECT_EQ(entries_in(tmp.path()), 1u);
}

}  // namespace
}  // namespace epicsync::backup
