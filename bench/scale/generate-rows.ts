import { sql, type Kysely, type Transaction } from 'kysely';

// Generated rows for the scale benchmark, written straight in SQL with
// generate_series. Their keys, headers and sealed metadata are dummy bytes
// of realistic length and they have no content chunks, so no request can
// open them. The benchmark measures the query path (lists and grant
// decisions), which reads only their clear columns and their index entries.

/** Issuer of the generated accounts, so they can never collide with a real provider's. */
export const GENERATED_ISSUER = 'https://scale.bench.invalid';
export const GENERATED_CONSENT_VERSION = 'bench-scale-v1';
const GENERATED_PARTNERS = 199;
// Documents per person: 90 % have 5 to 30, the rest 1 to 4.
const MEAN_DOCUMENTS_PER_PERSON = 0.9 * 17.5 + 0.1 * 2.5;

/** Partners the grants go to, by rank: rank 0 is the benchmark's real partner and receives the most. */
export async function createGeneratedPartners(db: Kysely<any>, realPartnerId: string): Promise<void> {
  await sql`create table bench_scale_partners (rank int primary key, id uuid not null)`.execute(db);
  await sql`insert into bench_scale_partners values (0, ${realPartnerId}::uuid)`.execute(db);
  await sql`
    with created as (
      insert into partners (id, name, kind, status, client_id, created_at)
      select gen_random_uuid(), 'Bench partner ' || n, 'other', 'active', 'bench-scale-' || n, now()
      from generate_series(1, ${GENERATED_PARTNERS}) as n
      returning id, client_id)
    insert into bench_scale_partners select substring(client_id from 13)::int, id from created`.execute(db);
}

/**
 * Adds `count` documents owned by new generated people, each person with
 * 5 to 30 documents (1 to 4 for one person in ten), dated over three years.
 */
export async function addDocuments(db: Kysely<any>, count: number): Promise<void> {
  if (count <= 0) return;
  // Draw more people than needed, then keep those whose running total stays within `count`.
  const drawn = Math.ceil((count / MEAN_DOCUMENTS_PER_PERSON) * 1.2) + 10;
  await sql`drop table if exists bench_scale_batch`.execute(db);
  await sql`
    create table bench_scale_batch as
    with drawn as (
      select n, gen_random_uuid() as id,
             case when random() < 0.9 then 5 + floor(random() * 26)::int else 1 + floor(random() * 4)::int end as documents
      from generate_series(1, ${drawn}) as n),
    running as (
      select id, documents, sum(documents) over (order by n) as total from drawn)
    select id, documents - greatest(0, total - ${count})::int as documents
    from running where total - documents < ${count}`.execute(db);
  await withoutForeignKeyChecks(db, async (trx) => {
    await sql`
      insert into accounts (id, issuer, subject, created_at)
      select id, ${GENERATED_ISSUER}, id::text, now() - interval '3 years' from bench_scale_batch`.execute(trx);
    await sql`
      insert into documents (id, owner_id, category, media_type, size_bytes, chunk_count, wrapped_key, stream_header, title_sealed, file_name_sealed, created_at)
      select gen_random_uuid(), owner_id,
             (array['decision_mdph', 'decision_mdph', 'decision_mdph', 'medical', 'medical', 'employment', 'training', 'identity', 'other'])[1 + floor(random() * 9)::int],
             (array['application/pdf', 'application/pdf', 'application/pdf', 'image/jpeg', 'image/png'])[1 + floor(random() * 5)::int],
             size, ceil(size / 65536.0)::int,
             decode(repeat('00', 72), 'hex'), decode(repeat('00', 24), 'hex'), decode(repeat('00', 80), 'hex'), decode(repeat('00', 64), 'hex'),
             now() - random() * interval '3 years'
      from (
        select b.id as owner_id, (20000 + floor(random() * 2000000))::bigint as size
        from bench_scale_batch b cross join lateral generate_series(1, b.documents)) as generated`.execute(trx);
  });
  await sql`drop table bench_scale_batch`.execute(db);
}

/**
 * Adds `count` grants from generated people, each covering one or two
 * categories. Partners are drawn by rank as floor(200 × u⁴) with u uniform,
 * so the real partner (rank 0) receives about 27 % of the grants and the top
 * 20 of 200 about 56 %. Seven in ten grants have ended (their expiry already
 * recorded, so the vault's expiry job has nothing to do), one in ten is
 * revoked, and the rest are active. Three in ten also cover medical documents.
 */
export async function addGrants(db: Kysely<any>, count: number): Promise<void> {
  if (count <= 0) return;
  await sql`drop table if exists bench_scale_people`.execute(db);
  await sql`
    create table bench_scale_people as
    select row_number() over () as n, id from accounts where issuer = ${GENERATED_ISSUER}`.execute(db);
  await sql`create unique index on bench_scale_people (n)`.execute(db);
  await sql`analyze bench_scale_people`.execute(db);
  await withoutForeignKeyChecks(db, (trx) => sql`
    with drawn as (
      select gen_random_uuid() as id,
             1 + floor(random() * (select count(*) from bench_scale_people))::bigint as person,
             floor(200 * power(random(), 4))::int as partner_rank,
             random() as state,
             now() - interval '100 days' - random() * interval '1000 days' as starts_at
      from generate_series(1, ${count})),
    inserted as (
      insert into grants (id, person_id, partner_id, purpose, starts_at, ends_at, revoked_at, consent_version, created_at, expiry_recorded_at)
      select d.id, p.id, r.id,
             (array['employment_support', 'workplace_adjustment', 'training_access', 'rights_application'])[1 + floor(random() * 4)::int],
             case when d.state < 0.8 then d.starts_at else now() - interval '10 days' end,
             case when d.state < 0.7 then d.starts_at + interval '90 days' else now() + interval '80 days' end,
             case when d.state >= 0.7 and d.state < 0.8 then now() - interval '1 day' end,
             ${GENERATED_CONSENT_VERSION},
             case when d.state < 0.8 then d.starts_at else now() - interval '10 days' end,
             case when d.state < 0.7 then d.starts_at + interval '90 days' end
      from drawn d
      join bench_scale_people p on p.n = d.person
      join bench_scale_partners r on r.rank = d.partner_rank
      returning id)
    insert into grant_categories (grant_id, category)
    select id, 'decision_mdph' from inserted
    union all
    select id, 'medical' from inserted where random() < 0.3`.execute(trx));
  await sql`drop table bench_scale_people`.execute(db);
}

/**
 * Runs `work` in a transaction whose foreign key triggers do not fire
 * (`session_replication_role = replica`, superuser only). Checking each
 * generated row against its parent would double the generation time, and
 * every generated reference comes from a join with rows that exist.
 */
async function withoutForeignKeyChecks(db: Kysely<any>, work: (trx: Transaction<any>) => Promise<unknown>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await work(trx);
  });
}

/** Refreshes the planner's statistics and the visibility map, as autovacuum would after such a load. */
export async function vacuumGeneratedTables(db: Kysely<any>): Promise<void> {
  await sql`vacuum (analyze) accounts, documents, grants, grant_categories, partners`.execute(db);
}
