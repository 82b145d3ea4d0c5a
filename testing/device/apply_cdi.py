#!/usr/bin/env python3
"""Apply one device of a CDI spec (JSON form) to an OCI runtime config.

  apply_cdi.py SPEC.json DEVICE CONFIG.json ROOTFS -- ARGS...

What a CDI-enabled runtime (containerd, CRI-O) does with
`<kind>=<DEVICE>`: the spec's containerEdits, then the device's, merged into
the OCI config (env, device nodes with their type/major/minor taken from
the host file, device cgroup rules, bind mounts, createContainer hooks).
Used on a machine with a real GPU to run a container with plain runc from
what our plugin would generate. Test harness only; no dependencies beyond
the Python standard library.
"""
import json
import os
import stat
import sys


def apply_edits(cfg, edits):
    proc = cfg.setdefault("process", {})
    env = proc.setdefault("env", [])
    for e in edits.get("env") or []:
        env.append(e)
    linux = cfg.setdefault("linux", {})
    devs = linux.setdefault("devices", [])
    rules = linux.setdefault("resources", {}).setdefault("devices", [])
    for d in edits.get("deviceNodes") or []:
        host = d.get("hostPath") or d["path"]
        st = os.stat(host)
        typ = "c" if stat.S_ISCHR(st.st_mode) else "b"
        major, minor = os.major(st.st_rdev), os.minor(st.st_rdev)
        devs.append({"path": d["path"], "type": d.get("type", typ),
                     "major": d.get("major", major), "minor": d.get("minor", minor),
                     "fileMode": d.get("fileMode", stat.S_IMODE(st.st_mode)),
                     "uid": 0, "gid": 0})
        rules.append({"allow": True, "type": typ, "major": major, "minor": minor,
                      "access": d.get("permissions", "rwm")})
    mounts = cfg.setdefault("mounts", [])
    for m in edits.get("mounts") or []:
        mounts.append({"destination": m["containerPath"], "source": m["hostPath"],
                       "type": m.get("type", "bind"), "options": m.get("options", [])})
    hooks = cfg.setdefault("hooks", {})
    for h in edits.get("hooks") or []:
        entry = {"path": h["path"], "args": h.get("args", [])}
        if h.get("env"):
            entry["env"] = h["env"]
        hooks.setdefault(h["hookName"], []).append(entry)


def main(argv):
    if len(argv) < 6 or argv[5] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    spec_path, device, cfg_path, rootfs = argv[1:5]
    args = argv[6:]
    spec = json.load(open(spec_path))
    devs = {d["name"]: d for d in spec.get("devices", [])}
    if device not in devs:
        print("no device %r in %s (have %s)" % (device, spec_path, sorted(devs)), file=sys.stderr)
        return 1
    cfg = json.load(open(cfg_path))
    cfg["root"] = {"path": rootfs, "readonly": False}
    cfg["process"]["args"] = args
    cfg["process"]["terminal"] = False
    apply_edits(cfg, spec.get("containerEdits") or {})
    apply_edits(cfg, devs[device].get("containerEdits") or {})
    json.dump(cfg, open(cfg_path, "w"), indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
