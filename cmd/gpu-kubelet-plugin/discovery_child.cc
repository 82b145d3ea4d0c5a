#include "cmd/gpu-kubelet-plugin/discovery_child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "hw/discovery.h"
#include "hw/node_info_codec.h"
#include "nvml/dl_library.h"

extern char** environ;

namespace plugin {
namespace {

// The most a child may write on either stream.
constexpr size_t kMaxOutput = 64 << 20;

struct Pipe {
  int read = -1, write = -1;
  ~Pipe() {
    if (read >= 0) ::close(read);
    if (write >= 0) ::close(write);
  }
};

absl::Status Errno(const std::string& what) {
  return absl::InternalError(absl::StrCat("GPU discovery: ", what, ": ", std::strerror(errno)));
}

// Waits for `pid`, killing it at `deadline` (also when it closed both
// pipes but has not exited). Drains both pipes meanwhile. -1: killed.
absl::StatusOr<int> Collect(pid_t pid, int out_fd, int err_fd, absl::Time deadline,
                            std::string* out, std::string* err) {
  struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {out, err};
  int open_fds = 2;
  bool killed = false;
  auto kill_if_late = [&] {
    if (killed || absl::Now() < deadline) return false;
    ::kill(pid, SIGKILL);
    killed = true;
    return true;
  };
  while (open_fds > 0 && !kill_if_late()) {
    const absl::Duration left = deadline - absl::Now();
    int n = ::poll(fds, 2, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (n < 0 && errno != EINTR) return Errno("poll");
    for (int i = 0; i < 2 && n > 0; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[65536];
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0 && sinks[i]->size() < kMaxOutput) {
        sinks[i]->append(buf, static_cast<size_t>(got));
      } else if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) {
        fds[i].fd = -1;  // closed
        --open_fds;
      }
    }
  }
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, killed ? 0 : WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) return Errno("waitpid");
    if (r == 0 && !kill_if_late()) ::usleep(1000);  // pipes closed, not exited yet
  }
  if (killed) return -1;
  return status;
}

}  // namespace

absl::StatusOr<hw::NodeInfo> DiscoverInChild(const ChildDiscoveryOptions& options) {
  Pipe out, err;
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return Errno("pipe");
  out.read = p[0];
  out.write = p[1];
  if (::pipe2(p, O_CLOEXEC) != 0) return Errno("pipe");
  err.read = p[0];
  err.write = p[1];

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write, 2);
  // The plugin blocks its stop signals and ignores SIGPIPE; the child
  // starts with neither.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> args = {options.executable, kDiscoverCommand, options.driver_root,
                                   options.sysfs_root};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const absl::Time deadline = absl::Now() + options.timeout;
  int rc = ::posix_spawn(&pid, options.executable.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return absl::InternalError(absl::StrCat("GPU discovery: cannot run ", options.executable, ": ",
                                            std::strerror(rc)));
  }
  ::close(out.write);
  out.write = -1;
  ::close(err.write);
  err.write = -1;

  std::string answer, errors;
  absl::StatusOr<int> status = Collect(pid, out.read, err.read, deadline, &answer, &errors);
  if (!status.ok()) return status.status();
  const std::string said(absl::StripAsciiWhitespace(errors));
  if (*status == -1) {
    return absl::DeadlineExceededError(absl::StrCat(
        "GPU discovery did not finish within ", absl::FormatDuration(options.timeout),
        " (NVML hung?); the discovery process was killed", said.empty() ? "" : ": ", said));
  }
  if (WIFSIGNALED(*status)) {
    return absl::InternalError(absl::StrCat("GPU discovery process died by signal ",
                                            WTERMSIG(*status), said.empty() ? "" : ": ", said));
  }
  const int code = WEXITSTATUS(*status);
  if (code != 0) {
    if (code > 10 && code <= 10 + static_cast<int>(absl::StatusCode::kUnauthenticated)) {
      return absl::Status(static_cast<absl::StatusCode>(code - 10), said);
    }
    return absl::InternalError(
        absl::StrCat("GPU discovery process exited with status ", code, ": ", said));
  }
  absl::StatusOr<hw::NodeInfo> node = hw::DecodeNodeInfo(answer);
  if (!node.ok()) {
    return absl::InternalError(absl::StrCat("GPU discovery process answered what does not decode: ",
                                            node.status().message()));
  }
  return node;
}

int RunDiscoverCommand(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: " << argv[0] << " " << kDiscoverCommand << " DRIVER_ROOT SYSFS_ROOT\n";
    return 10 + static_cast<int>(absl::StatusCode::kInvalidArgument);
  }
  auto fail = [](const absl::Status& s) {
    std::cerr << s.message() << "\n";
    return 10 + static_cast<int>(s.code());
  };
  absl::StatusOr<std::unique_ptr<nvml::Library>> lib = nvml::LoadFromDriverRoot(argv[2]);
  if (!lib.ok()) return fail(lib.status());
  hw::DiscoveryOptions opts;
  opts.driver_root = argv[2];
  opts.sysfs_root = argv[3];
  absl::StatusOr<hw::NodeInfo> node = hw::Discover(**lib, opts);
  if (!node.ok()) return fail(node.status());
  const std::string text = hw::EncodeNodeInfo(*node);
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    return 10 + static_cast<int>(absl::StatusCode::kInternal);
  }
  return 0;
}

}  // namespace plugin
