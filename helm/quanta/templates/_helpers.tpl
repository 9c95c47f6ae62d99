{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "quanta.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name prefix of every resource. */}}
{{- define "quanta.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of a component's resources: dict "root" . "component" "registry". */}}
{{- define "quanta.componentName" -}}
{{- printf "%s-%s" (include "quanta.fullname" .root | trunc 50 | trimSuffix "-") .component -}}
{{- end -}}

{{- define "quanta.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels of a component (never change them: selectors are immutable). */}}
{{- define "quanta.selectorLabels" -}}
app.kubernetes.io/name: {{ include "quanta.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Standard labels of a component's resources. */}}
{{- define "quanta.labels" -}}
helm.sh/chart: {{ include "quanta.chart" .root }}
{{ include "quanta.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: quanta
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end -}}

{{/* Image reference of a Quanta component: dict "root" . "image" .Values.registry.image. */}}
{{- define "quanta.image" -}}
{{- $tag := default .root.Chart.AppVersion .root.Values.image.tag -}}
{{- if .root.Values.image.registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" .root.Values.image.registry) .image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "quanta.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "quanta.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
A secret value that stays stable across upgrades: the given value, else the one already in the cluster's
Secret, else a new random one. dict "root" . "secret" NAME "key" KEY "value" GIVEN
*/}}
{{- define "quanta.secretValue" -}}
{{- if .value -}}
{{- .value -}}
{{- else -}}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace .secret -}}
{{- if and $existing (hasKey $existing.data .key) -}}
{{- index $existing.data .key | b64dec -}}
{{- else -}}
{{- randAlphaNum 40 -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Secret holding the admin and worker tokens. */}}
{{- define "quanta.authSecretName" -}}
{{- default (printf "%s-auth" (include "quanta.fullname" .)) .Values.auth.existingSecret -}}
{{- end -}}

{{/* Secret holding the gateway's API keys. */}}
{{- define "quanta.apiKeysSecretName" -}}
{{- default (printf "%s-api-keys" (include "quanta.fullname" .)) .Values.gateway.apiKeys.existingSecret -}}
{{- end -}}

{{/* Secret and key holding the database password. */}}
{{- define "quanta.databaseSecretName" -}}
{{- if .Values.postgresql.enabled -}}
{{- default (printf "%s-postgresql" (include "quanta.fullname" .)) .Values.postgresql.auth.existingSecret -}}
{{- else -}}
{{- default (printf "%s-database" (include "quanta.fullname" .)) .Values.externalDatabase.existingSecret -}}
{{- end -}}
{{- end -}}

{{- define "quanta.databasePasswordKey" -}}
{{- if .Values.postgresql.enabled -}}
{{- .Values.postgresql.auth.passwordKey -}}
{{- else -}}
{{- .Values.externalDatabase.passwordKey -}}
{{- end -}}
{{- end -}}

{{- define "quanta.databaseUrl" -}}
{{- if .Values.postgresql.enabled -}}
{{- printf "jdbc:postgresql://%s:5432/%s" (include "quanta.componentName" (dict "root" . "component" "postgresql")) .Values.postgresql.auth.database -}}
{{- else -}}
{{- required "externalDatabase.url is required when postgresql.enabled is false" .Values.externalDatabase.url -}}
{{- end -}}
{{- end -}}

{{- define "quanta.databaseUser" -}}
{{- if .Values.postgresql.enabled -}}
{{- .Values.postgresql.auth.username -}}
{{- else -}}
{{- .Values.externalDatabase.username -}}
{{- end -}}
{{- end -}}

{{- define "quanta.registryUrl" -}}
{{- printf "http://%s:%v" (include "quanta.componentName" (dict "root" . "component" "registry")) .Values.registry.port -}}
{{- end -}}

{{- define "quanta.plannerUrl" -}}
{{- printf "http://%s:%v" (include "quanta.componentName" (dict "root" . "component" "planner")) .Values.planner.port -}}
{{- end -}}

{{/* Pod-level settings shared by every Quanta pod. */}}
{{- define "quanta.podCommon" -}}
serviceAccountName: {{ include "quanta.serviceAccountName" . }}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Scheduling settings of a component: its values block. */}}
{{- define "quanta.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The writable /tmp every container gets (java.io.tmpdir); the root filesystem is read-only. */}}
{{- define "quanta.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end -}}

{{- define "quanta.tmpMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/*
Probes on Spring Boot's actuator health groups: dict "port" PORTNAME "startupFailures" N "startupPeriod" S, and
optionally "readinessPath" (the worker's /health, 503 until its model is loaded and warmed up).
*/}}
{{- define "quanta.actuatorProbes" -}}
startupProbe:
  httpGet:
    path: /actuator/health/liveness
    port: {{ .port }}
  periodSeconds: {{ .startupPeriod | default 5 }}
  failureThreshold: {{ .startupFailures | default 36 }}
livenessProbe:
  httpGet:
    path: /actuator/health/liveness
    port: {{ .port }}
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: {{ .readinessPath | default "/actuator/health/readiness" }}
    port: {{ .port }}
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 3
{{- end -}}

{{/* Env every Spring service gets. */}}
{{- define "quanta.commonEnv" -}}
- name: MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED
  value: "true"
{{- with .Values.javaOptions }}
- name: JDK_JAVA_OPTIONS
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* Claim holding the models (pvc model storage). */}}
{{- define "quanta.modelsClaimName" -}}
{{- default (include "quanta.componentName" (dict "root" . "component" "models")) .Values.worker.modelStorage.pvc.existingClaim -}}
{{- end -}}

{{/* How many workers may exist: each gets a lease id (its pod name) and a credential. */}}
{{- define "quanta.workerSlots" -}}
{{- if .Values.worker.autoscaling.enabled -}}
{{- max .Values.worker.autoscaling.maxReplicas .Values.worker.replicaCount -}}
{{- else -}}
{{- .Values.worker.replicaCount -}}
{{- end -}}
{{- end -}}

{{/* Secret holding one credential per worker pod name, and the registry's "<id>=<secret>,..." list. */}}
{{- define "quanta.workerTokensSecretName" -}}
{{- default (printf "%s-worker-tokens" (include "quanta.fullname" .)) .Values.worker.tokens.existingSecret -}}
{{- end -}}
