"""Synthetic data for the benchmarks, written straight into PostgreSQL with COPY.

`ensure_claims(url, n)` leaves the benchmark database holding exactly `n`
published claims with their firms, sites, sources and citations, and does
nothing when it already does. The rows obey every CHECK constraint of the
models (identifier prefixes, closed vocabularies, `last_update` on every
public row, ordered periods and figure ranges, coordinates in pairs inside
Ukraine's bounding box) and every published claim cites at least one
published source. Names come in Latin, Chinese and Cyrillic scripts.

Only ever pointed at the dedicated benchmark database: filling it first
empties the tables it fills.
"""

import datetime
import os
import random
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter

ROOT = Path(__file__).resolve().parent.parent

FIRMS = 2_000
SITES = 500
SOURCES = 5_000
SEED = 4

# Every table the fill writes, emptied (with what refers to them) before a refill.
TABLES = [
    "evidence_citation",
    "evidence_claim_firms",
    "evidence_claim_sites",
    "evidence_claim",
    "evidence_source",
    "entities_firm_sectors",
    "entities_sanctionsdesignation",
    "entities_relationship",
    "entities_firm",
    "entities_site",
    "editorial_update",
]

NOW = datetime.datetime(2026, 1, 15, 12, 0, tzinfo=datetime.UTC)
PUBLISHED = "published"
DRAFT = "draft"
UPDATE = 1  # every public row came through update 1


def database_name(url):
    return urlsplit(url).path.lstrip("/")


def conninfo(url, dbname=None):
    """A libpq URL for psycopg (it does not know Django's postgres:// scheme aliases)."""
    parts = urlsplit(url)
    path = f"/{dbname}" if dbname else parts.path
    return urlunsplit(("postgresql", parts.netloc, path, parts.query, ""))


def ensure_database(url):
    """Create the benchmark database unless it exists (safe to run twice)."""
    name = database_name(url)
    with psycopg.connect(conninfo(url, "postgres"), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.errors.DuplicateDatabase:
            return False
    return True


def migrate(url):
    """Bring the benchmark database's schema to the code's migrations."""
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
        env=env,
        check=True,
        cwd=ROOT,
    )


def published_claims(url):
    with psycopg.connect(conninfo(url)) as conn:
        return conn.execute(
            "SELECT count(*) FROM evidence_claim WHERE status = %s", [PUBLISHED]
        ).fetchone()[0]


def ensure_claims(url, n_claims, log=print):
    """Fill the database unless it already holds `n_claims` published claims.

    Returns (filled, seconds, counts): whether it filled, how long the fill
    took, and the number of rows written per table (empty when it did not).
    """
    if published_claims(url) == n_claims:
        return False, 0.0, {}
    started = time.perf_counter()
    counts = fill(url, n_claims, log)
    return True, time.perf_counter() - started, counts


# -- names in three scripts -------------------------------------------------

FIRM_STEMS = [
    ("Huaxin", "华信", "Хуасинь"),
    ("Tianrui", "天瑞", "Тяньжуй"),
    ("Jinlong", "金龙", "Цзиньлун"),
    ("Dongfang", "东方", "Дунфан"),
    ("Xinhai", "新海", "Синьхай"),
    ("Baoshan", "宝山", "Баошань"),
    ("Hengtai", "恒泰", "Хэнтай"),
    ("Zhongyuan", "中原", "Чжунъюань"),
    ("Ruiyang", "瑞阳", "Жуйян"),
    ("Kaiyuan", "开元", "Кайюань"),
    ("Longhai", "陇海", "Лунхай"),
    ("Yutong", "宇通", "Ютун"),
]
FIRM_TRADES = [
    ("Heavy Machinery", "重型机械", "Тяжёлое машиностроение"),
    ("Mining Equipment", "矿山设备", "Горное оборудование"),
    ("Telecom Technology", "通信技术", "Телекоммуникационные технологии"),
    ("International Trading", "国际贸易", "Международная торговля"),
    ("Logistics", "物流", "Логистика"),
    ("Engineering", "工程", "Инжиниринг"),
    ("Electric Power", "电力", "Электроэнергетика"),
]
FIRM_FORMS = [
    ("Co., Ltd.", "有限公司", "ООО"),
    ("Group Co., Ltd.", "集团有限公司", "Группа"),
    ("Joint Stock Co.", "股份有限公司", "АО"),
]
FIRM_KINDS = ["company", "company", "company", "soe", "network", "intermediary", "financial"]
OWNERSHIPS = ["private", "private", "listed", "central_soe", "local_soe", "unknown"]
COUNTRIES = ["CN", "CN", "CN", "HK", "RU", "AE", ""]

