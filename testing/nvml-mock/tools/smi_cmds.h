// smi_cmds.h: the nvml-mock-smi subcommands (each returns the exit code).
// Output formats follow the real nvidia-smi 580 as captured in
// /work/shared/fixtures/h100-pcie-vm (recon.txt, recon2.txt).
//
// Used by smi_main.cc. Thread safety: single-threaded CLI.
#ifndef NVML_MOCK_SMI_CMDS_H_
#define NVML_MOCK_SMI_CMDS_H_

#include <string>
#include <vector>

#include "smi_nvml.h"

namespace smi {

// GPUs selected with -i (all when `ids` is empty): NVML indexes.
std::vector<unsigned> SelectGpus(const Nvml& n, const std::string& ids, bool* ok);

int ListGpus(const Nvml& n);                                  // -L
int QueryGpu(const Nvml& n, const std::string& fields,        // --query-gpu
             const std::string& format, const std::vector<unsigned>& gpus);
int QueryAll(const Nvml& n, const std::vector<unsigned>& gpus);  // -q
int SetMig(const Nvml& n, const std::vector<unsigned>& gpus, unsigned mode);  // -mig
// compute-policy -l | --set-timeslice=N (0 default, 1 short, 2 medium, 3 long).
int ComputePolicy(const Nvml& n, const std::vector<std::string>& args, const std::vector<unsigned>& gpus);
int Mig(const Nvml& n, const std::vector<std::string>& args,  // mig ...
        const std::vector<unsigned>& gpus);

}  // namespace smi

#endif  // NVML_MOCK_SMI_CMDS_H_
