import { formatProblem } from '../../core/render/problems.js';
import { checkTemplateFolder } from '../../template-compiler/check.js';

/**
 * `switchboard templates check`: every problem on its own line, as
 * `<template> [<channel>/<locale>] <message>`, then a one-line summary. Exit code 1 on any problem.
 */
export async function templatesCheck(
  args: { templatesDir: string; appScheme?: string },
  out: { log(line: string): void; error(line: string): void },
): Promise<number> {
  const { problems, folders } = await checkTemplateFolder(args.templatesDir, args.appScheme ? { appScheme: args.appScheme } : {});
  for (const problem of problems) out.error(formatProblem(problem));
  const summary = `${folders.length} templates, ${problems.length} problems`;
  if (problems.length > 0) {
    out.error(summary);
    return 1;
  }
  out.log(summary);
  return 0;
}
