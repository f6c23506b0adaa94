import { beforeEach, describe, expect, it } from 'vitest';
import { ProblemsError } from '../../lib/errors.js';
import { forgetSpares, roomFreedFor, spareRoom, withRoom } from '../../lib/synth/full-disk.js';

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

describe('roomFreedFor', () => {
  const problem = (code: string) => ({ code, message: 'writing dist/qa/web.yaml: it cannot be written' });
  // a command's start: nothing registered, nothing freed yet
  beforeEach(forgetSpares);

  it("frees this thread's room for another thread's full disk, given as its error or as the problems withFs made of it, with Node.js's words", () => {
    const seen: (string | undefined)[][] = [];
    const unspare = spareRoom((e) => {
      seen.push([(e as NodeJS.ErrnoException).code, e.message]);
      return true;
    });
    try {
      expect(roomFreedFor(full())).toBe(true);
      expect(roomFreedFor(new ProblemsError([problem('fs/edquot')]))).toBe(true);
    } finally {
      unspare();
    }
    expect(seen).toEqual([
      ['ENOSPC', 'ENOSPC: no space left on device'],
      ['EDQUOT', 'EDQUOT: disk quota exceeded'],
    ]);
  });

  it('frees nothing for any other error, problems that are not all one want of room, or where nothing registered frees room', () => {
    let asked = 0;
    const unspare = spareRoom(() => {
      asked++;
      return true;
    });
    try {
      expect(roomFreedFor(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }))).toBe(false);
      expect(roomFreedFor(new Error('a bug'))).toBe(false);
      expect(roomFreedFor(new ProblemsError([problem('fs/enospc'), problem('synth/foreign-file')]))).toBe(false);
      expect(roomFreedFor(new ProblemsError([]))).toBe(false);
      expect(roomFreedFor(new ProblemsError([problem('fs/constructor')]))).toBe(false);
      expect(asked).toBe(0);
    } finally {
      unspare();
    }
    const none = spareRoom(() => false);
    try {
      expect(roomFreedFor(full())).toBe(false);
    } finally {
      none();
    }
  });

  it("tells a second worker's full disk, handed back after the first's gave the packs up (the render cache's spare frees once, then unregisters), that room was freed: its stage is compiled here too, never 'the disk is full' for room already freed; a new command starts afresh", () => {
    const unspare = spareRoom(() => {
      unspare();
      return true;
    });
    expect(roomFreedFor(full())).toBe(true);
    // nothing left registered: the second refusal (two workers' errors received in one pass) may predate the freeing
    expect(roomFreedFor(new ProblemsError([problem('fs/enospc')]))).toBe(true);
    expect(roomFreedFor(full('EDQUOT'))).toBe(true);
    // a read-only disk or a bug: never room, whatever was freed
    expect(roomFreedFor(Object.assign(new Error('EROFS: read-only file system, open'), { code: 'EROFS' }))).toBe(false);
    expect(roomFreedFor(new Error('a bug'))).toBe(false);
    forgetSpares();
    expect(roomFreedFor(full())).toBe(false);
  });
});
