import { describe, expect, it } from 'vitest';
import type { LoadedStage } from '../lib/config/load.js';
import { ProblemsError, type Problem } from '../lib/errors.js';
import type { KubeObject } from '../lib/model/object.js';
import { placedImageProblems } from '../lib/stage-images.js';
import { substituteImages } from '../lib/transforms/images.js';

/** A Knative Service in namespace pi whose one container, with no name (Knative names it), runs `image`. */
const knative = (name: string, image: string): KubeObject =>
  ({
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name, namespace: 'pi' },
    spec: { template: { spec: { containers: [{ image }] } } },
  }) as unknown as KubeObject;

/** The problems of the images transform on an arm stage 'pi' with no images: entries. */
function noBuilds(objects: KubeObject[]): Problem[] {
  try {
    substituteImages(objects, { architecture: 'arm', stage: { substitute: {}, native: [] }, stageName: 'pi' });
  } catch (e) {
    if (e instanceof ProblemsError) return [...e.problems];
  }
  throw new Error('no problems');
}

const loaded = {
  apps: [{ name: 'hello', settings: {} }],
  context: { architecture: 'arm', images: { substitute: {}, native: [] }, name: 'pi' },
  source: 'environments/pi.yaml',
  locate: () => ({ file: 'environments/pi.yaml', line: 1, column: 1 }),
} as unknown as LoadedStage;

describe('an image with no build for the stage, said once for the objects that run it', () => {
  it("names a container with no name (a Knative Service's) by its place, never 'container undefined'", () => {
    const problems = noBuilds([knative('hello', 'team/hello:1'), knative('bye', 'team/hello:1')]);
    const [one] = placedImageProblems(problems, problems, loaded);
    expect(one.message).toMatch(
      /it runs in Service pi\/hello \(container containers\[0\]\) and Service pi\/bye \(container containers\[0\]\)$/,
    );
    expect(one.message).not.toContain('undefined');
  });
});
