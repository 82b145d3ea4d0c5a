#include "cdi/spec.h"

#include <algorithm>
#include <set>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cdi/names.h"

namespace cdi {
namespace {

template <typename T>
void AppendAll(std::vector<T>& to, const std::vector<T>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

// Versions as comparable integers: 0.x.0 -> x.
int EditsVersion(const ContainerEdits& e) {
  int v = 3;
  for (const Mount& m : e.mounts) {
    if (!m.type.empty()) v = std::max(v, 4);
  }
  for (const DeviceNode& d : e.device_nodes) {
    if (!d.host_path.empty()) v = std::max(v, 5);
  }
  if (!e.additional_gids.empty()) v = std::max(v, 7);
  return v;
}

absl::Status ValidateEdits(const ContainerEdits& e, std::string_view where) {
  auto bad = [&](std::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("CDI ", std::string(where), ": ", std::string(what)));
  };
  for (const std::string& env : e.env) {
    size_t eq = env.find('=');
    if (eq == std::string::npos || eq == 0) {
      return bad(absl::StrCat("invalid env entry \"", env, "\" (want NAME=VALUE)"));
    }
  }
  for (const DeviceNode& d : e.device_nodes) {
    if (d.path.empty()) return bad("device node with an empty path");
    if (!d.type.empty() && d.type != "c" && d.type != "b" && d.type != "u" && d.type != "p") {
      return bad(absl::StrCat("device node ", d.path, ": invalid type \"", d.type, "\""));
    }
    if (d.permissions != "" && d.permissions != "none" &&
        d.permissions.find_first_not_of("rwm") != std::string::npos) {
      return bad(absl::StrCat("device node ", d.path, ": invalid permissions \"",
                              d.permissions, "\""));
    }
  }
  for (const Mount& m : e.mounts) {
    if (m.host_path.empty() || m.container_path.empty()) {
      return bad(absl::StrCat("mount \"", m.host_path, "\" -> \"", m.container_path,
                              "\": both paths are required"));
    }
  }
  static const std::set<std::string> kHookNames = {"prestart",        "createRuntime",
                                                   "createContainer", "startContainer",
                                                   "poststart",       "poststop"};
  for (const Hook& h : e.hooks) {
    if (!kHookNames.contains(h.hook_name)) {
      return bad(absl::StrCat("unknown hook name \"", h.hook_name, "\""));
    }
    if (h.path.empty() || h.path.front() != '/') {
      return bad(absl::StrCat("hook path \"", h.path, "\" is not absolute"));
    }
    if (h.timeout.has_value() && *h.timeout <= 0) {
      return bad(absl::StrCat("hook ", h.path, ": timeout must be > 0"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

void ContainerEdits::Append(const ContainerEdits& other) {
  AppendAll(env, other.env);
  AppendAll(device_nodes, other.device_nodes);
  AppendAll(mounts, other.mounts);
  AppendAll(hooks, other.hooks);
  AppendAll(additional_gids, other.additional_gids);
}

bool ContainerEdits::Empty() const {
  return env.empty() && device_nodes.empty() && mounts.empty() && hooks.empty() &&
         additional_gids.empty();
}

std::string MinimumVersion(const Spec& spec) {
  int v = EditsVersion(spec.edits);
  if (!spec.annotations.empty()) v = std::max(v, 6);
  size_t slash = spec.kind.find('/');
  if (slash != std::string::npos && spec.kind.find('.', slash) != std::string::npos) {
    v = std::max(v, 6);
  }
  for (const Device& d : spec.devices) {
    v = std::max(v, EditsVersion(d.edits));
    if (!d.name.empty() && absl::ascii_isdigit(d.name.front())) v = std::max(v, 5);
    if (!d.annotations.empty()) v = std::max(v, 6);
  }
  return absl::StrCat("0.", v, ".0");
}

absl::Status Validate(const Spec& spec) {
  if (absl::Status s = ValidateKind(spec.kind); !s.ok()) return s;
  if (spec.devices.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("CDI spec ", spec.kind, ": no devices"));
  }
  std::set<std::string> names;
  for (const Device& d : spec.devices) {
    if (absl::Status s = ValidateDeviceName(d.name); !s.ok()) return s;
    if (!names.insert(d.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("CDI spec ", spec.kind, ": duplicate device name \"", d.name, "\""));
    }
    if (absl::Status s = ValidateEdits(d.edits, absl::StrCat("device ", d.name)); !s.ok()) {
      return s;
    }
  }
  return ValidateEdits(spec.edits, absl::StrCat("spec ", spec.kind));
}

}  // namespace cdi
