import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * The platform behind the workshop-day board, on loopback: each watched check reads one path,
 * whose answer a test sets (`answers`). node-ephemeral-storage fans out over three regions,
 * each with its own path, so one region can be red while the others pass.
 */
export interface BoardTarget {
	url: string;
	port: number;
	/** Path → [status, body]; unknown paths answer 200 "OK". */
	answers: Map<string, [number, string]>;
	stop: () => Promise<void>;
}

export async function startBoardTarget(): Promise<BoardTarget> {
	const answers = new Map<string, [number, string]>();
	const server: Server = createServer((req, res) => {
		const [status, body] = answers.get(req.url ?? '') ?? [200, 'OK'];
		res.statusCode = status;
		res.end(body);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		answers,
		stop: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/** The regions of the board's environment: three names on the same loopback target. */
export const boardRegions = ['us-east-2', 'us-west-2', 'eu-west-2'];

/**
 * Writes a config whose environment `local` has the three regions and whose board checks read
 * the target: a 503 fails with its body as the reason, anything else passes with it.
 */
export function writeBoardConfig(dir: string, target: BoardTarget): string {
	const http = (id: string, title: string, runbook: string, extra: Record<string, unknown> = {}) => ({
		id,
		title,
		kind: 'http',
		runbook,
		access: 'public',
		// No result cache: a test re-runs a check right after changing the target's answer.
		cacheSeconds: 0,
		params: { url: `${target.url}/${id}` },
		outcomes: [
			{ status: 'fail', when: 'status == 503', message: '{body}' },
			{ status: 'warn', when: 'status == 429', message: '{body}' },
			{ status: 'pass', message: '{body}' },
		],
		...extra,
	});
	const config = {
		defaultEnvironment: 'local',
		environments: {
			local: {
				title: 'Local test platform',
				regions: boardRegions.map((name, i) => ({ name, title: name, host: '127.0.0.1', port: target.port, wildcard: `*.${name}.example.test`, kubeContext: name, proxy: i === 0 ? 'primary' : name })),
				coder: { url: target.url },
			},
		},
		checks: [
			http('concurrent-workspaces', 'Running workspaces within capacity', '/incidents/resource-contention/#mitigation'),
			http('workspace-failures', 'Workspace build failures below 2%', '/incidents/provisioner-failure/#diagnosis', { access: 'facilitator' }),
			http('workspace-restarts', 'No restarts in workspace pods', '/incidents/workspace-restart-loop/#diagnosis'),
			http('provisioner-queue', 'Provisioner queue wait under 15 s', '/incidents/resource-contention/#diagnosis'),
			http('node-ephemeral-storage', 'Node ephemeral storage within the alert levels', '/incidents/workspace-restart-loop/#mitigation', {
				perRegion: true,
				params: { url: `http://{region.origin}/node-ephemeral-storage/{region.name}` },
			}),
		],
	};
	const file = join(dir, 'handbook.config.ts');
	writeFileSync(file, `export default ${JSON.stringify(config, null, 2)};\n`);
	return file;
}
