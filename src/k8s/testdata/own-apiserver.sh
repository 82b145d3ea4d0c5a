#!/usr/bin/env bash
# own-apiserver.sh DIR [VERSION]: starts a private etcd + kube-apiserver
# (loopback only, by default ports 22379 / 26443) from the hack/cluster binary cache,
# with resource.k8s.io v1, v1beta1 and v1beta2 enabled, writes
# DIR/kubeconfig and prints KUBECONFIG=DIR/kubeconfig as its last line.
# `own-apiserver.sh DIR stop` stops both (by the pids it recorded).
# Run again on the same DIR it keeps a running etcd and starts only the
# API server (how k8s_restart_test restarts it after killing it by the pid
# in DIR/apiserver.pid).
# Ports via environment (defaults in brackets): OWN_APISERVER_ETCD_PORT
# [22379], OWN_APISERVER_ETCD_PEER_PORT [22380], OWN_APISERVER_PORT [26443].
# Used to run k8s_integration_test without the full local cluster, and by
# k8s_restart_test.
set -euo pipefail
dir=$1
ver=${2:-1.37.2}
cache=${DRA_CLUSTER_CACHE:-/var/cache/dra-cluster}
etcd_port=${OWN_APISERVER_ETCD_PORT:-22379}
etcd_peer_port=${OWN_APISERVER_ETCD_PEER_PORT:-22380}
port=${OWN_APISERVER_PORT:-26443}
if [[ $ver == stop ]]; then
  # The API server first, killed: its graceful shutdown waits ~30 s for
  # etcd when etcd goes first (SIGTERM to both races).
  if [[ -f $dir/apiserver.pid ]]; then
    pid=$(cat "$dir/apiserver.pid")
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  fi
  [[ -f $dir/etcd.pid ]] && kill "$(cat "$dir/etcd.pid")" 2>/dev/null || true
  exit 0
fi
mkdir -p "$dir/pki" "$dir/etcd"
cd "$dir/pki"
if [[ ! -f ca.crt ]]; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=own-ca 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj /CN=kube-apiserver 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.96.0.1\n' > san.ext
  openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 2 -extfile san.ext 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=admin" 2>/dev/null
  openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt -days 2 2>/dev/null
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
fi
if ! [[ -f $dir/etcd.pid ]] || ! kill -0 "$(cat "$dir/etcd.pid")" 2>/dev/null; then
  "$cache"/etcd-v3.6.16/bin/etcd --data-dir "$dir/etcd" --listen-client-urls "http://127.0.0.1:$etcd_port" \
    --advertise-client-urls "http://127.0.0.1:$etcd_port" --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster "default=http://127.0.0.1:$etcd_peer_port" \
    --unsafe-no-fsync >"$dir/etcd.log" 2>&1 &
  echo $! >"$dir/etcd.pid"
fi
"$cache/v$ver/bin/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" --bind-address 127.0.0.1 \
  --secure-port "$port" --advertise-address 10.96.0.2 --service-cluster-ip-range 10.96.0.0/24 \
  --tls-cert-file "$dir/pki/apiserver.crt" --tls-private-key-file "$dir/pki/apiserver.key" \
  --client-ca-file "$dir/pki/ca.crt" --service-account-key-file "$dir/pki/sa.pub" \
  --service-account-signing-key-file "$dir/pki/sa.key" --service-account-issuer https://own \
  --authorization-mode RBAC --runtime-config resource.k8s.io/v1beta1=true,resource.k8s.io/v1beta2=true \
  >"$dir/apiserver.log" 2>&1 &
echo $! >"$dir/apiserver.pid"
b64() { base64 -w0 "$1"; }
cat >"$dir/kubeconfig" <<KC
apiVersion: v1
kind: Config
current-context: own
clusters: [{name: own, cluster: {server: "https://127.0.0.1:$port", certificate-authority-data: $(b64 "$dir/pki/ca.crt")}}]
users: [{name: admin, user: {client-certificate: pki/admin.crt, client-key: pki/admin.key}}]
contexts: [{name: own, context: {cluster: own, user: admin}}]
KC
for _ in $(seq 120); do
  if curl -sk --cacert "$dir/pki/ca.crt" --cert "$dir/pki/admin.crt" --key "$dir/pki/admin.key" \
      https://127.0.0.1:$port/readyz 2>/dev/null | grep -q ok; then
    echo "KUBECONFIG=$dir/kubeconfig"
    exit 0
  fi
  sleep 1
done
echo "apiserver did not become ready; see $dir/apiserver.log" >&2
exit 1
