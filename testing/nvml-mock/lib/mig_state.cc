// mig_state.cc: see mig_state.h.
#include "mig_state.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace nvml_mock {
namespace {

bool Overlaps(unsigned a, unsigned as, unsigned b, unsigned bs) {
  return a < b + bs && b < a + as;
}

// Compute slices of the whole GPU: the largest GI profile's slice count.
unsigned TotalComputeSlices(const GpuSpec& gpu) {
  unsigned m = 0;
  for (const GiProfile& p : gpu.giProfiles) m = std::max(m, p.slices);
  return m;
}

bool GiFits(const GpuState& st, const GpuSpec& gpu, const GiProfile& p, unsigned start) {
  unsigned used = 0, same = 0;
  for (const GiState& gi : st.gis) {
    if (Overlaps(gi.start, gi.size, start, p.placementSize)) return false;
    const GiProfile* q = FindGiProfileById(gpu, gi.profileId);
    used += q ? q->slices : gi.size;
    if (gi.profileId == p.id) ++same;
  }
  return same < p.instances && used + p.slices <= TotalComputeSlices(gpu);
}

// GI ids follow the placement tree of the memory slices: the whole GPU is
// 0, its halves 1-2, quarters 3-6, eighths 7-14 (what A100/H100 report).
unsigned PickGiId(const GpuState& st, const GpuSpec& gpu, unsigned start, unsigned size) {
  auto used = [&](unsigned id) {
    return std::any_of(st.gis.begin(), st.gis.end(), [&](const GiState& g) { return g.id == id; });
  };
  if (size > 0 && gpu.memorySlices % size == 0) {
    unsigned id = gpu.memorySlices / size - 1 + start / size;
    if (!used(id)) return id;
  }
  unsigned id = 0;
  while (used(id)) ++id;
  return id;
}

bool CiFits(const GiState& gi, const GiProfile& gp, const CiProfile& p, unsigned start) {
  if (start + p.slices > gp.slices) return false;
  unsigned same = 0;
  for (const CiState& ci : gi.cis) {
    if (Overlaps(ci.start, ci.size, start, p.slices)) return false;
    if (ci.profileId == p.id) ++same;
  }
  return same < p.instances;
}

}  // namespace

std::string StateToJson(const MigState& s) {
  nlohmann::json gpus = nlohmann::json::object();
  for (const auto& [uuid, g] : s.gpus) {
    nlohmann::json gis = nlohmann::json::array();
    for (const GiState& gi : g.gis) {
      nlohmann::json cis = nlohmann::json::array();
      for (const CiState& ci : gi.cis) {
        cis.push_back({{"id", ci.id}, {"profileId", ci.profileId}, {"start", ci.start}, {"size", ci.size}});
      }
      gis.push_back({{"id", gi.id}, {"profileId", gi.profileId}, {"start", gi.start},
                     {"size", gi.size}, {"computeInstances", cis}});
    }
    gpus[uuid] = {{"migMode", g.migMode}, {"gpuInstances", gis}};
  }
  nlohmann::json doc = {{"version", 1}, {"gpus", gpus}};
  return doc.dump(1) + "\n";
}

bool StateFromJson(const std::string& text, MigState* out, std::string* error) {
  try {
    nlohmann::json doc = nlohmann::json::parse(text);
    MigState s;
    for (const auto& [uuid, g] : doc.at("gpus").items()) {
      GpuState gs;
      gs.migMode = g.at("migMode").get<unsigned>();
      for (const auto& gi : g.at("gpuInstances")) {
        GiState st{gi.at("id").get<unsigned>(), gi.at("profileId").get<unsigned>(),
                   gi.at("start").get<unsigned>(), gi.at("size").get<unsigned>(), {}};
        for (const auto& ci : gi.at("computeInstances")) {
          st.cis.push_back({ci.at("id").get<unsigned>(), ci.at("profileId").get<unsigned>(),
                            ci.at("start").get<unsigned>(), ci.at("size").get<unsigned>()});
        }
        gs.gis.push_back(std::move(st));
      }
      s.gpus[uuid] = std::move(gs);
    }
    *out = std::move(s);
    return true;
  } catch (const std::exception& e) {
    *error = std::string("corrupt MIG state: ") + e.what();
    return false;
  }
}

