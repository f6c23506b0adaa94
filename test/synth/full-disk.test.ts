import { describe, expect, it } from 'vitest';
import { spareRoom, withRoom } from '../../lib/synth/full-disk.js';

const full = (code = 'ENOSPC') => Object.assign(new Error(`${code}: no space left on device, write`), { code, syscall: 'write' });

describe('withRoom', () => {
  it('writes once more when the disk is full and something registered freed room', () => {
    let tries = 0;
    const seen: string[] = [];
    const unspare = spareRoom((e) => {
      seen.push(e.message);
      return true;
    });
    try {
      expect(
        withRoom(() => {
          if (tries++ === 0) throw full('EDQUOT');
          return 'written';
        }),
      ).toBe('written');
    } finally {
      unspare();
    }
    expect(tries).toBe(2);
    expect(seen).toEqual(['EDQUOT: no space left on device, write']);
  });

  it('throws the full disk when nothing registered frees room, and after it was unregistered', () => {
    const unspare = spareRoom(() => false);
    try {
      expect(() =>
        withRoom(
          () =>
            void (() => {
              throw full();
            })(),
        ),
      ).toThrow('ENOSPC: no space left on device, write');
    } finally {
      unspare();
    }
    let called = false;
    spareRoom(() => (called = true))();
    expect(() =>
      withRoom(() => {
        throw full();
      }),
    ).toThrow('ENOSPC');
    expect(called).toBe(false);
  });

  it('throws any other error at once, nothing freed', () => {
    let called = false;
    const unspare = spareRoom(() => (called = true));
    try {
      expect(() =>
        withRoom(() => {
          throw Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES' });
        }),
      ).toThrow('EACCES: permission denied, open');
    } finally {
      unspare();
    }
    expect(called).toBe(false);
  });

  it('writes only twice: a disk still full after the room freed is the error', () => {
    let tries = 0;
    const unspare = spareRoom(() => true);
    try {
      expect(() =>
        withRoom(() => {
          tries++;
          throw full();
        }),
      ).toThrow('ENOSPC');
    } finally {
      unspare();
    }
    expect(tries).toBe(2);
  });
});
