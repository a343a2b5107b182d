import { describe, expect, it } from 'vitest';
import { emailText } from '../../functions/core/render/email.js';
import { finishEmailText, MARKS, markOutput } from '../../functions/core/render/email-text.js';
import { wrapLines } from '../../functions/core/render/wrap.js';

const { soft, line, linkText, linkHref, linkEnd } = MARKS;
const value = (text: unknown): string => markOutput.call({}, text);
const link = (text: string, href: string): string => `${linkText}${text}${linkHref}${href}${linkEnd}`;

describe('wrapping the text part', () => {
  it('fills lines as html-to-text does, long words overflowing on a line of their own', () => {
    const copy = `Your order ${'is on its way and '.repeat(6)}https://fernhill.example/${'x'.repeat(80)} arrives Thursday.`;
    expect(wrapLines(copy, 78)).toBe(emailText(`<p>${copy}</p>`));
    expect(wrapLines('short\n\nlines stay', 78)).toBe('short\n\nlines stay');
  });
});

describe('settling the marks of a rendered text part', () => {
  it('collapses a value’s whitespace, and at a line edge drops it', () => {
    expect(finishEmailText(`Hi${soft}${value('  Lena \n Müller ')}${soft}, welcome`)).toBe('Hi Lena Müller , welcome');
    expect(finishEmailText(`${value(' Lena')}${soft}wrote:${line}`)).toBe('Lena wrote:');
  });

  it('drops a line that held Liquid and was left empty, keeps blank lines of the copy', () => {
    expect(finishEmailText(`A\n${soft}${value('')}${line}\nB\n\nC`)).toBe('A\nB\n\nC');
    expect(finishEmailText(`A\n${value('x')}${line}\nB`)).toBe('A\nx\nB');
  });

  it('decides at send time whether a link shows its address', () => {
    expect(finishEmailText(`See ${link('our shop', value('https://fernhill.example'))}.`)).toBe('See our shop [https://fernhill.example].');
    expect(finishEmailText(`See ${link(value('https://fernhill.example'), value('https://fernhill.example'))}.`)).toBe('See https://fernhill.example.');
    expect(finishEmailText(`See ${link('our shop', value(''))}.`)).toBe('See our shop.');
    expect(finishEmailText(`See ${link('our shop', value('#top'))}.`)).toBe('See our shop.');
    expect(finishEmailText(`Mail ${link('care', value('mailto:care@fernhill.example'))}`)).toBe('Mail care [care@fernhill.example]');
    expect(finishEmailText(`Logo ${link('', value('https://fernhill.example'))}`)).toBe('Logo https://fernhill.example');
  });

  it('takes marks in request data for nothing, and values as plain strings', () => {
    expect(finishEmailText(`Hi ${value(`Le${line}na${linkText}`)}`)).toBe('Hi Lena');
    expect(finishEmailText(`${value(['a', 1, null])} ${value(2.5)} ${value(undefined)}`)).toBe('a1 2.5');
  });
});
