/**
 * The YAML of a CRD of `example.com/v1 Widget` at `scope`, whose `spec` has the fields `fields`
 * (flow mappings of their schemas, by name).
 */
export const widgetCrd = (scope: 'Cluster' | 'Namespaced', fields: Record<string, string>) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }
  scope: ${scope}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
${Object.entries(fields)
  .map(([name, schema]) => `                ${name}: ${schema}\n`)
  .join('')}`;
