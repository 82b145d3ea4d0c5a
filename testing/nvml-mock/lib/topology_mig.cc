// topology_mig.cc: the MIG part of the topology loader (GPU-instance and
// compute-instance profiles, placements, pre-created instances) and the
// fabric block.
#include <cctype>
#include <set>

#include "topology_internal.h"

namespace nvml_mock {
namespace {

const std::map<std::string, unsigned> kMigModes = {{"disabled", 0}, {"enabled", 1}};
const std::map<std::string, unsigned> kFabricStates = {
    {"not-supported", 0}, {"not-started", 1}, {"in-progress", 2}, {"completed", 3}};
const std::map<std::string, unsigned> kHealth = {
    {"not-supported", 0}, {"healthy", 1}, {"unhealthy", 2}, {"limited-capacity", 3}};

// NVML_COMPUTE_INSTANCE_PROFILE_* index of a CI slice count.
int CiIndexForSlices(unsigned slices) {
  switch (slices) {
    case 1: return 0;
    case 2: return 1;
    case 3: return 2;
    case 4: return 3;
    case 7: return 4;
    case 8: return 5;
    case 6: return 6;
    default: return -1;
  }
}

std::string Suffix(const std::string& giName) {
  return giName.rfind("MIG ", 0) == 0 ? giName.substr(4) : giName;
}

// The default CI profiles of a GI profile: the full-size one, plus 1- and
// 2-slice ones, plus 3- and 4-slice ones on a 7-slice GI (the A100 pattern).
void DefaultCiProfiles(GiProfile* gi) {
  for (unsigned cs : {1u, 2u, 3u, 4u, 6u, 7u, 8u}) {
    bool take = cs == gi->slices || (cs <= 2 && cs < gi->slices) ||
                (gi->slices == 7 && (cs == 3 || cs == 4));
    if (!take || CiIndexForSlices(cs) < 0) continue;
    CiProfile ci;
    ci.index = static_cast<unsigned>(CiIndexForSlices(cs));
    ci.id = ci.index;
    ci.slices = cs;
    ci.instances = gi->slices / cs;
    ci.sms = gi->sms * cs / gi->slices;
    ci.name = cs == gi->slices ? gi->name
                               : "MIG " + std::to_string(cs) + "c." + Suffix(gi->name);
    gi->ciProfiles.push_back(ci);
  }
}

void FillCiDefaults(const GiProfile& gi, CiProfile* ci) {
  ci->copyEngines = gi.copyEngines;
  ci->decoders = gi.decoders;
  ci->encoders = gi.encoders;
  ci->jpegs = gi.jpegs;
  ci->ofas = gi.ofas;
  if (ci->starts.empty()) {
    for (unsigned k = 0; k < ci->instances && (k + 1) * ci->slices <= gi.slices; ++k) {
      ci->starts.push_back(k * ci->slices);
    }
  }
}

std::vector<unsigned> ReadStarts(const YAML::Node& n, const std::string& what) {
  RequireSeq(n, what);
  std::vector<unsigned> out;
  for (size_t i = 0; i < n.size(); ++i) out.push_back(ReadU32(n[i], what));
  return out;
}

CiProfile ParseCi(const YAML::Node& n, const GiProfile& gi, const std::string& what) {
  RequireMap(n, what);
  CiProfile ci;
  ci.slices = ReadU32(RequireChild(n, "slices", what), what + ".slices");
  int idx = CiIndexForSlices(ci.slices);
  ci.index = idx < 0 ? 0 : static_cast<unsigned>(idx);
  if (YAML::Node v = Child(n, "index"); v.IsDefined()) ci.index = ReadU32(v, what + ".index");
  ci.id = ci.index;
  if (YAML::Node v = Child(n, "id"); v.IsDefined()) ci.id = ReadU32(v, what + ".id");
  ci.instances = ReadU32(RequireChild(n, "instances", what), what + ".instances");
  ci.sms = ReadU32(RequireChild(n, "sms", what), what + ".sms");
  ci.name = ci.slices == gi.slices
                ? gi.name
                : "MIG " + std::to_string(ci.slices) + "c." + Suffix(gi.name);
  if (YAML::Node v = Child(n, "name"); v.IsDefined()) ci.name = ReadString(v, what + ".name");
  if (YAML::Node v = Child(n, "placements"); v.IsDefined()) ci.starts = ReadStarts(v, what + ".placements");
  if (ci.slices == 0 || ci.slices > gi.slices) Fail(n, what + ".slices: must be 1.." + std::to_string(gi.slices));
  return ci;
}

GiProfile ParseGi(const YAML::Node& n, const std::string& what, unsigned memSlices) {
  RequireMap(n, what);
  GiProfile gi;
  gi.index = ReadU32(RequireChild(n, "index", what), what + ".index");
  gi.id = ReadU32(RequireChild(n, "id", what), what + ".id");
  gi.name = ReadString(RequireChild(n, "name", what), what + ".name");
  gi.slices = ReadU32(RequireChild(n, "slices", what), what + ".slices");
  gi.instances = ReadU32(RequireChild(n, "instances", what), what + ".instances");
  gi.sms = ReadU32(RequireChild(n, "sms", what), what + ".sms");
  gi.copyEngines = ReadU32(RequireChild(n, "copyEngines", what), what + ".copyEngines");
  gi.decoders = ReadU32(RequireChild(n, "decoders", what), what + ".decoders");
  gi.encoders = ReadU32(RequireChild(n, "encoders", what), what + ".encoders");
  gi.jpegs = ReadU32(RequireChild(n, "jpegs", what), what + ".jpegs");
  gi.ofas = ReadU32(RequireChild(n, "ofas", what), what + ".ofas");
  gi.memoryMB = ReadU64(RequireChild(n, "memoryMB", what), what + ".memoryMB");
  if (YAML::Node v = Child(n, "p2p"); v.IsDefined()) gi.p2p = ReadBool(v, what + ".p2p");
  if (YAML::Node v = Child(n, "capabilities"); v.IsDefined()) gi.capabilities = ReadU32(v, what + ".capabilities");
  if (gi.p2p) gi.capabilities |= 0x1;
  YAML::Node pl = RequireChild(n, "placements", what);
  RequireMap(pl, what + ".placements");
  gi.starts = ReadStarts(RequireChild(pl, "starts", what + ".placements"), what + ".placements.starts");
  gi.placementSize = ReadU32(RequireChild(pl, "size", what + ".placements"), what + ".placements.size");
  if (gi.placementSize == 0) Fail(pl, what + ".placements.size: must be > 0");
  for (unsigned s : gi.starts) {
    if (s % gi.placementSize != 0 || s + gi.placementSize > memSlices) {
      Fail(pl, what + ".placements: start " + std::to_string(s) +
                   " is not aligned or does not fit in " + std::to_string(memSlices) + " memory slices");
    }
  }
  if (YAML::Node cis = Child(n, "ciProfiles"); cis.IsDefined()) {
    RequireSeq(cis, what + ".ciProfiles");
    for (size_t i = 0; i < cis.size(); ++i) {
      gi.ciProfiles.push_back(ParseCi(cis[i], gi, what + ".ciProfiles[" + std::to_string(i) + "]"));
    }
  } else {
    DefaultCiProfiles(&gi);
  }
  for (CiProfile& ci : gi.ciProfiles) FillCiDefaults(gi, &ci);
  return gi;
}

}  // namespace

void ParseMig(const Layered& g, GpuSpec* gpu) {
  YAML::Node mig = g.Get("mig");
  std::string what = g.what() + ".mig";
  if (mig.IsDefined()) {
    RequireMap(mig, what);
    gpu->migCapable = ReadBool(RequireChild(mig, "capable", what), what + ".capable");
    if (YAML::Node n = Child(mig, "mode"); n.IsDefined()) gpu->migMode = ReadEnum(n, what + ".mode", kMigModes);
    if (YAML::Node n = Child(mig, "maxDevices"); n.IsDefined()) gpu->maxMigDevices = ReadU32(n, what + ".maxDevices");
    if (YAML::Node n = Child(mig, "memorySlices"); n.IsDefined()) gpu->memorySlices = ReadU32(n, what + ".memorySlices");
    if (YAML::Node list = Child(mig, "giProfiles"); list.IsDefined()) {
      RequireSeq(list, what + ".giProfiles");
      std::set<unsigned> ids, indexes;
      for (size_t i = 0; i < list.size(); ++i) {
        std::string w = what + ".giProfiles[" + std::to_string(i) + "]";
        GiProfile p = ParseGi(list[i], w, gpu->memorySlices);
        if (!ids.insert(p.id).second) Fail(list[i], w + ": duplicate profile id");
        if (!indexes.insert(p.index).second) Fail(list[i], w + ": duplicate profile index");
        gpu->giProfiles.push_back(std::move(p));
      }
    }
  }
  if (YAML::Node n = g.Get("migMode"); n.IsDefined()) gpu->migMode = ReadEnum(n, g.what() + ".migMode", kMigModes);
  if (!gpu->migCapable && gpu->migMode != 0) Fail(g.primary(), g.what() + ": migMode enabled on a GPU that is not MIG capable");
}

bool ParseUuidBytes(const std::string& in, std::array<unsigned char, 16>* out) {
  std::string hex;
  for (char c : in) {
    if (std::isxdigit(static_cast<unsigned char>(c))) hex += c;
    else if (c != '-') return false;
  }
  if (hex.size() != 32) return false;
  for (size_t i = 0; i < 16; ++i) {
    (*out)[i] = static_cast<unsigned char>(std::stoul(hex.substr(2 * i, 2), nullptr, 16));
  }
  return true;
}

void ParseFabric(const Layered& g, GpuSpec* gpu) {
  YAML::Node f = g.Get("fabric");
  if (!f.IsDefined()) return;
  std::string what = g.what() + ".fabric";
  RequireMap(f, what);
  FabricSpec& fab = gpu->fabric;
  fab.present = true;
  YAML::Node cu = RequireChild(f, "clusterUuid", what);
  if (!ParseUuidBytes(ReadString(cu, what + ".clusterUuid"), &fab.clusterUuid)) {
    Fail(cu, what + ".clusterUuid: expected a UUID");
  }
  fab.cliqueId = ReadU32(RequireChild(f, "cliqueId", what), what + ".cliqueId");
  fab.state = ReadEnum(RequireChild(f, "state", what), what + ".state", kFabricStates);
  if (YAML::Node n = Child(f, "status"); n.IsDefined()) {
    fab.status = ReadEnum(n, what + ".status", {{"success", 0}, {"not-supported", 3}, {"unknown", 999}, {"in-use", 19}, {"not-ready", 27}});
  }
  if (YAML::Node n = Child(f, "healthMask"); n.IsDefined()) fab.healthMask = ReadU32(n, what + ".healthMask");
  if (YAML::Node n = Child(f, "healthSummary"); n.IsDefined()) fab.healthSummary = ReadEnum(n, what + ".healthSummary", kHealth);
}

void ParsePrecreated(const YAML::Node& list, Topology* topo) {
  RequireSeq(list, "migInstances");
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node& n = list[i];
    std::string what = "migInstances[" + std::to_string(i) + "]";
    RequireMap(n, what);
    std::vector<unsigned> gpus;
    if (YAML::Node v = Child(n, "gpus"); v.IsDefined()) gpus = ReadStarts(v, what + ".gpus");
    else gpus.push_back(ReadU32(RequireChild(n, "gpu", what), what + ".gpu"));
    PrecreatedGi pre;
    pre.line = LineOf(n);
    pre.profileId = ReadU32(RequireChild(n, "profileId", what), what + ".profileId");
    if (YAML::Node v = Child(n, "start"); v.IsDefined()) pre.start = ReadU32(v, what + ".start");
    if (YAML::Node v = Child(n, "computeInstances"); v.IsDefined()) {
      pre.ciProfileIds = ReadStarts(v, what + ".computeInstances");
    }
    for (unsigned gi : gpus) {
      const GpuSpec* gpu = nullptr;
      for (const GpuSpec& s : topo->gpus) {
        if (s.index == gi) gpu = &s;
      }
      if (gpu == nullptr) Fail(n, what + ": no GPU with index " + std::to_string(gi));
      if (!gpu->migCapable || gpu->migMode != 1) Fail(n, what + ": GPU " + std::to_string(gi) + " does not have MIG enabled");
      const GiProfile* prof = FindGiProfileById(*gpu, pre.profileId);
      if (prof == nullptr) Fail(n, what + ": GPU " + std::to_string(gi) + " has no GI profile id " + std::to_string(pre.profileId));
      for (unsigned ci : pre.ciProfileIds) {
        if (FindCiProfileById(*prof, ci) == nullptr) Fail(n, what + ": no CI profile id " + std::to_string(ci));
      }
      pre.gpuIndex = gi;
      topo->precreated.push_back(pre);
    }
  }
}

}  // namespace nvml_mock
