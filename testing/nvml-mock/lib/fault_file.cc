// fault_file.cc: see fault_file.h.
#include "fault_file.h"

#include <nlohmann/json.hpp>

#include "file_util.h"

namespace nvml_mock {

bool ParseFaultFile(const std::string& text, FaultFile* out, std::string* error) {
  try {
    FaultFile f;
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
      *out = f;
      return true;
    }
    nlohmann::json doc = nlohmann::json::parse(text);
    f.nextSeq = doc.value("nextSeq", uint64_t{1});
    const nlohmann::json empty = nlohmann::json::object();
    const nlohmann::json& evs = doc.contains("events") ? doc.at("events") : empty;
    for (const auto& e : evs) {
      FaultEvent ev;
      ev.seq = e.at("seq").get<uint64_t>();
      ev.gpu = e.at("gpu").is_string() ? e.at("gpu").get<std::string>()
                                       : std::to_string(e.at("gpu").get<uint64_t>());
      ev.type = e.value("type", uint64_t{8});
      ev.data = e.value("data", uint64_t{0});
      ev.gi = e.value("gpuInstanceId", 0xFFFFFFFFu);
      ev.ci = e.value("computeInstanceId", 0xFFFFFFFFu);
      f.events.push_back(ev);
      if (ev.seq >= f.nextSeq) f.nextSeq = ev.seq + 1;
    }
    const nlohmann::json& gpus = doc.contains("gpus") ? doc.at("gpus") : empty;
    for (const auto& [key, g] : gpus.items()) {
      f.gpus[key] = {g.value("lost", false), g.value("offBus", false), g.value("unhealthy", false)};
    }
    const nlohmann::json& fns = doc.contains("functions") ? doc.at("functions") : empty;
    for (const auto& [name, fn] : fns.items()) {
      f.functions[name] = {fn.value("seq", uint64_t{0}), fn.value("code", 0),
                           fn.value("after", uint64_t{0}), fn.value("sleepMs", 0u)};
    }
    *out = std::move(f);
    return true;
  } catch (const std::exception& e) {
    *error = std::string("bad fault file: ") + e.what();
    return false;
  }
}

std::string SerializeFaultFile(const FaultFile& f) {
  nlohmann::json events = nlohmann::json::array();
  for (const FaultEvent& e : f.events) {
    events.push_back({{"seq", e.seq}, {"gpu", e.gpu}, {"type", e.type}, {"data", e.data},
                      {"gpuInstanceId", e.gi}, {"computeInstanceId", e.ci}});
  }
  nlohmann::json gpus = nlohmann::json::object();
  for (const auto& [k, g] : f.gpus) {
    gpus[k] = {{"lost", g.lost}, {"offBus", g.offBus}, {"unhealthy", g.unhealthy}};
  }
  nlohmann::json fns = nlohmann::json::object();
  for (const auto& [k, fn] : f.functions) {
    fns[k] = {{"seq", fn.seq}, {"code", fn.code}, {"after", fn.after}, {"sleepMs", fn.sleepMs}};
  }
  nlohmann::json doc = {{"nextSeq", f.nextSeq}, {"events", events}, {"gpus", gpus}, {"functions", fns}};
  return doc.dump(1) + "\n";
}

bool ReadFaultFile(const std::string& path, FaultFile* out, std::string* error) {
  std::string text;
  bool missing = false;
  if (!ReadWholeFile(path, &text, &missing)) {
    if (missing) {
      *out = FaultFile{};
      return true;
    }
    *error = path + ": cannot read";
    return false;
  }
  if (!ParseFaultFile(text, out, error)) {
    *error = path + ": " + *error;
    return false;
  }
  return true;
}

bool UpdateFaultFile(const std::string& path, const std::function<void(FaultFile&)>& fn,
                     std::string* error) {
  FileLock lock(path, /*exclusive=*/true);
  if (!lock.ok()) {
    *error = path + ".lock: cannot lock";
    return false;
  }
  FaultFile f;
  if (!ReadFaultFile(path, &f, error)) return false;
  fn(f);
  return WriteFileAtomically(path, SerializeFaultFile(f), error);
}

}  // namespace nvml_mock
