// gpu-kubelet-plugin: the gpu.nvidia.com DRA kubelet plugin. Flags as the
// reference (flags.h); the process is wired in app.cc. SIGHUP, SIGINT,
// SIGTERM and SIGQUIT stop it cleanly (sockets removed); ResourceSlices
// stay published (the kubelet deletes them when it unregisters a driver).
// Exit status: 0 clean stop, 1 startup failure, 2 bad command line.
// `gpu-kubelet-plugin __discover-gpus ...` is the GPU discovery child the
// plugin runs at start-up (discovery_child.h), not for people.
#include <csignal>
#include <iostream>
#include <string>

#include "cmd/gpu-kubelet-plugin/app.h"
#include "cmd/gpu-kubelet-plugin/discovery_child.h"
#include "cmd/gpu-kubelet-plugin/flags.h"
#include "glog/logging.h"

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == plugin::kDiscoverCommand) {
    return plugin::RunDiscoverCommand(argc, argv);  // the discovery child
  }
  auto parsed = plugin::ParseFlags(argc, argv);
  if (!parsed.ok()) {
    std::cerr << "gpu-kubelet-plugin: " << parsed.status().message() << "\n";
    return 2;
  }
  if (parsed->help_requested) {
    std::cout << parsed->help;
    return 0;
  }
  const plugin::Flags& f = parsed->flags;
  FLAGS_logtostderr = true;
  FLAGS_v = f.v;
  if (!f.vmodule.empty()) FLAGS_vmodule = f.vmodule;
  google::InitGoogleLogging(argv[0]);
  for (const auto& line : plugin::DescribeFlags(f)) LOG(INFO) << "flag " << line;

  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGHUP, SIGINT, SIGTERM, SIGQUIT}) sigaddset(&set, s);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // threads inherit the mask

  plugin::App app(f);
  if (absl::Status s = app.Start(); !s.ok()) {
    LOG(ERROR) << "startup failed: " << s.message();
    app.Stop();
    return 1;
  }
  int sig = 0;
  sigwait(&set, &sig);
  LOG(INFO) << "signal " << sig << ": shutting down";
  app.Stop();
  return 0;
}
