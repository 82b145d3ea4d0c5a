// cdi-hook: the OCI createContainer hook that the GPU plugin's CDI specs
// name. The runtime passes the container state JSON on stdin; the hook finds
// the container root from <bundle>/config.json and then
//
//   cdi-hook create-symlinks --link TARGET::LINK [--link ...]
//   cdi-hook update-ldcache --folder DIR [--folder ...] [--ldconfig-path P]
//
// Both accept --container-spec PATH (an OCI config.json) instead of stdin.
// Exit codes: 0 success, 1 failure, 2 bad command line. Every failure and
// warning is one line on stderr.
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "cdi/hook_ops.h"

namespace {

absl::StatusOr<std::string> ContainerRoot(const std::string& container_spec) {
  if (!container_spec.empty()) return cdi::ContainerRootFromSpecFile(container_spec);
  std::string state((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  return cdi::ContainerRootFromState(state);
}

int Report(const absl::Status& s, const std::vector<std::string>& warnings) {
  for (const std::string& w : warnings) std::cerr << "cdi-hook: warning: " << w << "\n";
  if (s.ok()) return 0;
  std::cerr << "cdi-hook: " << s.message() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"OCI createContainer hook for NVIDIA GPU CDI specs"};
  app.require_subcommand(1);
  std::string container_spec;
  std::vector<std::string> link_args;
  std::vector<std::string> folders;
  std::string ldconfig = "/sbin/ldconfig";

  CLI::App* links = app.add_subcommand("create-symlinks", "Create symlinks in the container");
  links->add_option("--link", link_args, "TARGET::LINK (LINK is a path in the container)")
      ->required();
  links->add_option("--container-spec", container_spec,
                    "OCI config.json to read instead of the state on stdin");

  CLI::App* ldcache = app.add_subcommand("update-ldcache", "Update the container's ld.so cache");
  ldcache->add_option("--folder", folders, "Library folder in the container")->required();
  ldcache->add_option("--ldconfig-path", ldconfig, "Host ldconfig to run")
      ->capture_default_str();
  ldcache->add_option("--container-spec", container_spec,
                      "OCI config.json to read instead of the state on stdin");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cerr << "cdi-hook: " << e.what() << " (see --help)\n";
    return 2;
  }

  std::vector<std::string> warnings;
  absl::StatusOr<std::string> root = ContainerRoot(container_spec);
  if (!root.ok()) return Report(root.status(), warnings);
  if (links->parsed()) {
    std::vector<cdi::SymlinkRequest> requests;
    for (const std::string& arg : link_args) {
      absl::StatusOr<cdi::SymlinkRequest> req = cdi::ParseLinkArg(arg);
      if (!req.ok()) return Report(req.status(), warnings);
      requests.push_back(*std::move(req));
    }
    return Report(cdi::CreateSymlinks(*root, requests, &warnings), warnings);
  }
  return Report(cdi::UpdateLdcache(*root, folders, ldconfig, &warnings), warnings);
}
