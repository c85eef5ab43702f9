-- ops/bench-scale: a year of order history, written as OrderPlacement and OrderWorkflow leave it:
-- `orders` (number SOyyyymmdd-<first 12 hex of the id>, the dealer's region path, totals equal to
-- the sum of the lines, SHA-256 request hash), `order_lines` (1-5 lines of the tenant's SKUs at
-- list price; shipped quantities filled once shipped) and `order_transitions` (submitted, then
-- the order's status now). Not written: reservations, stock movements, shipments, outbox and audit
-- rows of those orders (no measured request reads them; stock is left as seeded).
-- Statuses by age: placed in the last day confirmed or shipped, in the last 3 days shipped or
-- delivered, older completed (88%), cancelled, rejected or delivered: none is left submitted or
-- awaiting approval, so the overdue-order sweeper has nothing to raise.
--
-- Who gets orders: the bench tenant :'bench' gets :bench_orders, one in :bench_every of them placed
-- by its dealer buyer for dealer D0001, the rest spread evenly over its other dealers (placed by its
-- administrator, as staff order for dealers); every tenant whose slug starts with scale- gets
-- :scale_orders (the first :scale_extra of them one more), one in 20 for its dealer D0001.
-- One transaction, as the owner role under an app.tenant_scope naming exactly these tenants; it
-- ends by recording step :'step' in bench_scratch.scale_seed, which ops/bench-scale checks first.
BEGIN;
SET LOCAL synchronous_commit = off;
SET LOCAL work_mem = '256MB';
CREATE TEMP TABLE plan ON COMMIT DROP AS
  SELECT t.id AS tenant_id, :bench_orders::int AS n, :bench_every::int AS every, true AS bench
  FROM tenants t WHERE t.id = :'bench'
  UNION ALL
  SELECT t.id, :scale_orders::int + CASE WHEN row_number() OVER (ORDER BY t.slug) <= :scale_extra THEN 1 ELSE 0 END, 20, false
  FROM tenants t WHERE t.slug LIKE 'scale-%';
SELECT set_config('app.tenant_id', :'bench', true),
       set_config('app.tenant_scope', (SELECT array_agg(tenant_id)::text FROM plan), true) \g /dev/null

-- The tenants' dealers (D0001 first), SKUs (by code), administrators and dealer buyers.
CREATE TEMP TABLE dl ON COMMIT DROP AS
  SELECT d.tenant_id, row_number() OVER (PARTITION BY d.tenant_id ORDER BY d.code)::int AS no, d.id, d.region_path,
         count(*) OVER (PARTITION BY d.tenant_id)::int AS total
  FROM dealers d JOIN plan p ON p.tenant_id = d.tenant_id;
CREATE TEMP TABLE sk ON COMMIT DROP AS
  SELECT s.tenant_id, row_number() OVER (PARTITION BY s.tenant_id ORDER BY s.code)::int AS no, s.id, s.code,
         p.name_zh || ' ' || s.name AS name, s.list_price_minor AS price, count(*) OVER (PARTITION BY s.tenant_id)::int AS total
  FROM skus s JOIN products p ON p.tenant_id = s.tenant_id AND p.id = s.product_id
  JOIN plan ON plan.tenant_id = s.tenant_id WHERE s.status = 'active';
CREATE TEMP TABLE who ON COMMIT DROP AS
  SELECT p.tenant_id,
         (SELECT u.id FROM users u JOIN user_roles r ON r.tenant_id = u.tenant_id AND r.user_id = u.id
          WHERE u.tenant_id = p.tenant_id AND r.role = 'tenant_admin' ORDER BY u.created_at, u.id LIMIT 1) AS admin,
         (SELECT du.user_id FROM dealer_users du JOIN dl ON dl.tenant_id = du.tenant_id AND dl.id = du.dealer_id AND dl.no = 1
          WHERE du.tenant_id = p.tenant_id ORDER BY du.user_id LIMIT 1) AS buyer
  FROM plan p;

CREATE TEMP TABLE so ON COMMIT DROP AS
  SELECT x.*,
         CASE WHEN x.age < interval '1 day' THEN (ARRAY['confirmed', 'shipped'])[1 + x.i % 2]
              WHEN x.age < interval '3 days' THEN (ARRAY['shipped', 'delivered'])[1 + x.i % 2]
              WHEN x.i % 100 < 88 THEN 'completed' WHEN x.i % 100 < 94 THEN 'cancelled'
              WHEN x.i % 100 < 97 THEN 'rejected' ELSE 'delivered' END AS status
  FROM (
    SELECT p.tenant_id, i, gen_random_uuid() AS id,
           CASE WHEN i % p.every = 0 THEN 1 ELSE 2 + (i - i / p.every) % (dt.total - 1) END AS dealer_no,
           now() - make_interval(secs => (p.n - i)::float8 / p.n * 365 * 86400 + (i * 37) % 600 + 60) AS placed_at,
           make_interval(secs => (p.n - i)::float8 / p.n * 365 * 86400 + (i * 37) % 600 + 60) AS age,
           1 + (i * 7) % 5 AS lines
    FROM plan p CROSS JOIN generate_series(1, p.n) i
    JOIN (SELECT tenant_id, max(total) AS total FROM dl GROUP BY tenant_id) dt ON dt.tenant_id = p.tenant_id
  ) x;
CREATE TEMP TABLE ln ON COMMIT DROP AS
  SELECT so.tenant_id, so.id AS order_id, j AS line_no, sk.id AS sku_id, sk.code, sk.name, (1 + (so.i + j) % 12)::bigint AS quantity,
         sk.price, so.status, so.placed_at
  FROM so CROSS JOIN generate_series(1, so.lines) j
  JOIN (SELECT tenant_id, max(total) AS total FROM sk GROUP BY tenant_id) st ON st.tenant_id = so.tenant_id
  JOIN sk ON sk.tenant_id = so.tenant_id AND sk.no = 1 + ((so.i::bigint * 7919 + j * 104729) % st.total);

INSERT INTO orders (tenant_id, id, number, dealer_id, region_path, placed_by, status, currency, list_total_minor, total_minor,
                    approval_steps, note, idempotency_key, request_hash, placed_at, updated_at)
SELECT so.tenant_id, so.id,
       'SO' || to_char(so.placed_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' || upper(left(replace(so.id::text, '-', ''), 12)),
       dl.id, dl.region_path, CASE WHEN so.dealer_no = 1 THEN coalesce(who.buyer, who.admin) ELSE who.admin END,
       so.status, 'CNY', t.total, t.total, '{}', '', NULL, sha256(uuid_send(so.id)), so.placed_at,
       least(now(), so.placed_at + interval '2 hours')
FROM so
JOIN dl ON dl.tenant_id = so.tenant_id AND dl.no = so.dealer_no
JOIN who ON who.tenant_id = so.tenant_id
JOIN (SELECT order_id, sum(quantity * price)::bigint AS total FROM ln GROUP BY order_id) t ON t.order_id = so.id
ORDER BY so.placed_at; -- tenants interleaved in time, as a shared database fills up
INSERT INTO order_lines (tenant_id, order_id, line_no, sku_id, sku_code, name, quantity, list_unit_minor, unit_minor,
                         line_total_minor, adjustments, shipped_qty)
SELECT tenant_id, order_id, line_no, sku_id, code, name, quantity, price, price, quantity * price, '[]',
       CASE WHEN status IN ('shipped', 'delivered', 'completed') THEN quantity ELSE 0 END
FROM ln ORDER BY placed_at, order_id, line_no;
INSERT INTO order_transitions (tenant_id, order_id, seq, from_status, to_status, actor_id, note, at)
SELECT so.tenant_id, so.id, 1, NULL, 'submitted', who.admin, '', so.placed_at FROM so JOIN who ON who.tenant_id = so.tenant_id
UNION ALL
SELECT so.tenant_id, so.id, 2, 'submitted', so.status, who.admin, '', least(now(), so.placed_at + interval '2 hours')
FROM so JOIN who ON who.tenant_id = so.tenant_id;

CREATE SCHEMA IF NOT EXISTS bench_scratch;
CREATE TABLE IF NOT EXISTS bench_scratch.scale_seed (step text PRIMARY KEY, orders bigint NOT NULL, at timestamptz NOT NULL DEFAULT now());
INSERT INTO bench_scratch.scale_seed (step, orders) SELECT :'step', count(*) FROM so;
COMMIT;
