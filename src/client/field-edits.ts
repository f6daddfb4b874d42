// Which value a field's save replaces: the one this page showed when the editing began. A save
// refused because someone changed the field first leaves a conflict saying what it holds now.
import type { RunView } from '../server/runs.ts';

/** A field changed by someone else since this page loaded it: what it holds now. */
export interface FieldConflict {
	name: string;
	value: string;
	by: string;
	at: string;
}

export class FieldEdits {
	/** Fields whose save was refused because someone changed them first, by name. */
	readonly conflicts = new Map<string, FieldConflict>();
	/** Field values as this page last loaded them: a save says which value it replaces. */
	readonly #loaded = new Map<string, string>();
	/** Fields being edited here, with the value shown when the editing began. */
	readonly #editing = new Map<string, string>();

	/** Another run is shown: nothing carries over. */
	reset(fields: RunView['fields']): void {
		this.conflicts.clear();
		this.#loaded.clear();
		this.#editing.clear();
		for (const f of fields) this.#loaded.set(f.name, f.value);
	}

	/** A newer read of the run: values nobody changed since the last load are the new baseline. */
	loaded(fields: RunView['fields']): void {
		for (const f of fields) if (!this.conflicts.has(f.name)) this.#loaded.set(f.name, f.value);
	}

	begin(field: string): void {
		if (!this.#editing.has(field)) this.#editing.set(field, this.#loaded.get(field) ?? '');
	}

	end(field: string): void {
		this.#editing.delete(field);
	}

	/** The value a save of `field` replaces; the editing ends with the save. */
	expected(field: string): string {
		const value = this.#editing.get(field) ?? this.#loaded.get(field) ?? '';
		this.#editing.delete(field);
		return value;
	}

	saved(field: string, value: string): void {
		this.conflicts.delete(field);
		this.#loaded.set(field, value);
	}

	refused(current: FieldConflict): void {
		this.conflicts.set(current.name, current);
		this.#loaded.set(current.name, current.value);
	}
}
