"""The validated model: plain dataclasses built from schema-valid YAML. No formatting here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from il2ref.core.search_words import indexed

# The schema's lists as types, so mypy catches a typo such as "withold" in code. The schema is
# the registry: tests/test_rules.py checks each of these against it.
Action = Literal["hold-dose", "stop-cycle", "discontinue-therapy", "discontinue-permanently",
                 "retreatment-contraindication"]
Framework = Literal["label-2024", "label-legacy", "consensus-2014", "post-til-2024",
                    "institution-2015"]
Tier = Literal["relative", "absolute"]
Status = Literal["verified", "unverified"]
Evidence = Literal["label", "guideline", "trial", "cohort", "case-report", "review",
                   "preclinical", "patient-information", "drug-information",
                   "institutional-policy"]
Topic = Literal["mechanism", "regimen", "capillary-leak", "cardiovascular", "pulmonary", "renal",
                "hepatic", "neurologic", "haematologic", "infection", "endocrine",
                "dermatologic", "gastrointestinal", "musculoskeletal", "constitutional",
                "late-effects", "monitoring", "management", "safety", "crs", "case-study"]
LabelVersion = Literal["2024", "legacy"]
PageStatus = Literal["current", "under-review", "superseded"]
Group = Literal["Background", "Toxicities", "Organ systems", "Management", "Context"]
# "=": a single lab value in prose ({creatinine 3 mg/dL}); the schema allows no rule threshold
# to use it.
Comparator = Literal["<", "<=", ">", ">=", "range", "="]


@dataclass(frozen=True)
class Source:
    key: str
    locator: str


PatientSection = Literal["tell-at-once", "what-it-is", "what-you-feel", "signs-checked",
                         "organs", "after-home"]


Phase = Literal["onset", "peak", "course", "recovery"]
CountedFrom = Literal["each-dose", "start", "last-dose", "discharge"]
TimeUnit = Literal["minutes", "hours", "days", "weeks", "months"]
Regimen = Literal["high-dose", "post-til", "other", "not-stated"]


@dataclass(frozen=True)
class Timing:
    """When a statement says a toxicity starts, is worst, is present or settles: what the
    time-course chart draws (il2ref.render.time_course). `low` 0 reads "within"."""
    what: str
    phase: Phase
    after: CountedFrom
    low: float
    high: float
    unit: TimeUnit
    regimen: Regimen


@dataclass(frozen=True)
class PatientText:
    """A statement in plain words for the Patient information sheet (il2ref.render.patient)."""
    section: PatientSection
    text: str


WalletEffect = Literal["contrast", "thyroid"]


@dataclass(frozen=True)
class WalletLine:
    """A late effect in a few plain words for the patient's wallet card (il2ref.render.wallet)."""
    effect: WalletEffect
    text: str


@dataclass(frozen=True)
class Excerpt:
    id: str
    claim: str
    sources: tuple[Source, ...]
    evidence: Evidence
    topic: Topic
    label_version: LabelVersion | None = None
    status: Status = "verified"
    key_fact: bool = False
    explains: Action | None = None  # an action this statement explains (shown with it on the card)
    page: str = ""
    patient: PatientText | None = None
    wallet: WalletLine | None = None
    timing: tuple[Timing, ...] = ()


@dataclass(frozen=True)
class Conflict:
    id: str
    title: str
    sides: tuple[Excerpt, ...]
    brief_ref: str | None = None


@dataclass(frozen=True)
class Threshold:
    measure: str
    comparator: Comparator
    unit: str
    value: float | None = None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Cumulative:
    counts: str
    at_least: int
    partial: bool = False  # the data holds only some of the source's criteria of that tier


