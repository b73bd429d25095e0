/**
 * Checks, before any load, that every distinct request a scenario will send gets the right
 * answer: a benchmark of 404s measures nothing.
 */

export interface Probe {
  method?: 'GET' | 'POST';
  path: string;
  body?: string;
  status: number;
  /** A description of what is wrong with the parsed JSON body, or undefined when it is right. */
  check: (json: unknown) => string | undefined;
}

/** The value at a path of keys and indexes in parsed JSON, or undefined. */
export function at(value: unknown, ...keys: (string | number)[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

async function problemWith(
  url: string,
  headers: Record<string, string>,
  probe: Probe,
): Promise<string | undefined> {
  const where = `${probe.method ?? 'GET'} ${probe.path}`;
  const res = await fetch(url + probe.path, {
    method: probe.method ?? 'GET',
    headers,
    ...(probe.body === undefined ? {} : { body: probe.body }),
  });
  const text = await res.text();
  if (res.status !== probe.status) {
    return `${where}: ${res.status} instead of ${probe.status}: ${text.slice(0, 200)}`;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return `${where}: not JSON: ${text.slice(0, 200)}`;
  }
  const wrong = probe.check(json);
  return wrong === undefined ? undefined : `${where}: ${wrong}`;
}

/** Sends every probe (a few at a time) and throws listing what was wrong. */
export async function verifyAll(
  url: string,
  headers: Record<string, string>,
  probes: readonly Probe[],
  concurrency = 8,
): Promise<void> {
  const problems: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let probe = probes[next++]; probe !== undefined; probe = probes[next++]) {
      const problem = await problemWith(url, headers, probe);
      if (problem !== undefined) problems.push(problem);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join('\n  ');
    throw new Error(
      `${problems.length} of ${probes.length} requests answered wrongly:\n  ${shown}`,
    );
  }
}
