#include "k8s/resource_codec.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace k8s {
namespace {

using ::testing::HasSubstr;
using ::testing_util::StatusIs;
using json = nlohmann::json;

// A v1 slice using every field the model types plus fields it does not.
json FullSliceV1() {
  return json::parse(R"({
    "apiVersion": "resource.k8s.io/v1", "kind": "ResourceSlice",
    "metadata": {"name": "node1-gpu.nvidia.com-abcde", "generateName": "node1-gpu.nvidia.com-",
                 "uid": "u1", "resourceVersion": "12", "generation": 1,
                 "creationTimestamp": "2025-01-01T00:00:00Z",
                 "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": "node1",
                                      "uid": "n1", "controller": true}],
                 "managedFields": [{"manager": "x", "operation": "Update"}]},
    "spec": {
      "driver": "gpu.nvidia.com",
      "pool": {"name": "node1", "generation": 3, "resourceSliceCount": 2},
      "nodeName": "node1",
      "devices": [
        {"name": "gpu-0",
         "attributes": {"type": {"string": "gpu"}, "index": {"int": 0}, "ok": {"bool": true},
                        "driverVersion": {"version": "570.124.6"},
                        "future": {"ints": [1, 2]}},
         "capacity": {"memory": {"value": "81559Mi"},
                      "cores": {"value": "132", "requestPolicy": {"default": "1"}}},
         "consumesCounters": [{"counterSet": "gpu-0-counters",
                               "counters": {"memory": {"value": "80Gi"}}}],
         "taints": [{"key": "k", "value": "v", "effect": "NoSchedule"}],
         "bindsToNode": true}
      ],
      "sharedCounters": [{"name": "gpu-0-counters", "counters": {"memory": {"value": "80Gi"}}}],
      "someFutureField": {"x": 1}
    }
  })");
}

TEST(ResourceCodecTest, SliceRoundTripsEveryVersion) {
  absl::StatusOr<ResourceSlice> s = ResourceSliceFromJson(FullSliceV1(), ApiVersion::kV1);
  ASSERT_OK(s);
  EXPECT_EQ(s->metadata.owner_references[0].uid, "n1");
  EXPECT_EQ(s->spec.pool.generation, 3);
  ASSERT_EQ(s->spec.devices.size(), 1u);
  const devices::Device& d = s->spec.devices[0];
  EXPECT_EQ(d.attributes.at("driverVersion"), devices::AttributeValue::Version("570.124.6"));
  EXPECT_EQ(d.capacity.at("memory").ToString(), "81559Mi");
  EXPECT_EQ(d.extra["attributes"]["future"], json::parse(R"({"ints":[1,2]})"));
  EXPECT_EQ(s->spec.shared_counters[0].counters.at("memory").ToString(), "80Gi");
  EXPECT_EQ(s->extra["spec"]["someFutureField"]["x"], 1);
  EXPECT_EQ(ToJson(*s, ApiVersion::kV1), FullSliceV1());

  // v1beta2 has the v1 shape; v1beta1 nests under basic.
  json b2 = ToJson(*s, ApiVersion::kV1beta2);
  json want_b2 = FullSliceV1();
  want_b2["apiVersion"] = "resource.k8s.io/v1beta2";
  EXPECT_EQ(b2, want_b2);
  json b1 = ToJson(*s, ApiVersion::kV1beta1);
  EXPECT_EQ(b1["apiVersion"], "resource.k8s.io/v1beta1");
  EXPECT_EQ(b1["spec"]["devices"][0]["name"], "gpu-0");
  EXPECT_EQ(b1["spec"]["devices"][0]["basic"], [] {
    json d = FullSliceV1()["spec"]["devices"][0];
    d.erase("name");
    return d;
  }());
  for (ApiVersion v : {ApiVersion::kV1beta1, ApiVersion::kV1beta2}) {
    absl::StatusOr<ResourceSlice> back = ResourceSliceFromJson(ToJson(*s, v), v);
    ASSERT_OK(back);
    EXPECT_EQ(*back, *s);
  }
}

