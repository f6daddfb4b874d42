import type { Kind } from '../types.ts';
import alertmanager from './alertmanager.ts';
import coderWorkspace from './coder-workspace.ts';
import coder from './coder.ts';
import command from './command.ts';
import dns from './dns.ts';
import http from './http.ts';
import kubernetes from './kubernetes.ts';
import litellmKey from './litellm-key.ts';
import prometheus from './prometheus.ts';
import tcp from './tcp.ts';
import tls from './tls.ts';

/** Every check kind by name: the registry the config is validated against. */
export const kinds: Record<string, Kind> = Object.fromEntries(
	([http, dns, tls, tcp, prometheus, alertmanager, kubernetes, litellmKey, coder, coderWorkspace, command] as Kind[]).map((k) => [k.name, k]),
);
