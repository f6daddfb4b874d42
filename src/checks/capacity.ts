/** One row of the capacity rules of thumb: up to `maxUsers` concurrent users need these replicas. */
export interface CapacityRow {
	maxUsers: number;
	provisioners: number;
	litellmReplicas: number;
}

/**
 * The domain's rules of thumb (shared/domain.md), upper ends of each range so planning errs on
 * the side of capacity. Configurable: pass another table to `requiredCapacity`.
 */
export const defaultCapacityTable: readonly CapacityRow[] = [
	{ maxUsers: 9, provisioners: 6, litellmReplicas: 4 },
	{ maxUsers: 15, provisioners: 8, litellmReplicas: 4 },
	{ maxUsers: 20, provisioners: 10, litellmReplicas: 6 },
	{ maxUsers: 30, provisioners: 15, litellmReplicas: 8 },
];

/**
 * Provisioner and LiteLLM replicas needed for an expected attendance. Beyond the table, one
 * provisioner per 2 users and one gateway replica per 4 users (one Terraform job per provisioner).
 *
 * @example
 * requiredCapacity(15) // → { provisioners: 8, litellmReplicas: 4 }
 */
export function requiredCapacity(attendance: number, table: readonly CapacityRow[] = defaultCapacityTable): { provisioners: number; litellmReplicas: number } {
	if (!Number.isFinite(attendance) || attendance < 0) throw new RangeError(`expected attendance must be a number ≥ 0, got ${attendance}`);
	const row = table.find((r) => attendance <= r.maxUsers);
	if (row) return { provisioners: row.provisioners, litellmReplicas: row.litellmReplicas };
	return { provisioners: Math.ceil(attendance / 2), litellmReplicas: Math.ceil(attendance / 4) };
}
