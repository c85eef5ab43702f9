-- The commerce benchmark's tenant, seeded with bulk SQL as the owner role under the tenant settings
-- the RLS policies read (psql variables: tenant, scope, buyer, admin). Used by ops/bench-commerce
-- and ops/bench-pricing.
BEGIN;
SET LOCAL app.tenant_id = :'tenant';
SET LOCAL app.tenant_scope = :'scope';
SET LOCAL synchronous_commit = off;
CREATE FUNCTION pg_temp.bid(kind int, n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE
  AS $$ SELECT (lpad(to_hex(kind), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$;
-- SearchTerms.index in SQL: each Han character and adjacent pair, every prefix (<= 20) of a Latin word.
CREATE FUNCTION pg_temp.terms(t text) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(array_agg(DISTINCT term ORDER BY term), '{}') FROM (
    SELECT substr(m[1], i, 1) AS term FROM regexp_matches(lower(t), '[一-龥]+', 'g') m, generate_series(1, length(m[1])) i
    UNION ALL
    SELECT substr(m[1], i, 2) FROM regexp_matches(lower(t), '[一-龥]+', 'g') m, generate_series(1, length(m[1]) - 1) i
    UNION ALL
    SELECT left(m[1], i) FROM regexp_matches(lower(t), '[a-z0-9][a-z0-9._/-]*', 'g') m, generate_series(1, least(length(m[1]), 20)) i
  ) s $$;
CREATE TEMP TABLE nouns (i int PRIMARY KEY, zh text, en text, unit text) ON COMMIT DROP;
INSERT INTO nouns VALUES
  (0, '中性笔', 'Gel Pen', '支'), (1, '圆珠笔', 'Ballpoint Pen', '支'), (2, '自动铅笔', 'Mechanical Pencil', '支'),
  (3, '笔记本', 'Notebook', '本'), (4, '文件夹', 'File Folder', '个'), (5, '订书机', 'Stapler', '个'),
  (6, '复印纸', 'Copy Paper', '包'), (7, '便利贴', 'Sticky Notes', '本'), (8, '剪刀', 'Scissors', '把'),
  (9, '计算器', 'Calculator', '台'), (10, '白板笔', 'Whiteboard Marker', '支'), (11, '修正带', 'Correction Tape', '个');
CREATE TEMP TABLE brands (i int PRIMARY KEY, zh text, en text) ON COMMIT DROP;
INSERT INTO brands VALUES (0, '晨光', 'M&G'), (1, '得力', 'Deli'), (2, '齐心', 'Comix'), (3, '真彩', 'Truecolor'),
  (4, '国誉', 'Kokuyo'), (5, '百乐', 'Pilot'), (6, '三菱', 'Uni'), (7, '斑马', 'Zebra');
CREATE TEMP TABLE colours (i int PRIMARY KEY, zh text, en text) ON COMMIT DROP;
INSERT INTO colours VALUES (0, '黑色', 'Black'), (1, '蓝色', 'Blue'), (2, '红色', 'Red'), (3, '绿色', 'Green');

-- Regions: HQ (4:1) > 4 regions (4:2-5) > 20 provinces (4:6-25) > 200 stores (4:26-225).
INSERT INTO regions (tenant_id, id, parent_id, code, name, path)
SELECT :'tenant', pg_temp.bid(4, 1), NULL, 'HQ', '总部 Headquarters', ARRAY[pg_temp.bid(4, 1)];
INSERT INTO regions (tenant_id, id, parent_id, code, name, path)
SELECT :'tenant', pg_temp.bid(4, 2 + r), pg_temp.bid(4, 1), 'R' || (r + 1), (ARRAY['华东 East', '华南 South', '华北 North', '西部 West'])[r + 1],
       ARRAY[pg_temp.bid(4, 1), pg_temp.bid(4, 2 + r)]
FROM generate_series(0, 3) r;
INSERT INTO regions (tenant_id, id, parent_id, code, name, path)
SELECT :'tenant', pg_temp.bid(4, 6 + q), pg_temp.bid(4, 2 + q / 5), 'P' || lpad((q + 1)::text, 2, '0'),
       '省区 ' || (q + 1) || ' Province ' || (q + 1), ARRAY[pg_temp.bid(4, 1), pg_temp.bid(4, 2 + q / 5), pg_temp.bid(4, 6 + q)]
FROM generate_series(0, 19) q;
INSERT INTO regions (tenant_id, id, parent_id, code, name, path)
SELECT :'tenant', pg_temp.bid(4, 26 + s), pg_temp.bid(4, 6 + s / 10), 'S' || lpad((s + 1)::text, 3, '0'),
       '门店片区 ' || (s + 1) || ' Store area ' || (s + 1),
       ARRAY[pg_temp.bid(4, 1), pg_temp.bid(4, 2 + s / 50), pg_temp.bid(4, 6 + s / 10), pg_temp.bid(4, 26 + s)]
FROM generate_series(0, 199) s;
-- 1,000 dealers, 5 per store area.
INSERT INTO dealers (tenant_id, id, code, name, region_id, region_path, tier)
SELECT :'tenant', pg_temp.bid(5, d), 'D' || lpad(d::text, 4, '0'), '经销商 ' || lpad(d::text, 4, '0') || ' Dealer ' || lpad(d::text, 4, '0'),
       r.id, r.path, (ARRAY['standard', 'silver', 'gold'])[1 + d % 3]
FROM generate_series(1, 1000) d JOIN regions r ON r.id = pg_temp.bid(4, 26 + (d - 1) / 5);
INSERT INTO warehouses (tenant_id, id, code, name)
SELECT :'tenant', pg_temp.bid(3, w), 'WH' || lpad(w::text, 2, '0'), '仓库 ' || w || ' Warehouse ' || w FROM generate_series(1, 10) w;
INSERT INTO categories (tenant_id, id, parent_id, code, name_zh, name_en, path)
SELECT :'tenant', pg_temp.bid(6, 1), NULL, 'OFFICE', '办公文具', 'Office Supplies', ARRAY[pg_temp.bid(6, 1)];
INSERT INTO categories (tenant_id, id, parent_id, code, name_zh, name_en, path)
SELECT :'tenant', pg_temp.bid(6, 2 + i), pg_temp.bid(6, 1), 'OFFICE-' || (i + 1), zh, en, ARRAY[pg_temp.bid(6, 1), pg_temp.bid(6, 2 + i)]
FROM nouns;
-- 25,000 products (1:n), 4 SKUs each (2:4(n-1)+1 .. 2:4n).
INSERT INTO products (tenant_id, id, code, name_zh, name_en, description, brand, category_id, category_path, attributes, status, search_terms)
SELECT :'tenant', pg_temp.bid(1, n), code, name_zh, name_en,
       name_zh || '，办公与学生用品。' || name_en || ' for office and school.', b.zh || ' ' || b.en,
       pg_temp.bid(6, 2 + k.i), ARRAY[pg_temp.bid(6, 1), pg_temp.bid(6, 2 + k.i)],
       jsonb_build_object('series', 'S' || (n % 50), 'material', (ARRAY['塑料', '金属', '纸'])[1 + n % 3]), 'active',
       pg_temp.terms(code || ' ' || name_zh || ' ' || name_en || ' ' || b.zh || ' ' || b.en)
FROM generate_series(1, 25000) n
JOIN nouns k ON k.i = (n - 1) % 12
JOIN brands b ON b.i = ((n - 1) / 12) % 8
CROSS JOIN LATERAL (SELECT 'P' || lpad(n::text, 6, '0') AS code,
                           b.zh || k.zh || ' ' || (n % 97 + 1) || '型' AS name_zh,
                           b.en || ' ' || k.en || ' Model ' || (n % 97 + 1) AS name_en) x;
INSERT INTO skus (tenant_id, id, product_id, code, name, unit, list_price_minor, status)
SELECT :'tenant', pg_temp.bid(2, n), pg_temp.bid(1, (n - 1) / 4 + 1), 'P' || lpad(((n - 1) / 4 + 1)::text, 6, '0') || '-' || ((n - 1) % 4 + 1),
       c.zh || ' ' || c.en, k.unit, 150 + (n * 37) % 4850, 'active'
FROM generate_series(1, 100000) n
JOIN colours c ON c.i = (n - 1) % 4
JOIN nouns k ON k.i = ((n - 1) / 4) % 12;
INSERT INTO stock (tenant_id, sku_id, warehouse_id, on_hand, reserved)
SELECT :'tenant', pg_temp.bid(2, n), pg_temp.bid(3, w), 1000000, 0
FROM generate_series(1, 100000) n CROSS JOIN generate_series(1, 10) w;
-- The dealer buyer: the administrator's password (hash copied), linked to dealer D0001.
INSERT INTO users (tenant_id, id, email, display_name, password_hash, locale)
SELECT :'tenant', pg_temp.bid(7, 1), :'buyer', '经销商采购员 Dealer buyer', password_hash, 'zh-CN'
FROM users WHERE tenant_id = :'tenant' AND email = :'admin';
INSERT INTO user_roles (tenant_id, user_id, role) VALUES (:'tenant', pg_temp.bid(7, 1), 'dealer_buyer');
INSERT INTO dealer_users (tenant_id, user_id, dealer_id) VALUES (:'tenant', pg_temp.bid(7, 1), pg_temp.bid(5, 1));
COMMIT;
VACUUM ANALYZE regions, dealers, dealer_users, users, user_roles, warehouses, categories, products, skus, stock;
