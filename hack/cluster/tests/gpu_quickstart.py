#!/usr/bin/env python3
"""The reference quickstart (gpu-test1..4, gpu-test6) against our GPU plugin.

Runs on the local cluster started with a mock topology (KUBECONFIG set, the
cluster.up fixture uses dgx-a100-half-balanced). Starts the plugin with
hack/cluster/driver, applies each manifest of
../shared/specs/upstream-quickstart-v1 unchanged, and checks what every
container printed with `nvidia-smi -L` against what was allocated:

  gpu-test1  two pods, one GPU each, different GPUs
  gpu-test2  two containers sharing one claim: the same GPU
  gpu-test3  two pods sharing one ResourceClaim: the same GPU
  gpu-test4  four MIG devices (1g.5gb x2, 2g.10gb, 3g.20gb), each container
             sees exactly its own MIG device
  gpu-test6  selects on an `index` attribute the driver does not publish:
             the pods stay Pending and the scheduler's reason ("CEL runtime
             error: no such key: index") is visible in their events

Every UUID a container prints must be the `uuid` attribute of the device
the claim was allocated, and after the namespace is deleted the claim's CDI
spec file must be gone (Unprepare ran). Last line: `N passed, N failed`.
"""
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
CACHE = os.environ.get("DRA_CLUSTER_CACHE", "/var/cache/dra-cluster")
KUBECTL = os.environ.get("KUBECTL", os.path.join(CACHE, "bin", "kubectl"))
SPECS = os.environ.get("QUICKSTART_DIR",
                       os.path.join(REPO, "..", "shared", "specs", "upstream-quickstart-v1"))
CDI_ROOT = "/var/run/cdi"
DRIVER = "gpu.nvidia.com"

passed = 0
failed = 0


def ok(msg):
    global passed
    passed += 1
    print("PASS: " + msg, flush=True)


def bad(msg):
    global failed
    failed += 1
    print("FAIL: " + msg, flush=True)


def check(cond, msg):
    (ok if cond else bad)(msg)
    return cond


def kc(*args, check_rc=True, input_text=None):
    r = subprocess.run([KUBECTL, *args], capture_output=True, text=True, input=input_text)
    if check_rc and r.returncode != 0:
        raise RuntimeError("kubectl %s: %s" % (" ".join(args), r.stderr.strip()))
    return r.stdout


def kj(*args):
    return json.loads(kc(*args, "-o", "json"))


def slice_uuids():
    """device name -> uuid attribute, from our ResourceSlices."""
    out = {}
    for s in kj("get", "resourceslices")["items"]:
        if s["spec"].get("driver") != DRIVER:
            continue
        for d in s["spec"].get("devices", []):
            attrs = d.get("attributes") or d.get("basic", {}).get("attributes", {})
            u = attrs.get("uuid", {}).get("string")
            if u:
                out[d["name"]] = u
    return out


def wait_pods_ready(ns, n, timeout=180):
    end = time.time() + timeout
    while time.time() < end:
        pods = kj("get", "pods", "-n", ns)["items"]
        ready = [p for p in pods if p["status"].get("phase") == "Running" and all(
            c.get("ready") for c in p["status"].get("containerStatuses", []))]
        if len(pods) >= n and len(ready) == len(pods):
            return pods
        time.sleep(1)
    kc("describe", "pods", "-n", ns, check_rc=False)
    print(kc("describe", "pods", "-n", ns, check_rc=False)[-3000:])
    return None


def smi_lines(ns, pod, ctr):
    for _ in range(30):
        out = kc("logs", "-n", ns, pod, "-c", ctr, check_rc=False)
        if out.strip():
            return out
        time.sleep(1)
    return ""


UUID_RE = re.compile(r"\(UUID: ((?:GPU|MIG)-[0-9a-fA-F-]+)\)")


def claims_of(ns):
    """claim name -> (uid, {request: device})"""
    out = {}
    for c in kj("get", "resourceclaims", "-n", ns)["items"]:
        res = c.get("status", {}).get("allocation", {}).get("devices", {}).get("results", [])
        out[c["metadata"]["name"]] = (c["metadata"]["uid"],
                                      {r["request"]: r["device"] for r in res
                                       if r["driver"] == DRIVER})
    return out


def pod_claim(ns, pod):
    """The generated claim name of the pod's (single) pod claim."""
    p = kj("get", "pod", "-n", ns, pod)
    st = p["status"].get("resourceClaimStatuses", [])
    if st:
        return st[0]["resourceClaimName"]
    return p["spec"]["resourceClaims"][0].get("resourceClaimName")


def delete_ns(ns, uids):
    kc("delete", "namespace", ns, "--wait=true", "--timeout=120s", check_rc=False)
    end = time.time() + 60
    left = []
    while time.time() < end:
        left = [u for u in uids if os.path.exists(
            os.path.join(CDI_ROOT, "k8s.gpu.nvidia.com-claim_%s.yaml" % u))]
        if not left:
            break
        time.sleep(0.5)
    check(not left, "%s: CDI specs of its claims removed after delete (Unprepare)" % ns)


def apply(name):
    kc("apply", "-f", os.path.join(SPECS, name + ".yaml"))


def apply_and_wait(ns, n_pods, running_msg):
    """Applies the manifest of namespace `ns` and waits for its pods; checks
    "<ns>: <running_msg>" and returns the pods, or None when they did not run."""
    apply(ns)
    pods = wait_pods_ready(ns, n_pods)
    return pods if check(pods is not None, "%s: %s" % (ns, running_msg)) else None


