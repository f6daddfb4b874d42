// oidc-provider ships no types; the tests use a small part of it (a provider with clients,
// accounts and its development login pages, listening on loopback).
declare module 'oidc-provider' {
	import type { IncomingMessage, ServerResponse } from 'node:http';
	export default class Provider {
		constructor(issuer: string, configuration: Record<string, unknown>);
		/** Koa's request handler. */
		callback(): (req: IncomingMessage, res: ServerResponse) => void;
	}
}
