import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { StreamChange } from '../core/events/announce.js';

/**
 * The attributes an event is built from. The rest (the stored request and its data, feedback's
 * bookkeeping) is never even decoded here.
 */
const READ = [
  'requestId',
  'customerId',
  'status',
  'updatedAt',
  'createdAt',
  'template',
  'category',
  'topic',
  'channel',
  'channels',
  'timeline',
  'decision',
  'attempts',
  'deferredUntil',
];

/**
 * A stream record as the plain items before and after the write. Numbers stay wrapped: nothing
 * announced is a number, and a number too large for JavaScript must not fail the batch.
 */
export function changeOf(record: DynamoDBRecord): StreamChange {
  const images = record.dynamodb ?? {};
  return {
    // The sequence number is what a partial batch failure names; every stream record has one.
    id: images.SequenceNumber ?? record.eventID ?? '',
    ...(images.OldImage ? { before: plainItem(images.OldImage) } : {}),
    ...(images.NewImage ? { after: plainItem(images.NewImage) } : {}),
  };
}

function plainItem(image: NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>): Record<string, unknown> {
  const read = Object.fromEntries(READ.flatMap((name) => (image[name] === undefined ? [] : [[name, image[name]]])));
  return unmarshall(read as Record<string, AttributeValue>, { wrapNumbers: true });
}
