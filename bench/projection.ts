/** Lambda allocates CPU in proportion to memory: 1,769 MB buys one full vCPU. */
export const MB_PER_VCPU = 1_769;

export interface ProjectionInputs {
  targetPerSecond: number;
  memoryMb: number;
  cpuMsPerMessage: number;
  /** Time a batch waits on DynamoDB, SQS and providers, per message (overlapped across the batch). */
  ioMsPerMessage: number;
  /** The stack's cap on concurrent invocations from the queue. */
  stackMaxConcurrency: number;
}

export interface Projection {
  targetPerSecond: number;
  /** Share of a vCPU the configured memory buys (at most 1). */
  vcpuShare: number;
  msPerMessageOnLambda: number;
  messagesPerSecondPerLambda: number;
  concurrentLambdas: number;
  /** If waiting overlapped with computing completely: the floor CPU alone sets. */
  cpuBoundLambdas: number;
  stackMaxConcurrency: number;
  /** The same at 1,769 MB, where the function gets one full vCPU. */
  concurrentLambdasAtOneVcpu: number;
}

/**
 * Concurrent Lambdas for a steady rate: each message costs its CPU time, stretched by the vCPU
 * share the memory buys, plus its share of the batch's waiting, which is measured against the
 * local emulators and so includes their own CPU on a shared machine.
 */
export function projectConcurrency(inputs: ProjectionInputs): Projection {
  const atOneVcpu = inputs.memoryMb >= MB_PER_VCPU ? undefined : projectConcurrency({ ...inputs, memoryMb: MB_PER_VCPU });
  const vcpuShare = Math.min(1, inputs.memoryMb / MB_PER_VCPU);
  const cpuMs = inputs.cpuMsPerMessage / vcpuShare;
  const msPerMessage = cpuMs + inputs.ioMsPerMessage;
  return {
    targetPerSecond: inputs.targetPerSecond,
    vcpuShare,
    msPerMessageOnLambda: msPerMessage,
    messagesPerSecondPerLambda: 1000 / msPerMessage,
    concurrentLambdas: Math.ceil((inputs.targetPerSecond * msPerMessage) / 1000),
    cpuBoundLambdas: Math.ceil((inputs.targetPerSecond * cpuMs) / 1000),
    stackMaxConcurrency: inputs.stackMaxConcurrency,
    concurrentLambdasAtOneVcpu: atOneVcpu?.concurrentLambdas ?? Math.ceil((inputs.targetPerSecond * msPerMessage) / 1000),
  };
}
