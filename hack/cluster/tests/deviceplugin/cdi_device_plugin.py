#!/usr/bin/env python3
"""A minimal kubelet device plugin for the cluster's CDI test.

Advertises RESOURCE (e.g. dra-cluster.test/cdi) with COUNT devices and, on
Allocate, answers with the CDI device name CDI_NAME only (no device nodes,
no mounts), so any device node a container gets can only come from
containerd applying the CDI spec. Registers with the kubelet at
/var/lib/kubelet/device-plugins/kubelet.sock and serves on its own socket
there. Runs until killed.

  cdi_device_plugin.py RESOURCE CDI_NAME [COUNT]
"""
import os
import sys
import tempfile
import threading
import time
from concurrent import futures

import grpc
from grpc_tools import protoc

HERE = os.path.dirname(os.path.abspath(__file__))
PLUGIN_DIR = "/var/lib/kubelet/device-plugins"


def load_stubs():
    out = tempfile.mkdtemp(prefix="dp-stubs-")
    rc = protoc.main(["protoc", f"-I{HERE}", f"--python_out={out}", f"--grpc_python_out={out}",
                      os.path.join(HERE, "deviceplugin.proto")])
    if rc != 0:
        sys.exit(f"protoc failed ({rc})")
    sys.path.insert(0, out)
    import deviceplugin_pb2 as pb  # noqa: E402
    import deviceplugin_pb2_grpc as pbg  # noqa: E402
    return pb, pbg


def main():
    resource, cdi_name = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    pb, pbg = load_stubs()
    stop = threading.Event()

    class Plugin(pbg.DevicePluginServicer):
        def GetDevicePluginOptions(self, request, context):
            return pb.DevicePluginOptions()

        def ListAndWatch(self, request, context):
            devs = [pb.Device(ID=f"dev{i}", health="Healthy") for i in range(count)]
            yield pb.ListAndWatchResponse(devices=devs)
            while not stop.is_set() and context.is_active():
                time.sleep(1)

        def GetPreferredAllocation(self, request, context):
            return pb.PreferredAllocationResponse()

        def Allocate(self, request, context):
            resp = pb.AllocateResponse()
            for _ in request.container_requests:
                resp.container_responses.append(
                    pb.ContainerAllocateResponse(cdi_devices=[pb.CDIDevice(name=cdi_name)]))
            print(f"Allocate -> {cdi_name}", flush=True)
            return resp

        def PreStartContainer(self, request, context):
            return pb.PreStartContainerResponse()

    endpoint = "dra-cluster-cdi-test.sock"
    path = os.path.join(PLUGIN_DIR, endpoint)
    if os.path.exists(path):
        os.unlink(path)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    pbg.add_DevicePluginServicer_to_server(Plugin(), server)
    server.add_insecure_port(f"unix://{path}")
    server.start()
    with grpc.insecure_channel(f"unix://{PLUGIN_DIR}/kubelet.sock") as ch:
        pbg.RegistrationStub(ch).Register(
            pb.RegisterRequest(version="v1beta1", endpoint=endpoint, resource_name=resource,
                               options=pb.DevicePluginOptions()), timeout=10)
    print(f"registered {resource} ({count} devices) -> {cdi_name}", flush=True)
    try:
        server.wait_for_termination()
    finally:
        stop.set()


if __name__ == "__main__":
    main()
