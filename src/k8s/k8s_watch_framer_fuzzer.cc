// k8s_watch_framer_fuzzer.cc: feeds arbitrary bytes to the watch-stream
// framer in arbitrary chunks (the first byte seeds the chunk sizes) and
// decodes every line as a watch event. The framer's lines must equal a
// reference split of the input (newline-delimited, trailing CR dropped,
// blank lines skipped, an unterminated tail left buffered); a framer with
// a tiny line limit must fail only with ResourceExhausted.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "k8s/watch.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  uint32_t seed = data[0];
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);

  // Reference framing.
  std::vector<std::string> want;
  size_t start = 0;
  while (true) {
    size_t nl = in.find('\n', start);
    if (nl == std::string_view::npos) break;
    std::string line(in.substr(start, nl - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) want.push_back(line);
    start = nl + 1;
  }
  const size_t tail = in.size() - start;

  k8s::WatchFramer framer(1 << 20);
  k8s::WatchFramer tiny(16);
  bool tiny_failed = false;
  std::vector<std::string> got;
  size_t pos = 0;
  while (pos < in.size()) {
    seed = seed * 1103515245u + 12345u;
    size_t n = 1 + (seed >> 16) % 64;
    if (n > in.size() - pos) n = in.size() - pos;
    std::string_view chunk = in.substr(pos, n);
    pos += n;
    absl::StatusOr<bool> r = framer.Feed(chunk, [&](std::string_view line) {
      Check(!line.empty());
      got.emplace_back(line);
      absl::StatusOr<k8s::WatchEvent> ev = k8s::DecodeWatchEvent(line);
      if (ev.ok()) {
        Check(ev->type != k8s::WatchEvent::Type::kError || ev->object.is_object());
        (void)ev->object.dump();
      } else {
        Check(ev.status().code() == absl::StatusCode::kInvalidArgument);
      }
      return true;
    });
    Check(r.ok() && *r);
    if (!tiny_failed) {
      absl::StatusOr<bool> t = tiny.Feed(chunk, [](std::string_view line) {
        Check(line.size() <= 16);
        return true;
      });
      if (!t.ok()) {
        Check(t.status().code() == absl::StatusCode::kResourceExhausted);
        tiny_failed = true;
      }
    }
  }
  Check(got == want);
  Check(framer.buffered() == tail);
  return 0;
}
