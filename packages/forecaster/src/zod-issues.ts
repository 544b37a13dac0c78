import type { z } from 'zod';

/** Flatten zod issues to `{ path: 'a.b.0', message }` pairs for error details (unknown keys named). */
export function zodIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return { path: base, message: `unknown key(s): ${issue.keys.join(', ')}` };
    }
    return { path: base || '(root)', message: issue.message };
  });
}
