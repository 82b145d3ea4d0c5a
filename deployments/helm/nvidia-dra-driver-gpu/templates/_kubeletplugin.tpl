{{/* Env, probes and mounts shared by the kubelet-plugin containers. */}}

{{/* dict: ctx (root context), port (health port), endpoint (metrics address). */}}
{{- define "dra-driver-nvidia-gpu.pluginEnv" -}}
{{- $v := .ctx.Values -}}
- name: LOG_VERBOSITY
  value: {{ $v.logVerbosity | quote }}
- name: NVIDIA_DRIVER_ROOT
  value: {{ $v.nvidiaDriverRoot | quote }}
- name: NVIDIA_VISIBLE_DEVICES
  value: void
- name: CDI_ROOT
  value: /var/run/cdi
- name: NVIDIA_MIG_CONFIG_DEVICES
  value: all
- name: NODE_NAME
  valueFrom:
    fieldRef:
      fieldPath: spec.nodeName
- name: NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: FEATURE_GATES
  value: {{ include "dra-driver-nvidia-gpu.featureGates" .ctx | quote }}
- name: KUBELET_REGISTRAR_DIRECTORY_PATH
  value: {{ $v.kubeletPlugin.kubeletRegistrarDirectoryPath | quote }}
- name: KUBELET_PLUGINS_DIRECTORY_PATH
  value: {{ $v.kubeletPlugin.kubeletPluginsDirectoryPath | quote }}
- name: HEALTHCHECK_PORT
  value: {{ .port | quote }}
{{- if $v.nvidiaCDIHookPath }}
- name: NVIDIA_CDI_HOOK_PATH
  value: {{ $v.nvidiaCDIHookPath | quote }}
{{- end }}
{{- if $v.kubeletPlugin.metrics.enabled }}
- name: HTTP_ENDPOINT
  value: {{ .endpoint | quote }}
- name: METRICS_PATH
  value: {{ $v.kubeletPlugin.metrics.metricsPath | quote }}
{{- end }}
{{- end }}

{{/* dict: port, period (liveness period seconds). Nothing when port <= 0. */}}
{{- define "dra-driver-nvidia-gpu.probes" -}}
{{- if gt (int .port) 0 -}}
startupProbe:
  grpc:
    port: {{ .port }}
    service: liveness
  periodSeconds: 1
  failureThreshold: 600
  timeoutSeconds: 10
livenessProbe:
  grpc:
    port: {{ .port }}
    service: liveness
  periodSeconds: {{ .period }}
  failureThreshold: 3
  timeoutSeconds: 10
{{- end }}
{{- end }}

{{/* dict: ctx, readOnlyRoot (driver root read-only: compute-domains). */}}
{{- define "dra-driver-nvidia-gpu.pluginMounts" -}}
{{- $v := .ctx.Values -}}
- name: plugins-registry
  mountPath: {{ $v.kubeletPlugin.kubeletRegistrarDirectoryPath }}
- name: plugins
  mountPath: {{ $v.kubeletPlugin.kubeletPluginsDirectoryPath }}
  mountPropagation: Bidirectional
- name: cdi
  mountPath: /var/run/cdi
- name: driver-root
  mountPath: /driver-root
  mountPropagation: HostToContainer
  {{- if .readOnlyRoot }}
  readOnly: true
  {{- end }}
{{- end }}
