/**
 * The load-time rule of a stage's `images.substitute` that its schema cannot say, as it ties an
 * entry's image to its key: a key without a tag or digest is a repository, mapping every tag of it,
 * so its image keeps the tag (no tag of its own, or `{tag}` in it); a key with one maps that image
 * only, to the image written (no `{tag}`: there is no tag to put in). Pure.
 */
import type { PathProblem } from '../errors.js';
import { formatFieldPath as dotted } from '../model/field-path.js';
import { TAG_PLACEHOLDER, imageParts } from '../model/image.js';

/** Every entry of `substitute` whose image contradicts its key. */
export function refineStageImages(images: { readonly substitute?: Readonly<Record<string, string>> } | undefined): PathProblem[] {
  const problems: PathProblem[] = [];
  for (const [from, to] of Object.entries(images?.substitute ?? {})) {
    const key = imageParts(from);
    const path = ['images', 'substitute', from];
    if (key.tag !== undefined || key.digest !== undefined) {
      if (!to.includes(TAG_PLACEHOLDER)) continue;
      problems.push({
        code: 'images/substitute-rule',
        path,
        message: `${dotted(path)} is '${to}', but its key names one image: '${TAG_PLACEHOLDER}' stands for the tag of the images that a repository key (without a tag) maps`,
        hint: `write the image to run in place of '${from}' in full, or key the entry by its repository ('${key.name}') to map every tag`,
      });
      continue;
    }
    const value = imageParts(to);
    if (value.digest === undefined && (value.tag === undefined || value.tag.includes(TAG_PLACEHOLDER))) continue;
    problems.push({
      code: 'images/substitute-rule',
      path,
      message:
        `${dotted(path)} maps every tag of ${from} (a key without a tag is a repository), ` +
        `but '${to}' would run that one image for all of them, whatever release the stage asks for`,
      hint:
        `keep the tag: '${value.name}' runs the same tag there, '${value.name}:${TAG_PLACEHOLDER}-<suffix>' puts it into another tag; ` +
        `or name the one image it replaces in the key ('${from}:<tag>')`,
    });
  }
  return problems;
}
