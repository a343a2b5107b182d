import type { Telemetry, TelemetryEvent } from '../../core/ports.js';

export class MemoryTelemetry implements Telemetry {
  readonly events: TelemetryEvent[] = [];
  record(event: TelemetryEvent): void {
    this.events.push(event);
  }
}
