#include "util/crash_point.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <string>

namespace util {
namespace {

std::string& Target() {
  static std::string target;
  return target;
}

std::once_flag& LoadOnce() {
  static std::once_flag once;
  return once;
}

const std::string& CachedTarget() {
  std::call_once(LoadOnce(), [] {
    const char* v = std::getenv(kCrashAtEnv);
    Target() = v != nullptr ? v : "";
  });
  return Target();
}

}  // namespace

void CrashPoint(std::string_view name) {
  const std::string& target = CachedTarget();
  if (target.empty() || name.empty() || target != name) return;
  ::kill(::getpid(), SIGKILL);
  ::_exit(137);  // Not reached: SIGKILL cannot be caught.
}

void SetCrashPointForTest(std::string_view name) {
  CachedTarget();  // Consume the once-flag so the env never overrides later.
  Target() = std::string(name);
}

}  // namespace util
