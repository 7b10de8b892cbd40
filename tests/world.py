"""A small world: what tests of pages, lists, downloads and publishing read.

Made here with the factories rather than taken from seeds/, which editors
change: a test asserts on the records it (or this world) made. `small_world`
in tests/conftest.py gives it to a test.
"""

import datetime

from editorial import publishing, staging
from editorial.models import Change
from entities.models import Firm, SanctionsDesignation, Site
from hub.models import Status
from tests.factories import (
    CitationFactory,
    ClaimFactory,
    DesignationFactory,
    FirmFactory,
    RelationshipFactory,
    SectorFactory,
    SiteFactory,
    SourceFactory,
    counts_deferred,
    published_directly,
)


class World(dict):
    """The records of `small_world()` by name, as attributes too (`world.sany`)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def ids(self):
        """{name: public id} of its records: for URLs and filters written as templates."""
        return {name: r.public_id for name, r in self.items() if hasattr(r, "public_id")}


def small_world(*, summary="A small world"):
    """Firms named in three scripts, sites, sources, graded claims: published as one update.

    Every record is made as a draft and the lot published through
    editorial.publishing, as load_seeds publishes the seed: the update, its
    changelog, its records' histories and its data package exist, and the
    stored counts and grades are publishing's own. In it:

    - firms with claims: SANY (Chinese name and aliases in three scripts, two
      sectors), XCMG, LiuGong, Huawei (an export control), Xinxing (stage 3)
      and a dealer whose description mentions SANY; two related organisations
      with no claim of their own (SANY's parent group and an alliance);
    - four sites, one with Ukrainian and Russian names, one in several regions;
    - eight sources of five kinds, one of them SANY's own filing, one (daily)
      whose only claim has other sources too;
    - nine claims of six types, three regions and every stage, graded
      confirmed, reported (single_source), alleged and disputed, one undated;
    - four cited relationships (parent, member, partner, distributor), and an
      export control of Huawei.
    """
    with counts_deferred():  # the drafts' stored counts once, not per record
        w = drafts()
    # Staged as stage_draft stages them, less its model validation: these
    # values are valid (tests that stage edits of them validate them again, and
    # the database checks its constraints as they are published), and checking
    # every constraint of 50 records in Python takes twice as long as the rest.
    staged = [
        staging.record_change(
            action=Change.Action.CREATE, record=record, user=None, correction=None
        )
        for record in w.values()
    ]
    update = publishing.publish_update(
        change_ids=[change.pk for change in staged],
        summary=summary,
        idempotency_key="small-world",
    )
    for record in w.values():
        record.refresh_from_db()
    w["update_1"] = update
    return w


def drafts():
    """The small world's records, as drafts (small_world publishes them)."""
    draft = {"status": Status.DRAFT, "last_update": None}
    w = World()
    mining = SectorFactory(slug="mining-machinery", name="Mining machinery")
    construction = SectorFactory(slug="construction-machinery", name="Construction machinery")

    def firm(name, **fields):
        w[name] = FirmFactory(**draft, **fields)
        return w[name]

    firm(
        "sany",
        name_en="SANY Heavy Industry Co., Ltd.",
        name_zh="三一重工股份有限公司",
        short_name="SANY",
        aliases="Sany Heavy Industry\n三一重工\nСани",
        ownership=Firm.Ownership.LISTED,
        exchange="Shanghai Stock Exchange",
        ticker="600031",
    )
    firm(
        "xcmg",
        name_en="XCMG Construction Machinery Co., Ltd.",
        name_zh="徐工集团工程机械股份有限公司",
    )
    firm(
        "liugong",
        name_en="Guangxi LiuGong Machinery Co., Ltd.",
        name_zh="广西柳工机械股份有限公司",
        aliases="柳工\nLiugong",
    )
    firm(
        "huawei",
        name_en="Huawei Technologies Co., Ltd.",
        name_zh="华为技术有限公司",
        name_ru="Хуавей",
        stage=2,
    )
    firm(
        "xinxing",
        name_en="Xinxing Cathay International Group Co., Ltd.",
        name_zh="新兴际华集团有限公司",
        kind=Firm.Kind.STATE_OWNED,
        ownership=Firm.Ownership.CENTRAL_SOE,
        stage=3,
    )
    firm("dealer", name_en="Donbas Machinery Trading", description="A dealer of SANY spare parts.")
    firm("sany_group", name_en="Sany Group Co., Ltd.", short_name="Sany Group")
    firm(
        "alliance",
        name_en="Belt and Road enterprises alliance",
        kind=Firm.Kind.NETWORK,
        ownership=Firm.Ownership.NON_PROFIT,
        stage=2,
    )
    with published_directly():  # drafts: their links are written like their fields
        w.sany.sectors.set([mining, construction])
        w.dealer.sectors.set([mining])
        for name in ("xcmg", "liugong"):
            w[name].sectors.set([construction])

    def site(name, **fields):
        w[name] = SiteFactory(**draft, **fields)
        return w[name]

    site(
        "bilorichenska",
        name_en="Bilorichenska coal mine",
        name_uk="шахта Білоріченська",
        name_ru="шахта Белореченская",
        aliases="Belorechenskaya mine",
        locality="Bilorichenskyi",
        raion="Luhansk raion",
    )
    site("khrustalna", name_en="Khrustalna coal mine")
    site("four_mines", name_en="Four occupied coal mines", region="several", quantity=4)
    site("port", name_en="Port of Mariupol", kind=Site.Kind.PORT, region="donetsk")

    def source(name, **fields):
        w[name] = SourceFactory(**draft, **fields)
        return w[name]

    source("briefing", title="Foreign firms in the occupied territories", kind="academic")
    source("monitor", title="Machines in the mines", publisher="Eastern Monitor", reliability="A")
    source("news", title="Loaders at the mine", publisher="Kyiv Paper", kind="media")
    source("wire", title="Excavators seen near Khrustalnyi", publisher="Wire", kind="media")
    source(
        "channel", title="A post on a channel", publisher="Channel", kind="media", reliability="D"
    )
    source("daily", title="Loaders seen again", publisher="Regional Daily", kind="media")
    source(
        "filing",
        title="SANY annual report",
        publisher="SANY",
        kind="corporate_filing",
        reliability="C",
        issuer=w.sany,
    )
    source(
        "register", title="Entity List", publisher="US Commerce", kind="government", reliability="A"
    )
    with published_directly():
        w.sany.description = f"Chinese machinery maker, listed in Shanghai ({w.filing.public_id})."
        w.sany.save(update_fields=["description"])

    citations = []

    def claim(name, statement, cited, **fields):
        w[name] = ClaimFactory(**draft, statement=statement, cite=False, **fields)
        for cited_by, stance in cited:
            citations.append(
                CitationFactory(claim=w[name], source=w[cited_by], stance=stance, **draft)
            )
        return w[name]

    supports = "supports"
    claim(
        "supply",
        "SANY supplied heading machines for four occupied coal mines in 2024.",
        [("briefing", supports)],
        firms=[w.sany],
        sites=[w.four_mines],
        region="several",
        figure_low=4,
        figure_unit="coal mines",
    )
    claim(
        "presence",
        "At least seventeen foreign companies operate in the occupied territories.",
        [("monitor", supports)],
        claim_type="presence",
        region="",
        figure_low=17,
        figure_unit="firms (at least)",
    )
    claim(
        "loaders",
        "XCMG loaders work at the Bilorichenska coal mine.",
        [("news", supports), ("monitor", supports), ("daily", supports)],
        firms=[w.xcmg],
        sites=[w.bilorichenska],
        date_start=datetime.date(2025, 3, 1),
        date_precision="month",
    )
    claim(
        "excavators",
        "LiuGong and SANY excavators were seen at the Khrustalna coal mine.",
        [("wire", supports)],
        firms=[w.liugong, w.sany],
        sites=[w.khrustalna],
        date_start=datetime.date(2023, 6, 1),
        date_precision="month",
    )
    claim(
        "network",
        "Huawei equipment carries the occupation's mobile network.",
        [("channel", supports)],
        claim_type="telecom",
        firms=[w.huawei],
        region="donetsk",
        stage=2,
    )
    claim(
        "housing",
        "Xinxing Cathay builds housing by the port of Mariupol.",
        [("monitor", supports), ("wire", supports)],
        claim_type="investment",
        firms=[w.xinxing],
        sites=[w.port],
        region="donetsk",
        stage=3,
        date_start=datetime.date(2022, 9, 1),
        date_end=datetime.date(2024, 5, 1),
        date_precision="month",
    )
    claim(
        "parts",
        "A Donbas dealer sells SANY spare parts to coal mines.",
        [("news", supports)],
        claim_type="servicing",
        firms=[w.dealer],
        stage=2,
    )
    claim(
        "shipments",
        "SANY machines reached the mines through Rostov in 2025.",
        [("briefing", supports), ("filing", "disputes")],
        claim_type="logistics",
        firms=[w.sany],
        date_start=datetime.date(2025, 1, 1),
    )
    claim(
        "coal",
        "Coal from the Bilorichenska mine leaves by rail.",
        [("monitor", supports)],
        claim_type="logistics",
        sites=[w.bilorichenska],
        date_start=None,
    )

    def relationship(name, source_firm, target_firm, kind, cited_by):
        w[name] = RelationshipFactory(
            **draft, source_firm=source_firm, target_firm=target_firm, kind=kind
        )
        citations.append(CitationFactory(relationship=w[name], source=w[cited_by], **draft))

    relationship("owns", w.sany_group, w.sany, "parent", "filing")
    relationship("joined", w.xinxing, w.alliance, "member", "briefing")
    relationship("partners", w.alliance, w.dealer, "partner", "monitor")
    relationship("distributes", w.dealer, w.liugong, "distributor", "news")
    w["designation"] = DesignationFactory(
        **draft,
        firm=w.huawei,
        kind=SanctionsDesignation.Kind.EXPORT_CONTROL,
        authority=SanctionsDesignation.Authority.US_BIS,
        programme="Entity List",
        listed_on=datetime.date(2019, 5, 16),
        source=w.register,
    )
    for number, citation in enumerate(citations, start=1):
        w[f"citation{number}"] = citation
    return w