SITE_PLACES = [
    ("Krasnodon", "Краснодон", "Краснодон"),
    ("Sverdlovsk", "Свердловськ", "Свердловск"),
    ("Dovzhansk", "Довжанськ", "Довжанск"),
    ("Khartsyzk", "Харцизьк", "Харцызск"),
    ("Mariupol", "Маріуполь", "Мариуполь"),
    ("Berdiansk", "Бердянськ", "Бердянск"),
    ("Feodosiia", "Феодосія", "Феодосия"),
    ("Kerch", "Керч", "Керчь"),
    ("Melitopol", "Мелітополь", "Мелитополь"),
    ("Skadovsk", "Скадовськ", "Скадовск"),
]
SITE_KINDS = [
    ("coal_mine", "Coal mine", "Шахта", "Шахта"),
    ("quarry", "Quarry", "Кар'єр", "Карьер"),
    ("port", "Port", "Порт", "Порт"),
    ("rail", "Railway depot", "Залізничне депо", "Железнодорожное депо"),
    ("telecom", "Mobile masts", "Вежі мобільного зв'язку", "Вышки мобильной связи"),
    ("plant", "Plant", "Завод", "Завод"),
]
REGIONS = ["crimea", "sevastopol", "donetsk", "luhansk", "zaporizhzhia", "kherson", "several"]
REGION_NAMES = {
    "crimea": "Crimea",
    "sevastopol": "Sevastopol",
    "donetsk": "Donetsk oblast",
    "luhansk": "Luhansk oblast",
    "zaporizhzhia": "Zaporizhzhia oblast",
    "kherson": "Kherson oblast",
    "several": "several occupied regions",
}
OPERATING = ["operating", "idle", "construction", "closed", "unknown"]

SOURCE_KINDS = [
    "ngo_report",
    "media",
    "occupation_statement",
    "corporate_filing",
    "academic",
    "trade_data",
    "social_media",
    "government",
    "register",
]
PUBLISHERS = [
    ("Open Monitor", "en"),
    ("Новини Донбасу", "uk"),
    ("Крымское информагентство", "ru"),
    ("中国海关数据", "zh"),
    ("Trade Flows Review", "en"),
]
PRECISIONS = ["day", "day", "month", "year"]

CLAIM_TYPES = [
    "equipment_supply",
    "servicing",
    "finance",
    "telecom",
    "investment",
    "network",
    "logistics",
    "presence",
]
CONFIDENCES = ["confirmed", "single_source", "alleged", "disputed"]
UNITS = ["machines", "tonnes", "USD", "RUB", "base stations", "вагонов", "台", ""]
RESPONSES = [
    "The company denied any business in the occupied territories.",
    "公司表示其产品通过第三方经销商销售，不知道最终用户。",
    "Компания отказалась от комментариев.",
    'The firm said the deliveries were "fully legal" under Chinese law.',
]
LOCATORS = ["p. {n}", "para. {n}", "00:{n:02d}:14", "§ {n}.2", "table {n}", "annex, row {n}"]


