// Serialisation (JSON, YAML) and the atomic spec file writer of spec.h.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "cdi/spec.h"
#include "nlohmann/json.hpp"
#include "yaml-cpp/yaml.h"

namespace cdi {
namespace {

using Json = nlohmann::ordered_json;

Json EditsJson(const ContainerEdits& e) {
  Json j = Json::object();
  if (!e.env.empty()) j["env"] = e.env;
  if (!e.device_nodes.empty()) {
    Json nodes = Json::array();
    for (const DeviceNode& d : e.device_nodes) {
      Json n = Json::object();
      n["path"] = d.path;
      if (!d.host_path.empty()) n["hostPath"] = d.host_path;
      if (!d.type.empty()) n["type"] = d.type;
      if (d.major) n["major"] = *d.major;
      if (d.minor) n["minor"] = *d.minor;
      if (d.file_mode) n["fileMode"] = *d.file_mode;
      if (!d.permissions.empty()) n["permissions"] = d.permissions;
      if (d.uid) n["uid"] = *d.uid;
      if (d.gid) n["gid"] = *d.gid;
      nodes.push_back(std::move(n));
    }
    j["deviceNodes"] = std::move(nodes);
  }
  if (!e.mounts.empty()) {
    Json mounts = Json::array();
    for (const Mount& m : e.mounts) {
      Json o = Json::object();
      o["hostPath"] = m.host_path;
      o["containerPath"] = m.container_path;
      if (!m.options.empty()) o["options"] = m.options;
      if (!m.type.empty()) o["type"] = m.type;
      mounts.push_back(std::move(o));
    }
    j["mounts"] = std::move(mounts);
  }
  if (!e.hooks.empty()) {
    Json hooks = Json::array();
    for (const Hook& h : e.hooks) {
      Json o = Json::object();
      o["hookName"] = h.hook_name;
      o["path"] = h.path;
      if (!h.args.empty()) o["args"] = h.args;
      if (!h.env.empty()) o["env"] = h.env;
      if (h.timeout) o["timeout"] = *h.timeout;
      hooks.push_back(std::move(o));
    }
    j["hooks"] = std::move(hooks);
  }
  if (!e.additional_gids.empty()) j["additionalGids"] = e.additional_gids;
  return j;
}

Json SpecJson(const Spec& spec) {
  Json j = Json::object();
  j["cdiVersion"] = spec.version.empty() ? MinimumVersion(spec) : spec.version;
  j["kind"] = spec.kind;
  if (!spec.annotations.empty()) j["annotations"] = spec.annotations;
  Json devices = Json::array();
  for (const Device& d : spec.devices) {
    Json o = Json::object();
    o["name"] = d.name;
    if (!d.annotations.empty()) o["annotations"] = d.annotations;
    // containerEdits is required on a device, even when empty.
    o["containerEdits"] = EditsJson(d.edits);
    devices.push_back(std::move(o));
  }
  j["devices"] = std::move(devices);
  if (!spec.edits.Empty()) j["containerEdits"] = EditsJson(spec.edits);
  return j;
}

void EmitYaml(YAML::Emitter& out, const Json& j) {
  switch (j.type()) {
    case Json::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [k, v] : j.items()) {
        out << YAML::Key << k << YAML::Value;
        EmitYaml(out, v);
      }
      out << YAML::EndMap;
      break;
    case Json::value_t::array:
      out << YAML::BeginSeq;
      for (const Json& v : j) EmitYaml(out, v);
      out << YAML::EndSeq;
      break;
    case Json::value_t::string:
      // Quote strings YAML would read as something else (numbers, bools).
      out << YAML::DoubleQuoted << j.get<std::string>();
      break;
    case Json::value_t::number_integer:
      out << j.get<int64_t>();
      break;
    case Json::value_t::number_unsigned:
      out << j.get<uint64_t>();
      break;
    case Json::value_t::boolean:
      out << j.get<bool>();
      break;
    default:
      out << YAML::Null;
      break;
  }
}

absl::Status Errno(std::string_view what, const std::string& path, int err) {
  return absl::InternalError(
      absl::StrCat(std::string(what), " ", path, ": ", std::strerror(err)));
}

}  // namespace

std::string ToJson(const Spec& spec) { return SpecJson(spec).dump(2) + "\n"; }

std::string ToYaml(const Spec& spec) {
  YAML::Emitter out;
  EmitYaml(out, SpecJson(spec));
  return absl::StrCat("---\n", out.c_str(), "\n");
}

absl::Status WriteSpecFile(const std::string& path, const Spec& spec) {
  if (absl::Status s = Validate(spec); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", s.message()));
  }
  const std::string text = ToYaml(spec);
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  // A dot-prefixed temp name: CDI loaders only read *.yaml and *.json.
  std::string tmp = absl::StrCat(dir, "/.", base, ".tmpXXXXXX");
  int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) return Errno("create temp file for", path, errno);
  auto fail = [&](std::string_view what) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return Errno(what, tmp, err);
  };
  if (::fchmod(fd, 0644) != 0) return fail("chmod");
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write");
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("fsync");
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Errno("close", tmp, err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Errno(absl::StrCat("rename ", tmp, " ->"), path, err);
  }
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return Errno("open directory", dir, errno);
  int rc = ::fsync(dfd);
  int err = errno;
  ::close(dfd);
  if (rc != 0) return Errno("fsync directory", dir, err);
  return absl::OkStatus();
}

absl::Status RemoveSpecFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("remove", path, errno);
  return absl::OkStatus();
}

}  // namespace cdi
