#!/usr/bin/env node
// `npm run sandbox`: stands the workshop platform up on loopback (recorded Coder, LiteLLM,
// Grafana and Kubernetes API; real dnsmasq, Prometheus and Alertmanager; real TLS) and serves
// the built handbook against it, so every checklist can be tried end to end without touching a
// real system. Options: --fault key-expiring | image-drift | storage | rotation-on | proxy-down | provisioners
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startSandbox, type Faults } from '../test/sandbox/sandbox.ts';
import { startArgs } from './start-args.ts';

const faultsByName: Record<string, Faults> = {
	'key-expiring': { keyDaysLeft: 5 },
	'image-drift': { oddDigestRegion: 'eu-west-2' },
	storage: { storagePercent: 64 },
	'rotation-on': { rotatorReplicas: 1 },
	'proxy-down': { unreachableProxy: 'emea-proxy' },
	provisioners: { provisioners: 6 },
};

const { values } = parseArgs({ options: { fault: { type: 'string', multiple: true, default: [] }, port: { type: 'string', default: process.env.PORT ?? '4321' } } });
const faults: Faults = {};
for (const name of values.fault!) {
	if (!faultsByName[name]) {
		console.error(`unknown fault "${name}"; known: ${Object.keys(faultsByName).join(', ')}`);
		process.exit(2);
	}
	Object.assign(faults, faultsByName[name]);
}

console.log('Starting the sandbox (Prometheus takes a few seconds)…');
const sandbox = await startSandbox({ faults });
const env = { ...process.env, ...sandbox.env, HANDBOOK_DATA_DIR: process.env.HANDBOOK_DATA_DIR ?? 'data/sandbox', PORT: values.port!, HOST: process.env.HOST ?? 'localhost' };
const server = spawn(process.execPath, startArgs(), { env, stdio: 'inherit' });
const vars = Object.entries(sandbox.env).map(([k, v]) => `${k}=${v}`).join(' ');
console.log(`
Sandbox ready${values.fault!.length ? ` with faults: ${values.fault!.join(', ')}` : ''}. The handbook serves it at http://${env.HOST}:${env.PORT}/ (environment "local").
Run the pre-workshop checklist headless from another shell:

  ${vars} HANDBOOK_DATA_DIR=${env.HANDBOOK_DATA_DIR} npx handbook checks run pre-workshop --env local

Ctrl-C stops everything.`);

let stopping = false;
const stop = async () => {
	if (stopping) return;
	stopping = true;
	server.kill('SIGTERM');
	await sandbox.stop();
	process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code) => {
	if (!stopping) {
		console.error(`the handbook server stopped (exit ${code}); stopping the sandbox`);
		void stop();
	}
});
