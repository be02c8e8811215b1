//! Stage 4b: named entities, by gazetteer and by rule.
//!
//! In each sentence, at each word, in this order:
//! 0. "the state of the Union" is the United States (no mention when it names the address);
//! 1. a personal title ("President", "Foreign Minister", "Gen.") followed by capitalised
//!    words makes a PERSON (resolved through the gazetteer when the name is known);
//! 2. the longest gazetteer name (case-sensitive, possessive removed) gives the entity;
//! 3. a run of capitalised words, joined by "of", "for", "the" (and "and" inside an "of"
//!    complement), is a name: ORG when it has an organisation word (Bank, Council,
//!    Ministry…), PERSON when its last word is the surname of a person met earlier in the
//!    document or its first word is a given name, otherwise OTHER. An organisation word
//!    alone refers to the body named in full earlier in the document ("the Union" only to
//!    a gazetteer union, else to the United States in an American document, decided when
//!    the document ends, as are the two readings of "Indian" and "Georgia"). The first
//!    word of a sentence only starts such a run when more capitalised words follow and it is not a
//!    common word, so "However" or "Since" are never entities; a run in capitals is a
//!    heading, not a name.

pub mod gazetteer;
pub mod periods;

use std::borrow::Cow;
use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};

pub use gazetteer::{EntityType, Gazetteer, KnownEntity};
pub use periods::Periods;

use crate::dates::DocDate;
use crate::matcher::{PhraseTable, WordList};
use crate::span::{Span, collapse_whitespace};
use crate::tokenize::{Normalizer, TermMarks, Token, TokenKind, fold_case, word_hash};
use gazetteer::{fold_accents, match_fold, match_form, match_forms};

/// How a mention was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A gazetteer name or alias.
    Gazetteer,
    /// A capitalised name after a personal title.
    Title,
    /// A capitalised run, or a surname seen earlier in the document.
    Pattern,
}

impl Source {
    /// The label written in CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Gazetteer => "gazetteer",
            Source::Title => "title",
            Source::Pattern => "pattern",
        }
    }
}

/// One mention of an entity in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// The mention's words (title and possessive excluded).
    pub span: Span,
    /// Canonical name of the entity.
    pub entity: String,
    /// Entity type.
    pub etype: EntityType,
    /// ISO alpha-3 country the entity speaks for, or empty.
    pub country: String,
    /// How it was found.
    pub source: Source,
    /// Whether its country comes from a name of two readings ("Indian", "Georgia") that
    /// the document as a whole decides; [`Recognizer::finish_document`] settles it and
    /// clears the flag.
    pub pending: bool,
}

impl AsRef<Mention> for Mention {
    fn as_ref(&self) -> &Mention {
        self
    }
}

impl AsMut<Mention> for Mention {
    fn as_mut(&mut self) -> &mut Mention {
        self
    }
}

/// Titles that announce a person's name (surface forms; abbreviations without their dot).
static TITLES: WordList = WordList::new(&[
    "President",
    "Vice President",
    "Prime Minister",
    "Deputy Prime Minister",
    "Foreign Minister",
    "Deputy Foreign Minister",
    "Defence Minister",
    "Defense Minister",
    "Finance Minister",
    "Interior Minister",
    "Minister",
    "Secretary of State",
    "Secretary-General",
    "Secretary General",
    "Secretary",
    "Chancellor",
    "King",
    "Queen",
    "Prince",
    "Crown Prince",
    "Princess",
    "Sheikh",
    "Emir",
    "Ambassador",
    "Senator",
    "Sen",
    "Rep",
    "Representative",
    "Congressman",
    "Congresswoman",
    "Gov",
    "Governor",
    "Mayor",
    "General",
    "Gen",
    "Admiral",
    "Adm",
    "Colonel",
    "Col",
    "Lt",
    "Captain",
    "Capt",
    "Sgt",
    "Marshal",
    "Field Marshal",
    "Mr",
    "Mrs",
    "Ms",
    "Miss",
    "Dr",
    "Prof",
    "Professor",
    "Pope",
    "Chairman",
    "Chairwoman",
    "Spokesman",
    "Spokeswoman",
    "Speaker",
    "Premier",
    "Judge",
    "Justice",
    "Envoy",
    "Commissioner",
    "Patriarch",
    "Ayatollah",
    "Supreme Leader",
    "Sir",
    "Dame",
    "Lord",
    "Lady",
    "Pres",
    "Director",
    "Director-General",
    "Candidate",
    "Nominee",
    "Commander",
    "Generalissimo",
    "Sergeant",
    // A rank of several words is one title: "Sergeant First Class Townsend Williams" is
    // Townsend Williams, not "First Class Townsend Williams", nor "Sergeant Major Ray
    // Lee" a "Major Ray Lee".
    "Sergeant First Class",
    "Private First Class",
    "Airman First Class",
    "Seaman",
    "Petty Officer First Class",
    "Petty Officer Second Class",
    "Petty Officer Third Class",
    "Staff Sergeant",
    // After a service, what the person is or was: "Army Veteran Tony Rankins", "Navy SEAL
    // Ryan Owens", "ICE Special Agent Elvin Hernandez" are those persons, not bodies
    // named after the Army or the Navy. ("Ranger" is no title: "the 2d Ranger Battalion".)
    "Veteran",
    "SEAL",
    "Special Agent",
    "Deputy Sheriff",
    "Master Sergeant",
    "First Sergeant",
    "Sergeant Major",
    "Command Sergeant Major",
    "Gunnery Sergeant",
    "Lance Corporal",
    "Petty Officer",
    "Chief Petty Officer",
    "Senior Chief Petty Officer",
    // The short form the Navy addresses a senior chief petty officer by.
    "Senior Chief",
    "Master Chief Petty Officer",
    "Warrant Officer",
    "Chief Warrant Officer",
    "First Lieutenant",
    "Second Lieutenant",
    "Lieutenant Colonel",
    "Lieutenant General",
    "Lieutenant Commander",
    "Major General",
    "Brigadier General",
    "Rear Admiral",
    "Vice Admiral",
    "Officer",
    "Reverend",
    "Rev",
    "Father",
    "Comrade",
    "Cde",
    "Madame",
    "Mme",
    // His or Her Excellency, as the UN speeches write it; "He" is no title.
    "H.E.",
    "H.E",
    "HE",
    // The same written out, and the styles of monarchs, princes and popes: "His
    // Excellency Philemon Yang", "His Majesty Jigme Singye Wangchuck". Capitalised only:
    // "his majesty" is no title.
    "His Excellency",
    "Her Excellency",
    "Their Excellencies",
    "His Majesty",
    "Her Majesty",
    "Their Majesties",
    "His Highness",
    "Her Highness",
    "His Royal Highness",
    "Her Royal Highness",
    "His Serene Highness",
    "His Holiness",
    "His Eminence",
]);

/// Ranks and offices that are no [`TITLES`], as they also start names that are no person's
/// ("Chief Executive", "Major Powers", "Private Sector", "Agent Orange"): before a surname
/// met earlier in the document they are that person's ("Agent Ortiz").
const RANKS: &[&str] = &[
    "Agent",
    "Chief",
    "Private",
    "Major",
    "Lieutenant",
    "Corporal",
    "Sheriff",
    "Detective",
    "Trooper",
    "Deputy",
];

/// Letters and suffixes written after a person's name that are no surname: "Durham Hall
/// QC" is a Hall, and not the same person as "Kama Melly QC" (abbreviations without their
/// dot).
static POST_NOMINALS: WordList = WordList::new(&[
    "QC", "KC", "MP", "MEP", "Jr", "Sr", "OBE", "MBE", "CBE", "KBE", "PhD", "Esq",
]);

/// Words that make a capitalised run an organisation.
static ORG_WORDS: WordList = WordList::new(&[
    "Bank",
    "Survey",
    "Institute",
    "Council",
    "Agency",
    "Ministry",
    "Committee",
    "Commission",
    "Organisation",
    "Organization",
    "Fund",
    "Union",
    "Party",
    "Association",
    "University",
    "Corporation",
    "Company",
    "Group",
    "Court",
    "Parliament",
    "Assembly",
    "Service",
    "Department",
    "Office",
    "Forum",
    "Foundation",
    "Federation",
    "Front",
    "Movement",
    "Army",
    "Navy",
    "Force",
    "Forces",
    "Guard",
    "Board",
    "Authority",
    "Bureau",
    "Centre",
    "Center",
    "Alliance",
    "Coalition",
    "League",
    "Society",
    "Network",
    "Press",
    "News",
    "Times",
    "Post",
    "Airlines",
    "Inc",
    "Ltd",
    "Corp",
    "Co",
    "Programme",
    "Program",
    "Secretariat",
    "Tribunal",
    "Senate",
    "Congress",
    "Cabinet",
    "Police",
    "Treasury",
    "College",
    "School",
    "Club",
    "House",
    "Administration",
    "Church",
]);

/// Capitalised words that are not names on their own. Month names ([`MONTHS`]) are not
/// names either, unless used as a surname.
static NOT_NAMES: WordList = WordList::new(&[
    "I",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
    "Mon",
    "Tue",
    "Wed",
    "Thu",
    "Fri",
    "Sat",
    "Sun",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "OK",
    "TV",
    "AM",
    "PM",
    "God",
    // Wikinews captions: "Image: Gary Johnson."
    "Image",
    "I'm",
    "I've",
    "I'll",
    "I'd",
]);

/// Nouns that political prose capitalises as titles of office or institutions in general
/// ("the President", "the Government", "Member States") and that name no one entity.
static CAPITALISED_NOUNS: WordList = WordList::new(&[
    "President",
    "Government",
    "Governments",
    "State",
    "States",
    "Member",
    "Members",
    "Charter",
    "Power",
    "Powers",
    "Nation",
    "Nations",
    "Secretary",
    "Administration",
    "Republic",
    "Territory",
    "Territories",
    "People",
    "Peoples",
    "Chairman",
    "Minister",
    "Ministers",
    "Delegation",
    "Delegations",
    "Constitution",
    "Executive",
    "Legislature",
    "Department",
    "Treaty",
    "Convention",
    "Declaration",
    "Session",
    "Excellency",
    "Majesty",
    "Sir",
    "Madam",
    "Your",
    "Mr",
    "His",
    "Her",
    "Ambassador",
    "Prime",
    "General",
    "Vice",
    "Agreement",
    "Federal",
    "Conference",
    "Article",
    "Summit",
    "Hall",
    "Ladies",
    "Gentlemen",
    "Heads",
    "Excellencies",
    "Presidents",
    "Parties",
    "Republics",
    "Speaker",
    "Kingdom",
    "Empire",
    "Pact",
    "Protocol",
    "Chamber",
    "Interior",
    "Chapter",
    "Presidency",
]);

/// Organisation words that, alone and capitalised, name one body of the speaker's own
/// state ("the Senate", "the Treasury"); other organisation words alone ("the Council")
/// name something only when the document named it in full before.
const NATIONAL_BODIES: &[&str] = &[
    "Senate",
    "Congress",
    "House",
    "Treasury",
    "Navy",
    "Army",
    "Parliament",
    "Cabinet",
    "Police",
];

/// A bare head word that refers to an entity of another name: member states call the
/// United Nations "the Organization".
const HEAD_REFERENCES: &[(&str, &str)] = &[
    ("Organization", "United Nations"),
    ("Organisation", "United Nations"),
];

/// National bodies named bare in American prose ("the Senate", "the House", "the
/// Treasury"), with the United States' own, which they are in a document that names the
/// US Congress: State of the Union addresses never say "United States Senate".
const AMERICAN_BODIES: &[(&str, &[&str])] = &[
    ("Senate", &["United", "States", "Senate"]),
    (
        "House",
        &["United", "States", "House", "of", "Representatives"],
    ),
    (
        "House of Representatives",
        &["United", "States", "House", "of", "Representatives"],
    ),
    ("Treasury", &["Treasury", "Department"]),
    ("Army", &["United", "States", "Army"]),
    ("Navy", &["United", "States", "Navy"]),
];

/// The state that "the Union" of American prose is ("the state of the Union", "preserve
/// the Union").
const AMERICAN_UNION: &[&str] = &["United", "States"];

