import type { Template } from 'aws-cdk-lib/assertions';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}
type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/**
 * The allowed actions of one role, grouped by a readable resource name: a table's logical name
 * (`deliveries`, `deliveries/index/byCustomer`), a queue's logical id, or the literal ARN text.
 * Exact-equality assertions on this catch both missing and surplus permissions.
 */
export function grantsOf(template: Template, rolePrefix: string): Record<string, string[]> {
  const resources = template.toJSON().Resources as Resources;
  const grants: Record<string, Set<string>> = {};
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' || !id.startsWith(rolePrefix)) continue;
    const document = resource.Properties.PolicyDocument as { Statement: Statement[] };
    for (const statement of document.Statement) {
      if (statement.Effect !== 'Allow') continue;
      const actions = ([] as string[]).concat(statement.Action);
      for (const target of ([] as unknown[]).concat(statement.Resource)) {
        const allowed = (grants[describe(target)] ??= new Set());
        for (const action of actions) allowed.add(action);
      }
    }
  }
  return Object.fromEntries(Object.entries(grants).map(([target, actions]) => [target, [...actions].sort()]));
}

function describe(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  const text = JSON.stringify(resource);
  const table = /Tables(\w+?)Table[0-9A-F]{8}/.exec(text);
  if (table?.[1]) {
    const name = table[1].toLowerCase();
    const index = /\/index\/([\w-]+)/.exec(text);
    return index?.[1] ? `${name}/index/${index[1]}` : name;
  }
  const getAtt = /"Fn::GetAtt":\["(\w+)","Arn"\]/.exec(text);
  if (getAtt?.[1]) return getAtt[1];
  return render(resource);
}

/** `{ Fn::Join: ['', ['arn:', { Ref: 'AWS::Partition' }, …]] }` → `arn:<Partition>:…`; `{ Fn::GetAtt: [id, 'Arn'] }` → `<id.Arn>`. */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as { Ref?: string; 'Fn::Join'?: [string, unknown[]]; 'Fn::GetAtt'?: [string, string] };
  if (node.Ref) return `<${node.Ref.replace(/^AWS::/, '')}>`;
  if (node['Fn::GetAtt']) return `<${node['Fn::GetAtt'].join('.')}>`;
  if (node['Fn::Join']) return node['Fn::Join'][1].map(render).join(node['Fn::Join'][0]);
  return JSON.stringify(value);
}