def firm_names(i):
    stem = FIRM_STEMS[i % len(FIRM_STEMS)]
    trade = FIRM_TRADES[(i // len(FIRM_STEMS)) % len(FIRM_TRADES)]
    form = FIRM_FORMS[(i // 7) % len(FIRM_FORMS)]
    number = i // (len(FIRM_STEMS) * len(FIRM_TRADES)) + 1
    name_en = f"{stem[0]} {trade[0]} {form[0]} No. {number}"
    name_zh = f"{stem[1]}{trade[1]}第{number}{form[1]}"
    name_ru = f"{form[2]} «{stem[2]} {trade[2]} № {number}»"
    return name_en, name_zh, name_ru, f"{stem[0]} {number}"


def site_names(i):
    kind, en, uk, ru = SITE_KINDS[i % len(SITE_KINDS)]
    place = SITE_PLACES[(i // len(SITE_KINDS)) % len(SITE_PLACES)]
    number = i // (len(SITE_KINDS) * len(SITE_PLACES)) + 1
    return (
        kind,
        f"{en} {place[0]}-{number}",
        f"{uk} {place[1]}-{number}",
        f"{ru} {place[2]}-{number}",
    )


def random_date(rng, start=datetime.date(2014, 3, 1), days=4300):
    """A date and its precision, stored as the partial-date convention says."""
    value = start + datetime.timedelta(days=rng.randrange(days))
    precision = rng.choice(PRECISIONS)
    if precision == "month":
        value = value.replace(day=1)
    elif precision == "year":
        value = value.replace(month=1, day=1)
    return value, precision


def public(i, draft_every):
    """Status and last_update of the i-th record: a draft every `draft_every` records."""
    if draft_every and i % draft_every == draft_every - 1:
        return DRAFT, None
    return PUBLISHED, UPDATE


BOOKKEEPING = [
    "status",
    "withdrawn_reason",
    "merged_into",
    "last_update",
    "created_at",
    "updated_at",
]


def record(i, draft_every=0):
    status, last_update = public(i, draft_every)
    return (status, "", "", last_update, NOW, NOW)


def copy_rows(cursor, table, columns, rows):
    statement = sql.SQL("COPY {} ({}) FROM STDIN WITH (FREEZE)").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    count = 0
    # The queued writer sends from a thread: Python makes rows while the server stores them.
    with cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def firms(rng):
    for i in range(FIRMS):
        name_en, name_zh, name_ru, short = firm_names(i)
        ownership = rng.choice(OWNERSHIPS)
        listed = ownership == "listed"
        yield (
            i + 1,
            f"F{i + 1:04d}",
            *record(i, draft_every=50),
            name_en,
            name_zh if i % 4 else "",
            name_ru if i % 3 else "",
            name_ru.replace("ООО", "ТОВ") if i % 5 == 0 else "",
            short,
            f"{short}\n{name_zh}" if i % 6 == 0 else "",
            i % 40 != 0,
            rng.choice(FIRM_KINDS),
            ownership,
            "Shanghai Stock Exchange" if listed else "",
            f"{600000 + i}.SH" if listed else "",
            rng.choice(COUNTRIES),
            f"91{i:016d}" if i % 3 == 0 else "",
            "",
            f"77{i:010d}" if i % 11 == 0 else "",
            "",
            f"https://firm{i}.example.cn" if i % 2 else "",
            rng.choice([None, 1, 2, 3]),
            rng.choice([None, True, False]),
            "Distributor in Poland, 2023." if i % 9 == 0 else "",
            f"Synthetic firm {i + 1} for benchmarks; {name_zh}, {name_ru}.",
        )


FIRM_COLUMNS = [
    "id",
    "public_id",
    *BOOKKEEPING,
    "name_en",
    "name_zh",
    "name_ru",
    "name_uk",
    "short_name",
    "aliases",
    "identified",
    "kind",
    "ownership",
    "exchange",
    "ticker",
    "country",
    "uscc",
    "lei",
    "inn",
    "ogrn",
    "website",
    "stage",
    "european_presence",
    "european_presence_note",
    "description",
]


def sites(rng):
    for i in range(SITES):
        kind, name_en, name_uk, name_ru = site_names(i)
        precision = rng.choice(["exact", "locality", "region", "none"])
        if precision == "none":
            latitude = longitude = None
        else:
            latitude = Decimal(f"{rng.uniform(44.4, 49.9):.5f}")
            longitude = Decimal(f"{rng.uniform(32.5, 40.2):.5f}")
        occupied, occupied_precision = random_date(rng, days=3200)
        yield (
            i + 1,
            f"S{i + 1:04d}",
            *record(i),
            name_en,
            name_uk,
            name_ru,
            "",
            kind,
            rng.choice(REGIONS),
            name_uk.split(" ")[-1].rsplit("-", 1)[0],
            latitude,
            longitude,
            precision,
            occupied,
            occupied_precision,
            rng.choice(OPERATING),
            rng.choice([None, None, rng.randint(2, 400)]),
            f"Synthetic site {i + 1}: {name_en} / {name_ru}.",
        )


SITE_COLUMNS = [
    "id",
    "public_id",
    *BOOKKEEPING,
    "name_en",
    "name_uk",
    "name_ru",
    "aliases",
    "kind",
    "region",
    "locality",
    "latitude",
    "longitude",
    "coordinate_precision",
    "occupied_since",
    "occupied_since_precision",
    "operating_status",
    "quantity",
    "description",
]

SOURCE_DRAFT_EVERY = 100


def sources(rng):
    for i in range(SOURCES):
        publisher, language = PUBLISHERS[i % len(PUBLISHERS)]
        published_on, precision = random_date(rng)
        yield (
            i + 1,
            f"SRC{i + 1:05d}",
            *record(i, draft_every=SOURCE_DRAFT_EVERY),
            f"{publisher}: report {i + 1} on deliveries to the occupied territories",
            publisher,
            rng.choice(["", "Staff reporter", "Олена Коваль", "王伟"]),
            rng.choice(SOURCE_KINDS),
            f"https://sources.example.org/{i + 1}",
            f"https://archive.example.org/{i + 1}" if i % 2 else "",
            published_on,
            precision,
            datetime.date(2025, 12, 1),
            language,
            rng.choice("ABCD"),
            "",
        )


SOURCE_COLUMNS = [
    "id",
    "public_id",
    *BOOKKEEPING,
    "title",
    "publisher",
    "author",
    "kind",
    "url",
    "archived_url",
    "published_on",
    "published_precision",
    "accessed_on",
    "language",
    "reliability",
    "description",
]


def primary_firm(i):
    return (i * 7919) % FIRMS


def statement(rng, i, firm_index, region):
    name_en, name_zh, name_ru, _ = firm_names(firm_index)
    _, site_en, _, site_ru = site_names(i % SITES)
    number = rng.randint(1, 400)
    where = REGION_NAMES.get(region, "the occupied territories")
    choice = i % 8
    if choice == 0:
        return f"{name_en} supplied {number} machines to {site_en}, {where}."
    if choice == 1:
        return f"{name_zh}（{name_en}）向{site_en}提供了{number}台设备，涉及{where}。"
    if choice == 2:
        return f"{name_ru} обслуживает оборудование на объекте «{site_ru}» ({where})."
    if choice == 3:
        return f'Customs records list "{name_en}" as the shipper of {number} tonnes of spare parts.'
    if choice == 4:
        return f"{name_en} signed a cooperation agreement with the occupation authorities of {where}; {name_ru} is named as the intermediary."
    if choice == 5 and i % 200 == 5:
        # A cell a spreadsheet would run: the CSV must quote it.
        return f"-{number} tonnes, per the occupation authority's statement about {name_en}."
    if choice == 6 and i % 400 == 6:
        return f'=HYPERLINK("https://example.org/{i}") appears in a filing of {name_en}.'
    return f"{name_en} is reported present at {site_en} in {where} since {2014 + i % 11}."


def claims(rng, n_claims):
    for i in range(n_claims):
        region = rng.choice(["", *REGIONS])
        date_start, precision = random_date(rng)
        date_end = None
        if rng.random() < 0.3:
            date_end = date_start + datetime.timedelta(days=rng.randrange(1, 900))
        figure_low = figure_high = None
        unit = ""
        if rng.random() < 0.4:
            figure_low = Decimal(rng.randint(1, 500_000)) / (100 if i % 3 == 0 else 1)
            unit = rng.choice(UNITS)
            if rng.random() < 0.25:
                figure_high = figure_low + rng.randint(1, 10_000)
        response = response_date = None
        if i % 10 == 0:
            response = RESPONSES[(i // 10) % len(RESPONSES)]
            response_date = date_start + datetime.timedelta(days=rng.randrange(30, 400))
        yield (
            i + 1,
            f"C{i + 1:07d}",
            *record(i),
            statement(rng, i, primary_firm(i), region),
            rng.choice(CLAIM_TYPES),
            region,
            date_start,
            date_end,
            precision,
            rng.choice([None, 1, 2, 3]),
            rng.choice(CONFIDENCES),
            figure_low,
            figure_high,
            unit,
            response or "",
            response_date,
        )


CLAIM_COLUMNS = [
    "id",
    "public_id",
    *BOOKKEEPING,
    "statement",
    "claim_type",
    "region",
    "date_start",
    "date_end",
    "date_precision",
    "stage",
    "confidence",
    "figure_low",
    "figure_high",
    "figure_unit",
    "firm_response",
    "firm_response_date",
]


def claim_firms(rng, n_claims):
    for i in range(n_claims):
        chosen = {primary_firm(i)}
        for _ in range(rng.randint(0, 2)):
            chosen.add(rng.randrange(FIRMS))
        for firm in chosen:
            yield (i + 1, firm + 1)


def claim_sites(rng, n_claims):
    for i in range(n_claims):
        for site in rng.sample(range(SITES), rng.randint(0, 2)):
            yield (i + 1, site + 1)


def citations(rng, n_claims):
    """1-4 citations per claim, the first always of a published source."""
    number = 0
    for i in range(n_claims):
        for k in range(rng.randint(1, 4)):
            source = rng.randrange(SOURCES)
            if k == 0 and source % SOURCE_DRAFT_EVERY == SOURCE_DRAFT_EVERY - 1:
                source -= 1  # the record before a draft is published
            number += 1
            yield (
                number,
                f"CIT{number:07d}",
                *record(number),
                rng.choice(LOCATORS).format(n=rng.randint(1, 60)),
                "如报告所述" if number % 7 == 0 else "",
                "",
                i + 1,
                source + 1,
            )


CITATION_COLUMNS = [
    "id",
    "public_id",
    *BOOKKEEPING,
    "locator",
    "quote",
    "note",
    "claim_id",
    "source_id",
]


def foreign_keys(cursor):
    """(table, name, definition) of every foreign key on the filled tables."""
    return cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
        [TABLES],
    ).fetchall()


def fill(url, n_claims, log=print):
    """Empty the benchmark tables and write them again, in one transaction.

    The foreign keys are dropped for the load and added back at its end: adding
    one checks every row in a single join, where a million deferred per-row
    checks at commit take longer than the load itself. The transaction puts
    them back before anyone else can see the rows.
    """
    rng = random.Random(SEED)
    counts = {}
    with psycopg.connect(conninfo(url)) as conn:
        cursor = conn.cursor()
        keys = foreign_keys(cursor)
        for table, name, _ in keys:
            cursor.execute(
                sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                    sql.Identifier(table), sql.Identifier(name)
                )
            )
        cursor.execute(
            sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
                sql.SQL(", ").join(map(sql.Identifier, TABLES))
            )
        )
        steps = [
            ("entities_firm", FIRM_COLUMNS, firms(rng)),
            ("entities_site", SITE_COLUMNS, sites(rng)),
            ("evidence_source", SOURCE_COLUMNS, sources(rng)),
            ("evidence_claim", CLAIM_COLUMNS, claims(rng, n_claims)),
            ("evidence_claim_firms", ["claim_id", "firm_id"], claim_firms(rng, n_claims)),
            ("evidence_claim_sites", ["claim_id", "site_id"], claim_sites(rng, n_claims)),
            ("evidence_citation", CITATION_COLUMNS, citations(rng, n_claims)),
        ]
        for table, columns, rows in steps:
            started = time.perf_counter()
            counts[table] = copy_rows(cursor, table, columns, rows)
            log(f"  {table}: {counts[table]:,} rows in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        # Explicit ids were written: move the identity sequences past them.
        for table in TABLES:
            cursor.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence({t}, 'id'), "
                    "coalesce((SELECT max(id) FROM {i}), 0) + 1, false)"
                ).format(t=sql.Literal(table), i=sql.Identifier(table))
            )
        cursor.execute(
            "INSERT INTO editorial_update (number, summary, notes, published_at, "
            "idempotency_key, added, changed, withdrawn) "
            "VALUES (%s, %s, '', %s, %s, %s, 0, 0)",
            [UPDATE, "Synthetic benchmark data", NOW, "bench-export-1", n_claims],
        )
        for table, name, definition in keys:
            cursor.execute(
                sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                    sql.Identifier(table), sql.Identifier(name), sql.SQL(definition)
                )
            )
        log(f"  foreign keys checked in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
    # Fresh statistics, so that the planner knows the tables' new sizes.
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        for table in TABLES:
            conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(table)))
    log(f"  committed, vacuumed and analysed in {time.perf_counter() - started:.1f} s")
    return counts
