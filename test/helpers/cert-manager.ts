/** cert-manager's controller among a test's manifests (test/checks' issuer and ingress-shim tests). */

/**
 * cert-manager's controller Deployment in namespace `ns` as its Helm chart renders it, with `args` as written
 * (`['--v=2', '--cluster-resource-namespace=$(POD_NAMESPACE)']`; a flag and its value as two args too) and
 * POD_NAMESPACE from the pod's namespace, as the chart gives it. A YAML document, with its `---`.
 */
export const certManagerController = (ns: string, args: readonly string[]) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: cert-manager, namespace: ${ns} }
spec:
  selector: { matchLabels: { app: cert-manager } }
  template:
    metadata: { labels: { app: cert-manager } }
    spec:
      containers:
        - name: cert-manager-controller
          image: quay.io/jetstack/cert-manager-controller:v1.14.4
          args: ${JSON.stringify(args)}
          env: [{ name: POD_NAMESPACE, valueFrom: { fieldRef: { fieldPath: metadata.namespace } } }]
---
`;