GpuState GpuStateOf(const MigState& s, const GpuSpec& gpu) {
  auto it = s.gpus.find(gpu.uuid);
  if (it != s.gpus.end()) return it->second;
  GpuState g;
  g.migMode = gpu.migMode;
  return g;
}

GpuState& MutableGpuState(MigState* s, const GpuSpec& gpu) {
  auto it = s->gpus.find(gpu.uuid);
  if (it == s->gpus.end()) it = s->gpus.emplace(gpu.uuid, GpuStateOf(*s, gpu)).first;
  return it->second;
}

nvmlReturn_t CreateGi(GpuState* st, const GpuSpec& gpu, unsigned profileId,
                      const unsigned* start, unsigned* newId) {
  if (!gpu.migCapable || st->migMode != 1) return NVML_ERROR_NOT_SUPPORTED;
  const GiProfile* p = FindGiProfileById(gpu, profileId);
  if (p == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  unsigned chosen = 0;
  if (start != nullptr) {
    if (std::find(p->starts.begin(), p->starts.end(), *start) == p->starts.end()) {
      return NVML_ERROR_INVALID_ARGUMENT;
    }
    if (!GiFits(*st, gpu, *p, *start)) return NVML_ERROR_INSUFFICIENT_RESOURCES;
    chosen = *start;
  } else {
    auto it = std::find_if(p->starts.begin(), p->starts.end(),
                           [&](unsigned s) { return GiFits(*st, gpu, *p, s); });
    if (it == p->starts.end()) return NVML_ERROR_INSUFFICIENT_RESOURCES;
    chosen = *it;
  }
  GiState gi{PickGiId(*st, gpu, chosen, p->placementSize), p->id, chosen, p->placementSize, {}};
  *newId = gi.id;
  st->gis.push_back(gi);
  std::sort(st->gis.begin(), st->gis.end(),
            [](const GiState& a, const GiState& b) { return a.id < b.id; });
  return NVML_SUCCESS;
}

nvmlReturn_t DestroyGi(GpuState* st, unsigned giId) {
  auto it = std::find_if(st->gis.begin(), st->gis.end(),
                         [&](const GiState& g) { return g.id == giId; });
  if (it == st->gis.end()) return NVML_ERROR_NOT_FOUND;
  if (!it->cis.empty()) return NVML_ERROR_IN_USE;
  st->gis.erase(it);
  return NVML_SUCCESS;
}

unsigned RemainingGi(const GpuState& st, const GpuSpec& gpu, const GiProfile& p) {
  GpuState sim = st;
  sim.migMode = 1;
  unsigned n = 0, id = 0;
  while (CreateGi(&sim, gpu, p.id, nullptr, &id) == NVML_SUCCESS) ++n;
  return n;
}

nvmlReturn_t CreateCi(GiState* gi, const GiProfile& gp, unsigned ciProfileId,
                      const unsigned* start, unsigned* newId) {
  const CiProfile* p = FindCiProfileById(gp, ciProfileId);
  if (p == nullptr) return NVML_ERROR_INVALID_ARGUMENT;
  unsigned chosen = 0;
  if (start != nullptr) {
    if (std::find(p->starts.begin(), p->starts.end(), *start) == p->starts.end()) {
      return NVML_ERROR_INVALID_ARGUMENT;
    }
    if (!CiFits(*gi, gp, *p, *start)) return NVML_ERROR_INSUFFICIENT_RESOURCES;
    chosen = *start;
  } else {
    auto it = std::find_if(p->starts.begin(), p->starts.end(),
                           [&](unsigned s) { return CiFits(*gi, gp, *p, s); });
    if (it == p->starts.end()) return NVML_ERROR_INSUFFICIENT_RESOURCES;
    chosen = *it;
  }
  unsigned id = 0;
  while (FindCi(*gi, id) != nullptr) ++id;
  gi->cis.push_back({id, p->id, chosen, p->slices});
  std::sort(gi->cis.begin(), gi->cis.end(),
            [](const CiState& a, const CiState& b) { return a.id < b.id; });
  *newId = id;
  return NVML_SUCCESS;
}

nvmlReturn_t DestroyCi(GiState* gi, unsigned ciId) {
  auto it = std::find_if(gi->cis.begin(), gi->cis.end(),
                         [&](const CiState& c) { return c.id == ciId; });
  if (it == gi->cis.end()) return NVML_ERROR_NOT_FOUND;
  gi->cis.erase(it);
  return NVML_SUCCESS;
}

unsigned RemainingCi(const GiState& gi, const GiProfile& gp, const CiProfile& p) {
  GiState sim = gi;
  unsigned n = 0, id = 0;
  while (CreateCi(&sim, gp, p.id, nullptr, &id) == NVML_SUCCESS) ++n;
  return n;
}

const GiState* FindGi(const GpuState& st, unsigned id) {
  for (const GiState& g : st.gis) {
    if (g.id == id) return &g;
  }
  return nullptr;
}

GiState* FindGi(GpuState* st, unsigned id) {
  for (GiState& g : st->gis) {
    if (g.id == id) return &g;
  }
  return nullptr;
}

const CiState* FindCi(const GiState& gi, unsigned id) {
  for (const CiState& c : gi.cis) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

std::vector<MigDeviceRef> MigDevices(const GpuState& st) {
  std::vector<MigDeviceRef> out;
  if (st.migMode != 1) return out;
  for (const GiState& gi : st.gis) {
    for (const CiState& ci : gi.cis) out.push_back({&gi, &ci});
  }
  return out;
}

bool InitialState(const Topology& topo, MigState* out, std::string* error) {
  MigState s;
  for (const GpuSpec& gpu : topo.gpus) MutableGpuState(&s, gpu);
  for (const PrecreatedGi& pre : topo.precreated) {
    const GpuSpec* gpu = nullptr;
    for (const GpuSpec& g : topo.gpus) {
      if (g.index == pre.gpuIndex) gpu = &g;
    }
    auto fail = [&](const std::string& what) {
      *error = topo.path + ":" + std::to_string(pre.line) + ": migInstances: GPU " +
               std::to_string(pre.gpuIndex) + ": " + what;
      return false;
    };
    if (gpu == nullptr) return fail("no such GPU");
    GpuState& gs = MutableGpuState(&s, *gpu);
    unsigned giId = 0;
    const unsigned* start = pre.start ? &*pre.start : nullptr;
    nvmlReturn_t r = CreateGi(&gs, *gpu, pre.profileId, start, &giId);
    if (r != NVML_SUCCESS) {
      return fail("cannot create GI profile " + std::to_string(pre.profileId) +
                  (r == NVML_ERROR_INSUFFICIENT_RESOURCES ? " (placement overlaps or no room)"
                                                           : " (invalid profile or placement)"));
    }
    GiState* gi = FindGi(&gs, giId);
    const GiProfile* gp = FindGiProfileById(*gpu, pre.profileId);
    std::vector<unsigned> cis = pre.ciProfileIds;
    if (cis.empty()) {
      for (const CiProfile& c : gp->ciProfiles) {
        if (c.slices == gp->slices) cis.push_back(c.id);
      }
    }
    for (unsigned ci : cis) {
      unsigned ciId = 0;
      if (CreateCi(gi, *gp, ci, nullptr, &ciId) != NVML_SUCCESS) {
        return fail("cannot create CI profile " + std::to_string(ci));
      }
    }
  }
  *out = std::move(s);
  return true;
}

}  // namespace nvml_mock
