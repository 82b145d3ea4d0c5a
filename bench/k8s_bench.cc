// k8s_bench.cc: microbenchmarks of the k8s client's hot paths:
//   BM_DecodeResourceSlice128  parse + typed decode of one v1 ResourceSlice
//                              with 128 devices (8 GPUs x 15 MIG devices +
//                              8 full GPUs, realistic attributes)
//   BM_ParseOnlyResourceSlice128  the JSON parse alone, for comparison
//   BM_DecodeList1000          parse + typed decode of a 1,000-item
//                              ResourceSliceList (8 GPUs per node)
//   BM_InformerDispatch        watch events per second through the fake
//                              API server's watch stream, the framer, the
//                              informer cache and its handler
#include <atomic>
#include <string>

#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "k8s/client.h"
#include "k8s/fake_apiserver.h"
#include "k8s/informer.h"
#include "k8s/resource_codec.h"

namespace k8s {
namespace {

using devices::AttributeValue;

devices::Device Gpu(int i) {
  devices::Device d;
  d.name = "gpu-" + std::to_string(i);
  d.attributes["type"] = AttributeValue::String("gpu");
  d.attributes["index"] = AttributeValue::Int(i);
  d.attributes["minor"] = AttributeValue::Int(i);
  d.attributes["uuid"] = AttributeValue::String("GPU-4a3b2c1d-0000-1111-2222-33334444555" + std::to_string(i % 10));
  d.attributes["productName"] = AttributeValue::String("NVIDIA H100 80GB HBM3");
  d.attributes["brand"] = AttributeValue::String("Nvidia");
  d.attributes["architecture"] = AttributeValue::String("Hopper");
  d.attributes["cudaComputeCapability"] = AttributeValue::Version("9.0.0");
  d.attributes["driverVersion"] = AttributeValue::Version("570.124.6");
  d.attributes["cudaDriverVersion"] = AttributeValue::Version("12.8.0");
  d.attributes["resource.kubernetes.io/pciBusID"] = AttributeValue::String("0000:3b:00.0");
  d.capacity["memory"] = Quantity::Binary(85520809984);
  return d;
}

devices::Device Mig(int gpu, int j) {
  devices::Device d;
  d.name = "gpu-" + std::to_string(gpu) + "-mig-1g10gb-" + std::to_string(j);
  d.attributes["type"] = AttributeValue::String("mig");
  d.attributes["parentIndex"] = AttributeValue::Int(gpu);
  d.attributes["parentUUID"] = AttributeValue::String("GPU-4a3b2c1d-0000-1111-2222-333344445555");
  d.attributes["profile"] = AttributeValue::String("1g.10gb");
  d.attributes["productName"] = AttributeValue::String("NVIDIA H100 80GB HBM3");
  d.attributes["driverVersion"] = AttributeValue::Version("570.124.6");
  d.attributes["cudaComputeCapability"] = AttributeValue::Version("9.0.0");
  d.capacity["memory"] = Quantity::Binary(10334765056);
  d.capacity["multiprocessors"] = Quantity::Binary(16);
  d.capacity["copyEngines"] = Quantity::Binary(1);
  d.capacity["decoders"] = Quantity::Binary(1);
  return d;
}

ResourceSlice Slice(const std::string& node, int gpus, int migs_per_gpu) {
  ResourceSlice s;
  s.metadata.name = node + "-gpu.nvidia.com";
  s.spec.driver = "gpu.nvidia.com";
  s.spec.pool = {node, 1, 1};
  s.spec.node_name = node;
  for (int g = 0; g < gpus; ++g) {
    s.spec.devices.push_back(Gpu(g));
    for (int m = 0; m < migs_per_gpu; ++m) s.spec.devices.push_back(Mig(g, m));
  }
  return s;
}

void BM_DecodeResourceSlice128(benchmark::State& state) {
  ResourceSlice s = Slice("node-1", 8, 15);  // 8 + 120 = 128 devices
  const std::string wire = ToJson(s, ApiVersion::kV1).dump();
  for (auto _ : state) {
    absl::StatusOr<ResourceSlice> d =
        ResourceSliceFromJson(nlohmann::json::parse(wire), ApiVersion::kV1);
    if (!d.ok() || d->spec.devices.size() != 128) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(d);
  }
  state.SetBytesProcessed(state.iterations() * wire.size());
  state.counters["bytes"] = wire.size();
}
BENCHMARK(BM_DecodeResourceSlice128)->Unit(benchmark::kMicrosecond);

// The JSON parse alone (to split BM_DecodeResourceSlice128's cost).
void BM_ParseOnlyResourceSlice128(benchmark::State& state) {
  const std::string wire = ToJson(Slice("node-1", 8, 15), ApiVersion::kV1).dump();
  for (auto _ : state) {
    nlohmann::json j = nlohmann::json::parse(wire);
    benchmark::DoNotOptimize(j);
  }
  state.SetBytesProcessed(state.iterations() * wire.size());
}
BENCHMARK(BM_ParseOnlyResourceSlice128)->Unit(benchmark::kMicrosecond);

void BM_DecodeList1000(benchmark::State& state) {
  nlohmann::json list = {{"apiVersion", "resource.k8s.io/v1"},
                         {"kind", "ResourceSliceList"},
                         {"metadata", {{"resourceVersion", "12345"}}},
                         {"items", nlohmann::json::array()}};
  for (int i = 0; i < 1000; ++i) {
    list["items"].push_back(ToJson(Slice("node-" + std::to_string(i), 8, 0), ApiVersion::kV1));
  }
  const std::string wire = list.dump();
  for (auto _ : state) {
    nlohmann::json l = nlohmann::json::parse(wire);
    size_t n = 0;
    for (const nlohmann::json& item : l["items"]) {
      absl::StatusOr<ResourceSlice> d = ResourceSliceFromJson(item, ApiVersion::kV1);
      if (!d.ok()) state.SkipWithError("decode failed");
      n += d->spec.devices.size();
    }
    if (n != 8000) state.SkipWithError("wrong device count");
  }
  state.SetBytesProcessed(state.iterations() * wire.size());
  state.SetItemsProcessed(state.iterations() * 1000);
  state.counters["bytes"] = wire.size();
}
BENCHMARK(BM_DecodeList1000)->Unit(benchmark::kMillisecond);

// Each iteration creates `batch` ResourceSlices (4 GPUs each) directly in
// the fake's store and waits until the informer's add handler saw them all.
void BM_InformerDispatch(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  FakeApiServer server;
  ClientOptions co;
  co.qps = 0;
  Client client(&server, co);
  std::atomic<int64_t> seen{0};
  Informer inf(&client, ResourceSlices("v1"));
  inf.AddHandlers({[&](const nlohmann::json&) { seen.fetch_add(1); }, nullptr, nullptr});
  inf.Start();
  if (!inf.WaitForSync(absl::Seconds(10))) {
    state.SkipWithError("informer did not sync");
    return;
  }
  const nlohmann::json proto = ToJson(Slice("node", 4, 0), ApiVersion::kV1);
  int64_t created = 0;
  for (auto _ : state) {
    for (int i = 0; i < batch; ++i) {
      nlohmann::json o = proto;
      o["metadata"]["name"] = "s-" + std::to_string(created++);
      server.Seed("/apis/resource.k8s.io/v1/resourceslices", std::move(o));
    }
    while (seen.load() < created) absl::SleepFor(absl::Microseconds(20));
  }
  inf.Stop();
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(created), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_InformerDispatch)->Arg(100)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace k8s

BENCHMARK_MAIN();
