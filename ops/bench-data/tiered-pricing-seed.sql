-- The tiered pricing plugin's rules for the pricing benchmark's tenant (psql variables: tenant,
-- scope), on top of commerce-seed.sql's ids (2 SKU, 4 region, 5 dealer, 6 category): 3 tiers with
-- discounts; 200 price lists (30 for tiers, 80 for regions at every level, 90 for single dealers),
-- each with 3 quantity breaks for 2,000 SKUs spread over the catalog (1.2 million prices, some
-- lists ended or scheduled); 20,000 contract prices; 1,000 SKU floors and a floor per category;
-- 2,000 SKUs restricted to one of the 4 large regions.
BEGIN;
SET LOCAL app.tenant_id = :'tenant';
SET LOCAL app.tenant_scope = :'scope';
SET LOCAL synchronous_commit = off;
CREATE FUNCTION pg_temp.bid(kind int, n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE
  AS $$ SELECT (lpad(to_hex(kind), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$;
CREATE FUNCTION pg_temp.list_price(n bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$ SELECT 150 + (n * 37) % 4850 $$;

INSERT INTO tiered_pricing_tiers (tenant_id, id, code, name_zh, name_en, discount_bp)
VALUES (:'tenant', pg_temp.bid(8, 1), 'standard', '标准经销商', 'Standard', 0),
       (:'tenant', pg_temp.bid(8, 2), 'silver', '银牌经销商', 'Silver', 300),
       (:'tenant', pg_temp.bid(8, 3), 'gold', '金牌经销商', 'Gold', 600);
INSERT INTO tiered_pricing_tier_discounts (tenant_id, id, tier_id, discount_bp, valid_from)
SELECT tenant_id, gen_random_uuid(), id, discount_bp, now() - interval '1 year' FROM tiered_pricing_tiers;

INSERT INTO tiered_pricing_price_lists
    (tenant_id, id, name, currency, valid_from, valid_to, priority, scope, tier_code, region_id, dealer_id, created_at)
SELECT :'tenant', pg_temp.bid(9, l), '价目表 ' || l || ' Price list ' || l, 'CNY',
       CASE WHEN l % 20 = 0 THEN now() + interval '30 days' ELSE now() - interval '90 days' END,
       CASE WHEN l % 25 = 0 AND l % 20 <> 0 THEN now() - interval '1 day' WHEN l % 7 = 0 THEN now() + interval '180 days' END,
       l % 5,
       CASE WHEN l <= 30 THEN 'tier' WHEN l <= 110 THEN 'region' ELSE 'dealer' END,
       CASE WHEN l <= 30 THEN (ARRAY['standard', 'silver', 'gold'])[1 + l % 3] END,
       CASE WHEN l > 30 AND l <= 110 THEN pg_temp.bid(4, 2 + (l * 7) % 224) END,
       CASE WHEN l > 110 THEN pg_temp.bid(5, 1 + (l * 11) % 1000) END,
       now() - interval '90 days' + l * interval '1 minute'
FROM generate_series(1, 200) l;

INSERT INTO tiered_pricing_list_prices (tenant_id, id, price_list_id, sku_id, min_quantity, unit_price_minor, valid_from)
SELECT :'tenant', gen_random_uuid(), pg_temp.bid(9, l), pg_temp.bid(2, n), b.min_quantity,
       (pg_temp.list_price(n) * b.percent + 50) / 100, now() - interval '90 days'
FROM generate_series(1, 200) l
CROSS JOIN generate_series(0, 1999) k
CROSS JOIN LATERAL (SELECT 1 + (l * 499 + k * 50) % 100000 AS n) s
CROSS JOIN (VALUES (1, 95), (100, 90), (500, 85)) b (min_quantity, percent);

INSERT INTO tiered_pricing_contracts (tenant_id, id, dealer_id, sku_id, unit_price_minor, valid_from, valid_to, contract_ref)
SELECT :'tenant', gen_random_uuid(), pg_temp.bid(5, 1 + c % 1000), pg_temp.bid(2, n), pg_temp.list_price(n) * 80 / 100,
       now() - interval '10 days', CASE WHEN c % 10 = 0 THEN now() - interval '1 day' END, 'HT-2026-' || lpad(c::text, 5, '0')
FROM generate_series(1, 20000) c CROSS JOIN LATERAL (SELECT 1 + (c * 7919) % 100000 AS n) s;

INSERT INTO tiered_pricing_floors (tenant_id, id, sku_id, category_id, min_price_minor, valid_from)
SELECT :'tenant', gen_random_uuid(), pg_temp.bid(2, n), NULL, pg_temp.list_price(n) * 88 / 100, now() - interval '90 days'
FROM generate_series(1, 100000, 100) n;
INSERT INTO tiered_pricing_floors (tenant_id, id, sku_id, category_id, min_price_minor, valid_from)
SELECT :'tenant', gen_random_uuid(), NULL, pg_temp.bid(6, 2 + i), 100, now() - interval '90 days' FROM generate_series(0, 11) i;

INSERT INTO tiered_pricing_sku_regions (tenant_id, sku_id, region_id)
SELECT :'tenant', pg_temp.bid(2, n), pg_temp.bid(4, 2 + n % 4) FROM generate_series(25, 100000, 50) n;

INSERT INTO tiered_pricing_versions (tenant_id, version) VALUES (:'tenant', 1)
ON CONFLICT (tenant_id) DO UPDATE SET version = tiered_pricing_versions.version + 1;
COMMIT;
VACUUM ANALYZE tiered_pricing_tiers, tiered_pricing_tier_discounts, tiered_pricing_price_lists, tiered_pricing_list_prices,
  tiered_pricing_contracts, tiered_pricing_floors, tiered_pricing_sku_regions, tiered_pricing_versions;
