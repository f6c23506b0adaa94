/**
 * The API server's rules for the subjects of RoleBindings and ClusterRoleBindings
 * (pkg/apis/rbac/validation ValidateRoleBindingSubject), which the schema does not say: the
 * subject's kind, its apiGroup per kind, and the namespace a ServiceAccount of a
 * ClusterRoleBinding needs (a cluster-wide binding has no namespace of its own to default it to).
 */
import { type KubeObject, ownEntry } from '../model/object.js';
import { finder, type Finding } from './finding.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** The apiGroup each subject kind must have. rbac/v1 defaults an empty or absent apiGroup to it, so only another one is refused. */
const SUBJECT_GROUPS: Readonly<Record<string, string>> = { ServiceAccount: '', User: RBAC_GROUP, Group: RBAC_GROUP };

type Subject = { kind?: unknown; apiGroup?: unknown; namespace?: unknown; name?: unknown } | null;

/** The problems of one subject: a message and a hint, at a field of the subject. */
function subjectProblems(s: NonNullable<Subject>, clusterWide: boolean): { field?: string; message: string; hint: string }[] {
  const kind = s.kind;
  if (typeof kind !== 'string') return []; // the schema reports a missing or mistyped kind
  const group = ownEntry(SUBJECT_GROUPS, kind);
  if (group === undefined) {
    return [
      { field: 'kind', message: `subject kind '${kind}' is not ServiceAccount, User or Group`, hint: 'use ServiceAccount, User or Group' },
    ];
  }
  const out: { field?: string; message: string; hint: string }[] = [];
  if (typeof s.apiGroup === 'string' && s.apiGroup !== '' && s.apiGroup !== group) {
    out.push({
      field: 'apiGroup',
      message: `a ${kind} subject has apiGroup '${s.apiGroup}', but the API server accepts only ${group ? `'${group}'` : "'' (the core group)"}`,
      hint: group ? `set apiGroup: ${group} (or leave it out)` : 'remove apiGroup (or set it to ""): ServiceAccounts are in the core group',
    });
  }
  if (kind === 'ServiceAccount' && clusterWide && (s.namespace === undefined || s.namespace === '' || s.namespace === null)) {
    out.push({
      message: `ServiceAccount subject '${String(s.name)}' has no namespace; a ClusterRoleBinding has none to give it`,
      hint: 'add namespace: <the namespace of the ServiceAccount>',
    });
  }
  return out;
}

/** Findings of the subjects of a RoleBinding or ClusterRoleBinding, at the subject's field. */
export function checkRbacSubjects(o: KubeObject): Finding[] {
  if ((o.kind !== 'RoleBinding' && o.kind !== 'ClusterRoleBinding') || !Array.isArray(o.subjects)) return [];
  const emit = finder(o);
  return (o.subjects as Subject[]).flatMap((s, i) =>
    s && typeof s === 'object'
      ? subjectProblems(s, o.kind === 'ClusterRoleBinding').map(({ field, message, hint }) =>
          emit('api/rbac-subject', ['subjects', i, ...(field ? [field] : [])], message, hint),
        )
      : [],
  );
}
