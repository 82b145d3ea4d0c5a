#include "cdi/hook_ops.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cdi/root_path.h"
#include "nlohmann/json.hpp"
#include "util/files.h"

extern char** environ;

namespace cdi {
namespace {

absl::string_view A(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::Status Errno(std::string_view what, const std::string& path, int err) {
  return absl::InternalError(absl::StrCat(A(what), " ", path, ": ", std::strerror(err)));
}

std::string Dirname(const std::string& p) {
  size_t slash = p.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : p.substr(0, slash);
}

// Makes the directories of `rel` (resolved, inside root) that are missing.
absl::Status MakeDirs(const std::string& root, const std::string& rel) {
  std::error_code ec;
  std::filesystem::create_directories(InRoot(root, rel), ec);
  if (ec) return absl::InternalError(absl::StrCat("mkdir ", InRoot(root, rel), ": ", ec.message()));
  return absl::OkStatus();
}

absl::Status CreateOne(const std::string& root, const SymlinkRequest& req,
                       std::vector<std::string>* warnings) {
  std::string base = req.link.substr(req.link.rfind('/') + 1);
  absl::StatusOr<std::string> parent = ResolveInRoot(root, Dirname(req.link), true);
  if (!parent.ok()) return parent.status();
  if (absl::Status s = MakeDirs(root, *parent); !s.ok()) return s;
  std::string path = InRoot(root, *parent == "/" ? "/" + base : *parent + "/" + base);
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISLNK(st.st_mode)) {
      warnings->push_back(absl::StrCat(req.link, " exists and is not a symlink; left as is"));
      return absl::OkStatus();
    }
    std::string current(4096, '\0');
    ssize_t n = ::readlink(path.c_str(), current.data(), current.size());
    if (n >= 0 && std::string_view(current.data(), static_cast<size_t>(n)) == req.target) {
      return absl::OkStatus();
    }
    if (::unlink(path.c_str()) != 0) return Errno("remove old link", path, errno);
  }
  if (::symlink(req.target.c_str(), path.c_str()) != 0) {
    return Errno(absl::StrCat("symlink ", req.target, " ->"), path, errno);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> ContainerRootFromSpecFile(const std::string& config_path) {
  absl::StatusOr<std::string> text = util::ReadFile(config_path);
  if (!text.ok()) return text.status();
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(config_path, ": not a JSON object"));
  }
  auto root = j.find("root");
  if (root == j.end() || !root->is_object() || !root->contains("path") ||
      !(*root)["path"].is_string() || (*root)["path"].get<std::string>().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(config_path, ": no root.path"));
  }
  std::string path = (*root)["path"].get<std::string>();
  if (path.front() != '/') path = absl::StrCat(Dirname(config_path), "/", path);
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

absl::StatusOr<std::string> ContainerRootFromState(std::string_view state_json) {
  nlohmann::json j = nlohmann::json::parse(state_json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError("OCI state on stdin is not a JSON object");
  }
  auto bundle = j.find("bundle");
  if (bundle == j.end() || !bundle->is_string() || bundle->get<std::string>().empty()) {
    return absl::InvalidArgumentError("OCI state on stdin has no \"bundle\"");
  }
  return ContainerRootFromSpecFile(absl::StrCat(bundle->get<std::string>(), "/config.json"));
}

absl::StatusOr<SymlinkRequest> ParseLinkArg(std::string_view arg) {
  size_t sep = arg.find("::");
  if (sep == std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("--link \"", A(arg), "\": want TARGET::LINK"));
  }
  SymlinkRequest req{std::string(arg.substr(0, sep)), std::string(arg.substr(sep + 2))};
  std::string base = req.link.substr(req.link.rfind('/') + 1);
  if (req.target.empty() || req.link.empty() || req.link.front() != '/' || base.empty() ||
      base == "." || base == "..") {
    return absl::InvalidArgumentError(
        absl::StrCat("--link \"", A(arg), "\": want a TARGET and an absolute LINK path"));
  }
  return req;
}

absl::Status CreateSymlinks(const std::string& root, const std::vector<SymlinkRequest>& links,
                            std::vector<std::string>* warnings) {
  for (const SymlinkRequest& req : links) {
    if (absl::Status s = CreateOne(root, req, warnings); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("create link ", req.link, " -> ", req.target,
                                                 " in ", root, ": ", s.message()));
    }
  }
  return absl::OkStatus();
}

absl::Status UpdateLdcache(const std::string& root, const std::vector<std::string>& folders,
                           const std::string& ldconfig_path, std::vector<std::string>* warnings) {
  for (const std::string& f : folders) {
    if (f.empty() || f.front() != '/' || f.find('\n') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("--folder \"", f, "\": not an absolute path"));
    }
  }
  absl::StatusOr<std::string> etc = ResolveInRoot(root, "/etc");
  struct stat st;
  if (!etc.ok() || ::stat(InRoot(root, *etc).c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    warnings->push_back(absl::StrCat(root, " has no /etc directory: ld cache not updated"));
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> conf = ResolveInRoot(root, kLdConfFile, true);
  if (!conf.ok()) return conf.status();
  if (absl::Status s = MakeDirs(root, Dirname(*conf)); !s.ok()) return s;
  std::string conf_path = InRoot(root, *conf);
  std::string text = absl::StrCat("# NVIDIA driver libraries (written by cdi-hook)\n",
                                  absl::StrJoin(folders, "\n"), "\n");
  int fd = ::open(conf_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("open", conf_path, errno);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int err = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) return Errno("write", conf_path, err);

  std::vector<std::string> args = {ldconfig_path, "-r", root};
  args.insert(args.end(), folders.begin(), folders.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  int rc = ::posix_spawn(&pid, ldconfig_path.c_str(), nullptr, nullptr, argv.data(), environ);
  if (rc != 0) return Errno("run", ldconfig_path, rc);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Errno("wait for", ldconfig_path, errno);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat(
        absl::StrJoin(args, " "), " failed: ",
        WIFEXITED(status) ? absl::StrCat("exit status ", WEXITSTATUS(status))
                          : absl::StrCat("signal ", WTERMSIG(status))));
  }
  return absl::OkStatus();
}

}  // namespace cdi
