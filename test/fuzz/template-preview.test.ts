import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { createTemplatePreview } from '../../functions/template-preview/handler.js';
import { expectBoundedProblems, fuzz, hostileString, pathSegment } from './hostile.js';

const dir = mkdtempSync(join(tmpdir(), 'switchboard-preview-fuzz-'));
const previews = [createTemplatePreview({ templatesDir: dir, basePath: '/' }), createTemplatePreview({ templatesDir: dir, basePath: '/templates' })];
afterAll(() => {
  for (const preview of previews) preview.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

/** Just enough of a request and a response for the handler, which only reads the URL. */
async function serve(preview: (typeof previews)[number], url: string): Promise<{ handled: boolean; answer: Answer }> {
  const answer: Answer = { body: '' };
  const req = { url, method: 'GET', headers: {}, on: () => req } as unknown as IncomingMessage;
  const res = {
    writeHead(status: number, headers: Record<string, string>) {
      Object.assign(answer, { status, headers });
      return res;
    },
    write: () => true,
    end(body?: string) {
      answer.body += body ?? '';
      return res;
    },
  } as unknown as ServerResponse;
  return { handled: await preview.handle(req, res), answer };
}

const url = fc.oneof(
  fc.array(pathSegment, { minLength: 1, maxLength: 3 }).map((segments) => `/${segments.join('/')}`),
  fc.array(pathSegment, { minLength: 1, maxLength: 3 }).map((segments) => `/templates/${segments.join('/')}`),
  fc.constantFrom('//[', '//%', '/%', '/templates/%E0%A4%A', 'http://[::1', '/templates/../%2e%2e'),
  hostileString.filter((text) => !text.includes('events')),
);

describe('template preview never throws and answers bad paths with a 400', () => {
  test.prop([url, fc.constantFrom(0, 1)], fuzz(150))('for any request target', async (target, which) => {
    const { handled, answer } = await serve(previews[which] as (typeof previews)[number], target);
    if (!handled) return;
    expect(answer.status).toBeGreaterThanOrEqual(200);
    expect(answer.status).toBeLessThan(500);
    if ((answer.status ?? 0) >= 400 && answer.headers?.['content-type']?.startsWith('application/json')) expectBoundedProblems(JSON.parse(answer.body).error.problems);
  });

  test.prop([fc.constantFrom('/%', '/%E0%A4%A', '/templates/%ZZ')], fuzz(3))('names the path of a malformed percent escape', async (target) => {
    const { handled, answer } = await serve(previews[target.startsWith('/templates') ? 1 : 0] as (typeof previews)[number], target);
    expect(handled).toBe(true);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.problems).toEqual([{ path: 'path', message: 'the path is not validly percent-encoded' }]);
  });
});
