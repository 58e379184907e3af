/** Records the fast path `tpt __complete <kind>` lists (its own module: that path loads no zod). */
export const ID_KINDS = ['clients', 'goals', 'sessions', 'milestones', 'measures', 'tokens'] as const;
export type IdKind = (typeof ID_KINDS)[number];
