/** What the sandbox keeps of a one-time schedule: enough to show it and to check it was well formed. */
export interface RecordedSchedule {
  name: string;
  group: string;
  expression: string;
  input: string;
}

export const SCHEDULE_PATH = /^\/schedules\/([^/]+)$/;

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * EventBridge Scheduler's create, update and delete, as far as wakes use them. Nothing fires:
 * local mode arranges its wakes in process, so what lands here is only what a deployed stack
 * would have scheduled (the bench and the chaos run, which run the deployed composition).
 */
export function scheduleAction(schedules: Map<string, RecordedSchedule>, method: string, rawName: string, body: string, query: URLSearchParams): Answer {
  const name = decodeURIComponent(rawName);
  const existing = schedules.get(name);
  if (method === 'DELETE') {
    if (!existing) return notFound(name);
    schedules.delete(name);
    return { status: 200, body: {} };
  }
  if (method !== 'POST' && method !== 'PUT')
    return { status: 405, body: { message: `${method} is not a schedule action` }, headers: { 'x-amzn-ErrorType': 'ValidationException' } };
  if (method === 'POST' && existing) return { status: 409, body: { message: `schedule ${name} already exists` }, headers: { 'x-amzn-ErrorType': 'ConflictException' } };
  if (method === 'PUT' && !existing) return notFound(name);
  const parsed = readSchedule(body);
  if (!parsed) return { status: 400, body: { message: 'a schedule needs a ScheduleExpression and a Target with Input' }, headers: { 'x-amzn-ErrorType': 'ValidationException' } };
  const group = parsed.group ?? query.get('groupName') ?? 'default';
  schedules.set(name, { name, group, expression: parsed.expression, input: parsed.input });
  return { status: 200, body: { ScheduleArn: `arn:aws:scheduler:us-east-1:000000000000:schedule/${group}/${name}` } };
}

function notFound(name: string): Answer {
  return { status: 404, body: { message: `schedule ${name} does not exist` }, headers: { 'x-amzn-ErrorType': 'ResourceNotFoundException' } };
}

function readSchedule(body: string): { expression: string; input: string; group?: string } | undefined {
  try {
    const value = JSON.parse(body) as { ScheduleExpression?: unknown; GroupName?: unknown; Target?: { Input?: unknown } };
    if (typeof value.ScheduleExpression !== 'string' || typeof value.Target?.Input !== 'string') return undefined;
    return { expression: value.ScheduleExpression, input: value.Target.Input, ...(typeof value.GroupName === 'string' ? { group: value.GroupName } : {}) };
  } catch {
    return undefined;
  }
}
