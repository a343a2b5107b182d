import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * An item's size as DynamoDB bills it, from its attribute values: names and values in UTF-8,
 * numbers at about one byte per two digits, three bytes of overhead per list or map.
 */
export function itemBytes(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((total, [name, value]) => total + utf8(name) + valueBytes(value), 0);
}

function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberBytes(value.N);
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return 3 + value.L.reduce((total, v) => total + 1 + valueBytes(v), 0);
  if (value.M !== undefined) return 3 + itemBytes(value.M);
  if (value.SS !== undefined) return value.SS.reduce((total, s) => total + utf8(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((total, n) => total + numberBytes(n), 0);
  return 0;
}

function numberBytes(n: string): number {
  const digits = n.replace(/[^0-9]/g, '').replace(/^0+/, '').length || 1;
  return Math.ceil(digits / 2) + 1;
}

function utf8(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
