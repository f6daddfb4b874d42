import type * as K8s from '@kubernetes/client-node';
import { STATUS_CODES } from 'node:http';
import { errorCode } from '../../net.ts';
import { excerpt } from '../../redact.ts';
import { ProbeError, type ProbeContext } from '../../types.ts';

/**
 * The client library, imported by the first Kubernetes probe rather than with the check kinds: it
 * takes about a third of a second to load, which every command that only reads the config
 * (`handbook checklists lint` among them) would otherwise pay for nothing.
 */
let library: Promise<typeof K8s> | undefined;

/** The kubeconfig as read, with the library that read it. */
export interface KubeBase {
	k8s: typeof K8s;
	kc: K8s.KubeConfig;
}

/** One kube context's clients, every request of which stops when `signal` aborts. */
export interface KubeSession {
	k8s: typeof K8s;
	context: string;
	kc: K8s.KubeConfig;
	core: K8s.CoreV1Api;
	apps: K8s.AppsV1Api;
	custom: K8s.CustomObjectsApi;
	options: K8s.ConfigurationOptions;
	signal: AbortSignal;
	ctx: ProbeContext;
}

export async function loadKubeConfig(ctx: ProbeContext): Promise<KubeBase> {
	const k8s = await (library ??= import('@kubernetes/client-node'));
	const kc = new k8s.KubeConfig();
	try {
		if (ctx.environment.kubeconfig) kc.loadFromFile(ctx.environment.kubeconfig);
		else kc.loadFromDefault();
	} catch (err) {
		throw new ProbeError(`the kubeconfig ${ctx.environment.kubeconfig ?? '($KUBECONFIG or ~/.kube/config)'} cannot be read: ${(err as Error).message}`);
	}
	// The credentials in the kubeconfig are secrets of the probe, though the config never names them.
	for (const user of kc.users) {
		for (const value of [user.token, user.password, ...Object.values((user.authProvider?.config ?? {}) as Record<string, unknown>)]) {
			if (typeof value === 'string') ctx.conceal?.(value);
		}
	}
	return { k8s, kc };
}

/** A session on one context of the kubeconfig: its own KubeConfig, so sessions can run side by side. */
export function session({ k8s, kc: base }: KubeBase, context: string, ctx: ProbeContext): KubeSession {
	const signal = ctx.signal;
	if (!base.getContextObject(context)) {
		const known = base.getContexts().map((c) => c.name);
		throw new ProbeError(`kube context "${context}" is not in the kubeconfig (contexts: ${known.join(', ') || 'none'})`, { context });
	}
	const kc = new k8s.KubeConfig();
	kc.loadFromOptions({ clusters: base.clusters, users: base.users, contexts: base.contexts, currentContext: context });
	if (!kc.getCurrentCluster()) throw new ProbeError(`kube context "${context}" names a cluster the kubeconfig does not define`, { context });
	// Object-parameter API calls run Observable middleware (the library's own stub, not rxjs).
	const withSignal: K8s.ObservableMiddleware = {
		pre: (rc) => {
			rc.setSignal(signal);
			return new k8s.Observable(Promise.resolve(rc));
		},
		post: (res) => new k8s.Observable(Promise.resolve(res)),
	};
	return {
		k8s,
		context,
		kc,
		core: kc.makeApiClient(k8s.CoreV1Api),
		apps: kc.makeApiClient(k8s.AppsV1Api),
		custom: kc.makeApiClient(k8s.CustomObjectsApi),
		options: { middleware: [withSignal], middlewareMergeStrategy: 'append' },
		signal,
		ctx,
	};
}

export function contextOf(ctx: ProbeContext): string {
	const context = ctx.region?.kubeContext ?? ctx.environment.regions[0]?.kubeContext;
	if (!context) throw new ProbeError(`environment "${ctx.environment.id}" has no region with a kube context`);
	return context;
}

/** A Kubernetes API failure as a ProbeError: HTTP code and reason, or the network code; never credentials. */
export function kubeError(err: unknown, s: KubeSession, what: string): ProbeError {
	if (err instanceof ProbeError) return err;
	const where = `Kubernetes API of context "${s.context}"`;
	if (s.signal.aborted) return new ProbeError(`${where}: ${what} did not finish before the deadline`, { context: s.context, error: 'ABORTED' });
	if (err instanceof s.k8s.ApiException) {
		const code = Number(err.code);
		let reason = '';
		let message = '';
		try {
			const status = (typeof err.body === 'string' ? JSON.parse(err.body) : err.body) as { reason?: string; message?: string };
			reason = status?.reason ?? '';
			message = status?.message ?? '';
		} catch {
			message = excerpt(String(err.body ?? ''), 120);
		}
		// Some generated handlers drop the body (e.g. 401): fall back to the standard reason.
		reason ||= (STATUS_CODES[code] ?? '').replace(/\s+/g, '');
		const hint = code === 401 ? ' (the credentials of this context were refused)' : code === 403 ? ' (RBAC does not allow it)' : '';
		return new ProbeError(`${where} answered ${code}${reason ? ` ${reason}` : ''} to ${what}${message ? `: ${message}` : ''}${hint}`, { context: s.context, httpStatus: code, reason: reason || null });
	}
	const code = errorCode(err);
	const server = s.kc.getCurrentCluster()?.server;
	const host = server ? new URL(server).host : '?';
	return new ProbeError(`${where} (${host}) cannot be reached to ${what}: ${code === 'UNKNOWN' ? (err as Error).message : code}`, { context: s.context, error: code });
}

export async function call<T>(s: KubeSession, what: string, fn: () => Promise<T>): Promise<T> {
	try {
		return await fn();
	} catch (err) {
		throw kubeError(err, s, what);
	}
}

export function conditionTrue(conditions: Array<{ type?: string; status?: string }> | undefined, type: string): boolean | undefined {
	const c = conditions?.find((x) => x.type === type);
	return c ? c.status === 'True' : undefined;
}

