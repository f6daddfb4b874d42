import { z } from 'zod';
import type { Kind } from '../../src/checks/types.ts';
import { ProbeError } from '../../src/checks/types.ts';

/**
 * A kind for engine tests: waits `delayMs` (or forever), honouring the abort signal as a real
 * kind must, then returns `value` or throws. Counts its probes and in-flight calls.
 */
export function fakeKind() {
	const state = { probes: 0, inFlight: 0, maxInFlight: 0, aborted: 0 };
	const params = z.strictObject({
		value: z.unknown().optional(),
		delayMs: z.number().default(0),
		hang: z.boolean().default(false),
		fail: z.string().optional(),
		url: z.string().optional(),
	});
	const kind: Kind<z.output<typeof params>> = {
		name: 'fake',
		params,
		observe(p, ctx) {
			state.probes++;
			state.inFlight++;
			state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
			return new Promise((resolve, reject) => {
				const done = () => state.inFlight--;
				const timer = p.hang ? undefined : setTimeout(() => {
					done();
					try {
						if (p.fail && p.fail !== 'leak') throw new ProbeError(p.fail, { partial: true });
						resolve({ value: p.value ?? null, region: ctx.region?.name ?? null, url: p.url ?? null, secret: p.fail === 'leak' ? ctx.secret('token') : null });
					} catch (err) {
						reject(err);
					}
				}, p.delayMs);
				ctx.signal.addEventListener('abort', () => {
					clearTimeout(timer);
					state.aborted++;
					done();
					reject(new Error('aborted'));
				}, { once: true });
			});
		},
	};
	return { kind, state };
}

/** A config with one environment of two regions and the given checks. */
export function testConfig(checks: unknown[], extra: Record<string, unknown> = {}) {
	return {
		defaultEnvironment: 'test',
		environments: {
			test: {
				title: 'Test',
				regions: [
					{ name: 'r-one', title: 'One', host: 'one.example.test', wildcard: '*.one.example.test', kubeContext: 'one', proxy: 'primary' },
					{ name: 'r-two', title: 'Two', host: 'two.example.test', wildcard: '*.two.example.test', kubeContext: 'two', proxy: 'two' },
				],
				secrets: { token: 'HANDBOOK_TEST_TOKEN' },
				...extra,
			},
		},
		checks,
	};
}

export const passRule = [
	{ status: 'fail', when: 'value < 1', message: 'value {value} is too low' },
	{ status: 'pass', message: 'value {value}' },
];
