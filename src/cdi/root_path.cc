#include "cdi/root_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace cdi {
namespace {

constexpr int kMaxLinks = 40;

void PushFront(std::deque<std::string>& queue, std::string_view path) {
  std::vector<std::string> parts =
      absl::StrSplit(absl::string_view(path.data(), path.size()), '/', absl::SkipEmpty());
  queue.insert(queue.begin(), parts.begin(), parts.end());
}

std::string Joined(const std::vector<std::string>& parts) {
  return "/" + absl::StrJoin(parts, "/");
}

}  // namespace

std::string InRoot(std::string_view root, std::string_view path) {
  std::string r(root);
  while (!r.empty() && r.back() == '/') r.pop_back();
  if (r.empty()) return std::string(path);
  if (path.empty() || path == "/") return r;
  if (path.front() != '/') return absl::StrCat(r, "/", std::string(path));
  return absl::StrCat(r, std::string(path));
}

absl::StatusOr<std::string> ResolveInRoot(std::string_view root, std::string_view path,
                                          bool allow_missing) {
  std::deque<std::string> queue;
  PushFront(queue, path);
  std::vector<std::string> done;
  int links = 0;
  while (!queue.empty()) {
    std::string part = std::move(queue.front());
    queue.pop_front();
    if (part == ".") continue;
    if (part == "..") {
      if (!done.empty()) done.pop_back();
      continue;
    }
    done.push_back(part);
    std::string host = InRoot(root, Joined(done));
    struct stat st;
    if (::lstat(host.c_str(), &st) != 0) {
      int err = errno;
      if (err == ENOENT && allow_missing) {
        // The rest does not exist: only lexical handling is left.
        while (!queue.empty()) {
          std::string p = std::move(queue.front());
          queue.pop_front();
          if (p == "..") {
            if (!done.empty()) done.pop_back();
          } else if (p != ".") {
            done.push_back(std::move(p));
          }
        }
        break;
      }
      if (err == ENOENT) return absl::NotFoundError(absl::StrCat(host, ": no such file"));
      if (err == ENOTDIR) {
        return absl::FailedPreconditionError(absl::StrCat(host, ": a parent is not a directory"));
      }
      return absl::InternalError(absl::StrCat(host, ": ", std::strerror(err)));
    }
    if (!S_ISLNK(st.st_mode)) continue;
    if (++links > kMaxLinks) {
      return absl::FailedPreconditionError(absl::StrCat(host, ": too many levels of symlinks"));
    }
    std::string target(static_cast<size_t>(st.st_size > 0 ? st.st_size : 0) + 256, '\0');
    ssize_t n = ::readlink(host.c_str(), target.data(), target.size());
    if (n < 0) return absl::InternalError(absl::StrCat(host, ": readlink: ", std::strerror(errno)));
    target.resize(static_cast<size_t>(n));
    done.pop_back();
    if (!target.empty() && target.front() == '/') done.clear();
    PushFront(queue, target);
  }
  return Joined(done);
}

}  // namespace cdi
