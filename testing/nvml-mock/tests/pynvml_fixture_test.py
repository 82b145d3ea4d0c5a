#!/usr/bin/env python3
"""Differential test: NVIDIA's own Python NVML bindings (nvidia-ml-py, an
independent NVML consumer) read the h100-pcie-vm mock and must see exactly
what the same bindings read on the real H100 node (fixtures/h100-pcie-vm/
nvml.json). Run under run-with-mock h100-pcie-vm.

  pynvml_fixture_test.py FIXTURE_JSON
Prints one line per compared fact that differs and a closing
"N passed, N failed" line; exits 1 on any difference.
"""
import json
import sys

import pynvml as n


def err_text(e):
    return str(e)


def read_device(h):
    out = {}
    simple = [
        ("nvmlDeviceGetName", n.nvmlDeviceGetName),
        ("nvmlDeviceGetUUID", n.nvmlDeviceGetUUID),
        ("nvmlDeviceGetSerial", n.nvmlDeviceGetSerial),
        ("nvmlDeviceGetMinorNumber", n.nvmlDeviceGetMinorNumber),
        ("nvmlDeviceGetBrand", n.nvmlDeviceGetBrand),
        ("nvmlDeviceGetArchitecture", n.nvmlDeviceGetArchitecture),
        ("nvmlDeviceGetCudaComputeCapability", lambda d: list(n.nvmlDeviceGetCudaComputeCapability(d))),
        ("nvmlDeviceGetMigMode", lambda d: list(n.nvmlDeviceGetMigMode(d))),
        ("nvmlDeviceGetMaxMigDeviceCount", n.nvmlDeviceGetMaxMigDeviceCount),
        ("nvmlDeviceGetPersistenceMode", n.nvmlDeviceGetPersistenceMode),
        ("nvmlDeviceGetComputeMode", n.nvmlDeviceGetComputeMode),
        ("nvmlDeviceGetNumaNodeId", n.nvmlDeviceGetNumaNodeId),
        ("nvmlDeviceGetVirtualizationMode", n.nvmlDeviceGetVirtualizationMode),
        ("nvmlDeviceGetSupportedEventTypes", n.nvmlDeviceGetSupportedEventTypes),
        ("nvmlDeviceGetIndex", n.nvmlDeviceGetIndex),
    ]
    for key, fn in simple:
        try:
            out[key] = fn(h)
        except n.NVMLError as e:
            out[key] = {"error": err_text(e)}
    m = n.nvmlDeviceGetMemoryInfo(h)
    out["memory"] = {"total": m.total, "free": m.free, "used": m.used}
    p = n.nvmlDeviceGetPciInfo(h)
    out["pci"] = {
        "busIdLegacy": p.busIdLegacy.decode() if isinstance(p.busIdLegacy, bytes) else p.busIdLegacy,
        "domain": p.domain, "bus": p.bus, "device": p.device,
        "pciDeviceId": p.pciDeviceId, "pciSubSystemId": p.pciSubSystemId,
        "busId": p.busId.decode() if isinstance(p.busId, bytes) else p.busId,
    }
    profiles = {}
    for i in range(20):
        try:
            info = n.nvmlDeviceGetGpuInstanceProfileInfo(h, i)
            profiles[str(i)] = {"info": {
                "id": info.id, "sliceCount": info.sliceCount, "instanceCount": info.instanceCount,
                "multiprocessorCount": info.multiprocessorCount,
                "copyEngineCount": info.copyEngineCount, "decoderCount": info.decoderCount,
                "encoderCount": info.encoderCount, "jpegCount": info.jpegCount,
                "ofaCount": info.ofaCount, "memorySizeMB": info.memorySizeMB}}
        except n.NVMLError as e:
            profiles[str(i)] = {"error": err_text(e)}
    out["gpuInstanceProfiles"] = profiles
    return out


def compare(path, want, got, fails, counts):
    if isinstance(want, dict) and "error" in want and not isinstance(got, dict):
        fails.append(f"{path}: real node failed with {want['error']!r}, mock returned {got!r}")
        return
    if isinstance(want, dict) and isinstance(got, dict):
        for k, v in want.items():
            if k not in got:
                continue  # a fact this test does not read
            compare(f"{path}.{k}", v, got[k], fails, counts)
        return
    counts[0] += 1
    if want != got:
        fails.append(f"{path}: real {want!r} mock {got!r}")


def main():
    fixture = json.load(open(sys.argv[1]))
    n.nvmlInit()
    got = {
        "driver": n.nvmlSystemGetDriverVersion(),
        "cudaDriver": n.nvmlSystemGetCudaDriverVersion(),
        "nvmlVersion": n.nvmlSystemGetNVMLVersion(),
    }
    count = n.nvmlDeviceGetCount()
    got["devices"] = [read_device(n.nvmlDeviceGetHandleByIndex(i)) for i in range(count)]
    n.nvmlShutdown()
    fails, counts = [], [0]
    if len(got["devices"]) != len(fixture["devices"]):
        fails.append(f"device count: real {len(fixture['devices'])} mock {len(got['devices'])}")
    for k in ("driver", "cudaDriver", "nvmlVersion"):
        compare(k, fixture[k], got[k], fails, counts)
    for i, dev in enumerate(fixture["devices"][: len(got["devices"])]):
        compare(f"devices[{i}]", dev, got["devices"][i], fails, counts)
    for f in fails:
        print("DIFF", f)
    print(f"pynvml: {counts[0] - len(fails)} passed, {len(fails)} failed")
    return 1 if fails or counts[0] < 50 else 0


if __name__ == "__main__":
    sys.exit(main())
