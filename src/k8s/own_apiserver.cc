#include "k8s/own_apiserver.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"

#ifndef DRA_SOURCE_DIR
#error "DRA_SOURCE_DIR must name the source tree (set by dra_cc_test)"
#endif

namespace k8s {
namespace {

constexpr char kScript[] = DRA_SOURCE_DIR "/src/k8s/testdata/own-apiserver.sh";
constexpr char kEtcdVersion[] = "v3.6.16";  // as in own-apiserver.sh

std::string Cache() {
  const char* c = std::getenv("DRA_CLUSTER_CACHE");
  return c != nullptr && *c ? c : "/var/cache/dra-cluster";
}

// A port from $env, else a free loopback port not in `taken`.
absl::StatusOr<int> PickPort(const char* env, std::set<int>* taken) {
  if (const char* p = std::getenv(env); p != nullptr && *p) {
    int port = std::atoi(p);
    if (port <= 0 || port > 65535) return absl::InvalidArgumentError(absl::StrCat(env, "=", p));
    taken->insert(port);
    return port;
  }
  // Below the ephemeral range (32768+ on Linux): a client connecting to a
  // port in that range while nothing listens can connect to itself and
  // then hold the port, so the restarted server could not bind it.
  static unsigned next = 20000 + static_cast<unsigned>(::getpid()) % 1200 * 10;
  for (int attempt = 0; attempt < 200; ++attempt) {
    int port = 20000 + static_cast<int>(next++ % 12000);
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return absl::InternalError("socket() failed");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
    ::close(fd);
    if (free && taken->insert(port).second) return port;
  }
  return absl::InternalError("no free loopback port");
}

// Runs `cmd` through the shell; its stdout+stderr in *out.
int Shell(const std::string& cmd, std::string* out) {
  out->clear();
  FILE* f = ::popen((cmd + " 2>&1").c_str(), "r");
  if (f == nullptr) return -1;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out->append(buf, n);
  return ::pclose(f);
}

// True when a listener could bind 127.0.0.1:port (SO_REUSEADDR, like the
// API server, so connections in TIME_WAIT do not count).
bool PortFree(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  ::close(fd);
  return free;
}

bool ProcessGone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string line;
  std::getline(stat, line);
  // "pid (comm) S ...": the state follows the last ')'.
  size_t paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() || line[paren + 2] == 'Z' ||
         line[paren + 2] == 'X';
}

}  // namespace

absl::StatusOr<std::unique_ptr<OwnApiServer>> OwnApiServer::Start(const std::string& dir,
                                                                   const std::string& version) {
  const std::string cache = Cache();
  for (const std::string& bin : {absl::StrCat(cache, "/etcd-", kEtcdVersion, "/bin/etcd"),
                                 absl::StrCat(cache, "/v", version, "/bin/kube-apiserver")}) {
    if (::access(bin.c_str(), X_OK) != 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          bin, " is missing: build the pinned binaries with `hack/cluster/build --k8s-version ",
          version, " etcd kube-apiserver` (or point DRA_CLUSTER_CACHE at a cache holding them)"));
    }
  }
  std::unique_ptr<OwnApiServer> s(new OwnApiServer());
  s->dir_ = std::filesystem::absolute(dir).string();
  s->version_ = version;
  std::filesystem::create_directories(s->dir_);
  std::set<int> taken;
  absl::StatusOr<int> p = PickPort("OWN_APISERVER_ETCD_PORT", &taken);
  if (!p.ok()) return p.status();
  s->etcd_port_ = *p;
  p = PickPort("OWN_APISERVER_ETCD_PEER_PORT", &taken);
  if (!p.ok()) return p.status();
  s->etcd_peer_port_ = *p;
  p = PickPort("OWN_APISERVER_PORT", &taken);
  if (!p.ok()) return p.status();
  s->port_ = *p;
  std::string out;
  if (absl::Status st = s->RunScript(version, &out); !st.ok()) return st;
  size_t at = out.rfind("KUBECONFIG=");
  if (at == std::string::npos) return absl::InternalError("own-apiserver.sh printed no KUBECONFIG: " + out);
  std::string kc = out.substr(at + 11);
  while (!kc.empty() && (kc.back() == '\n' || kc.back() == '\r')) kc.pop_back();
  s->kubeconfig_ = kc;
  return s;
}

