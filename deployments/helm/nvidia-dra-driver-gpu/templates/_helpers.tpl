{{/* Names, labels and the resource.k8s.io version, shared by all templates. */}}

{{- define "dra-driver-nvidia-gpu.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "dra-driver-nvidia-gpu.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "dra-driver-nvidia-gpu.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride }}
{{- end }}

{{- define "dra-driver-nvidia-gpu.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "dra-driver-nvidia-gpu.selectorLabels" -}}
{{- if .Values.selectorLabelsOverride }}
{{- toYaml .Values.selectorLabelsOverride }}
{{- else }}
app.kubernetes.io/name: {{ include "dra-driver-nvidia-gpu.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
{{- end }}

{{- define "dra-driver-nvidia-gpu.labels" -}}
helm.sh/chart: {{ include "dra-driver-nvidia-gpu.chart" . }}
{{ include "dra-driver-nvidia-gpu.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "dra-driver-nvidia-gpu.image" -}}
{{- printf "%s:%s" .Values.image.repository (default (printf "v%s" .Chart.AppVersion) .Values.image.tag) }}
{{- end }}

{{/* The controller's service account; the kubelet plugin's adds "-kubeletplugin". */}}
{{- define "dra-driver-nvidia-gpu.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "dra-driver-nvidia-gpu.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "dra-driver-nvidia-gpu.kubeletPluginServiceAccountName" -}}
{{- printf "%s-kubeletplugin" (include "dra-driver-nvidia-gpu.serviceAccountName" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The resource.k8s.io version of the DeviceClasses: resourceApiVersion when set,
else the newest the cluster serves (v1 > v1beta2 > v1beta1); "" when none.
*/}}
{{- define "dra-driver-nvidia-gpu.resourceApiVersion" -}}
{{- if .Values.resourceApiVersion }}
{{- .Values.resourceApiVersion }}
{{- else if .Capabilities.APIVersions.Has "resource.k8s.io/v1/DeviceClass" }}
{{- "resource.k8s.io/v1" }}
{{- else if .Capabilities.APIVersions.Has "resource.k8s.io/v1beta2/DeviceClass" }}
{{- "resource.k8s.io/v1beta2" }}
{{- else if .Capabilities.APIVersions.Has "resource.k8s.io/v1beta1/DeviceClass" }}
{{- "resource.k8s.io/v1beta1" }}
{{- end }}
{{- end }}

{{/* FEATURE_GATES value: Key=bool pairs, comma separated, sorted. */}}
{{- define "dra-driver-nvidia-gpu.featureGates" -}}
{{- $out := list }}
{{- range $k, $v := .Values.featureGates }}
{{- $out = append $out (printf "%s=%v" $k $v) }}
{{- end }}
{{- join "," $out }}
{{- end }}

{{/* Host directory that holds the driver root (mounted by the init container). */}}
{{- define "dra-driver-nvidia-gpu.driverRootParent" -}}
{{- $root := clean .Values.nvidiaDriverRoot }}
{{- if eq $root "/" }}/{{ else }}{{ dir $root }}{{ end }}
{{- end }}
