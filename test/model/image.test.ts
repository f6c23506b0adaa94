import { describe, expect, it } from 'vitest';
import { imageVersion, releaseVersion, repositoryOf, withTagOf } from '../../lib/model/image.js';

describe('imageVersion', () => {
  it.each([
    ['demoapp:1.10', '1.10'],
    ['demoapp', 'latest'],
    ['localhost:5000/team/app', 'latest'],
    ['localhost:5000/team/app:2', '2'],
    ['demoapp:1.1@sha256:' + 'ab'.repeat(32), `sha256-${'ab'.repeat(28)}`],
  ])('is the tag or the digest of %s, as a label value', (image, version) => {
    expect(imageVersion(image)).toBe(version);
  });

  it('makes a label value of a tag no label value can be: cut to 63 characters, without a trailing or leading . - _', () => {
    expect(imageVersion('demoapp:1.1-')).toBe('1.1');
    expect(imageVersion('demoapp:_1.1_.')).toBe('1.1');
    expect(imageVersion(`demoapp:1.${'v'.repeat(70)}`)).toBe(`1.${'v'.repeat(61)}`);
    expect(imageVersion(`demoapp:${'1'.repeat(62)}-x`)).toBe('1'.repeat(62));
  });
});

describe('releaseVersion', () => {
  const digest = `sha256:${'ab'.repeat(32)}`;

  it('reads a version, an image or a digest as the label the image gives', () => {
    expect(releaseVersion('1.1')).toBe('1.1');
    expect(releaseVersion('demoapp:1.1')).toBe('1.1');
    expect(releaseVersion('registry:5000/demoapp')).toBe('latest');
    expect(releaseVersion(digest)).toBe(imageVersion(`demoapp@${digest}`));
    expect(releaseVersion(`demoapp@${digest}`)).toBe(imageVersion(`demoapp@${digest}`));
    expect(releaseVersion('1.1-')).toBe(imageVersion('demoapp:1.1-'));
  });
});

describe('repositoryOf', () => {
  it('gives one repository for the ways Docker Hub images are written, keeping a registry and its port', () => {
    expect(['nginx:1', 'library/nginx', 'docker.io/library/nginx:2', 'index.docker.io/library/nginx@sha256:ab'].map(repositoryOf)).toEqual([
      'nginx',
      'nginx',
      'nginx',
      'nginx',
    ]);
    expect(['team/api:1', 'docker.io/team/api:2'].map(repositoryOf)).toEqual(['team/api', 'team/api']);
    expect(repositoryOf('localhost:5000/team/api:1')).toBe('localhost:5000/team/api');
    expect(repositoryOf('quay.io/library/api')).toBe('quay.io/library/api');
  });
});

describe('withTagOf', () => {
  it("puts the image's tag on the substitute's repository, or into its {tag}", () => {
    expect(withTagOf('registry.local/app-arm', 'team/app:1.4')).toBe('registry.local/app-arm:1.4');
    expect(withTagOf('registry.local/app:{tag}-arm', 'team/app:1.4')).toBe('registry.local/app:1.4-arm');
    expect(withTagOf('registry.local/app:{tag}-arm', 'team/app')).toBe('registry.local/app:latest-arm');
  });

  it('gives no image for one pinned by digest, whose digest is of another repository: it never drops the digest', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    for (const image of [`team/app@${digest}`, `team/app:1.4@${digest}`])
      for (const to of ['registry.local/app-arm', 'registry.local/app:{tag}-arm'])
        expect(() => withTagOf(to, image)).toThrow(`withTagOf: '${image}' is pinned by digest, which no repository substitute maps`);
  });
});
