-- ops/bench-scale and ops/soak: a dealer buyer for each other dealer of the bench tenant
-- (buyer0002@... linked to D0002, ..., buyer1000@... to D1000), so that the tenant has as many
-- users as a tenant with 1,000 dealers has, not just the one the benchmark logs in as. Same
-- password as the administrator (hash copied). psql variables: tenant, scope, admin, step; records
-- step :'step' in bench_scratch.scale_seed in the same transaction.
BEGIN;
SET LOCAL app.tenant_id = :'tenant';
SET LOCAL app.tenant_scope = :'scope';
SET LOCAL synchronous_commit = off;
CREATE FUNCTION pg_temp.bid(kind int, n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE
  AS $$ SELECT (lpad(to_hex(kind), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$;
INSERT INTO users (tenant_id, id, email, display_name, password_hash, locale)
SELECT :'tenant', pg_temp.bid(7, d), 'buyer' || lpad(d::text, 4, '0') || '@' || split_part(:'admin', '@', 2),
       '经销商采购员 ' || lpad(d::text, 4, '0'), u.password_hash, 'zh-CN'
FROM generate_series(2, 1000) d CROSS JOIN (SELECT password_hash FROM users WHERE tenant_id = :'tenant' AND email = :'admin') u;
INSERT INTO user_roles (tenant_id, user_id, role) SELECT :'tenant', pg_temp.bid(7, d), 'dealer_buyer' FROM generate_series(2, 1000) d;
INSERT INTO dealer_users (tenant_id, user_id, dealer_id) SELECT :'tenant', pg_temp.bid(7, d), pg_temp.bid(5, d) FROM generate_series(2, 1000) d;
CREATE SCHEMA IF NOT EXISTS bench_scratch;
CREATE TABLE IF NOT EXISTS bench_scratch.scale_seed (step text PRIMARY KEY, orders bigint NOT NULL, at timestamptz NOT NULL DEFAULT now());
INSERT INTO bench_scratch.scale_seed (step, orders) VALUES (:'step', 0);
COMMIT;
ANALYZE users, user_roles, dealer_users;
