// embedded_topology.cc: see embedded_topology.h.
#include "embedded_topology.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace nvml_mock {
namespace {

// Reads exactly `n` bytes at `offset`.
bool ReadAt(int fd, uint64_t offset, size_t n, std::string* out) {
  out->assign(n, '\0');
  size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, out->data() + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    done += static_cast<size_t>(r);
  }
  return true;
}

// Offset where the trailer of an open file starts (= its size without one).
uint64_t TrailerStart(int fd, uint64_t size) {
  if (size < kFooterSize) return size;
  std::string footer;
  if (!ReadAt(fd, size - kFooterSize, kFooterSize, &footer)) return size;
  std::optional<uint64_t> len = ParseFooter(footer, size);
  return len ? size - kFooterSize - *len : size;
}

}  // namespace

std::string MakeFooter(uint64_t yamlSize) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%010llu", static_cast<unsigned long long>(yamlSize));
  return std::string(kTrailerMagic) + digits + "\n";
}

std::optional<uint64_t> ParseFooter(std::string_view footer, uint64_t fileSize) {
  if (footer.size() != kFooterSize || footer.substr(0, kTrailerMagic.size()) != kTrailerMagic ||
      footer.back() != '\n') {
    return std::nullopt;
  }
  uint64_t len = 0;
  for (char c : footer.substr(kTrailerMagic.size(), 10)) {
    if (c < '0' || c > '9') return std::nullopt;
    len = len * 10 + static_cast<uint64_t>(c - '0');
  }
  if (len == 0 || len > kMaxEmbeddedYaml || fileSize < kFooterSize ||
      len > fileSize - kFooterSize) {
    return std::nullopt;
  }
  return len;
}

bool ReadEmbeddedTopology(const std::string& file, std::string* yaml) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = false;
  struct stat st;
  if (::fstat(fd, &st) == 0 && st.st_size >= static_cast<off_t>(kFooterSize)) {
    uint64_t size = static_cast<uint64_t>(st.st_size);
    std::string footer;
    if (ReadAt(fd, size - kFooterSize, kFooterSize, &footer)) {
      if (std::optional<uint64_t> len = ParseFooter(footer, size)) {
        ok = ReadAt(fd, size - kFooterSize - *len, static_cast<size_t>(*len), yaml);
      }
    }
  }
  ::close(fd);
  return ok;
}

bool EmbedTopology(const std::string& file, const std::string& yaml, std::string* error) {
  if (yaml.empty() || yaml.size() > kMaxEmbeddedYaml) {
    *error = "topology must be 1 byte to 16 MiB";
    return false;
  }
  int fd = ::open(file.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    *error = file + ": " + std::strerror(errno);
    return false;
  }
  struct stat st;
  bool ok = ::fstat(fd, &st) == 0;
  if (ok) {
    uint64_t start = TrailerStart(fd, static_cast<uint64_t>(st.st_size));
    ok = ::ftruncate(fd, static_cast<off_t>(start)) == 0;
    std::string data = yaml + MakeFooter(yaml.size());
    size_t done = 0;
    while (ok && done < data.size()) {
      ssize_t w = ::pwrite(fd, data.data() + done, data.size() - done,
                           static_cast<off_t>(start + done));
      if (w < 0 && errno == EINTR) continue;
      ok = w > 0;
      if (ok) done += static_cast<size_t>(w);
    }
  }
  if (!ok) *error = file + ": " + std::strerror(errno);
  if (::close(fd) != 0 && ok) {
    *error = file + ": " + std::strerror(errno);
    ok = false;
  }
  return ok;
}

}  // namespace nvml_mock
