/**
 * The traced lookups of an index (object-index.ts): given the identity of each object (the digest
 * of its document), every lookup a check makes on one object is recorded with what it found
 * (`traced`), and a later index, over other objects, tells whether each of those lookups still
 * finds the same (`holds`): then the check would find the same on that object, and what it found
 * is reused (lib/checks/check-run.ts). A lookup is recorded as the query it was (JSON, or a `get`'s
 * key) and the identities of the objects it found, so any object added, removed, changed or
 * reordered among them shows. What a query finds is the index's to say (`IndexAnswers`); this keeps
 * the recording, the answers worked out once and the identities.
 */
import type { Trace } from '../model/kept-checks.js';
import { objectHandle, type KubeObject } from '../model/object.js';
import { GET, type Got, type Query, short } from './object-keys.js';

/** What the index answers a traced lookup with, asked when a trace is checked (`holds`). */
export interface IndexAnswers {
  /** The object filed under a `get`'s key (`get:<group>/<kind>/<namespace>/<name>`), the first defined. */
  readonly atKey: (key: string) => KubeObject | undefined;
  /** What any other query finds, as text (`LookupTraces.identities` of the objects, or the names). */
  readonly evaluate: (query: Query) => string;
}

export class LookupTraces {
  /** The lookups made since `traced` began, if it did. */
  private recording: Trace[] | undefined;
  /** Query -> what it finds, worked out once. */
  private readonly found = new Map<string, string>();

  /**
   * @param identity the identity of an object's content (two objects with one identity must be the same); without it nothing is traced
   * @param index what the index's lookups find
   */
  constructor(
    private readonly identity: ((o: KubeObject) => string) | undefined,
    private readonly index: IndexAnswers,
  ) {}

  /**
   * Runs `check` on `subject`, recording each lookup it makes and what that found; undefined traces
   * when there are no identities (nothing is recorded). The subject is an argument, so that one
   * check function serves every object of a run.
   */
  traced<S, T>(check: (subject: S) => T, subject: S): { result: T; traces?: Trace[] } {
    if (!this.identity) return { result: check(subject) };
    this.recording = [];
    try {
      return { result: check(subject), traces: this.recording };
    } finally {
      this.recording = undefined;
    }
  }

  /** Whether each lookup of `traces` finds in the index what it found when traced (always false without identities). */
  holds(traces: readonly Trace[]): boolean {
    if (!this.identity) return false;
    for (let i = 0; i < traces.length; i++) if (this.answer(traces[i][0]) !== traces[i][1]) return false;
    return true;
  }

  /** Records a `get` and what it found, when lookups are traced: as its key, checked again without parsing. */
  noteGet(got: Got): void {
    if (this.recording) this.recording.push((got.trace ??= [got.key, got.found ? this.identityOf(got.found) : '']));
  }

  /**
   * Records `query` and what it finds, when lookups are traced. `found`: the workloads the caller's
   * lookup found, which are what the query finds (the index's `evaluate`): not looked up a second time.
   */
  note(query: Query, found?: readonly { readonly object: KubeObject }[]): void {
    if (!this.recording) return;
    const text = JSON.stringify(query);
    let answer = found && this.found.get(text);
    if (found && answer === undefined) this.found.set(text, (answer = this.identities(found.map((w) => w.object))));
    this.recording.push([text, answer ?? this.answer(text)]);
  }

  /** The identities of `objects` in order, as a query's answer (hashed when long). */
  identities(objects: readonly KubeObject[]): string {
    return short(objects.map((o) => this.identityOf(o)).join(' '));
  }

  /** What `query` finds, as text: the identities of the objects found (hashed when long), or the names. */
  private answer(query: string): string {
    if (query.startsWith(GET)) {
      const o = this.index.atKey(query);
      return o ? this.identityOf(o) : '';
    }
    let found = this.found.get(query);
    if (found !== undefined) return found;
    // the index's own lookups while it answers (namesOf notes its query) are not the check's
    const recording = this.recording;
    this.recording = undefined;
    try {
      found = this.index.evaluate(JSON.parse(query) as Query);
    } catch {
      found = '\0not a query'; // a trace from elsewhere never holds
    } finally {
      this.recording = recording;
    }
    this.found.set(query, found);
    return found;
  }

  /** The identity of `o`'s content; a nameless object's with its handle, which messages show. */
  private identityOf(o: KubeObject): string {
    return typeof o.metadata?.name === 'string' ? this.identity!(o) : `${this.identity!(o)}#${objectHandle(o)}`;
  }
}
