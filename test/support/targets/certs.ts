import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PEM key pair and the files they were written to. */
export interface Pem {
	cert: string;
	key: string;
	certFile: string;
	keyFile: string;
}

export interface TestPki {
	dir: string;
	ca: Pem;
	/** Issues a leaf certificate signed by the test CA for `names` (DNS SANs, "*.x" allowed), valid `days` from now (negative: already expired). */
	issue(names: string[], days: number): Pem;
}

function openssl(args: string[], cwd: string): void {
	execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * A throwaway certificate authority made with the real openssl CLI, for TLS servers in tests.
 *
 * @example
 * const pki = createTestPki();
 * const valid = pki.issue(['coder.example.test', '*.coder.example.test'], 90);
 */
export function createTestPki(): TestPki {
	const dir = mkdtempSync(join(tmpdir(), 'handbook-pki-'));
	openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '400', '-subj', '/CN=Handbook Test CA'], dir);
	// `openssl ca` (not `x509`, whose -not_before needs OpenSSL 3.4) sets exact start and end dates.
	writeFileSync(
		join(dir, 'ca.cnf'),
		'[ca]\ndefault_ca=test\n[test]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=any\nunique_subject=no\n[any]\ncommonName=supplied\n',
	);
	writeFileSync(join(dir, 'index.txt'), '');
	writeFileSync(join(dir, 'serial'), '1000\n');
	const read = (name: string): Pem => ({
		cert: readFileSync(join(dir, `${name}.crt`), 'utf8'),
		key: readFileSync(join(dir, `${name}.key`), 'utf8'),
		certFile: join(dir, `${name}.crt`),
		keyFile: join(dir, `${name}.key`),
	});
	let serial = 0;
	return {
		dir,
		ca: read('ca'),
		issue(names, days) {
			const name = `leaf${++serial}`;
			writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
			openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${names[0]}`], dir);
						const from = new Date(Date.now() - 2 * 86_400_000 + Math.min(days, 0) * 86_400_000);
			const to = new Date(Date.now() + days * 86_400_000);
			const fmt = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
			openssl(['ca', '-batch', '-notext', '-config', 'ca.cnf', '-cert', 'ca.crt', '-keyfile', 'ca.key', '-in', `${name}.csr`, '-out', `${name}.crt`, '-startdate', fmt(from), '-enddate', fmt(to), '-extfile', `${name}.ext`], dir);
			return read(name);
		},
	};
}
