// crash_point.h: named fault-injection points for crash-safety tests.
//
// CrashPoint("checkpoint-before-rename") kills the calling process with
// SIGKILL, immediately and with nothing else done (no flush, no unwinding),
// when the environment variable DRA_CRASH_AT equals the name. The variable
// is read once per process and cached. With DRA_CRASH_AT unset (production)
// a call is one comparison against an empty string.
//
// Used by the checkpoint store (state/) and the Prepare/Unprepare paths of
// the drivers. Thread-safe; SetCrashPointForTest must not race with
// CrashPoint calls (call it before starting threads, e.g. in a forked child).
#ifndef DRA_UTIL_CRASH_POINT_H_
#define DRA_UTIL_CRASH_POINT_H_

#include <string_view>

namespace util {

// The environment variable naming the crash point to fire.
inline constexpr char kCrashAtEnv[] = "DRA_CRASH_AT";

// SIGKILLs the process when DRA_CRASH_AT (read once, cached) equals `name`.
// `name` must be non-empty; an empty name never fires.
void CrashPoint(std::string_view name);

// Test hook: replaces the cached value as if DRA_CRASH_AT had been `name`
// ("" disarms). For forked children of tests whose parent already cached it.
void SetCrashPointForTest(std::string_view name);

}  // namespace util

#endif  // DRA_UTIL_CRASH_POINT_H_
