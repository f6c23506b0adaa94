/**
 * The schemas of a container's environment in the service stack's settings (the cron stack's too):
 * variable names, variables from keys of Secrets and ConfigMaps, and environments read whole.
 */
import { ConfigKey, Mapping, Settings, SecretName, SubdomainName, Type } from '../../lib/config/types.js';
import { MAX_CONFIG_KEY } from '../../lib/model/config-key.js';

const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';
/** What an environment variable name is, as messages say it (not as its pattern). */
const ENV_NAME = "an environment variable name (letters, digits and '_', not starting with a digit)";
/** An environment variable name. */
export const EnvName = Type.String({ pattern: ENV_NAME_PATTERN, expected: ENV_NAME });
/** A ConfigMap or Secret key. */
export const KeyName = ConfigKey('a key');

/** Environment variables read from keys of an object the stage declares (a Secret) or has (a ConfigMap). */
export const KeyRefs = (what: string) =>
  Type.Optional(
    Mapping(
      SubdomainName(`a ${what} name`, { description: `Name of the ${what}.` }),
      Mapping(EnvName, KeyName, { description: 'Environment variable -> key.' }),
      {
        description: `Environment variables from keys of ${what}s, by ${what} name: { <${what}>: { <VARIABLE>: <key> } }. @default - none`,
      },
    ),
  );

/**
 * Environments read whole (`envFrom`): every key of a Secret or ConfigMap a variable of its name. A
 * Secret's keys are listed, as `secrets:` lists them, since the stage makes the Secret (`npm run
 * secrets`); each must be a variable name, or the kubelet would skip it (an event, no error).
 */
export const EnvFrom = Type.Optional(
  Settings(
    {
      secrets: Type.Optional(
        Mapping(
          SecretName({ description: 'Name of the Secret.' }),
          Type.Array(
            Type.String({
              pattern: ENV_NAME_PATTERN,
              maxLength: MAX_CONFIG_KEY,
              expected: `a key that is ${ENV_NAME}`,
            }),
            { minItems: 1, uniqueItems: true, description: 'Its keys, each a variable of its name.' },
          ),
          {
            minProperties: 1,
            description:
              'Secrets read whole, with their keys: { <secret>: [API_TOKEN, SENTRY_DSN] }; declared by name and keys as secrets: are, printed by npm run secrets. @default - none',
          },
        ),
      ),
      configMaps: Type.Optional(
        Type.Array(SubdomainName('a ConfigMap name', { description: "A ConfigMap the stage has (a manifests app's), by name." }), {
          minItems: 1,
          uniqueItems: true,
          description: 'ConfigMaps read whole, by name; each must be in the stage. @default - none',
        }),
      ),
    },
    {
      minProperties: 1,
      description:
        'Environment variables from every key of Secrets and ConfigMaps; a variable env, secrets: or configMaps: set too is refused, since one of the two would be lost. @default - none',
    },
  ),
);
