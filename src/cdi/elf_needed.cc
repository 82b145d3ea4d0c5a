#include "cdi/elf_needed.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <optional>

#include "absl/strings/str_cat.h"

namespace cdi {
namespace {

constexpr size_t kEhdrSize = 64;
constexpr size_t kPhdrMinSize = 56;
constexpr uint16_t kMaxPhdrs = 4096;
constexpr uint64_t kMaxPhdrSize = 256;
constexpr uint64_t kMaxDynamicBytes = 1 << 20;   // 65536 entries
constexpr uint64_t kMaxStrtabBytes = 16 << 20;
constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kPtDynamic = 2;
constexpr int64_t kDtNull = 0;
constexpr int64_t kDtNeeded = 1;
constexpr int64_t kDtStrtab = 5;
constexpr int64_t kDtStrsz = 10;
constexpr int64_t kDtSoname = 14;

uint64_t Le(const std::string& b, size_t at, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    v |= static_cast<uint64_t>(static_cast<unsigned char>(b[at + i])) << (8 * i);
  }
  return v;
}

absl::Status Malformed(std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("malformed ELF file: ", std::string(why)));
}

struct Segment {
  uint64_t offset, vaddr, filesz;
};

// File offset of [addr, addr+size) when it lies inside one PT_LOAD segment.
std::optional<uint64_t> VaddrToOffset(const std::vector<Segment>& loads, uint64_t addr,
                                      uint64_t size) {
  for (const Segment& s : loads) {
    if (addr < s.vaddr) continue;
    uint64_t delta = addr - s.vaddr;
    if (delta > s.filesz || size > s.filesz - delta) continue;
    uint64_t off;
    if (__builtin_add_overflow(s.offset, delta, &off)) continue;
    return off;
  }
  return std::nullopt;
}

}  // namespace

absl::StatusOr<ElfDynamicInfo> ParseElfDynamic(const ElfReadAt& read_at) {
  std::string eh;
  if (!read_at(0, kEhdrSize, &eh) || eh.size() < kEhdrSize) {
    return absl::InvalidArgumentError("not an ELF file (shorter than an ELF header)");
  }
  if (std::memcmp(eh.data(), "\x7f" "ELF", 4) != 0) {
    return absl::InvalidArgumentError("not an ELF file (bad magic)");
  }
  if (eh[4] != 2) return absl::UnimplementedError("ELF file is not 64-bit");
  if (eh[5] != 1) return absl::UnimplementedError("ELF file is not little-endian");
  uint64_t phoff = Le(eh, 32, 8);
  uint64_t phentsize = Le(eh, 54, 2);
  uint64_t phnum = Le(eh, 56, 2);
  if (phnum == 0) return ElfDynamicInfo{};
  if (phentsize < kPhdrMinSize || phentsize > kMaxPhdrSize) {
    return Malformed("bad program header entry size");
  }
  if (phnum > kMaxPhdrs) return Malformed("too many program headers");
  std::string ph;
  if (!read_at(phoff, phentsize * phnum, &ph) || ph.size() < phentsize * phnum) {
    return Malformed("program headers outside the file");
  }
  std::vector<Segment> loads;
  std::optional<Segment> dynamic;
  for (uint64_t i = 0; i < phnum; ++i) {
    size_t at = i * phentsize;
    uint32_t type = static_cast<uint32_t>(Le(ph, at, 4));
    Segment s{Le(ph, at + 8, 8), Le(ph, at + 16, 8), Le(ph, at + 32, 8)};
    if (type == kPtLoad) loads.push_back(s);
    if (type == kPtDynamic && !dynamic) dynamic = s;
  }
  if (!dynamic) return ElfDynamicInfo{};
  uint64_t dynsize = std::min<uint64_t>(dynamic->filesz, kMaxDynamicBytes) / 16 * 16;
  std::string dyn;
  if (!read_at(dynamic->offset, dynsize, &dyn) || dyn.size() < dynsize) {
    return Malformed("dynamic section outside the file");
  }
  std::vector<uint64_t> needed_offsets;
  std::optional<uint64_t> soname_offset, strtab, strsz;
  for (size_t at = 0; at + 16 <= dyn.size(); at += 16) {
    int64_t tag = static_cast<int64_t>(Le(dyn, at, 8));
    uint64_t val = Le(dyn, at + 8, 8);
    if (tag == kDtNull) break;
    if (tag == kDtNeeded) needed_offsets.push_back(val);
    if (tag == kDtSoname) soname_offset = val;
    if (tag == kDtStrtab) strtab = val;
    if (tag == kDtStrsz) strsz = val;
  }
  if (needed_offsets.empty() && !soname_offset) return ElfDynamicInfo{};
  if (!strtab || !strsz) return Malformed("DT_STRTAB or DT_STRSZ missing");
  if (*strsz == 0 || *strsz > kMaxStrtabBytes) return Malformed("bad DT_STRSZ");
  std::optional<uint64_t> stroff = VaddrToOffset(loads, *strtab, *strsz);
  if (!stroff) return Malformed("string table outside the loaded segments");
  std::string str;
  if (!read_at(*stroff, *strsz, &str) || str.size() < *strsz) {
    return Malformed("string table outside the file");
  }
  auto get = [&](uint64_t off) -> absl::StatusOr<std::string> {
    if (off >= str.size()) return Malformed("string offset outside the string table");
    size_t end = str.find('\0', off);
    if (end == std::string::npos) return Malformed("unterminated string");
    return str.substr(off, end - off);
  };
  ElfDynamicInfo info;
  if (soname_offset) {
    absl::StatusOr<std::string> s = get(*soname_offset);
    if (!s.ok()) return s.status();
    info.soname = *std::move(s);
  }
  for (uint64_t off : needed_offsets) {
    absl::StatusOr<std::string> s = get(off);
    if (!s.ok()) return s.status();
    info.needed.push_back(*std::move(s));
  }
  return info;
}

absl::StatusOr<ElfDynamicInfo> ParseElfDynamic(std::string_view image) {
  return ParseElfDynamic([image](uint64_t offset, size_t size, std::string* out) {
    if (offset > image.size() || size > image.size() - offset) return false;
    out->assign(image.substr(offset, size));
    return true;
  });
}

absl::StatusOr<ElfDynamicInfo> ReadElfDynamic(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    return absl::InternalError(absl::StrCat(path, ": ", std::strerror(err)));
  }
  auto read_at = [fd](uint64_t offset, size_t size, std::string* out) {
    out->assign(size, '\0');
    size_t done = 0;
    while (done < size) {
      ssize_t n = ::pread(fd, out->data() + done, size - done,
                          static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  };
  absl::StatusOr<ElfDynamicInfo> info = ParseElfDynamic(read_at);
  ::close(fd);
  if (!info.ok()) {
    return absl::Status(info.status().code(), absl::StrCat(path, ": ", info.status().message()));
  }
  return info;
}

}  // namespace cdi
