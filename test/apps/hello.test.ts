import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { StageLoader } from '../../lib/config/load.js';
import { renderStage } from '../../lib/synth/render.js';
import { repoStage } from '../helpers/cli.js';

const loader = new StageLoader(STACKS);
const render = (text: string) => renderStage(loader.load(text, 'environments/mink8s.yaml') as never, STACKS, '0.0.0');

describe('the hello static pod', () => {
  it('is busybox echoing "hello world!" once, on node mink8s, in default', () => {
    const [hello] = render(repoStage('mink8s')).nodeFiles.filter((f) => f.app === 'hello');
    expect([hello.node, hello.file]).toEqual(['mink8s', 'hello.yaml']);
    expect(hello.document).toMatchObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'hello', namespace: 'default' },
      spec: { restartPolicy: 'OnFailure', containers: [{ name: 'hello', image: 'busybox', command: ['echo', 'hello world!'] }] },
    });
  });

  it('runs on the nodes the stage file lists', () => {
    const r = render('nodes: {a: {}, b: {}, c: {}}\napps:\n  hello: {nodes: [c, a], message: hi}\n');
    expect(r.nodeFiles.map((f) => `${f.node}/${f.file}`)).toEqual(['a/hello.yaml', 'c/hello.yaml']);
    expect((r.nodeFiles[0].document as any).spec.containers[0].command).toEqual(['echo', 'hi']);
  });

  it('names only nodes of the stage', () => {
    expect(() => render('nodes: {a: {}}\napps:\n  hello: {nodes: [a, b]}\n')).toThrow(
      "environments/mink8s.yaml:3:22: apps.hello.nodes[1] names no node of the stage (found 'b')\n  hint: the stage's nodes are: a",
    );
    expect(() => render('apps:\n  hello: {}\n')).toThrow('apps.hello needs the stage to name its nodes (found none)');
  });
});
