#include "cdi/elf_needed.h"

#include <cstring>
#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "testing/temp_dir.h"

namespace cdi {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing_util::StatusIs;

constexpr uint64_t kBase = 0x1000;
constexpr size_t kStrtabAt = 176;
constexpr size_t kDynAt = 256;
const std::string kStrtab("\0libfoo.so.1\0libbar.so.2\0libc.so.6\0", 35);

void Put(std::string& b, size_t at, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

// A minimal ELF64 LE shared object: one PT_LOAD over the whole file and a
// PT_DYNAMIC with NEEDED libbar.so.2, libc.so.6 and SONAME libfoo.so.1.
std::string TinyElf() {
  std::string b(kDynAt + 6 * 16, '\0');
  std::memcpy(b.data(), "\x7f" "ELF", 4);
  b[4] = 2;  // ELFCLASS64
  b[5] = 1;  // little-endian
  b[6] = 1;
  Put(b, 16, 3, 2);    // ET_DYN
  Put(b, 32, 64, 8);   // e_phoff
  Put(b, 54, 56, 2);   // e_phentsize
  Put(b, 56, 2, 2);    // e_phnum
  // PT_LOAD
  Put(b, 64, 1, 4);
  Put(b, 64 + 8, 0, 8);
  Put(b, 64 + 16, kBase, 8);
  Put(b, 64 + 32, b.size(), 8);
  // PT_DYNAMIC
  Put(b, 120, 2, 4);
  Put(b, 120 + 8, kDynAt, 8);
  Put(b, 120 + 16, kBase + kDynAt, 8);
  Put(b, 120 + 32, 6 * 16, 8);
  b.replace(kStrtabAt, kStrtab.size(), kStrtab);
  const uint64_t dyn[][2] = {{1, 13}, {1, 25}, {14, 1}, {5, kBase + kStrtabAt},
                             {10, kStrtab.size()}, {0, 0}};
  for (size_t i = 0; i < 6; ++i) {
    Put(b, kDynAt + 16 * i, dyn[i][0], 8);
    Put(b, kDynAt + 16 * i + 8, dyn[i][1], 8);
  }
  return b;
}

TEST(ElfNeededTest, ParsesTinyElf) {
  absl::StatusOr<ElfDynamicInfo> info = ParseElfDynamic(TinyElf());
  ASSERT_OK(info);
  EXPECT_EQ(info->soname, "libfoo.so.1");
  EXPECT_THAT(info->needed, ElementsAre("libbar.so.2", "libc.so.6"));
}

TEST(ElfNeededTest, ReadsFileAndRealLibrary) {
  std::string path = testing_util::UniqueTempDir() + "/libfoo.so.1";
  std::ofstream(path, std::ios::binary) << TinyElf();
  absl::StatusOr<ElfDynamicInfo> info = ReadElfDynamic(path);
  ASSERT_OK(info);
  EXPECT_EQ(info->soname, "libfoo.so.1");
  // A real library of this system: glibc's soname is libc.so.6.
  absl::StatusOr<ElfDynamicInfo> libc = ReadElfDynamic("/lib/x86_64-linux-gnu/libc.so.6");
  ASSERT_OK(libc);
  EXPECT_EQ(libc->soname, "libc.so.6");
  EXPECT_THAT(ReadElfDynamic(path + ".missing"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(".missing")));
}

TEST(ElfNeededTest, StaticFileWithoutDynamicIsEmpty) {
  std::string b = TinyElf();
  Put(b, 56, 1, 2);  // only PT_LOAD
  absl::StatusOr<ElfDynamicInfo> info = ParseElfDynamic(b);
  ASSERT_OK(info);
  EXPECT_EQ(*info, ElfDynamicInfo{});
}

TEST(ElfNeededTest, RejectsNonElfAndOtherClasses) {
  EXPECT_THAT(ParseElfDynamic(std::string("#!/bin/sh\n")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not an ELF")));
  std::string b = TinyElf();
  b[4] = 1;
  EXPECT_THAT(ParseElfDynamic(b), StatusIs(absl::StatusCode::kUnimplemented, HasSubstr("64-bit")));
  b = TinyElf();
  b[5] = 2;
  EXPECT_THAT(ParseElfDynamic(b), StatusIs(absl::StatusCode::kUnimplemented, HasSubstr("little")));
}

TEST(ElfNeededTest, RejectsMalformedTables) {
  std::string truncated = TinyElf().substr(0, kDynAt + 8);
  EXPECT_THAT(ParseElfDynamic(truncated),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("dynamic section")));
  std::string phoff = TinyElf();
  Put(phoff, 32, ~uint64_t{0} - 10, 8);
  EXPECT_THAT(ParseElfDynamic(phoff),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("program headers")));
  std::string strtab = TinyElf();
  Put(strtab, kDynAt + 3 * 16 + 8, kBase + 0x100000, 8);  // DT_STRTAB outside
  EXPECT_THAT(ParseElfDynamic(strtab),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("string table")));
  std::string offset = TinyElf();
  Put(offset, kDynAt + 8, 999, 8);  // NEEDED offset past the table
  EXPECT_THAT(ParseElfDynamic(offset),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("string offset")));
  std::string unterminated = TinyElf();
  unterminated[kStrtabAt + kStrtab.size() - 1] = 'x';
  EXPECT_THAT(ParseElfDynamic(unterminated),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unterminated")));
}

}  // namespace
}  // namespace cdi