/// Words after "the state of the Union" that make the phrase the name of the president's
/// address ("the State of the Union Message"), which mentions no state.
const ADDRESS_WORDS: &[&str] = &[
    "address",
    "addresses",
    "message",
    "messages",
    "speech",
    "speeches",
];

/// Words that, capitalised alone, name a region ("the West", "the global South", "the
/// Gulf").
const REGION_WORDS: &[&str] = &["North", "South", "East", "West", "Gulf"];

/// Compass words that, before a place or group name, make a longer name of the same type
/// ("West Florida", "Eastern Asia", "Eastern European") unless the gazetteer has it.
const COMPASS_WORDS: &[&str] = &[
    "North",
    "South",
    "East",
    "West",
    "Northern",
    "Southern",
    "Eastern",
    "Western",
    "Central",
    "Northeast",
    "Northwest",
    "Southeast",
    "Southwest",
];

/// Lower-case head words after a place or group name that may complete the name of a
/// gazetteer place, with their capitalised form ("the Korean peninsula").
const LOWER_CASE_PLACE_HEADS: &[(&str, &str)] = &[
    ("peninsula", "Peninsula"),
    ("strip", "Strip"),
    ("heights", "Heights"),
    ("gulf", "Gulf"),
    ("sea", "Sea"),
    ("ocean", "Ocean"),
];

/// Words that, after a place name, make a longer name of another type: "Paris Agreement"
/// is no place, "Mississippi River" is a location. They also type a capitalised run of
/// unknown words that ends in one ("Atchafalaya River", "Seal Island").
const NAME_HEADS: &[(&str, EntityType)] = &[
    ("Agreement", EntityType::Other),
    ("Agreements", EntityType::Other),
    ("Accord", EntityType::Other),
    ("Accords", EntityType::Other),
    ("Protocol", EntityType::Other),
    ("Convention", EntityType::Other),
    ("Conventions", EntityType::Other),
    ("Declaration", EntityType::Other),
    ("Treaty", EntityType::Other),
    ("Charter", EntityType::Other),
    // Without its accent, as a word of its length is matched ([`match_fold`]).
    ("Communique", EntityType::Other),
    ("Memorandum", EntityType::Other),
    ("Initiative", EntityType::Other),
    ("Process", EntityType::Other),
    ("Plan", EntityType::Other),
    ("Principles", EntityType::Other),
    ("Round", EntityType::Other),
    ("Format", EntityType::Other),
    ("Consensus", EntityType::Other),
    ("Act", EntityType::Other),
    ("Doctrine", EntityType::Other),
    ("War", EntityType::Other),
    ("Wars", EntityType::Other),
    ("Summit", EntityType::Other),
    ("Conference", EntityType::Other),
    ("Olympics", EntityType::Other),
    ("Games", EntityType::Other),
    ("Pact", EntityType::Org),
    ("Club", EntityType::Org),
    ("Group", EntityType::Org),
    ("River", EntityType::Loc),
    ("Valley", EntityType::Loc),
    ("Basin", EntityType::Loc),
    ("Bay", EntityType::Loc),
    ("Peninsula", EntityType::Loc),
    ("Mountains", EntityType::Loc),
    ("Island", EntityType::Loc),
    ("Islands", EntityType::Loc),
    ("Lake", EntityType::Loc),
    ("Sea", EntityType::Loc),
    ("Strait", EntityType::Loc),
    ("Canal", EntityType::Loc),
    ("Gulf", EntityType::Loc),
    ("Ocean", EntityType::Loc),
    ("Coast", EntityType::Loc),
    ("Desert", EntityType::Loc),
    ("Mountain", EntityType::Loc),
    ("Straits", EntityType::Loc),
    // Counties and provinces govern: GPE, as for states and cities.
    ("County", EntityType::Gpe),
    ("Province", EntityType::Gpe),
    ("Territory", EntityType::Gpe),
    ("City", EntityType::Gpe),
    // "the German Empire", "the Ottoman Empire": a state, not the nationality inside.
    ("Empire", EntityType::Gpe),
];

/// Last words that make a run a place, body or thing, never a person ("General Land
/// Office", "Santos City").
static NOT_PERSON_ENDS: WordList = WordList::new(&[
    "City",
    "Bay",
    "Sound",
    "Island",
    "Islands",
    "River",
    "Lake",
    "Valley",
    "Mountain",
    "Mountains",
    "Street",
    "Road",
    "Square",
    "Port",
    "Harbor",
    "Harbour",
    "Canal",
    "County",
    "Province",
    "Region",
    "District",
    "Summit",
    "Agenda",
    "Corps",
    // "the General Staff" is the army's planning body, not a General named Staff.
    "Staff",
    "Government",
    "Plan",
    "Act",
    "Doctrine",
    "Prize",
    "Award",
    "Day",
    "Era",
    "Age",
    "War",
    "Hall",
    "Fleet",
    "Bridge",
    "Memorial",
    "Airport",
    "Park",
    "Avenue",
    "Boulevard",
    "Highway",
    "Tunnel",
    "Dam",
    "Canyon",
    "Falls",
    "Beach",
    "Church",
    "Cathedral",
    "Mosque",
    "Temple",
    "Station",
    "Stadium",
    "Hospital",
    "Museum",
    "Library",
    "Trust",
    "Plaza",
    "Tower",
    "Building",
    "Hotel",
    "Rule",
    "Amendment",
    "Law",
    "Strait",
    "Sea",
    "Ocean",
    "Gulf",
    "Peninsula",
    "Accord",
    "Accords",
    "Agreement",
    "Treaty",
    "Convention",
    "Declaration",
    "Protocol",
    "Initiative",
    "Report",
    "Medal",
    "Cup",
    "Games",
]);

/// First words that make a run of two or more capitalised words a place: "Lake Erie",
/// "Mount Everest", "Cape Horn" (locations; a fort is a site, as the gazetteer's military
/// sites are), "San Diego", "Las Vegas", "Port Moresby" (towns).
const PLACE_STARTS: &[(&str, EntityType)] = &[
    ("Lake", EntityType::Loc),
    ("Mount", EntityType::Loc),
    ("Mt", EntityType::Loc),
    ("Cape", EntityType::Loc),
    ("Isle", EntityType::Loc),
    ("Fort", EntityType::Loc),
    ("San", EntityType::Gpe),
    ("Los", EntityType::Gpe),
    ("Las", EntityType::Gpe),
    ("Port", EntityType::Gpe),
];

/// Words that, followed by "of", "on" or "for" and a name, make the name of a treaty, a
/// war, a declaration or an observance ("Treaty of Ghent", "Convention on Cluster
/// Munitions", "International Year of Mountains"). Alone most are capitalised common
/// nouns ([`CAPITALISED_NOUNS`]).
const DOCUMENT_HEADS: &[&str] = &[
    "Treaty",
    "Treaties",
    "Convention",
    "Declaration",
    "Protocol",
    "Charter",
    "Accord",
    "Accords",
    "Agreement",
    "Pact",
    "Battle",
    "War",
    "Peace",
    "Year",
    "Decade",
];

/// Words that join a [`DOCUMENT_HEADS`] word to its complement.
const COMPLEMENTS: &[&str] = &["of", "on", "for"];

/// Month names that are also surnames: after a given name they are one ("Theresa May",
/// "Brian May"), elsewhere a date ("in May").
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Lower-case words after "Indian(s)" that show the Native American sense, as in the
/// State of the Union addresses ("Indian tribes", "Indian affairs"), not India's.
const NATIVE_AMERICAN_CONTEXT: &[&str] = &[
    "tribe",
    "tribes",
    "tribal",
    "nation",
    "nations",
    "reservation",
    "reservations",
    "affairs",
    "Affairs",
    "agents",
    "agencies",
    "lands",
    "country",
    // Not lower-case "territory": in the UN speeches "Indian territory" is India's; the
    // addresses write "Indian Territory".
    "Territory",
    "wars",
    "hostilities",
    "depredations",
    "title",
    "titles",
    "schools",
    "youth",
    "agent",
    "agency",
    "treaties",
    "problem",
];

/// Words that end a list of names of seas ("the Pacific and Indian oceans"), see
/// [`Recognizer::ocean`].
const SEA_WORDS: &[&str] = &[
    "ocean", "oceans", "sea", "seas", "Ocean", "Oceans", "Sea", "Seas",
];

/// How many tokens after a name [`Recognizer::ocean`] looks for the word that ends its list.
const LIST_REACH: usize = 6;

/// How many tokens before a compound [`Recognizer::compound_parts`] looks for the start of
/// the name its first part ends: "Democratic People's Republic of Korea-United States".
const COMPOUND_REACH: usize = 4;

/// A gazetteer name that often means something else, and what settles which it means.
#[derive(Debug)]
struct TwoReadings {
    /// The gazetteer entity's canonical name, its own reading.
    name: &'static str,
    /// The canonical name (as tokens) of the entity it otherwise names.
    other: &'static [&'static str],
    /// Roles or canonical names of entities whose mention in the document shows the other
    /// reading (besides the other entity itself).
    other_evidence: &'static [&'static str],
    /// Words right after the name that settle its own reading ("Indian troops", "Indian
    /// immigrants", "Indian-born").
    own_next: &'static [&'static str],
    /// Roles or canonical names of entities that, listed beside the name, show its own
    /// reading ("Georgia and Ukraine": a state among states).
    own_peers: &'static [&'static str],
    /// Whether, in a document that shows neither reading, the name keeps its own country
    /// (else it keeps the name without one).
    alone_keeps_country: bool,
    /// When the own reading's state came to be, if the other reading held before: in an
    /// American document dated earlier, only the name's own sentence shows the own reading
    /// ([`Recognizer::settle_by_sentence`]), and its country named elsewhere shows nothing.
    own_from: Option<DocDate>,
}

/// Names whose country the document as a whole decides ([`Recognizer::finish_document`]),
/// unless the word after it or its own sentence does ([`Recognizer::settle_by_sentence`]):
/// a mention takes the reading of the nearest mention that shows one (an unambiguous
/// mention of the own country, or one of the other reading's evidence), its own on a tie;
/// with neither shown, the other (American) reading in an American document.
///
/// "Indian(s)" in the State of the Union addresses is nearly always Native American
/// ("tribes of Indians"), and in UN speeches that never name India it is as often the
/// peoples of the Americas, South Africa's Indians or the Indian Ocean as India's: alone
/// there, it keeps no country. Before India's independence (15 August 1947) an address
/// that names India elsewhere names its trade or famines, and its "Indians" are Native
/// Americans still ("The exports of silver from London to India …" in 1891, and later
/// "the project of enlisting Indians" in the army). "Georgia" in American prose is the US
/// state (beside a US state, Congress), and alone, as in UN speeches, the country.
const TWO_READINGS: &[TwoReadings] = &[
    TwoReadings {
        name: "Indian",
        other: &["Native", "American"],
        other_evidence: &["Native American nation"],
        own_next: &[
            "troops",
            "Prime",
            "nationals",
            "immigrants",
            "immigrant",
            "born",
        ],
        // In the addresses "Indian" is listed beside "Mexican" and "African" as one of the
        // continent's peoples: a nationality beside it shows no reading.
        own_peers: &[],
        alone_keeps_country: false,
        own_from: Some(DocDate {
            year: 1947,
            month: 8,
            day: 15,
        }),
    },
    TwoReadings {
        name: "Georgia",
        other: &["Georgia", "(", "US", "state", ")"],
        other_evidence: &["US state", "Congress"],
        own_next: &[],
        own_peers: &["state"],
        alone_keeps_country: true,
        own_from: None,
    },
];

/// A [`TwoReadings`] rule with its two gazetteer entities.
#[derive(Debug)]
struct Readings<'a> {
    rule: &'static TwoReadings,
    own: &'a KnownEntity,
    other: &'a KnownEntity,
}

/// What a capitalised run's own words say about its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    /// A head word, a given name or a place word gives the type.
    Typed(EntityType),
    /// Nothing does: on real text such runs are mostly headings, sentence starts and common
    /// nouns ("MEXICO Our", "Many"), so they are dropped unless asked for.
    Untyped,
}

