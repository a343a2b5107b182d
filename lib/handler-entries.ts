import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Lambda entry points, relative to the repository root; each exports `handler`. */
export const HANDLER_ENTRIES = {
  orchestrator: 'functions/orchestrator/handler.ts',
  feedback: 'functions/feedback/handler.ts',
  inboxApi: 'functions/inbox-api/handler.ts',
  historyApi: 'functions/history-api/handler.ts',
  profileApi: 'functions/profile-api/handler.ts',
  unsubscribe: 'functions/unsubscribe/handler.ts',
  preferences: 'functions/preferences/handler.ts',
} as const;

export type HandlerName = keyof typeof HANDLER_ENTRIES;
export type HandlerEntries = Partial<Record<HandlerName, string>>;

/** The entries that exist in this checkout, as absolute paths; the stack wires only these. */
export function presentHandlerEntries(root: string): { present: HandlerEntries; missing: HandlerName[] } {
  const present: HandlerEntries = {};
  const missing: HandlerName[] = [];
  for (const [name, relative] of Object.entries(HANDLER_ENTRIES) as [HandlerName, string][]) {
    const path = join(root, relative);
    if (existsSync(path)) present[name] = path;
    else missing.push(name);
  }
  return { present, missing };
}
