import { readFileSync } from 'node:fs';
import type { TemplateStore } from '../core/ports.js';
import type { CompiledTemplate, TemplateBundle } from '../core/templates.js';

/** Templates from the bundle the build step wrote; loaded once per cold start, never re-read. */
export class BundleTemplateStore implements TemplateStore {
  private readonly templates: ReadonlyMap<string, CompiledTemplate>;

  constructor(bundle: TemplateBundle) {
    if (bundle.formatVersion !== 1) throw new Error(`unsupported template bundle format ${String(bundle.formatVersion)}`);
    this.templates = new Map(Object.entries(bundle.templates));
  }

  get(templateId: string): CompiledTemplate | undefined {
    return this.templates.get(templateId);
  }

  ids(): string[] {
    return [...this.templates.keys()].sort();
  }
}

const loaded = new Map<string, TemplateBundle>();

/**
 * Reads a bundle once per path and process: synchronous on purpose, since it runs at cold start
 * before the first event, and warm invocations must not touch the disk again.
 */
export function loadTemplateBundle(path: string): TemplateBundle {
  const cached = loaded.get(path);
  if (cached) return cached;
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!isBundle(parsed)) throw new Error(`${path} is not a template bundle (formatVersion 1 with a templates object)`);
  loaded.set(path, parsed);
  return parsed;
}

function isBundle(value: unknown): value is TemplateBundle {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<TemplateBundle>;
  return candidate.formatVersion === 1 && typeof candidate.templates === 'object' && candidate.templates !== null;
}