/// Prefixes of hyphenated adjectives that begin a name rather than join two
/// ("Inter-American Council of Jurists", "Pan-African Parliament"), unlike "U.S.-Russia".
const NAME_PREFIXES: &[&str] = &["Inter", "Pan", "Trans", "Non", "Anti", "Intra"];

/// Last words that make a run a square, street or other site (typed LOC, the type of the
/// gazetteer's sites) even when an organisation word precedes: "Parliament Square",
/// "Bank Street".
const SITE_ENDS: &[&str] = &[
    "Square",
    "Street",
    "Road",
    "Avenue",
    "Boulevard",
    "Bridge",
    "Airport",
    "Park",
    "Plaza",
    "Station",
    "Stadium",
];

/// Abbreviated prefixes of place names, written with a period ("St. Croix", "Mt. Vernon").
const PLACE_PREFIXES: &[&str] = &["St", "Ste", "Mt", "Ft"];

/// Lower-case particles inside a person's name ("Ursula von der Leyen").
const PARTICLES: &[&str] = &[
    "de", "du", "van", "von", "der", "al", "bin", "la", "da", "di", "del", "le",
];

/// Lower-case words allowed inside a name between capitalised words.
const CONNECTORS: &[&str] = &[
    "of", "for", "and", "the", "de", "du", "van", "von", "der", "al", "bin", "la", "on",
];

/// [`TITLES`] indexed for matching; built once, as it never changes.
static TITLE_TABLE: LazyLock<PhraseTable<()>> = LazyLock::new(|| {
    let mut titles = PhraseTable::default();
    for t in TITLES.words() {
        titles.insert(gazetteer::name_key(t), ());
    }
    titles
});

/// A word class bit (what the recognizer learns of each term, [`classify`], and keeps as
/// its [`WordClasses`]): no rule of the recognizer starts at the word. Most words are
/// in lower case and start no title, name or compound, and learning so was a fifth of the
/// recognizer's time before it was learnt once per word.
const PLAIN: u8 = 1;
/// A word class bit: a word that starts with a capital and may be part of a name
/// (one of [`MONTHS`] only after a given name, which is decided per token).
const CAPITALISED: u8 = 2;
/// A word class bit: one of [`MONTHS`].
const MONTH: u8 = 4;
/// A word class bit: the other bits are known.
const CLASSIFIED: u8 = 8;

/// The word class bits of a token of `kind` with match form `form`: a token's match form
/// is a function of its surface, and so of its term, which is what lets the recognizer
/// learn them once per term.
fn classify(kind: TokenKind, form: &str, gazetteer: &Gazetteer) -> u8 {
    let word = kind == TokenKind::Word;
    let plain = !word
        || (form.starts_with(|c: char| c.is_ascii_lowercase())
            // A fold, not `contains`: words are short, and a call to memchr cost more.
            && !form.bytes().fold(false, |hyphen, b| hyphen | (b == b'-'))
            && !TITLE_TABLE.may_start(form)
            && !gazetteer.may_start(form));
    let capitalised = word && form.starts_with(char::is_uppercase) && !NOT_NAMES.contains(form);
    let month = MONTHS.contains(&form);
    CLASSIFIED
        | if plain { PLAIN } else { 0 }
        | if capitalised { CAPITALISED } else { 0 }
        | if month { MONTH } else { 0 }
}

/// What the recognizer learnt of each word (whether a rule may start at it, whether it is
/// capitalised, a month) over one normalizer and one gazetteer, handed from one document's
/// recognizer to the next ([`Recognizer::with_word_classes`]) so that each document does
/// not learn its words anew.
#[derive(Debug, Clone, Default)]
pub struct WordClasses(TermMarks);

/// Finds entity mentions with a gazetteer and rules; keeps per-document memory of persons.
#[derive(Debug)]
pub struct Recognizer<'a> {
    gazetteer: &'a Gazetteer,
    /// Classes of the words met so far.
    classes: WordClasses,
    /// Surname (without accents) → (canonical, country) of persons met in the current
    /// document.
    surnames: FxHashMap<String, (String, String)>,
    /// Words seen capitalised inside a sentence in the current document: evidence that
    /// the same word at the start of a sentence is a name too. Kept by [`word_hash`], as
    /// phrases are: a set of strings cost a copy of every new word and a comparison of
    /// every other, about 1.4% of a run on 1 GB.
    seen_capitalised: FxHashSet<u64>,
    /// Head word → organisation or state named in full earlier in the document, so that
    /// "the Council" after "the Security Council" is that council.
    heads: FxHashMap<String, Mention>,
    /// Whether capitalised runs of no known type are kept (as OTHER).
    untyped_names: bool,
    /// The memory of a sentence's match forms and word classes, kept from one sentence to
    /// the next: two allocations a sentence were a twentieth of the recognizer's time.
    forms: Vec<&'static str>,
    sentence_classes: Vec<u8>,
    /// The gazetteer's United States, which "the Union" may be ([`AMERICAN_UNION`]).
    american_union: Option<&'a KnownEntity>,
    /// The gazetteer's US Congress and the bodies of [`AMERICAN_BODIES`].
    congress: Option<&'a KnownEntity>,
    american_bodies: Vec<(&'static str, &'a KnownEntity)>,
    /// The [`TWO_READINGS`] whose entities the gazetteer has.
    two_readings: Vec<Readings<'a>>,
}

impl<'a> Recognizer<'a> {
    /// A recognizer over `gazetteer`; capitalised runs of no known type are dropped.
    pub fn new(gazetteer: &'a Gazetteer) -> Self {
        Recognizer {
            gazetteer,
            classes: WordClasses::default(),
            surnames: FxHashMap::default(),
            seen_capitalised: FxHashSet::default(),
            heads: FxHashMap::default(),
            untyped_names: false,
            forms: Vec::new(),
            sentence_classes: Vec::new(),
            american_union: entity_named(gazetteer, AMERICAN_UNION),
            congress: entity_named(gazetteer, &["Congress"]).filter(|e| e.country == "USA"),
            american_bodies: AMERICAN_BODIES
                .iter()
                .filter_map(|(bare, name)| Some((*bare, entity_named(gazetteer, name)?)))
                .collect(),
            two_readings: (TWO_READINGS.iter())
                .filter_map(|r| {
                    Some(Readings {
                        rule: r,
                        own: entity_named(gazetteer, &[r.name])?,
                        other: entity_named(gazetteer, r.other)?,
                    })
                })
                .collect(),
        }
    }

    /// Ends a document, given all its mentions: a bare "Union" that no earlier union
    /// resolved is the United States in American prose, and is dropped elsewhere ("Only
    /// our Union will push them back" in a UN speech); a name of two readings ("Indian",
    /// "Georgia") takes the one the document shows nearest it; and in an American document
    /// a bare national body that no earlier full name resolved ("the Senate", "the House
    /// of Representatives") is the United States' own. This waits for the whole document
    /// because the addresses greet "the Senate and House of Representatives" before they
    /// name Congress, and a "Georgia" or "Indians" may come before what shows its reading.
    /// Last, in a document of a known `date`, countries are coded as its names meant then
    /// ("Moscow" in 1962 is the Soviet Union's).
    pub fn finish_document<M: AsRef<Mention> + AsMut<Mention>>(
        &self,
        mentions: &mut Vec<M>,
        date: Option<DocDate>,
    ) {
        self.settle_unions(mentions);
        self.settle_readings(mentions, date);
        if self.is_american(mentions.iter().map(AsRef::as_ref)) {
            for m in mentions.iter_mut() {
                self.american_body(m.as_mut());
            }
        }
        // Last, once every mention has its country: the codes the document's date reads
        // them as ([`Gazetteer::country_on`]).
        if let Some(date) = date {
            for m in mentions.iter_mut().map(AsMut::as_mut) {
                if let Some(code) = self.gazetteer.country_on(&m.entity, &m.country, date) {
                    m.country = code.to_string();
                }
            }
        }
    }

    /// Makes each bare "Union" ([`Recognizer::single_word`]) the United States in American
    /// prose ("preserve the Union"): a document that names the US Congress, or a US state
    /// and the United States more than any other country. Elsewhere it is dropped: a
    /// speech at the UN means by "our Union" its own people's unity or a union of its
    /// region, even when it names the United States or Nevada ("the Semipalatinsk-Nevada
    /// movement").
    fn settle_unions<M: AsRef<Mention> + AsMut<Mention>>(&self, mentions: &mut Vec<M>) {
        if !mentions.iter().any(|m| is_bare_union(m.as_ref())) {
            return;
        }
        let (congress, us_leads) = self.american_cues(mentions.iter().map(AsRef::as_ref));
        let us_state = || {
            (mentions.iter().map(AsRef::as_ref)).any(|m| {
                m.country == "USA"
                    && self
                        .gazetteer
                        .named(&m.entity)
                        .is_some_and(KnownEntity::is_us_state)
            })
        };
        let american = congress || (us_leads && us_state());
        match self.american_union.filter(|_| american) {
            Some(us) => {
                for m in mentions.iter_mut().map(AsMut::as_mut) {
                    if is_bare_union(m) {
                        *m = Mention {
                            source: Source::Pattern,
                            ..known(us, m.span)
                        };
                    }
                }
            }
            None => mentions.retain(|m| !is_bare_union(m.as_ref())),
        }
    }

    /// Settles each pending mention ([`Mention::pending`]) of a name of two readings: it
    /// takes the reading of the nearest mention, by bytes, that shows one (its own
    /// country's, unambiguous: "India", "New Delhi", "Tbilisi"; or the other's: "Indian
    /// tribes", "Cherokees"; a US state, Congress), its own on a tie. With none, it takes
    /// the other reading in an American document ([`Recognizer::is_american`]: the other
    /// readings are American), and elsewhere its own country or none
    /// ([`TwoReadings::alone_keeps_country`]). In an American document dated before the own
    /// reading's state was ([`TwoReadings::own_from`]), its country shows nothing here. A
    /// name the other reading takes becomes that entity ("Indians" → Native American); a
    /// longer name built on it keeps its name and takes the other's country ("Indian
    /// Territory", USA).
    fn settle_readings<M: AsRef<Mention> + AsMut<Mention>>(
        &self,
        mentions: &mut [M],
        date: Option<DocDate>,
    ) {
        if !mentions.iter().any(|m| m.as_ref().pending) {
            return;
        }
        let american = self.is_american(mentions.iter().map(AsRef::as_ref));
        let mut own = Vec::new();
        let mut other = Vec::new();
        for r in &self.two_readings {
            // Neither reading shown: an American document means the American one.
            let alone_other = american && r.other.country == "USA";
            // Before the own reading's state was, an American document names it for other
            // things (India's silver trade), and only the name's sentence shows its reading.
            let before_own = (r.rule.own_from)
                .zip(date)
                .is_some_and(|(from, d)| d < from);
            let own_shown = !(american && before_own);
            own.clear();
            other.clear();
            for m in mentions.iter().map(AsRef::as_ref).filter(|m| !m.pending) {
                if m.country == r.own.country {
                    if own_shown {
                        own.push(m.span.start);
                    }
                } else if m.country == r.other.country && self.shows_other(r, m) {
                    other.push(m.span.start);
                }
            }
            let pending = (mentions.iter_mut().map(AsMut::as_mut))
                .filter(|m| m.pending && m.country == r.own.country);
            for m in pending {
                m.pending = false;
                let at = m.span.start;
                let (to_own, to_other) = (distance(&own, at), distance(&other, at));
                if to_own.is_some_and(|d| to_other.is_none_or(|o| d <= o)) {
                    continue;
                }
                if to_other.is_none() && !alone_other {
                    if !r.rule.alone_keeps_country {
                        m.country.clear();
                    }
                } else if m.entity == r.own.canonical {
                    *m = Mention {
                        source: m.source,
                        ..known(r.other, m.span)
                    };
                } else {
                    m.country.clone_from(&r.other.country);
                }
            }
        }
    }

