/**
 * Row-level security where step 2 (src/pg/migrations.ts) left it out (issue 23, "every read and
 * write checked, twice"): the clients themselves, which record ids are whose (record_ids), which
 * ingested line is whose (ingested_ids). Without these a caller under row-level security could
 * still learn that a client exists, or whose a record id is. Forced, like every client table,
 * and the caseload evaluated once per query: each function sits in a (SELECT …), an InitPlan.
 *
 * The policy on `clients` reads no function that reads `clients`: my_clients() does (to expand
 * merges and for the full list) and runs as its definer, and a definer that owns the table is
 * under its forced policy too, so a policy calling it would call itself. Its own functions read
 * the practice's tables only; a client merged into a visible one is visible by its merged_into.
 *
 * The audit log stays out: it holds no clinical text, every caller's reads and writes append to
 * it (a policy would hide a chain's head from its next writer), and core lets only the roles of
 * the audit and access logs list it (src/core/access-store.ts).
 */
export function accessMigration(): string {
  return `
  -- Does the caller see every client's id? The practice manager (who assigns) and a clinician
  -- with the full list.
  CREATE FUNCTION tpt_sees_every_client() RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, public AS $f$
    SELECT coalesce((SELECT me.role IN ('practice_manager', 'clinician_all_clients') FROM tpt_caller() me), false)
  $f$;
  -- Keys on the caller's caseload and, for a supervisor, their active supervisees' (no merges).
  CREATE FUNCTION tpt_seen_keys() RETURNS uuid[] LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, public AS $f$
    SELECT coalesce((SELECT array_agg(c.client_key) FROM caseload c JOIN accounts a USING (account_id), tpt_caller() me
      WHERE a.disabled_at IS NULL AND a.role IN ('clinician', 'clinician_all_clients', 'supervisor')
        AND (c.account_id = me.account_id
          OR (me.role = 'supervisor' AND c.account_id IN (SELECT clinician_id FROM supervisions WHERE supervisor_id = me.account_id)))),
      '{}')
  $f$;

  ALTER TABLE clients ENABLE ROW LEVEL SECURITY;
  ALTER TABLE clients FORCE ROW LEVEL SECURITY;
  CREATE POLICY clients_read ON clients FOR SELECT USING ((SELECT tpt_sees_every_client())
    OR client_key = ANY ((SELECT tpt_seen_keys())::uuid[]) OR merged_into = ANY ((SELECT tpt_seen_keys())::uuid[]));
  -- A caller makes no client (core refuses a write to a client off one's caseload, and a new
  -- client is on nobody's); renames and merges are the administrator's, on their own records.
  CREATE POLICY clients_insert ON clients FOR INSERT WITH CHECK (false);
  CREATE POLICY clients_update ON clients FOR UPDATE USING (client_key = ANY ((SELECT my_writable_clients())::uuid[]));
  CREATE POLICY clients_delete ON clients FOR DELETE USING (client_key = ANY ((SELECT my_writable_clients())::uuid[]));
  ${['record_ids', 'ingested_ids'].map((table) => `
  ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
  ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
  CREATE POLICY ${table}_read ON ${table} FOR SELECT USING (client_key = ANY ((SELECT my_clients())::uuid[]));
  CREATE POLICY ${table}_insert ON ${table} FOR INSERT WITH CHECK (client_key = ANY ((SELECT my_writable_clients())::uuid[]));
  CREATE POLICY ${table}_update ON ${table} FOR UPDATE USING (client_key = ANY ((SELECT my_writable_clients())::uuid[]));
  CREATE POLICY ${table}_delete ON ${table} FOR DELETE USING (client_key = ANY ((SELECT my_writable_clients())::uuid[]));`).join('')}

  -- A view runs with its owner's rights (and the owner may bypass the policies) unless told not
  -- to: step 2 told live_sessions; these two were left running as their owner.
  ALTER VIEW live_milestones SET (security_invoker = true);
  ALTER VIEW live_measures SET (security_invoker = true);

  -- The application's role takes ids from sequences (audit entries, schedules) as it writes.
  GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO tpt_app;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO tpt_app;
  `;
}
