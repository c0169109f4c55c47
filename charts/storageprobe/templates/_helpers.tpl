{{/* Names are truncated to 63 characters: some Kubernetes name fields are DNS labels. */}}
{{- define "storageprobe.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "storageprobe.fullname" -}}
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

{{- define "storageprobe.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels shared by everything the chart makes. */}}
{{- define "storageprobe.commonLabels" -}}
helm.sh/chart: {{ include "storageprobe.chart" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: storageprobe
{{- end }}

{{/*
app.kubernetes.io/name values are part of the deployment contract: the operator pod is
storageprobe-operator, the agent pods (made by the operator) storageprobe-agent.
*/}}
{{- define "storageprobe.operator.selectorLabels" -}}
app.kubernetes.io/name: storageprobe-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "storageprobe.operator.labels" -}}
{{ include "storageprobe.commonLabels" . }}
app.kubernetes.io/name: storageprobe-operator
app.kubernetes.io/component: operator
{{- end }}

{{- define "storageprobe.agent.labels" -}}
{{ include "storageprobe.commonLabels" . }}
app.kubernetes.io/name: storageprobe-agent
app.kubernetes.io/component: agent
{{- end }}

{{- define "storageprobe.uninstall.labels" -}}
{{ include "storageprobe.commonLabels" . }}
app.kubernetes.io/name: storageprobe-uninstall
app.kubernetes.io/component: uninstall-hook
{{- end }}

{{- define "storageprobe.labels" -}}
{{ include "storageprobe.commonLabels" . }}
app.kubernetes.io/name: {{ include "storageprobe.name" . }}
{{- end }}

{{- define "storageprobe.operator.serviceAccountName" -}}
{{- default (printf "%s-operator" (include "storageprobe.fullname" .)) .Values.operator.serviceAccount.name }}
{{- end }}

{{- define "storageprobe.agent.serviceAccountName" -}}
{{- default (printf "%s-agent" (include "storageprobe.fullname" .)) .Values.agent.serviceAccount.name }}
{{- end }}

{{- define "storageprobe.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
Agent scrape relabelings, shared by ServiceMonitor and PodMonitor: `up` of an agent pod
gets the same probe and node labels as the agent's own series, so alerts can join on them.
*/}}
{{- define "storageprobe.agent.relabelings" -}}
- sourceLabels: [__meta_kubernetes_pod_node_name]
  targetLabel: node
- sourceLabels: [__meta_kubernetes_pod_label_storageprobe_io_probe]
  targetLabel: probe
{{- end }}

{{/* The names of .Values.imagePullSecrets, comma-separated (STORAGEPROBE_AGENT_IMAGE_PULL_SECRETS). */}}
{{- define "storageprobe.imagePullSecretNames" -}}
{{- $names := list }}
{{- range .Values.imagePullSecrets }}{{ $names = append $names .name }}{{ end }}
{{- join "," $names }}
{{- end }}