    /// Whether a mention shows the other reading of `r`: it is that entity, or one of the
    /// roles or names of its evidence.
    fn shows_other(&self, r: &Readings, m: &Mention) -> bool {
        m.entity == r.other.canonical
            || self.gazetteer.named(&m.entity).is_some_and(|e| {
                (r.rule.other_evidence.iter()).any(|&w| w == e.role || w == e.canonical)
            })
    }

    /// Whether a mention built on gazetteer entity `e`, its country from it, waits for the
    /// document to settle its reading: `e` has two readings and the word after it
    /// (`next`) does not settle its own.
    fn is_pending(&self, e: &KnownEntity, m: &Mention, next: Option<&str>) -> bool {
        (self.two_readings.iter()).any(|r| {
            std::ptr::eq(r.own, e)
                && m.country == e.country
                && !next.is_some_and(|w| r.rule.own_next.contains(&w))
        })
    }

    /// Whether a document with these mentions is American: it names the US Congress, and
    /// the United States more often than any other country. A speech at the UN that cites
    /// the US Congress still means its own Senate.
    fn is_american<'m>(&self, mentions: impl IntoIterator<Item = &'m Mention>) -> bool {
        let (congress, us_leads) = self.american_cues(mentions);
        congress && us_leads
    }

    /// Whether the mentions name the US Congress, and whether they name the United States
    /// more often than any other country.
    fn american_cues<'m>(&self, mentions: impl IntoIterator<Item = &'m Mention>) -> (bool, bool) {
        let mut congress = false;
        let mut countries: FxHashMap<&str, usize> = FxHashMap::default();
        for m in mentions {
            congress |= self.is_congress(m);
            // A name whose reading is not settled yet shows no country.
            let counts = matches!(m.etype, EntityType::Gpe | EntityType::Norp) && !m.pending;
            if counts && !m.country.is_empty() {
                *countries.entry(&m.country).or_default() += 1;
            }
        }
        let us = countries.get("USA").copied().unwrap_or(0);
        let leads = us > 0 && countries.iter().all(|(c, &n)| *c == "USA" || n < us);
        (congress, leads)
    }

    /// Whether a mention is of the US Congress.
    fn is_congress(&self, m: &Mention) -> bool {
        self.congress.is_some_and(|c| c.canonical == m.entity)
    }

    /// Makes a bare national body the United States' own.
    fn american_body(&self, m: &mut Mention) {
        if m.source != Source::Pattern || !m.country.is_empty() {
            return;
        }
        if let Some((_, e)) = self
            .american_bodies
            .iter()
            .find(|(bare, _)| *bare == m.entity)
        {
            *m = Mention {
                source: Source::Pattern,
                ..known(e, m.span)
            };
        }
    }

    /// Keeps capitalised runs that nothing types (no gazetteer name, title, given name or
    /// head word) as OTHER mentions, as `--untyped-names` asks; by default they are
    /// dropped, since most of them are not names.
    pub fn with_untyped_names(mut self, keep: bool) -> Self {
        self.untyped_names = keep;
        self
    }

    /// Starts from the classes of words another recognizer learnt
    /// ([`Recognizer::take_word_classes`]). Learnt over another normalizer, or another
    /// gazetteer or version of it, they are forgotten at the first sentence.
    pub fn with_word_classes(mut self, classes: WordClasses) -> Self {
        self.classes = classes;
        self
    }

    /// The classes of words learnt so far, for the next document's recognizer.
    pub fn take_word_classes(&mut self) -> WordClasses {
        std::mem::take(&mut self.classes)
    }

    /// Forgets the persons of the previous document.
    pub fn start_document(&mut self) {
        self.surnames.clear();
        self.seen_capitalised.clear();
        self.heads.clear();
    }

    /// The mentions in one sentence's tokens, in order, not overlapping.
    pub fn find(
        &mut self,
        text: &str,
        tokens: &[Token],
        norm: &Normalizer,
        out: &mut Vec<Mention>,
    ) {
        let mut rewritten = Vec::new();
        let mut forms = relabelled(std::mem::take(&mut self.forms));
        match_forms(text, tokens, &mut rewritten, &mut forms);
        let form = |i: usize| forms.get(i).copied();
        let gazetteer = self.gazetteer;
        // What each word is, decided once: the runs below ask again and again about the
        // same words.
        self.classes.0.follow(norm, gazetteer.stamp());
        let mut classes = std::mem::take(&mut self.sentence_classes);
        classes.clear();
        classes.extend(
            (tokens.iter().zip(&forms))
                .enumerate()
                .map(|(i, (t, form))| {
                    let class = (self.classes.0).of(t.term, || classify(t.kind, form, gazetteer));
                    let month_not_name =
                        class & MONTH != 0 && !month_surname(&forms, tokens, i, gazetteer);
                    match month_not_name {
                        true => class & !CAPITALISED,
                        false => class,
                    }
                }),
        );
        // Whether a word can be part of a name.
        let is_cap = |i: usize| classes.get(i).is_some_and(|c| c & CAPITALISED != 0);
        let starts_known = |i: usize| gazetteer.longest(|k| form(i + k)).is_some();
        // Where a gazetteer name or a person's given name starts: after "and", another name
        // ("… House of Representatives Darin LaHood and Mike Bost").
        let starts_name =
            |i: usize| starts_known(i) || form(i).is_some_and(|f| gazetteer.is_given_name(f));
        let first_word = tokens.iter().position(|t| t.kind == TokenKind::Word);
        let span_of = |a: usize, b: usize| name_span(text, tokens, a, b);
        let first_mention = out.len();
        // Whether the sentence names a US state: the cue that "Georgia" is one too.
        let mut us_state_named = false;
        let mut i = 0;
        while i < tokens.len() {
            if classes[i] & PLAIN != 0 {
                i += 1;
                continue;
            }
            let at_start = Some(i) == first_word;
            // 0. "the state of the Union" is the United States; "my State of the Union
            // Message" names the address, no state; in "Heads of State of the Union" the
            // Union is resolved as any other (step 4).
            if let Some(us) = self.american_union
                && is_state_of_the_union(&forms, i)
            {
                let address = form(i + 1)
                    .is_some_and(|f| ADDRESS_WORDS.iter().any(|w| w.eq_ignore_ascii_case(f)));
                if address {
                    i += 2;
                    continue;
                }
                if i >= 4 && forms[i - 4].eq_ignore_ascii_case("the") {
                    let mention = Mention {
                        source: Source::Pattern,
                        ..known(us, span_of(i, i + 1))
                    };
                    self.remember(&mention);
                    out.push(mention);
                    i += 1;
                    continue;
                }
            }
            // 1. Title(s) + name: "President Trump", "Lt. Gen. Marcus Reid".
            if let Some(j) = self.after_titles(i, &form) {
                let name_end = person_run(text, j, &is_cap, &forms, tokens);
                // A gazetteer name that starts with a title word wins ("King Abdullah
                // Port"); so does a title that is itself the name of an office. One that
                // starts with a later title is found from there: "His Holiness Pope
                // Francis" is Pope Francis.
                let longer_name = (i..j).find(|&t| {
                    (self.gazetteer.longest(|k| form(t + k))).is_some_and(|(m, _)| t + m > j)
                });
                if let Some(t) = longer_name.filter(|&t| t > i) {
                    i = t;
                    continue;
                }
                // "Her Majesty's Provinces": a title's possessive announces no name.
                let possessive = possessive_len(tokens[j - 1].span.of(text)) > 0;
                // A rank or title inside the name starts it: "His Excellency Alhaji Sir
                // Dawda Kairaba Jawara" is Dawda Kairaba Jawara, "His Excellency Major
                // Pierre Buyoya" Pierre Buyoya; "Prime Minister John Major" is John Major, "Dr.
                // Martin Luther King Jr" Martin Luther King Jr.
                let start = (j..name_end.saturating_sub(1))
                    .rfind(|&k| {
                        (TITLES.contains(forms[k]) || RANKS.contains(&forms[k]))
                            && !POST_NOMINALS.contains(forms[k + 1])
                    })
                    .map_or(j, |k| self.after_titles(k, &form).unwrap_or(k + 1));
                if name_end > start && longer_name.is_none() && !possessive {
                    let mention = self.person(text, tokens, &forms, start, name_end);
                    self.remember(&mention);
                    out.push(mention);
                    i = name_end;
                    continue;
                }
            }
            // 2. Gazetteer, extended by "of" + a name ("Ministry of Defence of Lithuania").
            if let Some((n, id)) = self.gazetteer.longest(|k| form(i + k)) {
                let (n, id) = self.lower_case_place(i, n, &form).unwrap_or((n, id));
                // "US$3.4 trillion", "US $5", "$US 10 million": a currency, not the place.
                let span = span_of(i, i + n);
                let after = &text[span.end..];
                if after.strip_prefix(' ').unwrap_or(after).starts_with('$')
                    || text[..span.start].ends_with('$')
                {
                    i += n;
                    continue;
                }
                let known_entity = self.gazetteer.entity(id);
                us_state_named |= known_entity.is_us_state();
                let extended = (known_entity.etype == EntityType::Org
                    && form(i + n) == Some("of")
                    && is_cap(i + n + 1))
                .then(|| name_run(i + n + 1, &is_cap, &starts_name, &forms, tokens));
                let ocean = self.ocean(known_entity, &forms, i + n);
                let mention = match ocean {
                    Some((ocean, taken)) => Some(known(ocean, span_of(i, i + n + taken))),
                    None => extended.and_then(|end| self.pattern(text, tokens, &forms, i, end)),
                }
                .or_else(|| {
                    let (mut end, etype) =
                        head_end(text, i + n, &is_cap, &starts_known, &forms, tokens)?;
                    // The complement of an organisation or a document: "U.S. Department
                    // of Defense", "UN Decade on Ecosystem Restoration", "United Nations
                    // Convention on the Law of the Sea".
                    let complement = matches!(etype, EntityType::Org | EntityType::Other)
                        && form(end).is_some_and(|f| COMPLEMENTS.contains(&f));
                    let article = usize::from(form(end + 1) == Some("the"));
                    if complement && is_cap(end + 1 + article) {
                        let start = end + 1 + article;
                        end = name_run(start, &is_cap, &starts_name, &forms, tokens);
                        // A gazetteer name there is whole, "and" and all: "Uruguay
                        // Round of the General Agreement on Tariffs and Trade".
                        if let Some((n, _)) = gazetteer.longest(|k| form(start + k)) {
                            end = end.max(start + n);
                        }
                    }
                    longer_name(text, tokens, known_entity, i, (end, etype))
                })
                .unwrap_or_else(|| {
                    let sense = self.native_american(known_entity, form(i + n));
                    known(sense.unwrap_or(known_entity), span_of(i, i + n))
                });
                let mut mention = mention;
                mention.pending |= self.is_pending(known_entity, &mention, form(i + n));
                i = mention_end(tokens, mention.span, i + n);
                let possessive = mention.source == Source::Gazetteer
                    && possessive_len(tokens[i - 1].span.of(text)) > 0;
                let ministry = (possessive && is_cap(i))
                    .then(|| name_run(i, &is_cap, &starts_name, &forms, tokens))
                    .and_then(|end| {
                        let state = known_entity;
                        let m = self.states_ministry(text, tokens, &forms, state, (i, end))?;
                        Some((end, m))
                    });
                self.remember(&mention);
                out.push(mention);
                if let Some((end, m)) = ministry {
                    i = end;
                    self.remember(&m);
                    out.push(m);
                }
                continue;
            }
            // 3. Parts of a hyphenated compound: "EU-mediated", "U.S.-Russia"; but a
            // compound with a prefix ("Inter-American") starts the name it qualifies.
            // Asked of every capitalised word that no rule above took: one pass over its
            // bytes (a loop: words are short, and a call to memchr cost more).
            let hyphen = forms[i].bytes().position(|b| b == b'-');
            let prefixed = hyphen.is_some_and(|h| NAME_PREFIXES.contains(&&forms[i][..h]));
            if hyphen.is_some() && !(prefixed && is_cap(i + 1)) {
                let found = out.len();
                let next = self.compound_parts(text, tokens, &forms, i, out);
                // A compound that names nothing starts the name of a treaty or act after it,
                // as a prefixed one does ("Intermediate-Range Nuclear Forces Treaty",
                // "Taft-Hartley Act").
                let document = out.len() == found && is_cap(i) && is_cap(i + 1) && {
                    let end = name_run(i, &is_cap, &starts_name, &forms, tokens);
                    name_head(forms[end - 1]) == Some(EntityType::Other)
                };
                if !document {
                    i = next;
                    continue;
                }
            }
            // 4. Capitalised run.
            if is_cap(i) {
                let mut end = name_run(i, &is_cap, &starts_name, &forms, tokens);
                let stop = norm.info(tokens[i].term).stop;
                // A capitalised function word is a sentence start inside a quote ("The
                // Republican party …"), and a run of words in capitals is a heading run
                // into the text ("FOREIGN TRADE RELATIONS"): neither starts a name.
                let heading = heading_len(&forms[i..end]);
                if (stop && !at_start) || heading > 0 {
                    i += if stop { 1 } else { heading };
                    continue;
                }
                let common = stop || is_sentence_adverb(forms[i]);
                let initials = is_firm_initials(forms[i]);
                if at_start && !initials && (common || !self.is_name(forms[i])) {
                    // The first word of a sentence is capitalised anyway: it starts a
                    // name only when it is not a common word and capitalised words (not
                    // "of …") follow, or it heads an organisation ("Bank of Finland");
                    // a firm's initials ("AT&T") are capitals of their own.
                    let next_cap = is_cap(i + 1);
                    if common || !(next_cap || ORG_WORDS.contains(forms[i])) || end == i + 1 {
                        i += 1;
                        continue;
                    }
                    if !next_cap {
                        end = end.max(i + 1);
                    }
                }
                match self.pattern(text, tokens, &forms, i, end) {
                    Some(mention) => {
                        i = mention_end(tokens, mention.span, i + 1);
                        self.remember(&mention);
                        out.push(mention);
                    }
                    // A modifier mid-sentence makes the place or group after it part of a
                    // longer name ("Upper Canada", "New Grenada", "Fan Expo Canada"),
                    // which only a compass word types ("West Florida", "Eastern Asia").
                    None if !at_start || COMPASS_WORDS.contains(&forms[i]) => {
                        i += 1;
                        let Some((n, id)) = self.gazetteer.longest(|k| form(i + k)) else {
                            continue;
                        };
                        let inner = self.gazetteer.entity(id);
                        let place = matches!(
                            inner.etype,
                            EntityType::Gpe | EntityType::Loc | EntityType::Norp
                        );
                        if !place || i + n > end || is_modifier_exempt(forms[i - 1]) {
                            continue;
                        }
                        // "New South Wales": the compass word must start the name.
                        let leads = i < 2 || !is_cap(i - 2) || norm.info(tokens[i - 2].term).stop;
                        if leads && i + n == end && COMPASS_WORDS.contains(&forms[i - 1]) {
                            let typed = (end, inner.etype);
                            if let Some(m) = longer_name(text, tokens, inner, i - 1, typed) {
                                self.remember(&m);
                                out.push(m);
                            }
                        }
                        i += n;
                    }
                    None => i += 1,
                }
                continue;
            }
            i += 1;
        }
        self.resolve_us_states(text, &mut out[first_mention..], us_state_named);
        self.settle_by_sentence(text, &mut out[first_mention..]);
        for (k, t) in tokens.iter().enumerate() {
            if Some(k) != first_word && t.kind == TokenKind::Word && is_cap(k) {
                // A form as long as its surface is the surface (a rewritten one is shorter,
                // see `match_form` and `fold_accents`), whose hash the term holds.
                let hash = match forms[k].len() == t.span.len() {
                    true => norm.info(t.term).surface_hash,
                    false => word_hash(forms[k]),
                };
                self.seen_capitalised.insert(hash);
            }
        }
        self.forms = relabelled(forms);
        self.sentence_classes = classes;
    }

    /// Makes a state named like a US state that US state ("Georgia (US state)", GPE, USA)
    /// when the sentence names another US state ("Alabama, Tennessee, and Georgia") or
    /// calls it a state ("the State of Georgia"); a state elsewhere is rarely called so.
    fn resolve_us_states(&self, text: &str, mentions: &mut [Mention], us_state_named: bool) {
        for m in mentions {
            if m.source != Source::Gazetteer || m.etype != EntityType::Gpe {
                continue;
            }
            let before = text[..m.span.start].trim_end();
            let called_state = before.strip_suffix("of").is_some_and(|b| {
                b.trim_end().ends_with("State") || b.trim_end().ends_with("States")
            });
            if (us_state_named || called_state)
                && let Some(twin) = self.gazetteer.us_state_twin(&m.entity)
            {
                *m = known(twin, m.span);
            }
        }
    }

    /// Settles a pending name of two readings by its own sentence, before the document
    /// does: it takes its own reading when it is listed beside an entity of its
    /// [`TwoReadings::own_peers`] ("citizens in Georgia and Ukraine", in an address whose
    /// nearest cue is Congress), when the sentence names the other reading apart ("the
    /// Indians, Indonesians, Pakistanis, South-East Asians and Native Americans": two
    /// peoples), or when it names the own reading's country ("famine in India … Indian
    /// farmers"), the one cue that holds before that state was ([`TwoReadings::own_from`]).
    /// Only the name itself, not a longer name built on it ("Indian Territory").
    fn settle_by_sentence(&self, text: &str, mentions: &mut [Mention]) {
        // Almost every sentence has no such name: nothing to compare its mentions with.
        if !mentions.iter().any(|m| m.pending) {
            return;
        }
        for r in &self.two_readings {
            // The other reading named apart, or the own reading's country named.
            let shown = mentions.iter().any(|m| {
                (m.entity == r.other.canonical && !m.span.of(text).starts_with(r.rule.name))
                    || (!m.pending && m.country == r.own.country)
            });
            let peer = |j: usize, k: usize| {
                let (a, b) = (&mentions[j.min(k)], &mentions[j.max(k)]);
                let other = &mentions[j];
                is_list_gap(&text[a.span.end..b.span.start])
                    && !other.pending
                    && self.gazetteer.named(&other.entity).is_some_and(|e| {
                        e.canonical != r.own.canonical
                            && (r.rule.own_peers.iter()).any(|&w| w == e.role || w == e.canonical)
                    })
            };
            let settled: Vec<usize> = (0..mentions.len())
                .filter(|&k| {
                    let m = &mentions[k];
                    m.pending
                        && m.entity == r.own.canonical
                        && (shown
                            || (k > 0 && peer(k - 1, k))
                            || (k + 1 < mentions.len() && peer(k + 1, k)))
                })
                .collect();
            for k in settled {
                mentions[k].pending = false;
            }
        }
    }

    /// The ocean a name is part of in a list of names that ends in "oceans" or "seas":
    /// "the Pacific and Indian oceans", "the Indian and China seas", "the Indian Sea" are
    /// the gazetteer's "Indian Ocean", not the people; with the number of tokens after the
    /// name that the mention takes (a capitalised sea word right after it).
    fn ocean(
        &self,
        e: &KnownEntity,
        forms: &[&str],
        after: usize,
    ) -> Option<(&'a KnownEntity, usize)> {
        let in_list = |w: &str| {
            matches!(w, "and" | "or" | "," | "the")
                || (w.starts_with(char::is_uppercase) && !SEA_WORDS.contains(&w))
        };
        // The name ends the list or is joined to the next name: "Indian Navy and Arabian
        // Sea" is the navy's.
        let next = *forms.get(after)?;
        if !matches!(next, "and" | "or" | ",") && !SEA_WORDS.contains(&next) {
            return None;
        }
        let end = forms.len().min(after + LIST_REACH);
        let k = (after..end).find(|&k| !in_list(forms[k]))?;
        if !SEA_WORDS.contains(&forms[k]) {
            return None;
        }
        let ocean = entity_named(self.gazetteer, &[e.canonical.as_str(), "Ocean"])?;
        let sea_word_taken = usize::from(k == after && forms[k].starts_with(char::is_uppercase));
        Some((ocean, sea_word_taken))
    }

    /// The Native American group, when "Indian(s)" is followed by a word of that sense
    /// ("Indian tribes", "Indian affairs") and the gazetteer has the group.
    fn native_american(&self, e: &KnownEntity, next: Option<&str>) -> Option<&'a KnownEntity> {
        if e.canonical != "Indian" || !next.is_some_and(|w| NATIVE_AMERICAN_CONTEXT.contains(&w)) {
            return None;
        }
        entity_named(self.gazetteer, &["Native", "American"])
    }

    /// The gazetteer place that a gazetteer name at token `i` (`n` tokens) begins when a
    /// lower-case head word follows ("the Korean peninsula" is the Korean Peninsula, "the
    /// Gaza strip" the Gaza Strip): its length and id.
    fn lower_case_place<'f>(
        &self,
        i: usize,
        n: usize,
        form: &impl Fn(usize) -> Option<&'f str>,
    ) -> Option<(usize, u32)> {
        let &(_, head) = LOWER_CASE_PLACE_HEADS
            .iter()
            .find(|(lower, _)| form(i + n) == Some(lower))?;
        let name = |k: usize| match k.cmp(&n) {
            std::cmp::Ordering::Less => form(i + k),
            std::cmp::Ordering::Equal => Some(head),
            std::cmp::Ordering::Greater => None,
        };
        self.gazetteer
            .longest(name)
            .filter(|&(m, id)| m == n + 1 && self.gazetteer.entity(id).etype == EntityType::Loc)
    }

    /// Index after one or more titles starting at `i` (each optionally followed by its
    /// abbreviation period), or `None` if no title starts there.
    fn after_titles<'f>(
        &self,
        i: usize,
        form: &impl Fn(usize) -> Option<&'f str>,
    ) -> Option<usize> {
        let mut j = i;
        while let Some((n, _)) = TITLE_TABLE.longest(|k| form(j + k)) {
            j += n;
            if form(j) == Some(".") {
                j += 1;
            }
        }
        (j > i).then_some(j)
    }

    /// Whether a capitalised word is known as a name in this document: a surname met
    /// earlier or a word seen capitalised inside a sentence.
    fn is_name(&self, word: &str) -> bool {
        self.surnames.contains_key(&*surname_key(word))
            || self.seen_capitalised.contains(&word_hash(word))
    }

    /// A PERSON named by tokens `a..b` after a title: the gazetteer entity if the whole
    /// name is known, else a person met earlier with that surname, else the name itself.
    /// A town's name there is a surname ("President Washington", "Ambassador Lusaka"); any
    /// other gazetteer name (a state, a group, a body) keeps its entity, as it follows a
    /// title only when a vocative runs into the next sentence ("Mr. President Rwanda
    /// commends…"). A name written in capitals is the same name ("ANTÓNIO GUTERRES").
    fn person(&self, text: &str, tokens: &[Token], forms: &[&str], a: usize, b: usize) -> Mention {
        let span = name_span(text, tokens, a, b);
        let as_written = entity_named(self.gazetteer, &forms[a..b]).filter(|e| !e.is_town());
        if let Some(e) = as_written.or_else(|| self.named_in_capitals(&forms[a..b])) {
            return known(e, span);
        }
        let mut m = self.person_by_title(span.of(text));
        m.span = span;
        m
    }

    /// The gazetteer entity, not a town, whose whole name is `words` with those in capitals
    /// in title case ([`name_cased`]): "ANTÓNIO GUTERRES", "Fidel CASTRO". `None` when no
    /// word is in capitals.
    fn named_in_capitals(&self, words: &[&str]) -> Option<&'a KnownEntity> {
        // Asked of every person's name: nothing is allocated unless a word is in capitals.
        if !words.iter().any(|w| in_capitals(w)) {
            return None;
        }
        let cased: Vec<Cow<str>> = words.iter().map(|w| name_cased(w)).collect();
        let cased: Vec<&str> = cased.iter().map(|w| &**w).collect();
        entity_named(self.gazetteer, &cased).filter(|e| !e.is_town())
    }

    /// A name found by capitalisation, tokens `a..b`: a person's surname met earlier, a
    /// person after a title word inside the run ("Defence Secretary Tom Hadley"), else the
    /// type its words give it ([`Recognizer::run_type`]); a run of no type is dropped
    /// unless untyped names are kept.
    fn pattern(
        &self,
        text: &str,
        tokens: &[Token],
        forms: &[&str],
        a: usize,
        b: usize,
    ) -> Option<Mention> {
        let words = &forms[a..b];
        // A role ("Prime Minister of Malta", "Member of Parliament") names no one: the
        // caller moves on and finds "Malta" by itself. A treaty or an organisation word
        // ("Department of Agriculture") is not a role.
        let role = |w: &str| {
            (TITLES.contains(w) || CAPITALISED_NOUNS.contains(w)) && !ORG_WORDS.contains(w)
        };
        if words.len() > 1
            && role(words[0])
            && words.iter().any(|w| CONNECTORS.contains(w))
            && !is_document_name(words)
        {
            return None;
        }
        if let Some(t) = words
            .iter()
            .rposition(|w| TITLES.contains(w))
            .filter(|&t| t + 1 < words.len() && t > 0)
        {
            // The whole title that starts there: "Army Sergeant First Class Cory Remsburg".
            let start =
                (self.after_titles(a + t, &|k| (k < b).then(|| forms[k]))).unwrap_or(a + t + 1);
            let end = person_run(
                text,
                start,
                &|k| k < b && forms[k].starts_with(char::is_uppercase),
                forms,
                tokens,
            );
            if end == start || CONNECTORS.contains(&forms[start]) {
                return None;
            }
            let mut m = self.person(text, tokens, forms, start, end);
            m.source = Source::Title;
            return Some(m);
        }
        let span = name_span(text, tokens, a, b);
        let last = words.last().copied().unwrap_or("");
        // A bare surname, or a name ending in it, is the person met earlier; another name
        // before the same surname ("Brian May" after "Theresa May", "Hunter Biden" after
        // "Joe Biden") is someone else. At a sentence's start that word may be no name at
        // all ("Regarding Trump's call"): unless it is a given name or seen capitalised
        // inside a sentence, the caller moves on and finds the surname alone.
        let surname = self.surnames.get(&*surname_key(last));
        if let Some((canonical, country)) = surname.filter(|_| words.len() <= 2) {
            // A rank before the surname is no other given name: "Agent Ortiz" and "Chief
            // Ortiz" after "Chief Patrol Agent Raul Ortiz" are he, written "Ortiz".
            let rank = words.len() == 2 && RANKS.contains(&words[0]);
            if rank || same_person(canonical, words.iter().copied()) {
                let span = match rank {
                    true => name_span(text, tokens, b - 1, b),
                    false => span,
                };
                return Some(Mention {
                    span,
                    entity: canonical.clone(),
                    etype: EntityType::Person,
                    country: country.clone(),
                    source: Source::Pattern,
                    pending: false,
                });
            }
            let at_start = tokens[..a].iter().all(|t| t.kind != TokenKind::Word);
            if at_start && !self.gazetteer.is_given_name(words[0]) && !self.is_name(words[0]) {
                return None;
            }
            return Some(Mention {
                span,
                entity: person_name(span.of(text)),
                etype: EntityType::Person,
                country: String::new(),
                source: Source::Pattern,
                pending: false,
            });
        }
        if let [word] = words[..] {
            return self.single_word(word, span);
        }
        let etype = match self.run_type(words) {
            Run::Typed(etype) => etype,
            Run::Untyped if self.untyped_names => EntityType::Other,
            Run::Untyped => return None,
        };
        if etype == EntityType::Person
            && let Some(e) = self.named_in_capitals(words)
        {
            return Some(known(e, span));
        }
        // An organisation speaks for the state or nation named inside it ("Bank of
        // Japan"); a person or a body inside it says nothing of its country.
        let inside = (etype == EntityType::Org)
            .then(|| {
                (a..b).find_map(|k| {
                    self.gazetteer
                        .longest(|x| forms.get(k + x).map(|f| &**f))
                        .filter(|(n, _)| k + n <= b)
                        .map(|(_, id)| self.gazetteer.entity(id))
                        .filter(|e| matches!(e.etype, EntityType::Gpe | EntityType::Norp))
                })
            })
            .flatten();
        let mut m = Mention {
            span,
            entity: match etype {
                EntityType::Person => person_name(span.of(text)),
                _ => discovered_name(text, span),
            },
            etype,
            country: inside.map(|e| e.country.clone()).unwrap_or_default(),
            source: Source::Pattern,
            pending: false,
        };
        // "Office of Indian Affairs": its country is as Indian's.
        m.pending = inside.is_some_and(|e| self.is_pending(e, &m, None));
        Some(m)
    }

    /// The type the words of a capitalised run of two or more words give it: a treaty
    /// word before its complement ("Treaty of Ghent"), a site word last ("Parliament
    /// Square"), an organisation word anywhere
    /// ("Savings and Trust Company"), a given name first (a person), a head word last
    /// ("Atchafalaya River", "Korean War"), a place word first ("Lake Erie").
    fn run_type(&self, words: &[&str]) -> Run {
        let connector = words.iter().any(|w| CONNECTORS.contains(w));
        let last = words.last().copied().unwrap_or("");
        // Only a person's name has a nickname in it ([`is_nickname`]): the one
        // punctuation a run crosses.
        if words.iter().any(|w| w.starts_with(['"', '\u{201c}'])) {
            return Run::Typed(EntityType::Person);
        }
        if is_document_name(words) {
            return Run::Typed(EntityType::Other);
        }
        if SITE_ENDS.contains(&last) && !connector {
            return Run::Typed(EntityType::Loc);
        }
        // A treaty, act or war names no body even when one is inside it ("Intermediate-Range
        // Nuclear Forces Treaty", "Federal Reserve Act").
        if name_head(last) == Some(EntityType::Other) && !connector {
            return Run::Typed(EntityType::Other);
        }
        if words.iter().any(|w| ORG_WORDS.contains(w)) {
            return Run::Typed(EntityType::Org);
        }
        if words.len() <= 3
            && self.gazetteer.is_given_name(words[0])
            && !connector
            && !NOT_PERSON_ENDS.contains(last)
        {
            return Run::Typed(EntityType::Person);
        }
        // "International Year of Mountains" is no mountain range.
        if let Some(etype) = name_head(last)
            && !connector
        {
            return Run::Typed(etype);
        }
        match PLACE_STARTS.iter().find(|(p, _)| *p == words[0]) {
            Some(&(_, etype)) if !connector => Run::Typed(etype),
            _ => Run::Untyped,
        }
    }

    /// The ministry named by tokens `a..b` after a state's possessive ("Russia's Foreign
    /// Ministry"): that state's, named as with its nationality ("Russian Foreign
    /// Ministry", the gazetteer's entity when it has that name) so that two states'
    /// ministries are not one entity. `None` unless the words make a ministry of no other
    /// country.
    fn states_ministry(
        &self,
        text: &str,
        tokens: &[Token],
        forms: &[&str],
        state: &KnownEntity,
        (a, b): (usize, usize),
    ) -> Option<Mention> {
        let is_state =
            state.etype == EntityType::Gpe && state.role.ends_with("state") && !state.is_us_state();
        if !is_state || !forms[a..b].contains(&"Ministry") {
            return None;
        }
        let org = self
            .pattern(text, tokens, forms, a, b)
            .filter(|m| m.etype == EntityType::Org && m.country.is_empty())?;
        // Asked only after a state's possessive and a ministry: a scan, not an index.
        let demonym = (0..self.gazetteer.len() as u32)
            .map(|id| self.gazetteer.entity(id))
            .find(|d| {
                d.etype == EntityType::Norp && d.role == "demonym" && d.country == state.country
            })?;
        let name: Vec<&str> = (demonym.canonical.split(' '))
            .chain(forms[a..b].iter().copied())
            .collect();
        Some(match entity_named(self.gazetteer, &name) {
            Some(e) => Mention {
                source: Source::Pattern,
                ..known(e, org.span)
            },
            None => Mention {
                entity: format!("{} {}", demonym.canonical, org.entity),
                country: state.country.clone(),
                ..org
            },
        })
    }

    /// A capitalised word alone: an organisation word refers to the body named in full
    /// earlier (or, for a few, the speaker's own national body); a compass word or
    /// "Gulf" is a region; a firm's initials joined by "&" are an organisation ("AT&T",
    /// but "R&D" and "Q&A", two letters, are not); a letter or Roman numeral is no name;
    /// any other word is an untyped name.
    fn single_word(&self, word: &str, span: Span) -> Option<Mention> {
        let mention = |entity: &str, etype| Mention {
            span,
            entity: entity.to_string(),
            etype,
            country: String::new(),
            source: Source::Pattern,
            pending: false,
        };
        if ORG_WORDS.contains(word) {
            return match self.heads.get(word) {
                Some(named) => Some(Mention {
                    span,
                    source: Source::Pattern,
                    ..named.clone()
                }),
                None if NATIONAL_BODIES.contains(&word) => Some(mention(word, EntityType::Org)),
                // Left for the document to settle ([`Recognizer::finish_document`]): the
                // United States in American prose, else nothing. A GPE, as the United
                // States, so that the tone stage reads its word as before.
                None if word == "Union" => Some(mention(word, EntityType::Gpe)),
                None => None,
            };
        }
        if REGION_WORDS.contains(&word) {
            return Some(mention(word, EntityType::Loc));
        }
        if is_firm_initials(word) {
            return Some(mention(word, EntityType::Org));
        }
        // A word with digits is a code, a sum or a tag ("PV.9116", "Rs.200", "TRUMP2020"),
        // not a name; so are initials joined by "&" that are not a firm's ("R&D").
        let coded = word.chars().any(|c| c.is_ascii_digit() || c == '&');
        if word.chars().count() == 1 || is_roman(word) || coded || !self.untyped_names {
            return None;
        }
        Some(mention(word, EntityType::Other))
    }

    /// Gazetteer names among the hyphen-separated parts of token `i`, and the token where
    /// reading goes on. The first part may end a name begun by the words before the
    /// compound ("United States-South Korea"), and the last part begin one that the words
    /// after it end ("Japan-North Korea", "Cambodia-Republic of Korea"): names are matched
    /// token by token, and a hyphen glues a name's word to another name's.
    // Not inlined: in [`Recognizer::find`] this rare path made the compiler lay out the
    // loop over every word worse (0.2% more instructions on the bench corpus).
    #[inline(never)]
    fn compound_parts(
        &mut self,
        text: &str,
        tokens: &[Token],
        forms: &[&str],
        i: usize,
        out: &mut Vec<Mention>,
    ) -> usize {
        let token = tokens[i];
        let mut next = i + 1;
        // Capitalised words just before the compound that no mention took may begin its
        // first part's name.
        let free = (out.last().map_or(0, |m| mention_end(tokens, m.span, 0)))
            .max(i.saturating_sub(COMPOUND_REACH))
            .min(i);
        let mut parts = crate::wrap::hyphen_parts(token.span.of(text)).peekable();
        while let Some((offset, part)) = parts.next() {
            let key = match_fold(match_form(part));
            let last = parts.peek().is_none();
            // The name's first token (before `i` when the first part ends it), its length in
            // tokens (past `i` when the last part begins it) and its entity.
            let found = match offset {
                0 => (free..i).find_map(|a| {
                    if !forms[a].starts_with(char::is_uppercase) {
                        return None;
                    }
                    let at = |k: usize| match a + k {
                        j if j < i => Some(forms[j]),
                        j if j == i => Some(&*key),
                        _ => None,
                    };
                    self.gazetteer
                        .longest(at)
                        .filter(|&(n, _)| a + n == i + 1)
                        .map(|(n, id)| (a, n, id))
                }),
                _ => None,
            }
            .or_else(|| {
                let at = |k: usize| match k {
                    0 => Some(&*key),
                    _ if last => forms.get(i + k).copied(),
                    _ => None,
                };
                let (n, id) = self.gazetteer.longest(at)?;
                Some((i, n, id))
            });
            let Some((a, n, id)) = found else {
                continue;
            };
            let start = match a < i {
                true => tokens[a].span.start,
                false => token.span.start + offset,
            };
            let end = match n > 1 && a == i {
                true => {
                    next = i + n;
                    name_span(text, tokens, i, next).end
                }
                false => token.span.start + offset + part.len() - possessive_len(part),
            };
            let e = self.gazetteer.entity(id);
            let mut mention = known(e, Span::new(start, end));
            // The next part settles a reading as the next word does ("Indian-born").
            let after = match next > i + 1 {
                true => forms.get(next).copied(),
                false => parts.peek().map(|&(_, p)| p),
            };
            mention.pending = self.is_pending(e, &mention, after);
            self.remember(&mention);
            out.push(mention);
        }
        next
    }

    /// A PERSON named `name` after a title: the person met earlier with its surname when
    /// the name is theirs ("Trump", "Kamala D. Harris"), else a person of that name ("First
    /// Lady Melania Trump" is not Donald Trump).
    fn person_by_title(&self, name: &str) -> Mention {
        let name = person_name(name);
        let own = without_post_nominals(&name);
        let last = own.rsplit(' ').next().unwrap_or(own);
        let (entity, country) = self
            .surnames
            .get(last)
            .filter(|(canonical, _)| same_person(canonical, own.split(' ')))
            .cloned()
            .unwrap_or_else(|| (name.clone(), String::new()));
        Mention {
            span: Span::default(),
            entity,
            etype: EntityType::Person,
            country,
            source: Source::Title,
            pending: false,
        }
    }

    /// Remembers a person's surname so that a later bare surname resolves to them, and an
    /// organisation's or state's head word so that a later bare head word does.
    fn remember(&mut self, m: &Mention) {
        if matches!(m.etype, EntityType::Org | EntityType::Gpe) {
            let head = m.entity.rsplit(' ').next().unwrap_or(&m.entity);
            // "the Administration" alone is the government in office, not the last agency
            // named ("National Oceanic and Atmospheric Administration"). "The Union" is
            // a union the gazetteer knows (European, Soviet, African): names made of
            // capitalised words ("our Federal Union", "the American Union") are what
            // American prose calls the United States.
            let union_by_pattern = head == "Union" && m.source != Source::Gazetteer;
            if head != m.entity
                && ORG_WORDS.contains(head)
                && head != "Administration"
                && !union_by_pattern
            {
                self.note_head(head, m);
            }
            for (word, target) in HEAD_REFERENCES {
                if m.entity == *target {
                    self.note_head(word, m);
                }
            }
        }
        if m.etype != EntityType::Person {
            return;
        }
        let own = without_post_nominals(&m.entity);
        if let Some(last) = own.rsplit(' ').next().filter(|l| *l != own) {
            self.surnames
                .entry(surname_key(last).into_owned())
                .or_insert_with(|| (m.entity.clone(), m.country.clone()));
        }
    }

    /// Makes the bare head word `word` refer to `m`'s entity from here on. A bare head
    /// takes its name, type and country only ([`Recognizer::single_word`]), so a head
    /// that refers to them already is left as it is: the United Nations, named in most
    /// sentences of a speech at the UN, was copied twice for each.
    fn note_head(&mut self, word: &str, m: &Mention) {
        match self.heads.get_mut(word) {
            Some(h) if (&h.entity, h.etype, &h.country) == (&m.entity, m.etype, &m.country) => {}
            Some(h) => *h = m.clone(),
            None => _ = self.heads.insert(word.to_string(), m.clone()),
        }
    }
}