TEST(ResourceCodecTest, TypedEditsWinOverKeptFields) {
  absl::StatusOr<ResourceSlice> s = ResourceSliceFromJson(FullSliceV1(), ApiVersion::kV1);
  ASSERT_OK(s);
  s->spec.pool.generation = 4;
  s->spec.devices[0].capacity["memory"] = Quantity::Binary(1LL << 30);
  json out = ToJson(*s, ApiVersion::kV1);
  EXPECT_EQ(out["spec"]["pool"]["generation"], 4);
  EXPECT_EQ(out["spec"]["devices"][0]["capacity"]["memory"], json({{"value", "1Gi"}}));
  EXPECT_EQ(out["spec"]["devices"][0]["capacity"]["cores"]["requestPolicy"]["default"], "1");
}

TEST(ResourceCodecTest, NonCanonicalQuantitiesAreCanonicalised) {
  json in = FullSliceV1();
  in["spec"]["devices"][0]["capacity"]["memory"]["value"] = "1024Mi";
  absl::StatusOr<ResourceSlice> s = ResourceSliceFromJson(in, ApiVersion::kV1);
  ASSERT_OK(s);
  EXPECT_EQ(ToJson(*s, ApiVersion::kV1)["spec"]["devices"][0]["capacity"]["memory"]["value"], "1Gi");
}

TEST(ResourceCodecTest, SliceDecodeErrorsNameTheField) {
  json in = FullSliceV1();
  in["spec"]["pool"]["generation"] = "three";
  EXPECT_THAT(ResourceSliceFromJson(in, ApiVersion::kV1),
              StatusIs(absl::StatusCode::kInvalidArgument, "spec.pool.generation: expected integer"));
  in = FullSliceV1();
  in["spec"]["devices"][0]["capacity"]["memory"]["value"] = "lots";
  EXPECT_THAT(ResourceSliceFromJson(in, ApiVersion::kV1),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("device gpu-0: capacity memory: quantities must match")));
  EXPECT_THAT(ResourceSliceFromJson(json::array(), ApiVersion::kV1),
              StatusIs(absl::StatusCode::kInvalidArgument, "ResourceSlice: not a JSON object"));
}

json ClaimV1() {
  return json::parse(R"({
    "apiVersion": "resource.k8s.io/v1", "kind": "ResourceClaim",
    "metadata": {"name": "c", "namespace": "ns", "uid": "u", "resourceVersion": "5"},
    "spec": {"devices": {
      "requests": [
        {"name": "gpu", "exactly": {"deviceClassName": "gpu.nvidia.com",
            "selectors": [{"cel": {"expression": "device.attributes['gpu.nvidia.com'].type == 'gpu'"}}],
            "allocationMode": "ExactCount", "count": 2, "adminAccess": false,
            "tolerations": [{"key": "k", "operator": "Exists"}],
            "capacity": {"requests": {"memory": "10Gi"}}}},
        {"name": "any", "firstAvailable": [
            {"name": "big", "deviceClassName": "gpu.nvidia.com", "allocationMode": "ExactCount", "count": 1},
            {"name": "mig", "deviceClassName": "mig.nvidia.com", "allocationMode": "All"}]}
      ],
      "constraints": [{"requests": ["gpu"], "matchAttribute": "gpu.nvidia.com/uuid"}],
      "config": [{"requests": ["gpu"], "opaque": {"driver": "gpu.nvidia.com",
                  "parameters": {"apiVersion": "resource.nvidia.com/v1beta1", "kind": "GpuConfig",
                                 "sharing": {"strategy": "TimeSlicing"}}}}]
    }},
    "status": {
      "allocation": {
        "devices": {
          "results": [{"request": "gpu", "driver": "gpu.nvidia.com", "pool": "node1",
                       "device": "gpu-0", "adminAccess": false, "shareID": "9b7c1d2e-0000-4000-8000-000000000001",
                       "consumedCapacity": {"memory": "10Gi"},
                       "bindingConditions": ["a"], "bindingFailureConditions": ["b"]}],
          "config": [{"source": "FromClaim", "requests": ["gpu"],
                      "opaque": {"driver": "gpu.nvidia.com", "parameters": {"kind": "GpuConfig"}}}]
        },
        "nodeSelector": {"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name",
                           "operator": "In", "values": ["node1"]}]}]},
        "allocationTimestamp": "2025-01-01T00:00:00Z"
      },
      "reservedFor": [{"resource": "pods", "name": "p", "uid": "pu"}],
      "devices": [{"driver": "gpu.nvidia.com", "pool": "node1", "device": "gpu-0",
                   "conditions": [{"type": "Ready", "status": "True", "reason": "R",
                                   "message": "", "lastTransitionTime": "2025-01-01T00:00:00Z"}],
                   "data": {"a": 1},
                   "networkData": {"interfaceName": "eth0", "ips": ["192.0.2.5/24"]}}]
    }
  })");
}

