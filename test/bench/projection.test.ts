import { describe, expect, it } from 'vitest';
import { projectConcurrency } from '../../bench/projection.js';

describe('projectConcurrency', () => {
  const inputs = { targetPerSecond: 10_000, memoryMb: 1_769, cpuMsPerMessage: 1, ioMsPerMessage: 2, stackMaxConcurrency: 10 };

  it('needs rate × time per message Lambdas, rounded up', () => {
    const projection = projectConcurrency(inputs);
    expect(projection.msPerMessageOnLambda).toBe(3);
    expect(projection.concurrentLambdas).toBe(30);
    expect(projection.cpuBoundLambdas).toBe(10);
    expect(projection.messagesPerSecondPerLambda).toBeCloseTo(333.33, 2);
  });

  it('stretches CPU time when the memory buys less than a vCPU, and never below one vCPU of time', () => {
    expect(projectConcurrency({ ...inputs, memoryMb: 884.5 }).msPerMessageOnLambda).toBe(4);
    expect(projectConcurrency({ ...inputs, memoryMb: 3_538 }).msPerMessageOnLambda).toBe(3);
  });

  it('also answers for one full vCPU', () => {
    const projection = projectConcurrency({ ...inputs, memoryMb: 884.5 });
    expect(projection.concurrentLambdas).toBe(40);
    expect(projection.concurrentLambdasAtOneVcpu).toBe(30);
  });
});
