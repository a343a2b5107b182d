import { formatProblem } from '../../core/render/problems.js';
import { checkTemplateFolder } from '../../template-compiler/check.js';
import type { CliOutput } from '../io.js';
import { say } from '../text.js';

/**
 * `switchboard templates check`: every problem on its own line, as
 * `<template> [<channel>/<locale>] <message>`, then a one-line summary. Exit code 1 on any problem.
 * Notes (an email whose text part is converted at every send) are listed too, but pass.
 */
export async function templatesCheck(args: { templatesDir: string; appScheme?: string }, out: CliOutput): Promise<number> {
  const { problems, notes, folders } = await checkTemplateFolder(args.templatesDir, args.appScheme ? { appScheme: args.appScheme } : {});
  for (const note of notes) say(out, `note: ${formatProblem(note)}`);
  for (const problem of problems) out.error(formatProblem(problem));
  const noted = notes.length > 0 ? `, ${notes.length} ${notes.length === 1 ? 'note' : 'notes'}` : '';
  const summary = `${folders.length} templates, ${problems.length} problems${noted}`;
  if (problems.length > 0) {
    out.error(summary);
    return 1;
  }
  out.log(summary);
  return 0;
}