TEST(ResourceCodecTest, ClaimRoundTripsAndReshapesRequests) {
  absl::StatusOr<ResourceClaim> c = ResourceClaimFromJson(ClaimV1(), ApiVersion::kV1);
  ASSERT_OK(c);
  ASSERT_EQ(c->spec.requests.size(), 2u);
  EXPECT_EQ(c->spec.requests[0].exactly->count, 2);
  EXPECT_EQ(c->spec.requests[0].exactly->capacity_requests.at("memory").ToString(), "10Gi");
  EXPECT_EQ(c->spec.requests[1].first_available[1].request.allocation_mode, "All");
  EXPECT_EQ(c->status.allocation->results[0].share_id, "9b7c1d2e-0000-4000-8000-000000000001");
  EXPECT_TRUE(c->extra.empty()) << c->extra;
  EXPECT_EQ(ToJson(*c, ApiVersion::kV1), ClaimV1());

  json b1 = ToJson(*c, ApiVersion::kV1beta1);
  json want_req = ClaimV1()["spec"]["devices"]["requests"][0]["exactly"];
  want_req["name"] = "gpu";
  EXPECT_EQ(b1["spec"]["devices"]["requests"][0], want_req);
  EXPECT_EQ(b1["spec"]["devices"]["requests"][1], ClaimV1()["spec"]["devices"]["requests"][1]);
  EXPECT_EQ(b1["status"], ClaimV1()["status"]);
  absl::StatusOr<ResourceClaim> back = ResourceClaimFromJson(b1, ApiVersion::kV1beta1);
  ASSERT_OK(back);
  EXPECT_EQ(*back, *c);
}

TEST(ResourceCodecTest, TemplateAndDeviceClass) {
  json t = {{"apiVersion", "resource.k8s.io/v1beta1"}, {"kind", "ResourceClaimTemplate"},
            {"metadata", {{"name", "t"}, {"namespace", "ns"}}},
            {"spec", {{"metadata", {{"labels", {{"a", "b"}}}}},
                      {"spec", {{"devices", {{"requests", {{{"name", "gpu"}, {"deviceClassName", "gpu.nvidia.com"}}}}}}}}}}};
  absl::StatusOr<ResourceClaimTemplate> tt = ResourceClaimTemplateFromJson(t, ApiVersion::kV1beta1);
  ASSERT_OK(tt);
  EXPECT_EQ(tt->claim_metadata.labels.at("a"), "b");
  EXPECT_EQ(tt->spec.requests[0].exactly->device_class_name, "gpu.nvidia.com");
  EXPECT_EQ(ToJson(*tt, ApiVersion::kV1beta1), t);
  EXPECT_EQ(ToJson(*tt, ApiVersion::kV1)["spec"]["spec"]["devices"]["requests"][0],
            json::parse(R"({"name":"gpu","exactly":{"deviceClassName":"gpu.nvidia.com"}})"));

  json dc = json::parse(R"({"apiVersion":"resource.k8s.io/v1","kind":"DeviceClass",
    "metadata":{"name":"gpu.nvidia.com"},
    "spec":{"selectors":[{"cel":{"expression":"device.driver == 'gpu.nvidia.com'"}}],
            "config":[{"opaque":{"driver":"gpu.nvidia.com","parameters":{"kind":"GpuConfig"}}}],
            "extendedResourceName":"nvidia.com/gpu"}})");
  absl::StatusOr<DeviceClass> c = DeviceClassFromJson(dc, ApiVersion::kV1);
  ASSERT_OK(c);
  EXPECT_EQ(c->selectors[0], "device.driver == 'gpu.nvidia.com'");
  EXPECT_EQ(ToJson(*c, ApiVersion::kV1), dc);
}