@dataclass(frozen=True)
class Rule:
    id: str
    system: Topic
    framework: Framework
    action: Action
    criterion: str
    sources: tuple[Source, ...]
    threshold: Threshold | None = None
    resume: str | None = None
    status: Status = "verified"
    tier: Tier | None = None
    finding: str | None = None  # shared by rules of other sources on the same finding
    cumulative: Cumulative | None = None
    page: str = ""


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    excerpts: tuple[Excerpt, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    insert: str | None = None

    def statements(self) -> list[Excerpt]:
        """Excerpts, then every side of every "sources differ" note."""
        return [*self.excerpts, *(side for c in self.conflicts for side in c.sides)]


@dataclass(frozen=True)
class DiluentStep:
    ml: float
    up_to_iu: int | None = None  # None: every larger dose
    up_to_mg: float | None = None  # as the source prints it beside the band; shown only


@dataclass(frozen=True)
class Diluent:
    id: str
    steps: tuple[DiluentStep, ...]
    sources: tuple[Source, ...]
    label_version: LabelVersion | None = None


@dataclass(frozen=True)
class Dosing:
    """The Dose calculator's constants, as their sources print them (il2ref.core.dosing)."""
    iu_per_kg: int
    mg_per_kg: float
    dose_sources: tuple[Source, ...]
    vial_iu: int
    vial_mg: float
    water_ml: float
    iu_per_ml: int
    mg_per_ml: float
    withdrawable_ml: float
    vial_sources: tuple[Source, ...]
    window_low: float  # µg/mL
    window_high: float
    window_sources: tuple[Source, ...]
    diluents: tuple[Diluent, ...]
    dose_label: LabelVersion | None = None
    vial_label: LabelVersion | None = None
    window_label: LabelVersion | None = None
    # Empty: the withdrawable volume is this reference's assumption, and the page says so.
    withdrawable_sources: tuple[Source, ...] = ()
    # The most doses in one cycle (the nursing sheet's columns); None: the data gives none.
    cycle_doses: int | None = None
    cycle_sources: tuple[Source, ...] = ()
    cycle_label: LabelVersion | None = None

    def sources(self) -> list[Source]:
        return [*self.dose_sources, *self.vial_sources, *self.withdrawable_sources,
                *self.window_sources, *self.cycle_sources,
                *(s for d in self.diluents for s in d.sources)]


@dataclass(frozen=True)
class Page:
    slug: str
    path: str
    title: str
    summary: str
    reviewed: str
    group: Group
    order: int
    sections: tuple[Section, ...]
    rules: tuple[Rule, ...] = ()
    topic: Topic | None = None
    aliases: tuple[str, ...] = ()
    search_boost: float | None = None
    dosing: Dosing | None = None
    status: PageStatus = "current"
    evidence_through: str | None = None  # an editor's date; else the newest source's
    timing_not_seen: str | None = None  # what the sources give no time for (under the chart)

    def excerpts(self) -> list[Excerpt]:
        return [e for section in self.sections for e in section.statements()]

    def sources(self) -> list[Source]:
        """Every citation on the page, excerpts and rules alike."""
        return ([s for e in self.excerpts() for s in e.sources]
                + [s for r in self.rules for s in r.sources]
                + (self.dosing.sources() if self.dosing else []))


@dataclass(frozen=True)
class Term:
    """A term the pages use, the page that answers it, and the words readers type for it
    (docs/includes/vocabulary.yaml): kind -> words, in the schema's order of kinds."""
    term: str
    page: str
    words: tuple[tuple[str, tuple[str, ...]], ...]

    def all_words(self) -> list[str]:
        return [w for _, words in self.words for w in words]


@dataclass(frozen=True)
class OutlineItem:
    locator: str
    title: str
    status: str = "expected"  # or left-out, not-seen
    reason: str | None = None
    line: int = 0  # where it is in its outline file, for notes
    col: int = 0


@dataclass(frozen=True)
class Outline:
    """The sections, tables or rows of one key source (docs/data/sources/<key>.yaml)."""
    source: str
    path: str
    read: tuple[str, ...]
    items: tuple[OutlineItem, ...]


@dataclass
class Corpus:
    pages: list[Page] = field(default_factory=list)
    bib_keys: dict[str, int] = field(default_factory=dict)
    bib_years: dict[str, str] = field(default_factory=dict)
    bib_labels: dict[str, str] = field(default_factory=dict)
    bib_fields: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> type, year, doi..
    bib_text: str = ""  # references.bib as written: pandoc reads it as is
    documents: dict[str, Any] = field(default_factory=dict)  # file name -> parsed YAML
    outlines: dict[str, Outline] = field(default_factory=dict)  # citation key -> its outline
    vocabulary: list[Term] = field(default_factory=list)  # readers' words, by term
    site_words: list[str] = field(default_factory=list)  # what every page is about (search)
    generic_words: frozenset[str] = frozenset()  # too common to lead to one page (casefolded)

    def search_words(self, slug: str) -> list[str]:
        """Every term the vocabulary homes on this page, and every reader's word for it, as the
        page's search index carries them (without words too common to lead anywhere)."""
        words = [w for t in self.vocabulary if t.page == slug for w in (t.term, *t.all_words())]
        return [kept for w in words if (kept := indexed(w, self.generic_words))]

    def index_tags(self, page: Page) -> list[str]:
        """The page's search tags: its aliases and its vocabulary, each once."""
        aliases = [kept for a in page.aliases if (kept := indexed(a, self.generic_words))]
        return list(dict.fromkeys([*aliases, *self.search_words(page.slug)]))

    def excerpts(self) -> list[Excerpt]:
        return [e for p in self.pages for e in p.excerpts()]

    def rules(self) -> list[Rule]:
        return [r for p in self.pages for r in p.rules]

    def cited_keys(self) -> set[str]:
        return {s.key for p in self.pages for s in p.sources()}


def _sources(raw: list[dict[str, Any]]) -> tuple[Source, ...]:
    return tuple(Source(s["key"], s["locator"]) for s in raw)


def _excerpt(raw: dict[str, Any], page: str) -> Excerpt:
    return Excerpt(
        id=raw["id"], claim=raw["claim"], sources=_sources(raw["sources"]),
        evidence=raw["evidence"], topic=raw["topic"], label_version=raw.get("label_version"),
        status=raw.get("status", "verified"), key_fact=raw.get("key_fact", False),
        explains=raw.get("explains"), page=page,
        patient=PatientText(raw["patient"]["section"], raw["patient"]["text"])
        if "patient" in raw else None,
        wallet=WalletLine(raw["wallet"]["effect"], raw["wallet"]["text"])
        if "wallet" in raw else None,
        timing=tuple(Timing(t["what"], t["phase"], t["after"], t["from"], t["to"], t["unit"],
                            t["regimen"]) for t in raw.get("timing", [])),
    )


def _rule(raw: dict[str, Any], page: str) -> Rule:
    t, c = raw.get("threshold"), raw.get("cumulative")
    return Rule(
        id=raw["id"], system=raw["system"], framework=raw["framework"], action=raw["action"],
        criterion=raw["criterion"], sources=_sources(raw["sources"]),
        threshold=Threshold(**t) if t else None, resume=raw.get("resume"),
        status=raw.get("status", "verified"), tier=raw.get("tier"), finding=raw.get("finding"),
        cumulative=Cumulative(**c) if c else None, page=page,
    )


def _dosing(raw: dict[str, Any]) -> Dosing:
    dose, vial, window, cycle = raw["dose"], raw["vial"], raw["window"], raw.get("cycle")
    return Dosing(
        iu_per_kg=dose["iu_per_kg"], mg_per_kg=dose["mg_per_kg"],
        dose_sources=_sources(dose["sources"]), dose_label=dose.get("label_version"),
        vial_iu=vial["iu"], vial_mg=vial["mg"], water_ml=vial["water_ml"],
        iu_per_ml=vial["iu_per_ml"], mg_per_ml=vial["mg_per_ml"],
        withdrawable_ml=vial["withdrawable_ml"],
        withdrawable_sources=_sources(vial.get("withdrawable_sources", [])),
        vial_sources=_sources(vial["sources"]), vial_label=vial.get("label_version"),
        window_low=window["low_ug_per_ml"], window_high=window["high_ug_per_ml"],
        window_sources=_sources(window["sources"]), window_label=window.get("label_version"),
        cycle_doses=cycle["doses"] if cycle else None,
        cycle_sources=_sources(cycle["sources"]) if cycle else (),
        cycle_label=cycle.get("label_version") if cycle else None,
        diluents=tuple(
            Diluent(d["id"], tuple(DiluentStep(x["ml"], x.get("up_to_iu"), x.get("up_to_mg"))
                                   for x in d["steps"]),
                    _sources(d["sources"]), d.get("label_version"))
            for d in raw["diluent"]),
    )


def page_from_data(slug: str, path: str, data: dict[str, Any]) -> Page:
    sections = tuple(
        Section(
            id=s["id"], title=s["title"],
            excerpts=tuple(_excerpt(e, slug) for e in s.get("excerpts", [])),
            conflicts=tuple(
                Conflict(c["id"], c["title"], tuple(_excerpt(e, slug) for e in c["sides"]),
                         c.get("brief_ref"))
                for c in s.get("conflicts", [])
            ),
            insert=s.get("insert"),
        )
        for s in data["sections"]
    )
    return Page(
        slug=slug, path=path, title=data["title"], summary=data["summary"],
        reviewed=data["reviewed"], group=data["group"], order=data["order"], sections=sections,
        rules=tuple(_rule(r, slug) for r in data.get("rules", [])), topic=data.get("topic"),
        aliases=tuple(data.get("aliases", [])), search_boost=data.get("search_boost"),
        dosing=_dosing(data["dosing"]) if "dosing" in data else None,
        status=data.get("status", "current"), evidence_through=data.get("evidence_through"),
        timing_not_seen=data.get("timing_not_seen"),
    )


def outline_from_data(path: str, data: dict[str, Any],
                      places: list[tuple[int, int]]) -> Outline:
    return Outline(source=data["source"], path=path, read=tuple(data["read"]), items=tuple(
        OutlineItem(i["locator"], i["title"], i.get("status", "expected"), i.get("reason"),
                    line, col)
        for i, (line, col) in zip(data["items"], places, strict=True)))


@dataclass
class Changes:
    since: str | None
    added: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)
    # Why the release history could not be read (then nothing is known to be tagged), and
    # whether that would publish a wrong page (a shallow clone) rather than just say so.
    history_problem: str | None = None
    history_wrong: bool = False


@dataclass(frozen=True)
class Release:
    """One entry of the change feed: a tagged release, or this build when it has changes since
    the last one (tag None)."""
    tag: str | None
    date: str  # ISO 8601, the tagged commit's date
    changes: Changes
