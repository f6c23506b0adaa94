/** Editing the line of JSON a render cache entry starts with (lib/cli/render-entry.ts), for the tests that craft entries. */

/** An edit of an entry's line by its value: `change` gets it parsed, and changes it in place. */
export const changeLine =
  (change: (head: any) => void) =>
  (line: string): string => {
    const head = JSON.parse(line);
    change(head);
    return JSON.stringify(head);
  };
