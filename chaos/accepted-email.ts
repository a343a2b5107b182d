import type { StoredEmail } from '../functions/local/ses-local.js';

/** An email the local SES accepted, as the proxy saw the call and its answer. */
export interface AcceptedEmail {
  messageId: string;
  at: number;
  email: StoredEmail;
  tags: Record<string, string>;
}

interface SendEmailBody {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[] };
  Content?: { Simple?: { Subject?: { Data?: string }; Headers?: { Name: string; Value: string }[] } };
  EmailTags?: { Name: string; Value: string }[];
}

/** The email a `SendEmail` call carried and the message id SES answered it with; undefined when either is unreadable. */
export function acceptedEmail(requestBody: string, responseBody: string, at: number): AcceptedEmail | undefined {
  try {
    const request = JSON.parse(requestBody) as SendEmailBody;
    const messageId = (JSON.parse(responseBody) as { MessageId?: string }).MessageId;
    if (!messageId) return undefined;
    return {
      messageId,
      at,
      email: {
        messageId,
        from: request.FromEmailAddress ?? '',
        destination: { to: request.Destination?.ToAddresses ?? [], cc: [], bcc: [] },
        subject: request.Content?.Simple?.Subject?.Data ?? '',
        body: {},
        headers: (request.Content?.Simple?.Headers ?? []).map((h) => ({ name: h.Name, value: h.Value })),
        at: Math.floor(at / 1000),
      },
      tags: Object.fromEntries((request.EmailTags ?? []).map((t) => [t.Name, t.Value])),
    };
  } catch {
    return undefined;
  }
}
