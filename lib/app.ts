import type { App, Environment } from 'aws-cdk-lib';
import { ACCOUNT_STACK_NAME, SwitchboardAccountStack } from './account-stack.js';
import type { AccountSettings, Settings } from './settings.js';
import { type HandlerName, SwitchboardStack } from './switchboard-stack.js';

export interface SwitchboardAppProps {
  account: AccountSettings;
  /** One stack per stage; each depends on the account stack, none on another. */
  stages: Settings[];
  /** The absolute entry path of every handler. */
  entries: Record<HandlerName, string>;
  /** Absolute path of the compiled templates bundle. */
  templateBundle: string;
  env?: Environment;
}

export interface SwitchboardApp {
  account: SwitchboardAccountStack;
  stages: SwitchboardStack[];
}

/** The stage stack's name: `Switchboard-<stage>`. */
export const stageStackName = (settings: Settings) => `Switchboard-${settings.stage}`;

/**
 * The account stack and the given stages in `app`. `cdk deploy Switchboard-<stage>` deploys the
 * account stack first when it changed; `cdk destroy Switchboard-<stage>` leaves it alone.
 */
export function addSwitchboard(app: App, props: SwitchboardAppProps): SwitchboardApp {
  const env = props.env ?? {};
  const account = new SwitchboardAccountStack(app, ACCOUNT_STACK_NAME, {
    description: 'Switchboard account-level resources, shared by every stage (SMS delivery status, API Gateway logging role)',
    env,
    settings: props.account,
    smsStatusFanOutEntry: props.entries.smsStatusFanOut,
    tags: { application: 'switchboard', stage: 'account' },
  });
  const stages = props.stages.map((settings) => {
    const stack = new SwitchboardStack(app, stageStackName(settings), {
      description: `Switchboard multi-channel messaging (${settings.stage})`,
      env,
      settings,
      entries: props.entries,
      templateBundle: props.templateBundle,
      tags: { application: 'switchboard', stage: settings.stage },
    });
    stack.addStackDependency(account, 'SMS delivery status and the API Gateway logging role are account-wide');
    return stack;
  });
  return { account, stages };
}
