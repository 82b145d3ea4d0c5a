#!/usr/bin/env python3
"""Write a one-layer container image as a `docker save` archive, from host files.

No Docker engine and no registry exist on these machines: the local cluster
imports the archive with `ctr -n k8s.io images import`. The archive is
deterministic (mtime 0, uid/gid 0), so the same inputs give the same digest.

  mkimage.py OUT.tar --tag ubuntu:22.04 [--tag ...] [--busybox] \
      [--file HOST:IMAGE_PATH[:MODE]]... [--symlink TARGET:IMAGE_PATH]... \
      [--entrypoint JSON] [--cmd JSON] [--env K=V]... [--label K=V]...

--busybox installs /bin/busybox (from busybox-static) with every applet as a
symlink at the path `busybox --list-full` gives, without overwriting paths set
by --file/--symlink.
"""
import argparse
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

BASE_DIRS = ["bin", "sbin", "usr", "usr/bin", "usr/sbin", "usr/local", "usr/local/bin",
             "etc", "root", "home", "var", "var/tmp", "dev", "proc", "sys", "run", "lib",
             "tmp"]


def add_dir(tar, path, mode=0o755):
    ti = tarfile.TarInfo(path)
    ti.type = tarfile.DIRTYPE
    ti.mode = mode
    ti.mtime = 0
    tar.addfile(ti)


def add_bytes(tar, path, data, mode=0o644):
    ti = tarfile.TarInfo(path)
    ti.size = len(data)
    ti.mode = mode
    ti.mtime = 0
    tar.addfile(ti, io.BytesIO(data))


def add_symlink(tar, path, target):
    ti = tarfile.TarInfo(path)
    ti.type = tarfile.SYMTYPE
    ti.linkname = target
    ti.mode = 0o777
    ti.mtime = 0
    tar.addfile(ti)


def parents(path):
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--tag", action="append", required=True)
    ap.add_argument("--busybox", action="store_true")
    ap.add_argument("--busybox-path", default="/bin/busybox")
    ap.add_argument("--file", action="append", default=[])
    ap.add_argument("--symlink", action="append", default=[])
    ap.add_argument("--entrypoint")
    ap.add_argument("--cmd")
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--label", action="append", default=[])
    ap.add_argument("--workdir", default="/")
    a = ap.parse_args()

    entries = {}  # image path -> ("file", host, mode) | ("link", target) | ("data", bytes, mode)
    for spec in a.file:
        parts = spec.split(":")
        host, dst = parts[0], parts[1].lstrip("/")
        mode = int(parts[2], 8) if len(parts) > 2 else (os.stat(host).st_mode & 0o7777)
        entries[dst] = ("file", host, mode)
    for spec in a.symlink:
        target, dst = spec.split(":", 1)
        entries[dst.lstrip("/")] = ("link", target)
    if a.busybox:
        entries.setdefault("bin/busybox", ("file", a.busybox_path, 0o755))
        applets = subprocess.run([a.busybox_path, "--list-full"], check=True,
                                 capture_output=True, text=True).stdout.split()
        for ap_path in applets:
            ap_path = ap_path.lstrip("/")
            if ap_path not in entries:
                entries[ap_path] = ("link", "/bin/busybox")
    entries.setdefault("etc/passwd", ("data", b"root:x:0:0:root:/root:/bin/sh\n"
                                      b"nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n", 0o644))
    entries.setdefault("etc/group", ("data", b"root:x:0:\nnogroup:x:65534:\n", 0o644))

    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        dirs = set(BASE_DIRS)
        for p in entries:
            dirs.update(parents(p))
        for d in sorted(dirs):
            add_dir(tar, d, 0o1777 if d in ("tmp", "var/tmp") else 0o755)
        for p in sorted(entries):
            e = entries[p]
            if e[0] == "file":
                with open(e[1], "rb") as f:
                    add_bytes(tar, p, f.read(), e[2])
            elif e[0] == "data":
                add_bytes(tar, p, e[1], e[2])
            else:
                add_symlink(tar, p, e[1])
    layer_bytes = layer.getvalue()
    diff_id = hashlib.sha256(layer_bytes).hexdigest()

    env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] + a.env
    cfg = {"Env": env, "WorkingDir": a.workdir}
    if a.entrypoint:
        cfg["Entrypoint"] = json.loads(a.entrypoint)
    if a.cmd:
        cfg["Cmd"] = json.loads(a.cmd)
    if a.label:
        cfg["Labels"] = dict(l.split("=", 1) for l in a.label)
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": cfg,
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff_id]},
        "history": [{"created": "1970-01-01T00:00:00Z",
                     "created_by": "hack/cluster/images/mkimage.py (local image from host files)"}],
    }
    config_bytes = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
    config_id = hashlib.sha256(config_bytes).hexdigest()
    manifest = [{"Config": config_id + ".json", "RepoTags": a.tag,
                 "Layers": [diff_id + "/layer.tar"]}]

    tmp = a.out + ".tmp"
    with tarfile.open(tmp, mode="w", format=tarfile.PAX_FORMAT) as out:
        add_dir(out, diff_id)
        add_bytes(out, diff_id + "/layer.tar", layer_bytes)
        add_bytes(out, config_id + ".json", config_bytes)
        add_bytes(out, "manifest.json", json.dumps(manifest).encode())
    os.replace(tmp, a.out)
    print(a.out, "sha256:" + config_id, " ".join(a.tag))


if __name__ == "__main__":
    sys.exit(main())