TEST(ResourceCodecTest, ParseApiVersion) {
  EXPECT_EQ(*ParseApiVersion("v1beta2"), ApiVersion::kV1beta2);
  EXPECT_THAT(ParseApiVersion("v1alpha3"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "unsupported resource.k8s.io version \"v1alpha3\""));
}

}  // namespace
}  // namespace k8s

namespace k8s {
namespace {

// Found by k8s_object_decoder_fuzzer: a v1beta1 request carrying only
// unknown fields must survive decode -> encode -> decode.
TEST(ResourceCodecFuzzRegressionTest, V1beta1RequestWithOnlyUnknownFields) {
  const nlohmann::json in = nlohmann::json::parse(R"({"apiVersion":"resource.k8s.io/v1beta1","kind":"ResourceClaim","metadata":{"name":"c"},"spec":{"devices":{"requests":[{"name":"gpu","deviceMode":"All"}]}}})");
  absl::StatusOr<ResourceClaim> first = ResourceClaimFromJson(in, ApiVersion::kV1beta1);
  ASSERT_OK(first);
  nlohmann::json enc = ToJson(*first, ApiVersion::kV1beta1);
  absl::StatusOr<ResourceClaim> second = ResourceClaimFromJson(enc, ApiVersion::kV1beta1);
  ASSERT_OK(second);
  EXPECT_EQ(*second, *first) << enc.dump() << "\nfirst extra: " << first->extra.dump()
                             << "\nsecond extra: " << second->extra.dump();
  EXPECT_EQ(ToJson(*second, ApiVersion::kV1beta1), enc);
}

// Found by k8s_object_decoder_fuzzer: a v1beta1 claim whose kind is not
// ResourceClaim was decoded without the v1beta1 reshaping; a wrong or
// non-string kind is now rejected.
TEST(ResourceCodecFuzzRegressionTest, WrongKindIsRejected) {
  nlohmann::json in = nlohmann::json::parse(R"({"apiVersion":"resource.k8s.io/v1beta1","kind":"ResourceClai}","metadata":{"name":"c"},"spec":{"devices":{"requests":[{"name":"gpu","deviceClassName":"gpu.nvidia.com","allocationMode":"All"}]}}})");
  EXPECT_THAT(ResourceClaimFromJson(in, ApiVersion::kV1beta1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kind")));
  in["kind"] = 7;
  EXPECT_THAT(ResourceClaimFromJson(in, ApiVersion::kV1beta1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kind")));
  EXPECT_THAT(DeviceClassFromJson(in, ApiVersion::kV1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kind")));
  in.erase("kind");  // list items carry no kind: fine
  absl::StatusOr<ResourceClaim> c = ResourceClaimFromJson(in, ApiVersion::kV1beta1);
  ASSERT_OK(c);
  ASSERT_EQ(c->spec.requests.size(), 1u);
  ASSERT_TRUE(c->spec.requests[0].exactly.has_value());
  EXPECT_EQ(c->spec.requests[0].exactly->device_class_name, "gpu.nvidia.com");
}

}  // namespace
}  // namespace k8s

namespace k8s {
namespace {

// A claim (v1 shape) whose requests, sub-requests, constraints and config
// entries carry fields this model does not know.
json ClaimWithFutureFieldsV1(const std::string& version) {
  json j = json::parse(R"({
    "apiVersion": "resource.k8s.io/v1", "kind": "ResourceClaim",
    "metadata": {"name": "future", "namespace": "ns"},
    "spec": {"devices": {
      "requests": [
        {"name": "gpu", "futureRequestField": "r",
         "exactly": {"deviceClassName": "gpu.nvidia.com", "allocationMode": "ExactCount",
                     "count": 1, "futureField": {"x": 1},
                     "capacity": {"requests": {"memory": "1Gi"}, "futureCapacity": true}}},
        {"name": "any", "firstAvailable": [
            {"name": "big", "deviceClassName": "gpu.nvidia.com", "futureField": {"x": 1}},
            {"name": "mig", "deviceClassName": "mig.nvidia.com", "allocationMode": "All"}]}
      ],
      "constraints": [{"requests": ["gpu"], "matchAttribute": "gpu.nvidia.com/uuid",
                       "futureConstraint": [1, 2]}],
      "config": [{"requests": ["gpu"], "futureConfig": "c",
                  "opaque": {"driver": "gpu.nvidia.com", "parameters": {"kind": "GpuConfig"},
                             "futureOpaque": 3}}]
    }}
  })");
  j["apiVersion"] = "resource.k8s.io/" + version;
  return j;
}

void ExpectFutureFieldsKept(const ResourceClaimSpec& s) {
  ASSERT_EQ(s.requests.size(), 2u);
  ASSERT_TRUE(s.requests[0].exactly.has_value());
  EXPECT_EQ(s.requests[0].exactly->extra,
            json::parse(R"({"futureField": {"x": 1}, "capacity": {"futureCapacity": true}})"));
  EXPECT_EQ(s.requests[0].exactly->capacity_requests.at("memory").ToString(), "1Gi");
  ASSERT_EQ(s.requests[1].first_available.size(), 2u);
  EXPECT_EQ(s.requests[1].first_available[0].request.extra, json::parse(R"({"futureField": {"x": 1}})"));
  EXPECT_TRUE(s.requests[1].first_available[1].request.extra.empty());
  EXPECT_EQ(s.constraints.at(0).extra, json::parse(R"({"futureConstraint": [1, 2]})"));
  EXPECT_EQ(s.config.at(0).extra, json::parse(R"({"futureConfig": "c", "opaque": {"futureOpaque": 3}})"));
}

TEST(ResourceCodecUnknownFieldsTest, RequestFieldsSurviveV1AndV1beta2) {
  for (const std::string vs : {"v1", "v1beta2"}) {
    SCOPED_TRACE(vs);
    const ApiVersion v = *ParseApiVersion(vs);
    const json in = ClaimWithFutureFieldsV1(vs);
    absl::StatusOr<ResourceClaim> c = ResourceClaimFromJson(in, v);
    ASSERT_OK(c);
    ExpectFutureFieldsKept(c->spec);
    EXPECT_EQ(c->spec.requests[0].extra, json::parse(R"({"futureRequestField": "r"})"));
    EXPECT_TRUE(c->extra.empty()) << c->extra;
    EXPECT_EQ(ToJson(*c, v), in);
    absl::StatusOr<ResourceClaim> again = ResourceClaimFromJson(ToJson(*c, v), v);
    ASSERT_OK(again);
    EXPECT_EQ(*again, *c);
  }
}

TEST(ResourceCodecUnknownFieldsTest, RequestFieldsSurviveV1beta1) {
  // v1beta1: the exact fields (known or not) sit on the request itself.
  json in = ClaimWithFutureFieldsV1("v1beta1");
  json& req = in["spec"]["devices"]["requests"][0];
  json flat = req["exactly"];
  flat["name"] = "gpu";
  flat["futureRequestField"] = "r";
  req = flat;
  absl::StatusOr<ResourceClaim> c = ResourceClaimFromJson(in, ApiVersion::kV1beta1);
  ASSERT_OK(c);
  // A flat unknown field cannot be told apart from an exact one: it lands there.
  ASSERT_TRUE(c->spec.requests[0].exactly.has_value());
  EXPECT_EQ(c->spec.requests[0].exactly->extra["futureRequestField"], "r");
  ResourceClaimSpec rest = c->spec;
  rest.requests[0].exactly->extra.erase("futureRequestField");
  ExpectFutureFieldsKept(rest);
  EXPECT_TRUE(c->spec.requests[0].extra.empty());
  EXPECT_EQ(ToJson(*c, ApiVersion::kV1beta1), in);
  absl::StatusOr<ResourceClaim> again =
      ResourceClaimFromJson(ToJson(*c, ApiVersion::kV1beta1), ApiVersion::kV1beta1);
  ASSERT_OK(again);
  EXPECT_EQ(*again, *c);
  // Converted to v1 the unknown exact fields go under `exactly`.
  json v1 = ToJson(*c, ApiVersion::kV1);
  EXPECT_EQ(v1["spec"]["devices"]["requests"][0]["exactly"]["futureField"], json({{"x", 1}}));
  EXPECT_EQ(v1["spec"]["devices"]["requests"][1]["firstAvailable"][0]["futureField"],
            json({{"x", 1}}));
}

TEST(ResourceCodecUnknownFieldsTest, TemplateKeepsRequestFields) {
  json claim = ClaimWithFutureFieldsV1("v1");
  json t = {{"apiVersion", "resource.k8s.io/v1"}, {"kind", "ResourceClaimTemplate"},
            {"metadata", {{"name", "t"}, {"namespace", "ns"}}},
            {"spec", {{"spec", claim["spec"]}}}};
  absl::StatusOr<ResourceClaimTemplate> tt = ResourceClaimTemplateFromJson(t, ApiVersion::kV1);
  ASSERT_OK(tt);
  ExpectFutureFieldsKept(tt->spec);
  EXPECT_EQ(ToJson(*tt, ApiVersion::kV1), t);
}

TEST(ResourceCodecUnknownFieldsTest, TypedEditsWinAndEqualityCountsExtra) {
  absl::StatusOr<ResourceClaim> c = ResourceClaimFromJson(ClaimWithFutureFieldsV1("v1"), ApiVersion::kV1);
  ASSERT_OK(c);
  ResourceClaim edited = *c;
  edited.spec.requests[0].exactly->count = 4;
  edited.spec.requests[0].exactly->capacity_requests["memory"] = Quantity::Binary(2LL << 30);
  // A kept field spelled like a typed one never overrides the typed value.
  edited.spec.requests[0].exactly->extra["deviceClassName"] = "other";
  json out = ToJson(edited, ApiVersion::kV1);
  const json& ex = out["spec"]["devices"]["requests"][0]["exactly"];
  EXPECT_EQ(ex["count"], 4);
  EXPECT_EQ(ex["deviceClassName"], "gpu.nvidia.com");
  EXPECT_EQ(ex["capacity"], json::parse(R"({"requests": {"memory": "2Gi"}, "futureCapacity": true})"));
  EXPECT_EQ(ex["futureField"], json({{"x", 1}}));

  ResourceClaim other = *c;
  EXPECT_EQ(other, *c);
  other.spec.requests[1].first_available[0].request.extra["futureField"]["x"] = 2;
  EXPECT_NE(other, *c);
  other = *c;
  other.spec.config[0].extra.erase("futureConfig");
  EXPECT_NE(other, *c);
}

TEST(ResourceCodecUnknownFieldsTest, UnknownFieldsDoNotHideTypeErrors) {
  json in = ClaimWithFutureFieldsV1("v1");
  in["spec"]["devices"]["requests"][0]["exactly"]["count"] = "two";
  EXPECT_THAT(ResourceClaimFromJson(in, ApiVersion::kV1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("exactly.count")));
  in = ClaimWithFutureFieldsV1("v1");
  in["spec"]["devices"]["constraints"][0]["matchAttribute"] = 5;
  EXPECT_THAT(ResourceClaimFromJson(in, ApiVersion::kV1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("matchAttribute")));
  // Nulls are not kept.
  in = ClaimWithFutureFieldsV1("v1");
  in["spec"]["devices"]["requests"][1]["futureNull"] = nullptr;
  absl::StatusOr<ResourceClaim> c = ResourceClaimFromJson(in, ApiVersion::kV1);
  ASSERT_OK(c);
  EXPECT_TRUE(c->spec.requests[1].extra.empty()) << c->spec.requests[1].extra;
}

}  // namespace
}  // namespace k8s
