-- ops/bench-scale: :n more tenants (slugs scale-0001 ...), each as `b2b tenant create` provisions it
-- (TenantProvisioning.create: a `tenants` row of kind enterprise without parent, its first
-- administrator in `users` with the role tenant_admin) plus a small commerce setup of its own so
-- that it can hold orders: 5 regions (HQ > 4), 20 dealers with a dealer buyer each (a user with the
-- role dealer_buyer linked in dealer_users), 1 warehouse, 1 category, 5 products x 4 SKUs with stock. Run as the owner role; RLS is forced on it, so the rows are written under an
-- app.tenant_scope naming exactly the new tenants, as the server's cross-tenant jobs do
-- (TenantDatabase.tenantsAcross). psql variables: n, bench (the bench tenant's id, whose
-- administrator's bcrypt hash the new administrators reuse), admin (that administrator's email).
-- What the CLI also does and this does not: one operator audit entry per tenant in the platform
-- tenant's hash chain (`tenant.create`); no request of the benchmark reads it.
BEGIN;
SET LOCAL synchronous_commit = off;
-- Ids unique per tenant and across tenants (GIN indexes such as orders.region_path and
-- products.category_path do not lead with tenant_id, so shared ids would distort them).
CREATE FUNCTION pg_temp.sid(t uuid, kind int, n int) RETURNS uuid LANGUAGE sql IMMUTABLE
  AS $$ SELECT md5(t::text || ':' || kind || ':' || n)::uuid $$;
-- SearchTerms.index in SQL: each Han character and adjacent pair, every prefix (<= 20) of a Latin word.
CREATE FUNCTION pg_temp.terms(t text) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(array_agg(DISTINCT term ORDER BY term), '{}') FROM (
    SELECT substr(m[1], i, 1) AS term FROM regexp_matches(lower(t), '[一-龥]+', 'g') m, generate_series(1, length(m[1])) i
    UNION ALL
    SELECT substr(m[1], i, 2) FROM regexp_matches(lower(t), '[一-龥]+', 'g') m, generate_series(1, length(m[1]) - 1) i
    UNION ALL
    SELECT left(m[1], i) FROM regexp_matches(lower(t), '[a-z0-9][a-z0-9._/-]*', 'g') m, generate_series(1, least(length(m[1]), 20)) i
  ) s $$;
CREATE TEMP TABLE st ON COMMIT DROP AS
  SELECT k, gen_random_uuid() AS id, 'scale-' || lpad(k::text, 4, '0') AS slug FROM generate_series(1, :n) k;
SELECT set_config('app.tenant_id', :'bench', true), set_config('app.tenant_scope', '{' || :'bench' || '}', true) \g /dev/null
CREATE TEMP TABLE pw ON COMMIT DROP AS SELECT password_hash FROM users WHERE tenant_id = :'bench' AND email = :'admin';
SELECT set_config('app.tenant_id', (SELECT id::text FROM st WHERE k = 1), true),
       set_config('app.tenant_scope', (SELECT array_agg(id)::text FROM st), true) \g /dev/null

INSERT INTO tenants (id, parent_id, slug, name, kind)
SELECT id, NULL, slug, '规模租户 ' || lpad(k::text, 4, '0') || ' Scale tenant ' || lpad(k::text, 4, '0'), 'enterprise' FROM st;
INSERT INTO users (tenant_id, id, email, display_name, password_hash, locale)
SELECT st.id, gen_random_uuid(), 'admin@' || st.slug || '.example', '管理员', pw.password_hash, 'zh-CN' FROM st CROSS JOIN pw;
INSERT INTO user_roles (tenant_id, user_id, role)
SELECT u.tenant_id, u.id, 'tenant_admin' FROM users u JOIN st ON st.id = u.tenant_id;

INSERT INTO regions (tenant_id, id, parent_id, code, name, path)
SELECT id, pg_temp.sid(id, 4, 1), NULL, 'HQ', '总部 Headquarters', ARRAY[pg_temp.sid(id, 4, 1)] FROM st;
INSERT INTO regions (tenant_id, id, parent_id, code, name, path)
SELECT st.id, pg_temp.sid(st.id, 4, 2 + r), pg_temp.sid(st.id, 4, 1), 'R' || (r + 1),
       (ARRAY['华东 East', '华南 South', '华北 North', '西部 West'])[r + 1], ARRAY[pg_temp.sid(st.id, 4, 1), pg_temp.sid(st.id, 4, 2 + r)]
