import { describe, expect, it } from 'vitest';
import { RenderError } from '../../functions/core/errors.js';
import { measureSms, Renderer } from '../../functions/core/render/index.js';
import type { CompiledTemplate } from '../../functions/core/templates.js';

describe('GSM-7', () => {
  it.each([
    [160, 1],
    [161, 2],
    [306, 2],
    [307, 3],
    [459, 3],
    [460, 4],
  ])('%i characters take %i segment(s)', (length, segments) => {
    const measured = measureSms('a'.repeat(length));
    expect(measured).toMatchObject({ encoding: 'GSM-7', units: length, segments });
  });

  it('covers the whole basic alphabet, accents included, in one encoding', () => {
    expect(measureSms('Grüße aus Köln! Ñandu, £5 @ 10:00 §¿¡ ÆØÅ æøå ΔΦΓΛΩΠΨΣΘΞ').encoding).toBe('GSM-7');
  });

  it('counts extension characters twice', () => {
    expect(measureSms('€').units).toBe(2);
    expect(measureSms('^{}\\[~]|€').units).toBe(18);
    expect(measureSms(`${'a'.repeat(158)}€`)).toMatchObject({ units: 160, segments: 1 });
    expect(measureSms(`${'a'.repeat(159)}€`)).toMatchObject({ units: 161, segments: 2 });
  });

  it('never splits an escape sequence across two parts', () => {
    // 306 septets fit two parts of 153, but the euro after 152 septets does not fit the first.
    const text = `${'a'.repeat(152)}€${'a'.repeat(152)}`;
    expect(measureSms(text).units).toBe(306);
    expect(measureSms(text).segments).toBe(3);
  });
});

describe('UCS-2', () => {
  it.each([
    [70, 1],
    [71, 2],
    [134, 2],
    [135, 3],
  ])('%i characters take %i segment(s)', (length, segments) => {
    const measured = measureSms(`ж${'a'.repeat(length - 1)}`);
    expect(measured).toMatchObject({ encoding: 'UCS-2', units: length, segments });
  });

  it('switches on one character outside GSM-7 and names it', () => {
    const measured = measureSms('We’re open until 8pm');
    expect(measured.encoding).toBe('UCS-2');
    expect(measured.nonGsmCharacters).toEqual(['’']);
  });

  it('counts an emoji as two UTF-16 units', () => {
    expect(measureSms('🛒')).toMatchObject({ encoding: 'UCS-2', units: 2, segments: 1 });
    expect(measureSms(`🛒${'a'.repeat(68)}`)).toMatchObject({ units: 70, segments: 1 });
    expect(measureSms(`🛒${'a'.repeat(69)}`)).toMatchObject({ units: 71, segments: 2 });
  });

  it('never splits a surrogate pair across two parts', () => {
    // 134 units fit two parts of 67, but the emoji after 66 units does not fit the first.
    const text = `${'a'.repeat(66)}🛒${'a'.repeat(66)}`;
    expect(measureSms(text).units).toBe(134);
    expect(measureSms(text).segments).toBe(3);
  });
});

describe('SMS limits in rendering', () => {
  const template = (maxSegments?: number): CompiledTemplate => ({
    manifest: {
      id: 'sms-limit',
      description: 'segments',
      category: 'marketing',
      topic: 'promotions',
      channels: ['sms'],
      variables: ['customer.firstName'],
      sampleData: {},
      ...(maxSegments ? { limits: { smsMaxSegments: maxSegments } } : {}),
    },
    parts: { sms: { default: `Hi {{ customer.firstName }}, ${'x'.repeat(60)}` } },
  });
  const scope = (firstName: string) => ({ customer: { id: 'c-1', firstName }, data: {}, context: { locale: 'en' }, channel: 'sms' as const });
  const renderer = new Renderer();

  it('a name with an emoji turns a one-part GSM-7 text into UCS-2', async () => {
    const plain = await renderer.render(template(), 'sms', scope('Mia'), 'en');
    expect(plain).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    const emoji = await renderer.render(template(), 'sms', scope('Mia 🌸'), 'en');
    expect(emoji).toMatchObject({ encoding: 'UCS-2', segments: 2 });
  });

  it('fails when the template allows fewer segments, saying why', async () => {
    const error = await renderer.render(template(1), 'sms', scope('Mia 🌸'), 'en').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RenderError);
    expect((error as RenderError).problems).toEqual(['sms-limit [sms/default] sms: needs 2 SMS segments (UCS-2 because of 🌸), at most 1 allowed']);
  });

  it('allows three segments when the template sets no limit', async () => {
    const long = template();
    long.parts['sms'] = { default: 'a'.repeat(459) };
    expect((await renderer.render(long, 'sms', scope('Mia'), 'en')).segments).toBe(3);
    long.parts['sms'] = { default: 'a'.repeat(460) };
    await expect(renderer.render(long, 'sms', scope('Mia'), 'en')).rejects.toBeInstanceOf(RenderError);
  });
});