/// Whether a name (its words, up to its surname) names the person `canonical` whose
/// surname it ends in: one name ends the other, in any case ("Trump", "Bin Laden" for
/// Osama bin Laden, "Javier Perez de Cuellar" for Perez de Cuellar), or they share the
/// given name ("Kamala D. Harris" for Kamala Harris). Any other first word is another
/// person's given name ("Hunter Biden", "Melania Trump").
fn same_person<'w>(
    canonical: &str,
    name: impl DoubleEndedIterator<Item = &'w str> + Clone,
) -> bool {
    // Written with accents or not, as surnames are remembered ([`Recognizer::remember`]).
    let canonical = fold_accents(canonical);
    let given = name.clone().next().map(fold_accents) == canonical.split(' ').next().map(Cow::from);
    let canonical = without_post_nominals(&canonical).rsplit(' ');
    given || (name.rev().zip(canonical)).all(|(a, b)| fold_accents(a).eq_ignore_ascii_case(b))
}

/// The entity name of a mention found without the gazetteer, tokens `span` of `text`: its
/// words on one line and without accents, so that "Philémon Yang" and "Philemon Yang" are
/// one person in every document (the files are written a document at a time, so the name
/// cannot wait to learn which spelling is the more frequent).
fn discovered_name(text: &str, span: Span) -> String {
    fold_accents(&span.collapsed(text)).into_owned()
}

