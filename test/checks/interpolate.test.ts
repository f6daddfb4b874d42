import { describe, expect, it } from 'vitest';
import { interpolate, placeholders, randomLabel } from '../../src/checks/interpolate.ts';

const vars = { 'region.origin': 'oregon-proxy.example.test', 'region.port': '8443', 'env.id': 'ai.coder.com' };

describe('interpolate', () => {
	it('fills placeholders in every string of nested params, and keeps other values', () => {
		const params = { url: 'https://{region.origin}/healthz', headers: [{ name: 'X-Env', value: '{env.id}' }], timeoutMs: 500, follow: true };
		expect(interpolate(params, vars)).toEqual({ url: 'https://oregon-proxy.example.test/healthz', headers: [{ name: 'X-Env', value: 'ai.coder.com' }], timeoutMs: 500, follow: true });
	});

	it('turns a string that is exactly one numeric placeholder into a number', () => {
		expect(interpolate({ port: '{region.port}', label: 'port {region.port}' }, vars)).toEqual({ port: 8443, label: 'port 8443' });
	});

	it('refuses an unknown placeholder, naming the parameter and the placeholders known there', () => {
		expect(() => interpolate({ list: ['ok', '{region.nmae}'] }, vars)).toThrow('params.list[1]: unknown placeholder {region.nmae} (known here: {region.origin}, {region.port}, {env.id})');
	});

	it('offers region placeholders only for a region, and a fresh random label each time', () => {
		const env = { id: 'local', title: 'Local', regions: [] } as never;
		expect(Object.keys(placeholders(env)).sort()).toEqual(['env.id', 'random']);
		expect(randomLabel()).toMatch(/^hb[a-z0-9]{8}$/);
		expect(randomLabel()).not.toBe(randomLabel());
	});
});
