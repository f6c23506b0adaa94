/**
 * The app's Deployments and their autoscalers: one Deployment `<name>` rolling in place, or, when
 * the stage runs the app blue/green (section D), `<name>-blue` and `<name>-green`, each with its
 * own image, and the labels by which the Service picks the live one.
 */
import type { Chart } from 'cdk8s';
import { imageVersion } from '../../lib/stack.js';
import { COLORS, COLOR_LABEL, colorName } from '../../lib/release.js';
import { AppDeployment, type AppDeploymentProps, CpuAutoscaler } from '../../lib/constructs/index.js';
import type { BlueGreenSettings } from '../../lib/release.js';

/** The settings these helpers read: demoapp's, and those of any stack with the same release settings (service). */
export interface ReleasedAppSettings {
  readonly image?: string;
  readonly blueGreen?: BlueGreenSettings;
  readonly autoscaling?: { readonly minReplicas: number; readonly maxReplicas: number; readonly cpuUtilization?: number };
}

/** What every Deployment of the instance shares: all but its name, image, release and selector, and whether it is autoscaled (the settings say). */
export type SharedDeploymentProps = Omit<AppDeploymentProps, 'name' | 'containerName' | 'image' | 'version' | 'selector' | 'autoscaled'>;

/** One Deployment the instance runs. */
export interface AppRelease {
  /** Suffix of its constructs' ids (`''`, `-blue`, `-green`). */
  readonly idSuffix: string;
  /** `metadata.name` of the Deployment and of its autoscaler. */
  readonly name: string;
  readonly image: string;
  /** Labels of its pods, which its selector matches. */
  readonly selector: Readonly<Record<string, string>>;
}

/**
 * The Deployments of instance `name`. Blue/green pods carry `color` beside `name`, so that each
 * Deployment selects only its own pods and the Service can pick one color.
 */
export function appReleases(name: string, s: ReleasedAppSettings): AppRelease[] {
  const bg = s.blueGreen;
  // the refine step guarantees image when there is no blueGreen
  if (!bg) return [{ idSuffix: '', name, image: s.image!, selector: { name } }];
  return COLORS.map((color) => ({
    idSuffix: `-${color}`,
    name: colorName(name, color),
    image: bg[color],
    selector: { name, [COLOR_LABEL]: color },
  }));
}

/** The labels the Service `name` selects: every pod of the app, or only the live color's. */
export function serviceSelector(name: string, s: ReleasedAppSettings): Record<string, string> {
  return s.blueGreen ? { name, [COLOR_LABEL]: s.blueGreen.live } : { name };
}

/**
 * Adds the Deployments of `appReleases` to `chart`, each with its own image and version label and
 * an autoscaler when the stage autoscales; everything else comes from `shared`. An autoscaled
 * Deployment has no `spec.replicas`: its autoscaler (one per color, each scaling its own color's
 * Deployment) sets the count, which a `kubectl apply` would otherwise set back.
 */
export function addAppDeployments(chart: Chart, name: string, s: ReleasedAppSettings, shared: SharedDeploymentProps): AppDeployment[] {
  return appReleases(name, s).map((r) => {
    const version = imageVersion(r.image);
    const deployment = new AppDeployment(chart, `deployment${r.idSuffix}`, {
      ...shared,
      replicas: s.autoscaling ? undefined : shared.replicas,
      autoscaled: s.autoscaling !== undefined,
      name: r.name,
      // one container name in both colors: `kubectl set image deployment/<name>-green <name>=...` as for a rolling app
      containerName: name,
      image: r.image,
      version,
      selector: r.selector,
    });
    if (s.autoscaling) {
      // the version of the Deployment it scales, not the chart's: a color's objects carry its own release
      new CpuAutoscaler(chart, `autoscaler${r.idSuffix}`, {
        name: r.name,
        deploymentName: deployment.name,
        version,
        minReplicas: s.autoscaling.minReplicas,
        maxReplicas: s.autoscaling.maxReplicas,
        cpuUtilization: s.autoscaling.cpuUtilization,
      });
    }
    return deployment;
  });
}