/// The entity name of a person found without the gazetteer, `name` as written in the text:
/// on one line, without accents and with its words in capitals in title case
/// ([`name_cased`]), so that "ANTÓNIO GUTERRES" and "Assimi GOÏTA" are the persons written
/// usually, and without a nickname in quotes ([`without_nickname`]).
fn person_name(name: &str) -> String {
    let mut name = fold_accents(&collapse_whitespace(name)).into_owned();
    if name.contains(['"', '\u{201c}']) {
        name = without_nickname(&name);
    }
    match name.split(' ').any(|w| name_cased(w) != w) {
        true => name
            .split(' ')
            .map(name_cased)
            .collect::<Vec<_>>()
            .join(" "),
        false => name,
    }
}

/// A person's name without the nickname in quotes inside it ([`is_nickname`]): "William
/// Owens" for `William "Ryan" Owens`, the name the person is written by without it.
fn without_nickname(name: &str) -> String {
    (name.split(' '))
        .filter(|w| !w.starts_with(['"', '\u{201c}']))
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a surname is remembered and looked up: without accents and in title case, as
/// [`person_name`] writes it ("TRAORÉ" is "Traore").
fn surname_key(word: &str) -> Cow<'_, str> {
    match fold_accents(word) {
        Cow::Borrowed(w) => name_cased(w),
        Cow::Owned(w) => Cow::Owned(name_cased(&w).into_owned()),
    }
}

