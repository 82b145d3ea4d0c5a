// The gpu-kubelet-plugin binary's link (DRA_STATIC_PLUGIN_DEPS,
// hack/link-static-deps.py): gRPC, protobuf, abseil, glog, gflags, c-ares,
// re2 and yaml-cpp are linked in from their archives (gRPC in its
// variant without TLS), OpenSSL and the libraries without archives stay
// shared, civetweb is not used, and it is still a PIE.
#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include <regex>
#include <string>

#include "cdi/elf_needed.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace {

absl::StatusOr<cdi::ElfDynamicInfo> ReadBinary(const char* path, uint16_t* type) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::NotFoundError(path);
  Elf64_Ehdr eh{};
  *type = ::pread(fd, &eh, sizeof eh, 0) == sizeof eh ? eh.e_type : 0;
  auto info = cdi::ParseElfDynamic([fd](uint64_t off, size_t n, std::string* out) {
    out->resize(n);
    return ::pread(fd, out->data(), n, static_cast<off_t>(off)) == static_cast<ssize_t>(n);
  });
  ::close(fd);
  return info;
}

TEST(PluginBinaryLinkTest, CppDependenciesAreLinkedInAndOpenSslStaysShared) {
  uint16_t type = 0;
  auto info = ReadBinary(DRA_PLUGIN_BINARY, &type);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(type, ET_DYN) << "not a PIE";
  std::regex linked_in(
      "lib(grpc|grpc\\+\\+|grpc_unsecure|grpc\\+\\+_unsecure|gpr|upb|address_sorting|protobuf|"
      "absl_.*|glog|gflags|cares|re2|yaml-cpp)\\.so.*");
  // Metrics are served by cpp-httplib, not prometheus-cpp's civetweb exposer.
  std::regex not_used("lib(civetweb|civetweb-cpp|prometheus-cpp-pull)\\.so.*");
  for (const std::string& n : info->needed) {
    EXPECT_FALSE(std::regex_match(n, linked_in)) << n << " is still a shared dependency";
    EXPECT_FALSE(std::regex_match(n, not_used)) << n << " is a dependency";
  }
  EXPECT_THAT(info->needed, ::testing::Contains("libcrypto.so.3"));
  EXPECT_THAT(info->needed, ::testing::Contains("libcpp-httplib.so.0.11"));
  EXPECT_THAT(info->needed, ::testing::Contains("libc.so.6"));
}

}  // namespace
