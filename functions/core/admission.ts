import { checkMessageClass } from './message-class.js';
import type { Problem } from './model.js';
import type { TemplateStore } from './ports.js';
import type { SendRequest } from './request.js';

/** What the rules read of a request: the template and the class of the message. */
export type AdmissionInput = Pick<SendRequest, 'template' | 'category' | 'topic' | 'channels'>;

/**
 * Why the orchestrator would reject a well-formed request before reading any table, by its own
 * rules and in its own words: the template must be in the bundle, and its category and topic
 * must pass the topic registry. None when it would be admitted.
 */
export function admissionProblems(request: AdmissionInput, templates: TemplateStore): Problem[] {
  return admissionRefusal(request, templates)?.problems ?? [];
}

/** The same rules with the code the orchestrator records and counts a refusal under; undefined when admitted. */
export function admissionRefusal(request: AdmissionInput, templates: TemplateStore): { code: 'UNKNOWN_TEMPLATE' | 'INVALID_MESSAGE_CLASS'; problems: Problem[] } | undefined {
  const template = templates.get(request.template);
  if (!template) return { code: 'UNKNOWN_TEMPLATE', problems: [{ path: 'template', message: `unknown template "${request.template}"` }] };
  const checked = checkMessageClass(request, template.manifest, templates.topics());
  return checked.ok ? undefined : { code: 'INVALID_MESSAGE_CLASS', problems: checked.problems };
}