/// Whether [`name_cased`] writes `word` otherwise: a word of a name in capitals, not
/// initials, a Roman numeral or a post-nominal.
fn in_capitals(word: &str) -> bool {
    // Most words have a lower-case letter, found first.
    !word.chars().any(char::is_lowercase)
        && word.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && word
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '\u{2019}'))
        && !is_roman(word)
        && !POST_NOMINALS.contains(word)
}

/// A word of a name written in capitals ("GUTERRES", "AL-ASSAD", "D'ESCOTO") in title case
/// ("Guterres", "Al-Assad", "D'Escoto"); any other word as it is, and so are initials
/// ("H.W."), Roman numerals ("John Paul II") and post-nominals ("QC"), written in capitals
/// anyway.
fn name_cased(word: &str) -> Cow<'_, str> {
    if !in_capitals(word) {
        return word.into();
    }
    let mut cased = String::with_capacity(word.len());
    let mut first = true;
    for c in word.chars() {
        match first {
            true => cased.push(c),
            false => cased.extend(c.to_lowercase()),
        }
        // A hyphen or an apostrophe starts a new capital.
        first = !c.is_alphabetic();
    }
    cased.into()
}

/// Whether a word is a Roman numeral ("II", "XIV"), as after a monarch's or pope's name.
fn is_roman(word: &str) -> bool {
    word.len() <= 5 && word.chars().all(|c| "IVXLCDM".contains(c))
}

/// A person's name without the post-nominals that end it ([`POST_NOMINALS`]): "Durham
/// Hall QC" is a Hall.
fn without_post_nominals(mut name: &str) -> &str {
    while let Some((rest, last)) = name.rsplit_once(' ')
        && POST_NOMINALS.contains(last.trim_end_matches('.'))
    {
        name = rest;
    }
    name
}

/// `slices` emptied, as a vector of slices of another lifetime, in the same memory (an
/// emptied vector collected into one of the same layout keeps its allocation).
fn relabelled<'b>(mut slices: Vec<&str>) -> Vec<&'b str> {
    slices.clear();
    slices.into_iter().map(|_| "").collect()
}

/// The gazetteer entity whose whole name is `name`'s words.
fn entity_named<'g>(gazetteer: &'g Gazetteer, name: &[&str]) -> Option<&'g KnownEntity> {
    gazetteer
        .longest(|k| name.get(k).copied())
        .filter(|&(n, _)| n == name.len())
        .map(|(_, id)| gazetteer.entity(id))
}

/// Whether token `i` is the "Union" of "the state of the Union" or "the state of our
/// Union", in any capitalisation of "state".
fn is_state_of_the_union(forms: &[&str], i: usize) -> bool {
    i >= 3
        && forms[i] == "Union"
        && matches!(forms[i - 1], "the" | "our")
        && forms[i - 2] == "of"
        && forms[i - 3].eq_ignore_ascii_case("state")
}

/// A place, group or organisation name followed by capitalised words up to a head word,
/// tokens `i..end`: a longer name of the head's type ("Paris Agreement", "Washington Post",
/// "Mississippi River", "Russian Armed Forces", "United Nations Development Programme"),
/// reported instead of the shorter gazetteer name inside it. A place takes the country of
/// the place inside; an organisation takes it from a state, a nationality or the body it
/// belongs to ("Russian Navy", "Senate Foreign Relations Committee"); a person's name
/// makes no longer name ("Putin Doctrine" stays Putin's).
fn longer_name(
    text: &str,
    tokens: &[Token],
    e: &KnownEntity,
    i: usize,
    (end, etype): (usize, EntityType),
) -> Option<Mention> {
    if e.etype == EntityType::Person {
        return None;
    }
    let span = name_span(text, tokens, i, end);
    let country = match etype {
        EntityType::Gpe | EntityType::Loc => e.etype != EntityType::Org,
        EntityType::Org => e.etype != EntityType::Loc,
        _ => false,
    };
    Some(Mention {
        span,
        entity: discovered_name(text, span),
        etype,
        country: if country {
            e.country.clone()
        } else {
            String::new()
        },
        source: Source::Pattern,
        pending: false,
    })
}

/// The type a [`NAME_HEADS`] word gives the name it ends ("River", "Treaty").
fn name_head(word: &str) -> Option<EntityType> {
    NAME_HEADS.iter().find(|(h, _)| *h == word).map(|&(_, t)| t)
}

/// The type a head word gives the name it ends: a treaty, a place or an organisation.
fn head_type(word: &str) -> Option<EntityType> {
    name_head(word).or_else(|| ORG_WORDS.contains(word).then_some(EntityType::Org))
}

/// After a gazetteer name ending at token `start`, the capitalised words up to and
/// including the last head word among them (at most four words, none starting another
/// gazetteer name or a title): the end of the longer name and its type. Words after that
/// head are left out ("Paris Agreement Secretariat" ends at the organisation word, but in
/// "American Bar Association President" the title is no part of the name). `None` when
/// no head word follows, or the gazetteer name is possessive ("Russia's Navy" is Russia).
fn head_end(
    text: &str,
    start: usize,
    is_cap: &impl Fn(usize) -> bool,
    known: &impl Fn(usize) -> bool,
    forms: &[&str],
    tokens: &[Token],
) -> Option<(usize, EntityType)> {
    if start == 0 || possessive_len(tokens[start - 1].span.of(text)) > 0 {
        return None;
    }
    let mut found = None;
    let mut k = start;
    while k < start + 4 && is_cap(k) && !known(k) && !TITLES.contains(forms[k]) {
        // "United Nations Decade for Women": the complement is added by the caller.
        let document = DOCUMENT_HEADS.contains(&forms[k])
            && forms
                .get(k + 1)
                .is_some_and(|f| COMPLEMENTS.contains(&&**f))
            && is_cap(k + 2);
        if let Some(t) = head_type(forms[k]).or(document.then_some(EntityType::Other)) {
            found = Some((k + 1, t));
        }
        k += 1;
        if possessive_len(tokens[k - 1].span.of(text)) > 0 {
            break;
        }
    }
    found
}

