#include "state/boot_id.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "util/files.h"

namespace state {

absl::StatusOr<std::string> ReadBootId(const std::string& proc_root) {
  std::string root = proc_root.empty() ? "/proc" : proc_root;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  std::string path = (root == "/" ? "" : root) + "/sys/kernel/random/boot_id";
  auto data = util::ReadFile(path);
  if (!data.ok()) {
    return absl::Status(data.status().code(),
                        absl::StrCat("reading boot id: ", data.status().message()));
  }
  std::string id(absl::StripAsciiWhitespace(*data));
  if (id.empty()) return absl::InvalidArgumentError(absl::StrCat("boot id file ", path, " is empty"));
  return id;
}

}  // namespace state
