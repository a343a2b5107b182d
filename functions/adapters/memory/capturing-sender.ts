import type { Channel } from '../../core/model.js';
import type { ChannelSender, OutboundMessage, SendResult } from '../../core/ports.js';

/**
 * Records what would have been sent and answers with scripted results, so a dry run sends
 * nothing and a test can make a provider fail on cue. With no script left it answers SENT.
 */
export class CapturingSender<C extends Channel> implements ChannelSender<C> {
  readonly sent: OutboundMessage<C>[] = [];
  private readonly script: SendResult[];

  constructor(
    readonly channel: C,
    script: SendResult[] = [],
  ) {
    this.script = [...script];
  }

  async send(message: OutboundMessage<C>): Promise<SendResult> {
    this.sent.push(message);
    return this.script.shift() ?? { outcome: 'SENT', providerMessageId: `${this.channel}-${this.sent.length}` };
  }
}
