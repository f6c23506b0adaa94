/*
 * What a stack builds its objects from, in one module: `import { AppDeployment, LabelService,
 * toResources, k8s } from '../lib/constructs/index.js'`. Each construct stays in its own file; this
 * module only re-exports them, so a helper that moves between those files (toResources and
 * RESTRICTED_CONTAINER went from app-deployment.ts to app-container.ts) moves under no stack.
 * test/constructs/index.test.ts holds it to every export of every construct file.
 *
 * Not here: external-secrets.ts, the compiler's (it makes a stage's ExternalSecrets from the
 * stage file's secret store; no stack calls it).
 */
export { k8s } from '../k8s.js';
export * from './app-container.js';
// app-deployment.ts's deprecated copies of these two, for its old importers, are not the index's
export { RESTRICTED_CONTAINER, toResources } from './app-container.js';
export * from './app-deployment.js';
export * from './config-reader-account.js';
export * from './cpu-autoscaler.js';
export * from './hashed-config-map.js';
export * from './host-path-volume-claim.js';
export * from './label-service.js';
export * from './mysql-backup.js';
export * from './mysql-database.js';
export * from './one-container-pod.js';
export * from './replication-controller.js';
export * from './tls-ingress.js';
