/** An error shaped like the SDK's service exceptions: the adapters look only at name, fault and status. */
export function awsError(name: string, options: { status?: number; message?: string; fault?: 'client' | 'server'; extra?: Record<string, unknown> } = {}): Error {
  const status = options.status ?? 400;
  return Object.assign(new Error(options.message ?? `${name} happened`), {
    name,
    $fault: options.fault ?? (status >= 500 ? 'server' : 'client'),
    $metadata: { httpStatusCode: status },
    ...options.extra,
  });
}
