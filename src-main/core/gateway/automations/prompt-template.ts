/**
 * Fills a hook's prompt from its payload: `{{ $.pull_request.title }}`, `{{ commits[0].id }}`,
 * `{{ $['odd key'] }}`, `{{ $ }}` for all of it. A missing field becomes empty; an object is
 * written as JSON. Hand-written: a JSON path library would bring filters and scripts a template
 * does not need (and a payload must never run).
 */
export function renderTemplate(template: string, payload: unknown): string {
  return template.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (_match, path: string) => {
    const value = readPath(payload, path);
    if (value === undefined || value === null) return '';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}

/** The value at a path such as `$.a.b[0]['c d']`, or undefined when any step is missing. */
export function readPath(root: unknown, path: string): unknown {
  const steps = parsePath(path);
  if (!steps) return undefined;
  let value: unknown = root;
  for (const step of steps) {
    if (value === null || typeof value !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(value, step)) return undefined;
    value = (value as Record<string | number, unknown>)[step];
  }
  return value;
}

function parsePath(path: string): (string | number)[] | null {
  let rest = path.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  const steps: (string | number)[] = [];
  const token = /^(?:\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\])/;
  while (rest.length > 0) {
    const m = token.exec(rest);
    if (!m) return null;
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push(m[3] ?? m[4] ?? '');
    rest = rest.slice(m[0].length);
  }
  return steps;
}
