/** Project and stage files for the delivery tests. */

/** A stage file deploying one small app, delivered as `delivery` says (not at all when empty). */
export const deliveredStageFile = (delivery: string, extra = '') =>
  `apps:\n  nginx: { image: nginx:1.25, replicas: 1 }\n${delivery ? `delivery: ${delivery}\n` : ''}${extra}`;

/** A project file delivering with Flux: to `nonprod` through a kubeconfig Secret, to `prod` by its server. */
export const FLUX_PROJECT = `delivery:
  engine: flux
  repository: { url: https://git.example.com/team/app.git, revision: main }
  clusters:
    nonprod: { kubeConfigSecret: nonprod-kubeconfig }
    prod: { server: https://prod.example.com:6443 }
`;
