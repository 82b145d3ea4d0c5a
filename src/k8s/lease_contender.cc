// lease_contender: a tiny leader-election candidate for the multi-process
// integration test (k8s_integration_test, LeaderElection cases).
//
//   lease_contender KUBECONFIG IDENTITY LEASE_NAME LEASE_DURATION
//                   RENEW_DEADLINE RETRY_PERIOD [NAMESPACE]
//
// Durations in Go form ("2s", "1500ms"). Prints "LEADING <identity>" when
// it becomes leader and "STOPPED <identity>" when it stops leading, one
// line each, flushed. SIGTERM/SIGINT stop it cleanly (releasing the
// lease). Exit status: 0 clean stop, 1 leadership lost, 2 usage/setup.
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "k8s/client.h"
#include "k8s/config.h"
#include "k8s/http_transport.h"
#include "k8s/leader_election.h"

namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

bool Dur(const char* s, absl::Duration* d) { return absl::ParseDuration(s, d); }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7 || argc > 8) {
    std::fprintf(stderr,
                 "usage: %s KUBECONFIG IDENTITY LEASE_NAME LEASE_DURATION RENEW_DEADLINE "
                 "RETRY_PERIOD [NAMESPACE]\n",
                 argv[0]);
    return 2;
  }
  k8s::LeaderElectionOptions o;
  o.identity = argv[2];
  o.lease_name = argv[3];
  if (!Dur(argv[4], &o.lease_duration) || !Dur(argv[5], &o.renew_deadline) ||
      !Dur(argv[6], &o.retry_period)) {
    std::fprintf(stderr, "bad duration\n");
    return 2;
  }
  if (argc == 8) o.lease_namespace = argv[7];
  absl::StatusOr<k8s::RestConfig> config = k8s::LoadKubeconfig(argv[1]);
  if (!config.ok()) {
    std::fprintf(stderr, "%s\n", std::string(config.status().message()).c_str());
    return 2;
  }
  absl::StatusOr<std::unique_ptr<k8s::HttpTransport>> t = k8s::NewHttpTransport(*config);
  if (!t.ok()) {
    std::fprintf(stderr, "%s\n", std::string(t.status().message()).c_str());
    return 2;
  }
  k8s::ClientOptions co;
  co.qps = 0;
  co.timeout = o.renew_deadline;  // never block a renewal past the deadline
  co.retry.max_attempts = 1;
  k8s::Client client(t->get(), co);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  const std::string id = o.identity;
  k8s::LeaderElector e(&client, o,
                       {[&] {
                          std::printf("LEADING %s\n", id.c_str());
                          std::fflush(stdout);
                        },
                        [&] {
                          std::printf("STOPPED %s\n", id.c_str());
                          std::fflush(stdout);
                        },
                        nullptr});
  absl::Status s = e.Run(&g_stop);
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return absl::IsAborted(s) ? 1 : 2;
  }
  return 0;
}
