#include "gpu/device_state.h"

#include <sys/stat.h>

#include <filesystem>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cdi/names.h"
#include "config/normalize.h"
#include "config/selection.h"
#include "config/sharing.h"
#include "config/validate.h"
#include "devices/attributes.h"
#include "k8s/resource_codec.h"
#include "state/file_lock.h"
#include "util/crash_point.h"
#include "util/status_macros.h"

namespace gpu {
namespace {

using json = nlohmann::ordered_json;

constexpr char kClaimKind[] = "k8s.gpu.nvidia.com/claim";

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::vector<config::ConfigEntry> ConfigEntries(const k8s::AllocationResult& alloc) {
  std::vector<config::ConfigEntry> out;
  for (const auto& c : alloc.config) {
    config::ConfigEntry e;
    e.source = c.source;
    e.requests = c.requests;
    if (c.opaque) {
      e.opaque = config::ConfigEntry::Opaque{c.opaque->driver, c.opaque->parameters.dump()};
    }
    out.push_back(std::move(e));
  }
  return out;
}

bool IsAdmin(const k8s::DeviceRequestAllocationResult& r) {
  return r.admin_access.value_or(false);
}

}  // namespace

DeviceState::DeviceState(DeviceStateOptions options, AllocatableDevices allocatable,
                         std::unique_ptr<state::CheckpointStore> store,
                         cdi::ContainerEdits common, state::LoadReport load_report)
    : options_(std::move(options)),
      allocatable_(std::move(allocatable)),
      store_(std::move(store)),
      common_edits_(std::move(common)),
      load_report_(std::move(load_report)) {}

absl::StatusOr<std::unique_ptr<DeviceState>> DeviceState::Create(
    DeviceStateOptions options, AllocatableDevices allocatable, std::string boot_id) {
  DRA_ASSIGN_OR_RETURN(cdi::ContainerEdits common, cdi::DiscoverCommonEdits(options.cdi));
  auto store = std::make_unique<state::CheckpointStore>(options.plugin_dir, boot_id);
  DRA_ASSIGN_OR_RETURN(state::LoadReport report, store->Open());
  return std::unique_ptr<DeviceState>(new DeviceState(std::move(options), std::move(allocatable),
                                                      std::move(store), std::move(common),
                                                      std::move(report)));
}

absl::StatusOr<state::FileLock> DeviceState::NodeLock() {
  return state::FileLock::Acquire(options_.plugin_dir + "/pu.lock", options_.lock_timeout,
                                  options_.lock_poll);
}

std::string DeviceState::SpecPath(const std::string& claim_uid) const {
  return cdi::ClaimSpecPath(options_.cdi_root, claim_uid);
}

absl::StatusOr<std::vector<PreparedEntry>> DeviceState::Plan(const k8s::ResourceClaim& claim,
                                                             const state::Checkpoint& cp) {
  const std::string& uid = claim.metadata.uid;
  if (!claim.status.allocation) return absl::FailedPreconditionError("claim not yet allocated");
  const k8s::AllocationResult& alloc = *claim.status.allocation;

  std::vector<PreparedEntry> entries;
  std::vector<config::AllocationResult> results;
  for (const auto& r : alloc.results) {
    if (r.driver != options_.driver_name) continue;  // another driver's device
    auto it = allocatable_.find(r.device);
    if (r.pool != options_.node_name || it == allocatable_.end()) {
      return absl::NotFoundError(absl::StrCat("requested device is not allocatable: ", r.device,
                                              " (pool ", r.pool, ")"));
    }
    // Non-admin overlap with another prepared claim (scheduler races,
    // force-deleted pods).
    if (!IsAdmin(r)) {
      for (const auto& [other_uid, other] : cp.claims) {
        if (other_uid == uid || other.state != state::ClaimState::kPrepareCompleted) continue;
        auto prepared = DecodePreparedDevices(other.prepared_devices);
        if (!prepared.ok()) continue;
        for (const auto& p : *prepared) {
          if (p.result.device_name != r.device) continue;
          // An admin-access allocation in the other claim does not count.
          bool other_admin = false;
          if (other.status.is_object()) {
            for (const auto& orr :
                 other.status.value("allocation", json::object())
                     .value("devices", json::object())
                     .value("results", json::array())) {
              if (orr.value("device", "") == r.device && orr.value("adminAccess", false))
                other_admin = true;
            }
          }
          if (!other_admin) {
            return absl::FailedPreconditionError(absl::StrCat(
                "requested device ", r.device, " is already allocated to different claim ",
                other_uid));
          }
        }
      }
    }
    PreparedEntry e;
    e.device = it->second;
    e.result.request_names = {r.request};
    e.result.pool_name = r.pool;
    e.result.device_name = r.device;
    e.result.cdi_device_ids = {cdi::QualifiedDeviceId(uid, r.device)};
    entries.push_back(std::move(e));
    results.push_back({r.request, r.driver, r.pool, r.device, it->second.type});
  }

  config::SelectionOptions sel;
  sel.plugin = config::PluginKind::kGpu;
  sel.driver_name = options_.driver_name;
  sel.mode = config::DecodeMode::kStrict;
  sel.gates = &options_.gates;
  DRA_ASSIGN_OR_RETURN(std::vector<config::ConfigGroup> groups,
                       config::SelectConfigs(ConfigEntries(alloc), results, sel));
  for (auto& g : groups) {
    if (absl::Status s = config::Normalize(&g.config, options_.gates); !s.ok())
      return absl::InvalidArgumentError(absl::StrCat("error normalizing config: ", s.message()));
    if (absl::Status s = config::Validate(g.config, options_.gates); !s.ok())
      return absl::InvalidArgumentError(absl::StrCat("error validating config: ", s.message()));
    DRA_RETURN_IF_ERROR(config::SharingNotSupportedYet(g.config));
  }
  return entries;
}

absl::StatusOr<cdi::Spec> DeviceState::BuildSpec(const std::string& claim_uid,
                                                 const std::vector<PreparedEntry>& entries) {
  cdi::Spec spec;
  spec.kind = kClaimKind;
  spec.edits = common_edits_;
  std::optional<uint32_t> caps_major;  // read once per claim, when needed
  for (const auto& e : entries) {
    cdi::Device d;
    d.name = cdi::ClaimDeviceName(claim_uid, e.result.device_name);
    if (e.device.type == devices::kTypeMig) {
      if (!caps_major) {
        DRA_ASSIGN_OR_RETURN(caps_major, cdi::NvidiaCapsMajor(options_.cdi));
      }
      DRA_ASSIGN_OR_RETURN(d.edits, cdi::MigDeviceEdits(options_.cdi, *caps_major, e.device.minor,
                                                        e.device.gi_id, e.device.ci_id));
    } else {
      DRA_ASSIGN_OR_RETURN(d.edits, cdi::GpuDeviceEdits(options_.cdi, e.device.minor));
    }
    spec.devices.push_back(std::move(d));
  }
  return spec;
}

absl::Status DeviceState::WriteSpec(const std::string& claim_uid,
                                    const std::vector<PreparedEntry>& entries) {
  if (entries.empty()) return absl::OkStatus();  // nothing of ours in the claim
  DRA_ASSIGN_OR_RETURN(cdi::Spec spec, BuildSpec(claim_uid, entries));
  return cdi::WriteSpecFile(SpecPath(claim_uid), spec);
}

absl::StatusOr<std::vector<kubeletplugin::PreparedDevice>> DeviceState::Prepare(
    const k8s::ResourceClaim& claim) {
  const std::string uid = claim.metadata.uid;
  DRA_ASSIGN_OR_RETURN(state::FileLock lock, NodeLock());
  std::lock_guard<std::mutex> guard(mu_);
  DRA_ASSIGN_OR_RETURN(state::Checkpoint cp, store_->Read());

  auto done = cp.claims.find(uid);
  if (done != cp.claims.end() && done->second.state == state::ClaimState::kPrepareCompleted) {
    DRA_ASSIGN_OR_RETURN(std::vector<PreparedEntry> entries,
                         DecodePreparedDevices(done->second.prepared_devices));
    if (!entries.empty() && !FileExists(SpecPath(uid))) {
      DRA_RETURN_IF_ERROR(WriteSpec(uid, entries));
    }
    std::vector<kubeletplugin::PreparedDevice> out;
    for (auto& e : entries) out.push_back(std::move(e.result));
    return out;
  }

  // Everything that can be refused is checked before anything is written;
  // the spec built here (device nodes and MIG capabilities checked) is the
  // one written below.
  DRA_ASSIGN_OR_RETURN(std::vector<PreparedEntry> entries, Plan(claim, cp));
  std::optional<cdi::Spec> spec;
  if (!entries.empty()) {
    DRA_ASSIGN_OR_RETURN(spec, BuildSpec(uid, entries));
  }

  // The claim status as the reference stores it (v1 JSON).
  nlohmann::json claim_json = k8s::ToJson(claim, devices::ApiVersion::kV1);
  json status = json::parse(claim_json.value("status", nlohmann::json::object()).dump());
  auto record = [&](state::ClaimState st, const json& prepared) {
    return store_->Update([&](state::Checkpoint& c) {
      state::PreparedClaim& pc = c.claims[uid];
      pc.state = st;
      pc.status = status;
      pc.prepared_devices = prepared;
      pc.name = claim.metadata.name;
      pc.namespace_ = claim.metadata.namespace_;
      return absl::OkStatus();
    });
  };
  // No PrepareStarted record before the spec: the spec file is this
  // prepare's only side effect and its name carries the claim UID, so a
  // crash before PrepareCompleted leaves a spec without an entry, which the
  // kubelet's retry overwrites and Reconcile() removes (device_state.h).
  util::CrashPoint("prepare-before-cdi");
  if (spec) {
    DRA_RETURN_IF_ERROR(cdi::WriteSpecFile(SpecPath(uid), *spec));
  }
  util::CrashPoint("prepare-after-cdi");
  if (absl::Status s = record(state::ClaimState::kPrepareCompleted, EncodePreparedDevices(entries));
      !s.ok()) {
    if (spec) (void)cdi::RemoveSpecFile(SpecPath(uid));  // best effort; else Reconcile()
    return s;
  }
  util::CrashPoint("prepare-after-completed");
  std::vector<kubeletplugin::PreparedDevice> out;
  for (auto& e : entries) out.push_back(std::move(e.result));
  return out;
}

absl::Status DeviceState::RollBack(const std::string& claim_uid) {
  DRA_RETURN_IF_ERROR(cdi::RemoveSpecFile(SpecPath(claim_uid)));
  util::CrashPoint("unprepare-after-cdi");
  return store_->Update([&](state::Checkpoint& c) {
    c.claims.erase(claim_uid);
    return absl::OkStatus();
  });
}

absl::Status DeviceState::Unprepare(const std::string& claim_uid) {
  DRA_ASSIGN_OR_RETURN(state::FileLock lock, NodeLock());
  std::lock_guard<std::mutex> guard(mu_);
  DRA_ASSIGN_OR_RETURN(state::Checkpoint cp, store_->Read());
  if (!cp.claims.contains(claim_uid)) {
    // Unknown claim: no-op, but never leave a spec of ours behind.
    return cdi::RemoveSpecFile(SpecPath(claim_uid));
  }
  // Full GPUs and static MIG devices have no device-side state to undo.
  return RollBack(claim_uid);
}

absl::StatusOr<ReconcileReport> DeviceState::Reconcile() {
  DRA_ASSIGN_OR_RETURN(state::FileLock lock, NodeLock());
  std::lock_guard<std::mutex> guard(mu_);
  ReconcileReport report;
  report.boot_id_changed = load_report_.boot_id_changed;
  report.problems = load_report_.problems;
  // Claims prepared before a reboot: their CDI specs lived on tmpfs and the
  // kubelet prepares them again; drop them and any spec file left.
  for (const auto& [uid, pc] : load_report_.claims_from_previous_boot) {
    DRA_RETURN_IF_ERROR(RollBack(uid));
    report.rolled_back.push_back(uid);
  }
  DRA_ASSIGN_OR_RETURN(state::Checkpoint cp, store_->Read());
  for (const auto& [uid, q] : cp.quarantine) {
    report.problems.push_back(
        absl::StrCat("checkpoint entry of claim ", uid, " is quarantined: ", q.reason));
  }
  for (const auto& [uid, pc] : cp.claims) {
    if (pc.state == state::ClaimState::kPrepareStarted) {
      DRA_RETURN_IF_ERROR(RollBack(uid));
      report.rolled_back.push_back(uid);
      continue;
    }
    auto entries = DecodePreparedDevices(pc.prepared_devices);
    bool usable = entries.ok();
    if (usable) {
      for (const auto& e : *entries) {
        auto it = allocatable_.find(e.result.device_name);
        if (it == allocatable_.end() || it->second.uuid != e.device.uuid) usable = false;
      }
    }
    if (!usable) {
      report.problems.push_back(absl::StrCat(
          "prepared claim ", uid, " (", pc.namespace_, "/", pc.name,
          ") refers to devices this node no longer has; rolled back",
          entries.ok() ? "" : absl::StrCat(": ", entries.status().message())));
      DRA_RETURN_IF_ERROR(RollBack(uid));
      report.rolled_back.push_back(uid);
      continue;
    }
    if (!entries->empty() && !FileExists(SpecPath(uid))) {
      DRA_RETURN_IF_ERROR(WriteSpec(uid, *entries));
      report.specs_rebuilt.push_back(uid);
    }
  }
  load_report_.claims_from_previous_boot.clear();
  DRA_RETURN_IF_ERROR(RemoveOrphanSpecs(report));
  return report;
}

absl::Status DeviceState::RemoveOrphanSpecs(ReconcileReport& report) {
  DRA_ASSIGN_OR_RETURN(state::Checkpoint cp, store_->Read());
  std::error_code ec;
  std::vector<std::string> orphans, temps;
  for (const auto& e : std::filesystem::directory_iterator(options_.cdi_root, ec)) {
    const std::string name = e.path().filename().string();
    if (cdi::IsClaimSpecTempFileName(name)) {
      temps.push_back(e.path().string());
    } else if (std::optional<std::string> uid = cdi::ClaimUidOfSpecFileName(name);
               uid && !cp.claims.contains(*uid)) {
      orphans.push_back(*uid);
    }
  }
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return absl::InternalError(
        absl::StrCat("list CDI root ", options_.cdi_root, ": ", ec.message()));
  }
  for (const auto& t : temps) std::filesystem::remove(t, ec);
  for (const auto& uid : orphans) {
    DRA_RETURN_IF_ERROR(cdi::RemoveSpecFile(SpecPath(uid)));
    report.orphan_specs_removed.push_back(uid);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, int>> DeviceState::PreparedDeviceCounts() {
  DRA_ASSIGN_OR_RETURN(state::Checkpoint cp, store_->Read());
  std::map<std::string, int> counts;
  for (const auto& [uid, pc] : cp.claims) {
    if (pc.state != state::ClaimState::kPrepareCompleted) continue;
    auto entries = DecodePreparedDevices(pc.prepared_devices);
    if (!entries.ok()) {
      counts["unknown"]++;
      continue;
    }
    for (const auto& e : *entries) counts[e.device.type]++;
  }
  return counts;
}

}  // namespace gpu
