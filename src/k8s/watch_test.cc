#include "k8s/watch.h"

#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "k8s/fake_apiserver.h"
#include "testing/status_matchers.h"

namespace k8s {
namespace {

using ::testing::ElementsAre;
using ::testing_util::StatusIs;
using json = nlohmann::json;

TEST(WatchFramerTest, SplitsLinesAcrossChunks) {
  WatchFramer f;
  std::vector<std::string> lines;
  auto on = [&](std::string_view l) {
    lines.emplace_back(l);
    return true;
  };
  ASSERT_OK(f.Feed("{\"a\":1}\n{\"b\"", on));
  EXPECT_EQ(f.buffered(), 4u);
  ASSERT_OK(f.Feed(":2}\r\n\n{\"c\":3}\n", on));
  EXPECT_THAT(lines, ElementsAre("{\"a\":1}", "{\"b\":2}", "{\"c\":3}"));
  WatchFramer small(8);
  EXPECT_THAT(small.Feed("0123456789", on), StatusIs(absl::StatusCode::kResourceExhausted, ::testing::_));
}

TEST(WatchFramerTest, LimitAppliesToALineWithinOneChunk) {
  std::vector<std::string> lines;
  auto on = [&](std::string_view l) {
    lines.emplace_back(l);
    return true;
  };
  WatchFramer small(8);
  ASSERT_OK(small.Feed("01234567\n", on));  // exactly the limit: fine
  EXPECT_THAT(small.Feed("012345678\n", on),
              StatusIs(absl::StatusCode::kResourceExhausted, ::testing::_));
  EXPECT_THAT(lines, ElementsAre("01234567"));
  EXPECT_EQ(small.buffered(), 0u);
}

TEST(WatchEventTest, Decode) {
  absl::StatusOr<WatchEvent> e = DecodeWatchEvent(R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"7"}}})");
  ASSERT_OK(e);
  EXPECT_EQ(e->type, WatchEvent::Type::kBookmark);
  EXPECT_THAT(DecodeWatchEvent("{"), StatusIs(absl::StatusCode::kInvalidArgument, "watch event: not a JSON object"));
  EXPECT_THAT(DecodeWatchEvent(R"({"type":"X","object":{}})"),
              StatusIs(absl::StatusCode::kInvalidArgument, "watch event: unknown type X"));
  EXPECT_THAT(DecodeWatchEvent(R"({"type":"ADDED","object":1})"),
              StatusIs(absl::StatusCode::kInvalidArgument, "watch event: missing object"));
}

// Records what a reflector reports.
class Recorder : public ReflectorHandler {
 public:
  void OnReplace(std::vector<json> items, const std::string& rv) override {
    absl::MutexLock l(&mu);
    replaces.push_back(rv);
    for (auto& i : items) names.push_back("list:" + i["metadata"]["name"].get<std::string>());
  }
  void OnEvent(WatchEvent::Type type, json object) override {
    absl::MutexLock l(&mu);
    names.push_back(std::to_string(static_cast<int>(type)) + ":" +
                    object["metadata"]["name"].get<std::string>() + "@" +
                    object["metadata"]["resourceVersion"].get<std::string>());
  }
  size_t Count() {
    absl::MutexLock l(&mu);
    return names.size();
  }
  absl::Mutex mu;
  std::vector<std::string> replaces, names;
};

// Cancels and joins the reflector thread however the test exits.
struct Joiner {
  std::atomic<bool>& cancel;
  std::thread& thread;
  ~Joiner() {
    cancel = true;
    if (thread.joinable()) thread.join();
  }
};

json Obj(const std::string& name) {
  return {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", name}}}};
}

bool WaitFor(const std::function<bool()>& f) {
  for (int i = 0; i < 3000; ++i) {
    if (f()) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return false;
}

TEST(ReflectorTest, ResumesAfterDisconnectWithoutLosingUpdates) {
  FakeApiServer server;
  FakeClock clock;
  ClientOptions o;
  o.qps = 0;
  Client client(&server, o, &clock);
  server.Seed("/api/v1/namespaces/ns/pods", Obj("a"));
  server.set_drop_watch_after_n_events(2);  // every watch dies after 2 events
  Recorder rec;
  Reflector r(&client, Pods(), "ns", {}, &rec);
  std::atomic<bool> cancel{false};
  std::thread t([&] { (void)r.Run(cancel); });
  Joiner joiner{cancel, t};
  ASSERT_TRUE(WaitFor([&] { return rec.Count() == 1; }));
  for (int i = 0; i < 7; ++i) server.Seed("/api/v1/namespaces/ns/pods", Obj("p" + std::to_string(i)));
  ASSERT_TRUE(WaitFor([&] { return rec.Count() == 8; }));
  server.CloseWatches();  // like an API-server restart
  server.Seed("/api/v1/namespaces/ns/pods", Obj("after"));
  ASSERT_TRUE(WaitFor([&] { return rec.Count() == 9; }));
  cancel = true;
  t.join();
  std::vector<std::string> want = {"list:a"};
  for (int i = 0; i < 7; ++i) want.push_back("0:p" + std::to_string(i) + "@" + std::to_string(1002 + i));
  want.push_back("0:after@1009");
  EXPECT_EQ(rec.names, want);
  EXPECT_EQ(r.lists(), 1);
  EXPECT_GE(r.watches(), 5);
  EXPECT_EQ(r.last_resource_version(), "1009");
}

TEST(ReflectorTest, RelistsOnGoneAndFollowsBookmarks) {
  FakeApiServer server;
  FakeClock clock;
  ClientOptions o;
  o.qps = 0;
  Client client(&server, o, &clock);
  server.Seed("/api/v1/namespaces/ns/pods", Obj("a"));
  Recorder rec;
  Reflector r(&client, Pods(), "ns", {}, &rec);
  std::atomic<bool> cancel{false};
  std::thread t([&] { (void)r.Run(cancel); });
  Joiner joiner{cancel, t};
  ASSERT_TRUE(WaitFor([&] { return server.open_watches() == 1; }));
  server.Seed("/api/v1/namespaces/other/pods", Obj("elsewhere"));  // rv 1002, filtered out
  server.SendBookmarks();
  ASSERT_TRUE(WaitFor([&] { return r.last_resource_version() == "1002"; }))
      << r.last_resource_version() << " lists=" << r.lists() << " watches=" << r.watches();
  // A change, then the stream breaks and the server says the resume point
  // is too old (compaction while disconnected): the reflector relists.
  server.Seed("/api/v1/namespaces/ns/pods", Obj("b"));  // rv 1003
  server.ExpireNextWatch();
  server.CloseWatches();
  ASSERT_TRUE(WaitFor([&] { return r.lists() == 2; }));
  ASSERT_TRUE(WaitFor([&] { return server.open_watches() == 1; }));
  cancel = true;
  t.join();
  EXPECT_EQ(rec.replaces, (std::vector<std::string>{"1001", "1003"}));
  ASSERT_GE(rec.names.size(), 3u);
  EXPECT_EQ(rec.names.front(), "list:a");
  EXPECT_EQ(std::vector<std::string>(rec.names.end() - 2, rec.names.end()),
            (std::vector<std::string>{"list:a", "list:b"}));
}

}  // namespace
}  // namespace k8s