def test1(uuids):
    ns = "gpu-test1"
    pods = apply_and_wait(ns, 2, "both pods Running")
    if pods is None:
        return
    seen = {}
    uids = []
    for p in pods:
        name = p["metadata"]["name"]
        got = UUID_RE.findall(smi_lines(ns, name, "ctr"))
        claim = pod_claim(ns, name)
        uid, alloc = claims_of(ns)[claim]
        uids.append(uid)
        want = [uuids[d] for d in alloc.values()]
        check(got == want, "gpu-test1/%s: nvidia-smi -L shows exactly its GPU %s (got %s)"
              % (name, want, got))
        seen[name] = tuple(got)
    check(len(set(seen.values())) == 2, "gpu-test1: the two pods see different GPUs %s" % seen)
    delete_ns(ns, uids)


def test_shared(ns, n_pods, ctrs):
    pods = apply_and_wait(ns, n_pods, "pods Running")
    if pods is None:
        return
    views = []
    for p in pods:
        for c in ctrs:
            views.append(tuple(UUID_RE.findall(smi_lines(ns, p["metadata"]["name"], c))))
    claims = claims_of(ns)
    uuids = slice_uuids()
    want = tuple(uuids[d] for _, alloc in claims.values() for d in alloc.values())
    check(len(claims) == 1 and len(want) == 1, "%s: one claim with one GPU (%s)" % (ns, want))
    check(all(v == want for v in views),
          "%s: every container sees the same GPU %s (got %s)" % (ns, want, views))
    delete_ns(ns, [uid for uid, _ in claims.values()])


def test4(uuids):
    ns = "gpu-test4"
    pods = apply_and_wait(ns, 1, "pod Running")
    if pods is None:
        return
    claims = claims_of(ns)
    uid, alloc = list(claims.values())[0]
    check(len(alloc) == 4, "gpu-test4: four MIG devices allocated %s" % alloc)
    req = {"ctr0": "mig-1g-5gb-0", "ctr1": "mig-1g-5gb-1", "ctr2": "mig-2g-10gb",
           "ctr3": "mig-3g-20gb"}
    pod = pods[0]["metadata"]["name"]
    for ctr, request in req.items():
        out = smi_lines(ns, pod, ctr)
        migs = [u for u in UUID_RE.findall(out) if u.startswith("MIG-")]
        want = uuids.get(alloc.get(request, ""), "?")
        check(migs == [want], "gpu-test4/%s: sees exactly its MIG device %s (%s) (got %s)"
              % (ctr, alloc.get(request), want, migs))
    delete_ns(ns, [uid])


def test6():
    ns = "gpu-test6"
    apply(ns)
    reason = ""
    end = time.time() + 60
    while time.time() < end and not reason:
        ev = kc("get", "events", "-n", ns, "--field-selector", "reason=FailedScheduling",
                "-o", "jsonpath={range .items[*]}{.message}{\"\\n\"}{end}", check_rc=False)
        reason = ev.strip().splitlines()[0] if ev.strip() else ""
        time.sleep(1)
    phases = [p["status"].get("phase") for p in kj("get", "pods", "-n", ns)["items"]]
    check(phases and all(ph == "Pending" for ph in phases),
          "gpu-test6: pods stay Pending (%s)" % phases)
    # As on the reference: the selector reads an attribute the driver does
    # not publish, and the scheduler says so.
    check("no such key: index" in reason,
          "gpu-test6: the reason is visible in the pod events: %r" % reason)
    kc("delete", "namespace", ns, "--wait=true", "--timeout=120s", check_rc=False)


def main():
    if not os.path.exists(os.path.join(SPECS, "gpu-test1.yaml")):
        bad("quickstart manifests not found in %s (set QUICKSTART_DIR)" % SPECS)
        print("%d passed, %d failed" % (passed, failed))
        return 1
    # Leftovers of an earlier run (or another test) would make `apply` fail.
    for ns in ("gpu-test1", "gpu-test2", "gpu-test3", "gpu-test4", "gpu-test6"):
        kc("delete", "namespace", ns, "--ignore-not-found", "--wait=true", "--timeout=180s",
           check_rc=False)
    r = subprocess.run([os.path.join(REPO, "hack", "cluster", "driver"), "start"])
    if not check(r.returncode == 0, "gpu-kubelet-plugin started, slices published"):
        print("%d passed, %d failed" % (passed, failed))
        return 1
    try:
        uuids = slice_uuids()
        check(len(uuids) > 0, "ResourceSlices list %d devices with uuids" % len(uuids))
        test1(uuids)
        test_shared("gpu-test2", 1, ["ctr0", "ctr1"])
        test_shared("gpu-test3", 2, ["ctr"])
        test4(uuids)
        test6()
    except Exception as e:  # report, never hide
        bad("unexpected error: %s" % e)
    finally:
        for ns in ("gpu-test1", "gpu-test2", "gpu-test3", "gpu-test4", "gpu-test6"):
            kc("delete", "namespace", ns, "--ignore-not-found", "--wait=true", "--timeout=120s",
               check_rc=False)
        if os.environ.get("KEEP_DRIVER") != "1":
            subprocess.run([os.path.join(REPO, "hack", "cluster", "driver"), "stop"])
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
