import { Construct } from 'constructs';
import { kplus } from '../k8s.js';

export interface ConfigReaderAccountProps {
  /** Name of the ServiceAccount, its Role and their RoleBinding. */
  readonly name: string;
  /** Namespace of the ServiceAccount: a RoleBinding's subject must name it. */
  readonly namespace: string;
  /** The ConfigMaps the account may read (and nothing else). */
  readonly configMaps: readonly kplus.IConfigMap[];
  /**
   * Whether pods of this account get an API token.
   * @default false
   */
  readonly automountToken?: boolean;
}

/**
 * An app's own identity: a ServiceAccount, a Role that may only `get` the app's ConfigMaps (by
 * name), and the RoleBinding between them.
 */
export class ConfigReaderAccount extends Construct {
  readonly serviceAccount: kplus.ServiceAccount;
  readonly role: kplus.Role;
  readonly name: string;

  constructor(scope: Construct, id: string, props: ConfigReaderAccountProps) {
    super(scope, id);
    if (props.configMaps.length === 0) throw new Error(`ServiceAccount '${props.name}': 'configMaps' must not be empty`);
    this.name = props.name;
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: props.name, namespace: props.namespace },
      automountToken: props.automountToken ?? false,
    });
    this.role = new kplus.Role(this, 'Role', { metadata: { name: props.name } });
    this.role.allow(['get'], ...props.configMaps);
    const binding = new kplus.RoleBinding(this, 'RoleBinding', { metadata: { name: props.name }, role: this.role });
    binding.addSubjects(this.serviceAccount);
  }
}