/// Whether the month name at token `i` is used as a surname: right after a given name and
/// not before a number ("Theresa May", but "in May", "Grace June 5" are dates).
fn month_surname(forms: &[&str], tokens: &[Token], i: usize, gazetteer: &Gazetteer) -> bool {
    i > 0
        && tokens[i - 1].kind == TokenKind::Word
        && gazetteer.is_given_name(forms[i - 1])
        && tokens
            .get(i + 1)
            .is_none_or(|t| t.kind != TokenKind::Number)
}

/// Whether a mention is a bare "Union" that no union named before resolved, left for
/// [`Recognizer::finish_document`].
fn is_bare_union(m: &Mention) -> bool {
    m.source == Source::Pattern && m.country.is_empty() && m.entity == "Union"
}

/// Whether the text between two mentions joins them in a list: commas, "and", "or" and
/// articles only, at least one of the first three ("Georgia and Ukraine", "Indians,
/// Indonesians").
fn is_list_gap(gap: &str) -> bool {
    let words = || {
        gap.split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
    };
    words().all(|w| matches!(w, "and" | "or" | "the"))
        && (gap.contains(',') || words().any(|w| w != "the"))
}

/// The distance from byte `at` to the nearest of `starts` (ascending), if any.
fn distance(starts: &[usize], at: usize) -> Option<usize> {
    let k = starts.partition_point(|&s| s < at);
    let after = starts.get(k).map(|&s| s - at);
    let before = k.checked_sub(1).map(|k| at - starts[k]);
    after.into_iter().chain(before).min()
}

fn known(e: &KnownEntity, span: Span) -> Mention {
    Mention {
        span,
        entity: e.canonical.clone(),
        etype: e.etype,
        country: e.country.clone(),
        source: Source::Gazetteer,
        pending: false,
    }
}

/// Whether a run names a treaty, war or observance: a [`DOCUMENT_HEADS`] word before its
/// first "of", "on" or "for" ("Treaty of Ghent", "International Year of Mountains").
fn is_document_name(words: &[&str]) -> bool {
    let complement = words.iter().position(|w| COMPLEMENTS.contains(w));
    complement.is_some_and(|c| c > 0 && DOCUMENT_HEADS.contains(&words[c - 1]))
}

/// Capital letters joined by "&", three or more in all: a firm's initials ("AT&T",
/// "AT&T's"). Two letters ("R&D", "M&A", "Q&A") are an abbreviation of a common phrase
/// far more often than a firm; such firms ("S&P") belong in the gazetteer.
fn is_firm_initials(word: &str) -> bool {
    // Asked of most capitalised words, which have no '&'.
    if !word.as_bytes().contains(&b'&') {
        return false;
    }
    let word = &word[..word.len() - possessive_len(word)];
    let mut parts = word.split('&');
    let letters = word.chars().filter(char::is_ascii_uppercase).count();
    parts.clone().count() >= 2
        && parts.all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_uppercase()))
        && letters >= 3
}

/// How many words at the start of a run are a heading: two or more words in capitals
/// (connectors aside), up to the first word in ordinary case ("NAVY DEPARTMENT The Navy"
/// is a heading run into the text); 0 when there is none. Acronyms stand alone or beside
/// ordinary words, so they are not caught.
fn heading_len(words: &[&str]) -> usize {
    let mut capitals = 0;
    let mut len = 0;
    for w in words {
        if w.chars().any(char::is_lowercase) {
            if !CONNECTORS.contains(&&**w) {
                break;
            }
        } else if w.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
            capitals += 1;
        }
        len += 1;
    }
    if capitals >= 2 { len } else { 0 }
}

/// Capitalised words before a place or group name that do not make it part of a longer
/// name: a title ("Ambassador Lusaka" is handled as a person) or a noun that political prose
/// capitalises ("Member States Spain", "the Conference Sweden").
fn is_modifier_exempt(word: &str) -> bool {
    TITLES.contains(word) || CAPITALISED_NOUNS.contains(word)
}

/// Discourse words that start sentences capitalised but are never names.
fn is_sentence_adverb(word: &str) -> bool {
    matches!(
        word,
        "Let"
            | "Ladies"
            | "Gentlemen"
            | "Every"
            | "Thank"
            | "Please"
            | "Yes"
            | "However"
            | "Despite"
            | "Since"
            | "Meanwhile"
            | "Although"
            | "Today"
            | "Yesterday"
            | "Moreover"
            | "Furthermore"
            | "Nevertheless"
            | "Instead"
            | "Still"
            | "Yet"
            | "Thus"
            | "Therefore"
            | "Indeed"
            | "Also"
            | "Last"
            | "Next"
            | "Earlier"
            | "Later"
            | "According"
            | "Following"
            | "Amid"
            | "Under"
            | "Without"
            | "Unlike"
            | "Like"
            | "Given"
            | "Many"
            | "Several"
            | "Some"
            | "Pro-war"
            | "Key"
            | "Economic"
            | "Ongoing"
            | "Recent"
            | "New"
            | "One"
    )
}

/// End of a person's name after a title: capitalised words, particles and initials, but
/// no "of"/"and" (so "General Agreement on Tariffs" is no person) and not starting with an
/// organisation word or a capitalised common noun ("President Government").
fn person_run(
    text: &str,
    start: usize,
    is_cap: &impl Fn(usize) -> bool,
    forms: &[&str],
    tokens: &[Token],
) -> usize {
    let first = forms.get(start).map_or("", |f| &**f);
    // "His Majesty The King": the article starts a style, no name.
    if ORG_WORDS.contains(first)
        || CAPITALISED_NOUNS.contains(first)
        || TITLES.contains(first)
        || first == "The"
    {
        return start;
    }
    let mut end = start;
    let mut k = start;
    while k < tokens.len() {
        let particle = PARTICLES.contains(&forms[k]) && end > start && is_cap(k + 1);
        let initial_dot =
            forms[k] == "." && end == k && forms[k - 1].chars().count() == 1 && is_cap(k + 1);
        if is_cap(k) {
            end = k + 1;
            // "Allende's Government": the name ends at its possessive.
            if possessive_len(tokens[k].span.of(text)) > 0 {
                break;
            }
        } else if end == k && end > start && is_nickname(k, is_cap, forms) {
            k += NICKNAME_LEN;
            continue;
        } else if !(particle || initial_dot) {
            break;
        }
        k += 1;
    }
    let last = forms.get(end.wrapping_sub(1)).map_or("", |f| &**f);
    if end > start && (NOT_PERSON_ENDS.contains(last) || ORG_WORDS.contains(last)) {
        return start;
    }
    end
}

/// End of a run of capitalised words starting at `start` (connectors allowed between them,
/// and initials followed by their period). `known` tells whether a gazetteer name or a
/// given name starts at a token.
fn name_run(
    start: usize,
    is_cap: &impl Fn(usize) -> bool,
    known: &impl Fn(usize) -> bool,
    forms: &[&str],
    tokens: &[Token],
) -> usize {
    let mut end = start;
    let mut k = start;
    while k < tokens.len() {
        if is_cap(k) {
            k += 1;
            end = k;
            // "George W. Bush", "St. Croix": the period of an initial or a place prefix.
            if (forms[k - 1].chars().count() == 1 || PLACE_PREFIXES.contains(&forms[k - 1]))
                && forms.get(k).is_some_and(|f| *f == ".")
                && is_cap(k + 1)
            {
                k += 1;
            }
            continue;
        }
        if end == k && end > start && is_nickname(k, is_cap, forms) {
            k += NICKNAME_LEN;
            continue;
        }
        let connector = tokens[k].kind == TokenKind::Word && CONNECTORS.contains(&forms[k]);
        if connector
            && end > start
            && is_cap(k + 1)
            && (forms[k] != "and" || and_inside_name(start, k, is_cap, known, forms))
        {
            k += 1;
            continue;
        }
        break;
    }
    end
}

/// Tokens of a nickname in quotes: the opening quote, the word, the closing quote.
const NICKNAME_LEN: usize = 3;

/// Whether a nickname in quotes starts at token `k`, right after a capitalised word and
/// before another: one capitalised word in quotes inside a person's name (`William "Ryan"
/// Owens`, `Jeremy “Spike” Cohen`), which the name runs across.
fn is_nickname(k: usize, is_cap: &impl Fn(usize) -> bool, forms: &[&str]) -> bool {
    matches!(forms[k], "\"" | "\u{201c}")
        && is_cap(k + 1)
        && forms
            .get(k + 2)
            .is_some_and(|f| matches!(*f, "\"" | "\u{201d}"))
        && is_cap(k + NICKNAME_LEN)
}

/// Whether the "and" at token `k` of a run starting at `start` is part of one name rather
/// than joining two. It is when the words after it end in an organisation word and the
/// words before it do not ("Savings and Trust Company", but "Army and Navy"), or when it
/// sits in the "of" complement of an organisation word and no gazetteer or given name
/// follows ("Ministry of Foreign Affairs and Trade", but "Bank of Japan and China").
fn and_inside_name(
    start: usize,
    k: usize,
    is_cap: &impl Fn(usize) -> bool,
    known: &impl Fn(usize) -> bool,
    forms: &[&str],
) -> bool {
    let mut last = k + 1;
    while is_cap(last + 1) {
        last += 1;
    }
    let org = |w: &&str| ORG_WORDS.contains(w);
    if org(&forms[last]) && !org(&forms[k - 1]) {
        return true;
    }
    let complement = forms[start..k]
        .iter()
        .position(|&f| f == "of" || f == "for")
        .is_some_and(|of| forms[start..start + of].iter().any(org));
    complement && !known(k + 1)
}

/// Token index just past a mention's span, at least `min` (the span may stop short of a
/// possessive).
fn mention_end(tokens: &[Token], span: Span, min: usize) -> usize {
    tokens
        .iter()
        .position(|t| t.span.start >= span.end)
        .unwrap_or(tokens.len())
        .max(min)
}

/// The span from token `a` to token `b - 1`, without a final possessive ("Russia’s").
fn name_span(text: &str, tokens: &[Token], a: usize, b: usize) -> Span {
    let last = tokens[b - 1].span;
    Span::new(
        tokens[a].span.start,
        last.end - possessive_len(last.of(text)),
    )
}

fn possessive_len(raw: &str) -> usize {
    for suffix in ["'s", "\u{2019}s", "\u{2018}s"] {
        if raw.ends_with(suffix) {
            return suffix.len();
        }
    }
    0
}

/// A pattern-found OTHER name made only of capitalised common nouns, or all of whose
/// capitalised words also occur in lower case in the document: not a name.
///
/// The pipeline applies this once a document is read, since whether a word occurs in
/// lower case is known only then; `lowercase` holds the [`word_hash`]es of its
/// lower-case words, or at least those of [`lower_case_asked`].
pub fn is_common_noun(text: &str, m: &Mention, lowercase: &FxHashSet<u64>) -> bool {
    is_pattern_other(m)
        && capitalised_words(text, m).all(|w| {
            CAPITALISED_NOUNS.contains(w.trim_end_matches('.'))
                || lowercase.contains(&word_hash(&fold_case(w)))
        })
}

/// The [`word_hash`]es [`is_common_noun`] may look up in `lowercase` for `mentions`: a
/// document's lower-case words need be gathered only among these (a few per document,
/// where gathering them all cost a hash insert for each distinct word).
pub fn lower_case_asked<M: AsRef<Mention>>(text: &str, mentions: &[M]) -> FxHashSet<u64> {
    (mentions.iter().map(AsRef::as_ref))
        .filter(|m| is_pattern_other(m))
        .flat_map(|m| capitalised_words(text, m))
        .filter(|w| !CAPITALISED_NOUNS.contains(w.trim_end_matches('.')))
        .map(|w| word_hash(&fold_case(w)))
        .collect()
}

/// Whether [`is_common_noun`] applies to `m` at all.
fn is_pattern_other(m: &Mention) -> bool {
    m.source == Source::Pattern && m.etype == EntityType::Other
}

/// The words of a mention that start with a capital.
fn capitalised_words<'t>(text: &'t str, m: &Mention) -> impl Iterator<Item = &'t str> {
    (m.span.of(text).split_whitespace()).filter(|w| w.starts_with(char::is_uppercase))
}

#[cfg(test)]
mod tests;