FROM st CROSS JOIN generate_series(0, 3) r;
INSERT INTO dealers (tenant_id, id, code, name, region_id, region_path, tier)
SELECT st.id, pg_temp.sid(st.id, 5, d), 'D' || lpad(d::text, 4, '0'), '经销商 ' || lpad(d::text, 4, '0') || ' Dealer ' || lpad(d::text, 4, '0'),
       pg_temp.sid(st.id, 4, 2 + d % 4), ARRAY[pg_temp.sid(st.id, 4, 1), pg_temp.sid(st.id, 4, 2 + d % 4)],
       (ARRAY['standard', 'silver', 'gold'])[1 + d % 3]
FROM st CROSS JOIN generate_series(1, 20) d;
-- One dealer buyer per dealer (dealer users are most of a tenant's users).
INSERT INTO users (tenant_id, id, email, display_name, password_hash, locale)
SELECT st.id, pg_temp.sid(st.id, 7, d), 'buyer' || d || '@' || st.slug || '.example', '经销商采购员 ' || d, pw.password_hash, 'zh-CN'
FROM st CROSS JOIN pw CROSS JOIN generate_series(1, 20) d;
INSERT INTO user_roles (tenant_id, user_id, role)
SELECT st.id, pg_temp.sid(st.id, 7, d), 'dealer_buyer' FROM st CROSS JOIN generate_series(1, 20) d;
INSERT INTO dealer_users (tenant_id, user_id, dealer_id)
SELECT st.id, pg_temp.sid(st.id, 7, d), pg_temp.sid(st.id, 5, d) FROM st CROSS JOIN generate_series(1, 20) d;
INSERT INTO warehouses (tenant_id, id, code, name)
SELECT id, pg_temp.sid(id, 3, 1), 'WH01', '仓库 1 Warehouse 1' FROM st;
INSERT INTO categories (tenant_id, id, parent_id, code, name_zh, name_en, path)
SELECT id, pg_temp.sid(id, 6, 1), NULL, 'OFFICE', '办公文具', 'Office Supplies', ARRAY[pg_temp.sid(id, 6, 1)] FROM st;
INSERT INTO products (tenant_id, id, code, name_zh, name_en, brand, category_id, category_path, status, search_terms)
SELECT st.id, pg_temp.sid(st.id, 1, p), 'P' || lpad(p::text, 6, '0'), '中性笔 ' || p || '型', 'Gel Pen Model ' || p, '晨光 M&G',
       pg_temp.sid(st.id, 6, 1), ARRAY[pg_temp.sid(st.id, 6, 1)], 'active',
       pg_temp.terms('P' || lpad(p::text, 6, '0') || ' 中性笔 ' || p || '型 Gel Pen Model ' || p || ' 晨光 M&G')
FROM st CROSS JOIN generate_series(1, 5) p;
INSERT INTO skus (tenant_id, id, product_id, code, name, unit, list_price_minor, status)
SELECT st.id, pg_temp.sid(st.id, 2, s), pg_temp.sid(st.id, 1, (s - 1) / 4 + 1),
       'P' || lpad(((s - 1) / 4 + 1)::text, 6, '0') || '-' || ((s - 1) % 4 + 1),
       (ARRAY['黑色 Black', '蓝色 Blue', '红色 Red', '绿色 Green'])[(s - 1) % 4 + 1], '支', 150 + (s * 37) % 4850, 'active'
FROM st CROSS JOIN generate_series(1, 20) s;
INSERT INTO stock (tenant_id, sku_id, warehouse_id, on_hand, reserved)
SELECT st.id, pg_temp.sid(st.id, 2, s), pg_temp.sid(st.id, 3, 1), 100000, 0 FROM st CROSS JOIN generate_series(1, 20) s;
COMMIT;
