import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { facilitatorToken, startHandbook, type Handbook } from '../support/handbook.ts';

// Finding 3 of issue 10: the `command` kind removed only the current environment's secret
// variables, so a program that dumps its environment received the facilitator token and the
// other environments' secrets.
const declared = 'declared-registry-secret-41c7';
const otherEnvironment = 'other-environment-secret-a2e8';
const unrelated = 'unrelated-process-secret-77d0';

let handbook: Handbook;

beforeAll(async () => {
	handbook = await startHandbook({
		secrets: { registry: 'HANDBOOK_TEST_REGISTRY' },
		env: { HANDBOOK_TEST_REGISTRY: declared, HANDBOOK_TEST_OTHER: otherEnvironment, AWS_SECRET_ACCESS_KEY: unrelated, LANG: 'C.UTF-8', LC_TIME: 'C' },
		checks: [
			{
				id: 'ecr-mirror-current', title: 'dumps its environment', kind: 'command', runbook: '/incidents/image-pull-failure/#mitigation',
				// Prints the names of its variables, and whether the declared secret arrived (never its value).
				params: {
					argv: [process.execPath, '-e', 'const e = process.env; console.log(JSON.stringify({ names: Object.keys(e).sort(), registry: e.REGISTRY_TOKEN === process.argv[1], values: Object.values(e).join("\\n") }))', declared],
					env: { REGISTRY_TOKEN: 'secret:registry' },
				},
				outcomes: [{ status: 'pass', message: 'ran' }],
			},
		],
	});
	await handbook.signIn();
}, 60_000);

afterAll(async () => {
	await handbook?.stop();
});

describe('a check subprocess', () => {
	it('gets PATH, HOME, the locale and the secrets its check declares, nothing else', async () => {
		const runId = (await handbook.api('/api/runs', { method: 'POST', json: { checklist: 'pre-workshop' } })).body.run.id;
		const res = await handbook.api(`/api/runs/${runId}/checks/ecr-mirror-current`, { method: 'POST' });
		const result = res.body.results[0];
		expect(result.status).toBe('pass');
		const seen = result.observed.json as { names: string[]; registry: boolean; values: string };
		expect(seen.registry).toBe(true);
		expect(seen.names).toEqual(expect.arrayContaining(['PATH', 'HOME', 'LANG', 'LC_TIME', 'REGISTRY_TOKEN']));
		expect(seen.names.filter((n) => !/^(PATH|HOME|LANG|LANGUAGE|LC_[A-Z_]+|TZ|REGISTRY_TOKEN)$/.test(n))).toEqual([]);
		// Not the facilitator token, not another environment's secret, not the server's own credentials.
		for (const value of [facilitatorToken, otherEnvironment, unrelated]) expect(seen.values).not.toContain(value);
		// And the declared secret it did receive is redacted from what it printed.
		expect(res.text).not.toContain(declared);
	});
});
