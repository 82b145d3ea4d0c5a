// Serialisation (JSON, YAML) and the atomic spec file writer of spec.h.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "cdi/spec.h"
#include "nlohmann/json.hpp"

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

// Block-style YAML of a JSON tree, written directly: yaml-cpp's emitter
// (a regex scan per scalar) was about a fifth of a Prepare's CPU time.
// Every string value is a double-quoted scalar with JSON escapes (all of
// which YAML's double-quoted style accepts), so no value is read back as a
// number, bool or null; keys are plain only when they are simple names.
bool PlainKey(const std::string& k) {
  static const char* const kReserved[] = {"true", "false", "null", "yes", "no",
                                          "on",   "off",   "y",    "n",   "~"};
  if (k.empty() || !(std::isalpha(static_cast<unsigned char>(k[0])) || k[0] == '_')) return false;
  for (char c : k) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.' &&
        c != '/') {
      return false;
    }
  }
  std::string lower;
  for (char c : k) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* r : kReserved) {
    if (lower == r) return false;
  }
  return true;
}

void WriteYaml(std::string& out, const Json& j, size_t indent, bool in_seq_item);

// The value after "key:" or "-": scalars and empty collections on the same
// line, anything else on the following lines.
void WriteValue(std::string& out, const Json& v, size_t indent) {
  if (v.is_object() && !v.empty()) {
    out += '\n';
    WriteYaml(out, v, indent + 2, false);
  } else if (v.is_array() && !v.empty()) {
    out += '\n';
    WriteYaml(out, v, indent, false);
  } else if (v.is_object()) {
    out += " {}\n";
  } else if (v.is_array()) {
    out += " []\n";
  } else {
    out += ' ';
    // string (quoted), number, bool or null; bytes that are not UTF-8 (a
    // spec is UTF-8 text) become U+FFFD instead of an exception.
    out += v.dump(-1, ' ', false, Json::error_handler_t::replace);
    out += '\n';
  }
}

// A non-empty object or array at `indent`. in_seq_item: the first line
// continues a "- " already written.
void WriteYaml(std::string& out, const Json& j, size_t indent, bool in_seq_item) {
  bool first = true;
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if (!(first && in_seq_item)) out.append(indent, ' ');
      first = false;
      out += PlainKey(k) ? k : Json(k).dump(-1, ' ', false, Json::error_handler_t::replace);
      out += ':';
      WriteValue(out, v, indent);
    }
    return;
  }
  for (const Json& v : j) {
    if (!(first && in_seq_item)) out.append(indent, ' ');
    first = false;
    if (v.is_object() && !v.empty()) {
      out += "- ";
      WriteYaml(out, v, indent + 2, true);
    } else if (v.is_array() && !v.empty()) {
      out += "-\n";
      WriteYaml(out, v, indent + 2, false);
    } else {
      out += '-';
      WriteValue(out, v, indent);
    }
  }
}

absl::Status Errno(std::string_view what, const std::string& path, int err) {
  return absl::InternalError(
      absl::StrCat(std::string(what), " ", path, ": ", std::strerror(err)));
}

}  // namespace

std::string ToJson(const Spec& spec) {
  return SpecJson(spec).dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string ToYaml(const Spec& spec) {
  std::string out = "---\n";
  WriteYaml(out, SpecJson(spec), 0, false);
  return out;
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
  std::string tmp = absl::StrCat(dir, "/.", base, kSpecTempInfix, "XXXXXX");
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
