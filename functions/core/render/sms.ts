import type { SmsEncoding } from '../templates.js';

/** GSM 03.38 default alphabet: one septet each (ESC itself is not text). */
const GSM7_BASIC = new Set('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà');
/** The extension table: reachable through ESC, so each costs two septets. */
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

const LIMITS = {
  'GSM-7': { single: 160, perPart: 153 },
  'UCS-2': { single: 70, perPart: 67 },
} as const;

export interface SmsMeasure {
  encoding: SmsEncoding;
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
  segments: number;
  /** The characters that forced UCS-2, so copy can be fixed (a typographic ’ costs half the space). */
  nonGsmCharacters: string[];
}

export function measureSms(text: string): SmsMeasure {
  const characters = Array.from(text);
  const nonGsm = characters.filter((char) => !GSM7_BASIC.has(char) && !GSM7_EXTENSION.has(char));
  const encoding: SmsEncoding = nonGsm.length === 0 ? 'GSM-7' : 'UCS-2';
  const costs = characters.map((char) => (encoding === 'GSM-7' ? (GSM7_EXTENSION.has(char) ? 2 : 1) : char.length));
  const units = costs.reduce((sum, cost) => sum + cost, 0);
  return { encoding, units, segments: countSegments(costs, encoding), nonGsmCharacters: [...new Set(nonGsm)] };
}

/**
 * Parts are packed character by character because an escape sequence or a surrogate pair is
 * never split across two parts: such text needs more parts than `units / perPart` suggests.
 */
function countSegments(costs: number[], encoding: SmsEncoding): number {
  const limits = LIMITS[encoding];
  const units = costs.reduce((sum, cost) => sum + cost, 0);
  if (units <= limits.single) return 1;
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > limits.perPart) {
      segments += 1;
      used = 0;
    }
    used += cost;
  }
  return segments;
}