OwnApiServer::~OwnApiServer() { Stop(); }

absl::Status OwnApiServer::RunScript(const std::string& args, std::string* out) {
  std::string cmd = absl::StrCat("OWN_APISERVER_ETCD_PORT=", etcd_port_,
                                 " OWN_APISERVER_ETCD_PEER_PORT=", etcd_peer_port_,
                                 " OWN_APISERVER_PORT=", port_, " bash ", kScript, " '", dir_,
                                 "' ", args);
  int rc = Shell(cmd, out);
  if (rc != 0) {
    return absl::InternalError(absl::StrCat("`", cmd, "` failed (", rc, "): ", *out,
                                            " (see ", dir_, "/apiserver.log, ", dir_, "/etcd.log)"));
  }
  return absl::OkStatus();
}

absl::Status OwnApiServer::KillApiServer(absl::Duration wait) {
  std::ifstream f(dir_ + "/apiserver.pid");
  pid_t pid = 0;
  if (!(f >> pid) || pid <= 0) return absl::NotFoundError("no apiserver.pid in " + dir_);
  if (::kill(pid, SIGKILL) != 0) return absl::InternalError("kill -9 " + std::to_string(pid) + " failed");
  // The thread-group leader turns zombie before the other threads are
  // gone and the sockets closed: wait for the port as well.
  absl::Time deadline = absl::Now() + wait;
  while (!ProcessGone(pid) || !PortFree(port_)) {
    if (absl::Now() > deadline) return absl::DeadlineExceededError("apiserver did not exit");
    absl::SleepFor(absl::Milliseconds(10));
  }
  return absl::OkStatus();
}

absl::Status OwnApiServer::StartApiServer() {
  std::string out;
  return RunScript(version_, &out);
}

absl::StatusOr<std::string> OwnApiServer::EtcdPost(const std::string& path,
                                                   const std::string& body) {
  std::string out;
  int rc = Shell(absl::StrCat("curl -sS --max-time 30 -X POST -d '", body, "' http://127.0.0.1:",
                              etcd_port_, path),
                 &out);
  if (rc != 0) return absl::UnavailableError("etcd " + path + ": " + out);
  return out;
}

absl::StatusOr<int64_t> OwnApiServer::EtcdRevision() {
  // A range read of key "\0" returns the store's header with its revision.
  absl::StatusOr<std::string> r = EtcdPost("/v3/kv/range", R"({"key":"AA=="})");
  if (!r.ok()) return r.status();
  nlohmann::json j = nlohmann::json::parse(*r, nullptr, false);
  if (!j.is_object() || !j.contains("header") || !j["header"].contains("revision")) {
    return absl::InternalError("etcd range: unexpected reply " + *r);
  }
  const nlohmann::json& rev = j["header"]["revision"];
  return rev.is_string() ? std::stoll(rev.get<std::string>()) : rev.get<int64_t>();
}

absl::Status OwnApiServer::CompactEtcd(int64_t revision) {
  absl::StatusOr<std::string> r = EtcdPost(
      "/v3/kv/compaction", absl::StrCat(R"({"revision":")", revision, R"(","physical":true})"));
  if (!r.ok()) return r.status();
  nlohmann::json j = nlohmann::json::parse(*r, nullptr, false);
  if (j.is_object() && j.contains("header")) return absl::OkStatus();
  // Already compacted that far (the API server compacts too): fine.
  if (j.is_object() && j.value("message", "").find("required revision has been compacted") !=
                           std::string::npos) {
    return absl::OkStatus();
  }
  return absl::InternalError("etcd compaction: " + *r);
}

void OwnApiServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  // SIGTERM would start a graceful shutdown that can hang once etcd is
  // gone: kill the API server first, then let the script stop etcd.
  (void)KillApiServer(absl::Seconds(10));
  std::string out;
  (void)RunScript("stop", &out);
}

}  // namespace k8s
