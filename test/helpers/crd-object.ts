/** A CRD of one namespaced kind (plural: the kind in lowercase, with an s) and one version, with `schema` and the version's `extra` fields. */
export const crdObject = (
  group: string,
  kind: string,
  version: string,
  schema: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { kind, plural },
      scope: 'Namespaced',
      versions: [{ name: version, served: true, storage: true, ...extra, schema: { openAPIV3Schema: schema } }],
    },
  };
};
