// The part of markdownlint-cli2's entry point the benchmark calls (the package ships no types).
declare module 'markdownlint-cli2' {
	export function main(params: { directory?: string; argv?: string[]; logMessage?: (message: string) => void; logError?: (message: string) => void }): Promise<number>;
}
