// smi_mig.cc: nvml-mock-smi mig subcommands. -lgip and -lgipp print the
// exact layout of nvidia-smi 580 (fixtures recon.txt); -lgi, -cgi, -cci,
// -dci and -dgi are simplified but drive the same NVML calls.
#include <cstdio>
#include <sstream>

#include "smi_cmds.h"

namespace smi {
namespace {

const char* kRule = "+-------------------------------------------------------------------------------+";

nvmlDevice_t Handle(const Nvml& n, unsigned i) {
  nvmlDevice_t d = nullptr;
  n.HandleByIndex(i, &d);
  return d;
}

int ListProfiles(const Nvml& n, const std::vector<unsigned>& gpus) {
  std::printf("%s\n", kRule);
  std::printf("| GPU instance profiles:                                                        |\n");
  std::printf("| GPU   Name               ID    Instances   Memory     P2P    SM    DEC   ENC  |\n");
  std::printf("|                                Free/Total   GiB              CE    JPEG  OFA  |\n");
  std::printf("|===============================================================================|\n");
  for (unsigned g : gpus) {
    nvmlDevice_t d = Handle(n, g);
    for (const ProfileRow& r : GiProfiles(n, d)) {
      const auto& p = r.info;
      unsigned free = 0;
      if (n.GiRemaining == nullptr || n.GiRemaining(d, p.id, &free) != NVML_SUCCESS) free = 0;
      char inst[32], mem[32];
      std::snprintf(inst, sizeof inst, "%u/%u", free, p.instanceCount);
      std::snprintf(mem, sizeof mem, "%.2f", static_cast<double>(p.memorySizeMB) / 1024.0);
      std::printf("|%4u  %-17s%5u%8s        %-11s%-7s%-7u%-6u%-4u|\n", g, p.name, p.id, inst, mem,
                  p.isP2pSupported ? "Yes" : "No", p.multiprocessorCount, p.decoderCount, p.encoderCount);
      std::printf("|%61s%3u%6u%6u   |\n", "", p.copyEngineCount, p.jpegCount, p.ofaCount);
      std::printf("%s\n", kRule);
    }
  }
  return 0;
}

int ListPlacements(const Nvml& n, const std::vector<unsigned>& gpus) {
  for (unsigned g : gpus) {
    nvmlDevice_t d = Handle(n, g);
    for (const ProfileRow& r : GiProfiles(n, d)) {
      nvmlGpuInstancePlacement_t pl[16];
      unsigned count = 16;
      if (n.GiPlacements(d, r.info.id, pl, &count) != NVML_SUCCESS) continue;
      std::string starts;
      for (unsigned i = 0; i < count; ++i) starts += (i ? "," : "") + std::to_string(pl[i].start);
      std::printf("GPU %2u Profile ID %2u %s {%s}:%u\n", g, r.info.id,
                  count == 1 ? "Placement :" : "Placements:", starts.c_str(), count ? pl[0].size : 0);
    }
  }
  return 0;
}

struct Gi {
  nvmlGpuInstance_t handle;
  nvmlGpuInstanceInfo_t info;
  std::string name;
  unsigned slices;
};

std::vector<Gi> Instances(const Nvml& n, nvmlDevice_t d) {
  std::vector<Gi> out;
  for (const ProfileRow& r : GiProfiles(n, d)) {
    nvmlGpuInstance_t gis[16];
    unsigned count = 0;
    if (n.GetGis(d, r.info.id, gis, &count) != NVML_SUCCESS) continue;
    for (unsigned i = 0; i < count; ++i) {
      Gi gi{gis[i], {}, r.info.name, r.info.sliceCount};
      n.GiInfo(gis[i], &gi.info);
      out.push_back(gi);
    }
  }
  return out;
}

// The compute-instance profile id that spans the whole GI, or -1.
int FullCiProfile(const Nvml& n, const Gi& gi) {
  for (unsigned i = 0; i < NVML_COMPUTE_INSTANCE_PROFILE_COUNT; ++i) {
    nvmlComputeInstanceProfileInfo_v2_t p{};
    p.version = nvmlComputeInstanceProfileInfo_v2;
    if (n.CiProfileInfoV(gi.handle, i, NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED, &p) == NVML_SUCCESS &&
        p.sliceCount == gi.slices) {
      return static_cast<int>(p.id);
    }
  }
  return -1;
}

int CreateDefaultCi(const Nvml& n, unsigned g, const Gi& gi) {
  int id = FullCiProfile(n, gi);
  nvmlComputeInstance_t ci = nullptr;
  nvmlReturn_t r = id < 0 ? NVML_ERROR_NOT_SUPPORTED : n.CreateCi(gi.handle, static_cast<unsigned>(id), &ci);
  if (r != NVML_SUCCESS) {
    std::fprintf(stderr, "Failed to create compute instances: %s\n", n.Err(r));
    return 2;
  }
  std::printf("Successfully created compute instance on GPU %2u GPU instance ID %2u using profile %s (ID %2d)\n",
              g, gi.info.id, gi.name.c_str(), id);
  return 0;
}

int CreateGis(const Nvml& n, const std::vector<unsigned>& gpus, const std::string& list, bool withCi) {
  int rc = 0;
  for (unsigned g : gpus) {
    nvmlDevice_t d = Handle(n, g);
    std::vector<ProfileRow> profiles = GiProfiles(n, d);
    std::stringstream ss(list);
    std::string want;
    while (std::getline(ss, want, ',')) {
      const ProfileRow* prof = nullptr;
      for (const ProfileRow& r : profiles) {
        std::string name = r.info.name;
        if (want == std::to_string(r.info.id) || want == name || "MIG " + want == name) prof = &r;
      }
      if (prof == nullptr) {
        std::fprintf(stderr, "Unable to find GPU instance profile '%s' on GPU %u\n", want.c_str(), g);
        rc = 2;
        continue;
      }
      nvmlGpuInstance_t gi = nullptr;
      nvmlReturn_t r = n.CreateGi(d, prof->info.id, &gi);
      if (r != NVML_SUCCESS) {
        std::fprintf(stderr, "Failed to create GPU instances: %s\n", n.Err(r));
        rc = 2;
        continue;
      }
      Gi made{gi, {}, prof->info.name, prof->info.sliceCount};
      n.GiInfo(gi, &made.info);
      std::printf("Successfully created GPU instance ID %2u on GPU %2u using profile %s (ID %2u)\n",
                  made.info.id, g, made.name.c_str(), prof->info.id);
      if (withCi) rc |= CreateDefaultCi(n, g, made);
    }
  }
  return rc;
}

std::vector<nvmlComputeInstance_t> Cis(const Nvml& n, const Gi& gi) {
  std::vector<nvmlComputeInstance_t> out;
  for (unsigned i = 0; i < NVML_COMPUTE_INSTANCE_PROFILE_COUNT; ++i) {
    nvmlComputeInstanceProfileInfo_v2_t p{};
    p.version = nvmlComputeInstanceProfileInfo_v2;
    if (n.CiProfileInfoV(gi.handle, i, 0, &p) != NVML_SUCCESS) continue;
    nvmlComputeInstance_t cis[16];
    unsigned count = 0;
    if (n.GetCis(gi.handle, p.id, cis, &count) != NVML_SUCCESS) continue;
    out.insert(out.end(), cis, cis + count);
  }
  return out;
}

}  // namespace

int ComputePolicy(const Nvml& n, const std::vector<std::string>& args, const std::vector<unsigned>& gpus) {
  std::string cmd = args.empty() ? "-l" : args[0];
  if (cmd == "-l" || cmd == "--list") {
    std::printf("+-------------------------------------+\n| GPU compute policies:               |\n");
    std::printf("| GPU     Name           Value        |\n|=====================================|\n");
    for (unsigned g : gpus) std::printf("|%4u   Timeslice       Default       |\n", g);
    std::printf("+-------------------------------------+\n");
    return 0;
  }
  if (cmd.rfind("--set-timeslice=", 0) != 0) {
    std::fprintf(stderr, "Invalid combination of input arguments. Please run 'nvidia-smi compute-policy -h' for help.\n");
    return 2;
  }
  int rc = 0;
  for (unsigned g : gpus) {
    nvmlDevice_t d = Handle(n, g);
    unsigned ok = 1;
    if (n.MockTimeSlice != nullptr && n.MockTimeSlice(d, &ok) != NVML_SUCCESS) ok = 0;
    if (!ok) {
      std::fprintf(stderr, "Failed to set timeslice for GPU %u: Not Supported\n", g);
      rc = 3;
      continue;
    }
    std::printf("Set timeslice to %s for GPU %u.\n", cmd.substr(16).c_str(), g);
  }
  return rc;
}

int Mig(const Nvml& n, const std::vector<std::string>& args, const std::vector<unsigned>& gpus) {
  std::string cmd = args.empty() ? "" : args[0];
  bool withCi = false;
  for (const std::string& a : args) withCi |= a == "-C" || a == "--default-compute-instance";
  if (cmd == "-lgip" || cmd == "--list-gpu-instance-profiles") return ListProfiles(n, gpus);
  if (cmd == "-lgipp" || cmd == "--list-gpu-instance-possible-placements") return ListPlacements(n, gpus);
  if ((cmd == "-cgi" || cmd == "--create-gpu-instance") && args.size() > 1) return CreateGis(n, gpus, args[1], withCi);
  int rc = 0;
  if (cmd == "-lgi" || cmd == "--list-gpu-instances") {
    std::printf("+-------------------------------------------------------+\n");
    std::printf("| GPU instances:                                        |\n");
    std::printf("| GPU   Name             Profile  Instance   Placement  |\n");
    std::printf("|                          ID       ID       Start:Size |\n");
    std::printf("|=======================================================|\n");
    for (unsigned g : gpus) {
      for (const Gi& gi : Instances(n, Handle(n, g))) {
        std::printf("|%4u  %-16s%6u%9u%11u:%-5u|\n", g, gi.name.c_str(), gi.info.profileId, gi.info.id,
                    gi.info.placement.start, gi.info.placement.size);
        std::printf("+-------------------------------------------------------+\n");
      }
    }
    return 0;
  }
  if (cmd == "-cci" || cmd == "--create-compute-instance") {
    for (unsigned g : gpus) {
      for (const Gi& gi : Instances(n, Handle(n, g))) {
        if (Cis(n, gi).empty()) rc |= CreateDefaultCi(n, g, gi);
      }
    }
    return rc;
  }
  if (cmd == "-dci" || cmd == "--destroy-compute-instance") {
    for (unsigned g : gpus) {
      for (const Gi& gi : Instances(n, Handle(n, g))) {
        for (nvmlComputeInstance_t ci : Cis(n, gi)) {
          nvmlReturn_t r = n.DestroyCi(ci);
          if (r == NVML_SUCCESS) {
            std::printf("Successfully destroyed compute instance from GPU %2u GPU instance ID %2u\n", g, gi.info.id);
          } else {
            std::fprintf(stderr, "Failed to destroy compute instance: %s\n", n.Err(r));
            rc = 2;
          }
        }
      }
    }
    return rc;
  }
  if (cmd == "-dgi" || cmd == "--destroy-gpu-instance") {
    for (unsigned g : gpus) {
      for (const Gi& gi : Instances(n, Handle(n, g))) {
        nvmlReturn_t r = n.DestroyGi(gi.handle);
        if (r == NVML_SUCCESS) {
          std::printf("Successfully destroyed GPU instance ID %2u from GPU %2u\n", gi.info.id, g);
        } else {
          std::fprintf(stderr, "Unable to destroy GPU instance ID %2u from GPU %2u: %s\n", gi.info.id, g, n.Err(r));
          rc = 2;
        }
      }
    }
    return rc;
  }
  std::fprintf(stderr, "Invalid combination of input arguments. Please run 'nvidia-smi mig -h' for help.\n");
  return 2;
}

}  // namespace smi
