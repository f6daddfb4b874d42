import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/api-client.ts';
import { facilitatorToken, startHandbook } from '../support/handbook.ts';
import type { RunningServer } from '../support/server.ts';
import { startHttpServer, type TestServer } from '../support/targets/https-server.ts';

const metricsToken = 'prometheus-scrape-token-5093';

describe('/api/metrics with HANDBOOK_METRICS_TOKEN set', () => {
	let target: TestServer;
	let server: RunningServer;
	beforeAll(async () => {
		target = await startHttpServer((_, res) => void res.end('OK'));
		server = (await startHandbook({ checks: [{ id: 'litellm-ready', title: 'gateway', kind: 'http', runbook: '/incidents/', params: { url: `${target.url}/health` }, outcomes: [{ status: 'pass', message: 'ok' }] }], env: { HANDBOOK_METRICS_TOKEN: metricsToken } })).server;
		const api = apiClient(server.url);
		await api.signIn(facilitatorToken);
		const runId = (await api.call('/api/runs', { json: { checklist: 'pre-workshop' } })).body.run.id;
		expect((await api.call(`/api/runs/${runId}/checks/litellm-ready`, { method: 'POST' })).status).toBe(200);
	});
	afterAll(async () => {
		await server?.stop();
		await target?.stop();
	});

	it('refuses a scrape without the bearer token, with a wrong one, or with only a facilitator session', async () => {
		const anonymous = await apiClient(server.url).call('/api/metrics');
		expect(anonymous.status).toBe(401);
		expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer /);
		expect(anonymous.text).not.toMatch(/handbook_check/);
		for (const authorization of ['Bearer wrong-token', `Basic ${Buffer.from(`x:${metricsToken}`).toString('base64')}`, metricsToken, `Bearer ${metricsToken}x`]) {
			expect((await apiClient(server.url).call('/api/metrics', { headers: { authorization } })).status, authorization).toBe(401);
		}
		const staff = apiClient(server.url);
		await staff.signIn(facilitatorToken);
		expect((await staff.call('/api/metrics')).status).toBe(401);
	});

	it('answers a scrape with the bearer token (as Prometheus sends it) with every series', async () => {
		const scrape = await apiClient(server.url).call('/api/metrics', { headers: { authorization: `Bearer ${metricsToken}` } });
		expect(scrape.status).toBe(200);
		expect(scrape.headers.get('content-type')).toMatch(/text\/plain/);
		expect(scrape.text).toMatch(/handbook_check_status\{check="litellm-ready",environment="local",region="",status="pass"\} 1/);
		expect(scrape.text).toMatch(/handbook_check_observed\{check="litellm-ready",environment="local",region="",value="status"\} 200/);
	});

	it('never writes the metrics token to the log', () => {
		expect(server.output()).not.toContain(metricsToken);
	});
});
