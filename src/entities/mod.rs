//! Stage 4b: named entities, by gazetteer and by rule.
//!
//! In each sentence, at each word, in this order:
//! 1. a personal title ("President", "Foreign Minister", "Gen.") followed by capitalised
//!    words makes a PERSON (resolved through the gazetteer when the name is known);
//! 2. the longest gazetteer name (case-sensitive, possessive removed) gives the entity;
//! 3. a run of capitalised words, joined by "of", "for", "and", "the", is a name: ORG when it
//!    has an organisation word (Bank, Council, Ministry…), PERSON when its last word is the
//!    surname of a person met earlier in the document, otherwise OTHER. The first word of a
//!    sentence only starts such a run when more capitalised words follow and it is not a
//!    common word, so "However" or "Since" are never entities.

pub mod gazetteer;

use std::borrow::Cow;

use rustc_hash::FxHashMap;

pub use gazetteer::{EntityType, Gazetteer, KnownEntity};

use crate::span::Span;
use crate::tokenize::{Normalizer, Token, TokenKind};
use gazetteer::match_form;

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
}

/// Titles that announce a person's name (surface forms; abbreviations without their dot).
const TITLES: &[&str] = &[
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
];

/// Words that make a capitalised run an organisation.
const ORG_WORDS: &[&str] = &[
    "Bank",
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
];

/// Capitalised words that are not names on their own.
const NOT_NAMES: &[&str] = &[
    "I",
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
];

/// Lower-case words allowed inside a name between capitalised words.
const CONNECTORS: &[&str] = &[
    "of", "for", "and", "the", "de", "du", "van", "von", "der", "al", "bin", "la", "on",
];

/// Finds entity mentions with a gazetteer and rules; keeps per-document memory of persons.
#[derive(Debug)]
pub struct Recognizer<'a> {
    gazetteer: &'a Gazetteer,
    titles: crate::matcher::PhraseTable<()>,
    /// Surname → (canonical, country) of persons met in the current document.
    surnames: FxHashMap<String, (String, String)>,
}

impl<'a> Recognizer<'a> {
    /// A recognizer over `gazetteer`.
    pub fn new(gazetteer: &'a Gazetteer) -> Self {
        let mut titles = crate::matcher::PhraseTable::default();
        for t in TITLES {
            titles.insert(gazetteer::name_key(t), ());
        }
        Recognizer {
            gazetteer,
            titles,
            surnames: FxHashMap::default(),
        }
    }

    /// Forgets the persons of the previous document.
    pub fn start_document(&mut self) {
        self.surnames.clear();
    }

    /// The mentions in one sentence's tokens, in order, not overlapping.
    pub fn find(
        &mut self,
        text: &str,
        tokens: &[Token],
        norm: &Normalizer,
        out: &mut Vec<Mention>,
    ) {
        let forms: Vec<Cow<str>> = tokens.iter().map(|t| match_form(t.span.of(text))).collect();
        let form = |i: usize| forms.get(i).map(|f| &**f);
        let is_cap = |i: usize| {
            tokens.get(i).is_some_and(|t| {
                t.kind == TokenKind::Word && forms[i].starts_with(char::is_uppercase)
            }) && !NOT_NAMES.contains(&&*forms[i])
        };
        let first_word = tokens.iter().position(|t| t.kind == TokenKind::Word);
        let span_of = |a: usize, b: usize| name_span(text, tokens, a, b);
        let mut i = 0;
        while i < tokens.len() {
            if tokens[i].kind != TokenKind::Word {
                i += 1;
                continue;
            }
            // 1. Title + name.
            if let Some((n, _)) = self.titles.longest(|k| form(i + k)) {
                let mut j = i + n;
                if form(j) == Some(".") {
                    j += 1;
                }
                let name_end = name_run(j, &is_cap, &forms, tokens);
                // A gazetteer name that starts with the title word wins ("President
                // Hotel", "King Abdullah Port").
                let longer_name = self
                    .gazetteer
                    .longest(|k| form(i + k))
                    .is_some_and(|(m, _)| m > n);
                if name_end > j && !longer_name {
                    let span = span_of(j, name_end);
                    let mention = match self.gazetteer.longest(|k| form(j + k)) {
                        Some((m, id)) if j + m == name_end => {
                            known(self.gazetteer.entity(id), span)
                        }
                        _ => self.person_by_title(span.of(text)),
                    }
                    .with_span(span);
                    self.remember(&mention);
                    out.push(mention);
                    i = name_end;
                    continue;
                }
            }
            // 2. Gazetteer.
            if let Some((n, id)) = self.gazetteer.longest(|k| form(i + k)) {
                let mention = known(self.gazetteer.entity(id), span_of(i, i + n));
                self.remember(&mention);
                out.push(mention);
                i += n;
                continue;
            }
            // 3. Capitalised run.
            if is_cap(i) {
                let at_start = Some(i) == first_word;
                let end = name_run(i, &is_cap, &forms, tokens);
                let common = norm.term(tokens[i].term).stop || is_sentence_adverb(&forms[i]);
                if at_start && (end == i + 1 || common) {
                    i += 1;
                    continue;
                }
                let span = span_of(i, end);
                let words: Vec<&str> = (i..end).map(|k| &*forms[k]).collect();
                let last = words.last().copied().unwrap_or("");
                let mention = if let Some((canonical, country)) =
                    self.surnames.get(last).filter(|_| end - i <= 2)
                {
                    Mention {
                        span,
                        entity: canonical.clone(),
                        etype: EntityType::Person,
                        country: country.clone(),
                        source: Source::Pattern,
                    }
                } else {
                    let org = words.iter().any(|w| ORG_WORDS.contains(w));
                    Mention {
                        span,
                        entity: span
                            .of(text)
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" "),
                        etype: if org {
                            EntityType::Org
                        } else {
                            EntityType::Other
                        },
                        country: String::new(),
                        source: Source::Pattern,
                    }
                };
                out.push(mention);
                i = end;
                continue;
            }
            i += 1;
        }
    }

    fn person_by_title(&self, name: &str) -> Mention {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        let last = name.rsplit(' ').next().unwrap_or(&name);
        let (entity, country) = self
            .surnames
            .get(last)
            .cloned()
            .unwrap_or_else(|| (name.clone(), String::new()));
        Mention {
            span: Span::default(),
            entity,
            etype: EntityType::Person,
            country,
            source: Source::Title,
        }
    }

    /// Remembers a person's surname so that a later bare surname resolves to them.
    fn remember(&mut self, m: &Mention) {
        if m.etype != EntityType::Person {
            return;
        }
        if let Some(last) = m.entity.rsplit(' ').next().filter(|l| *l != m.entity) {
            self.surnames
                .entry(last.to_string())
                .or_insert_with(|| (m.entity.clone(), m.country.clone()));
        }
    }
}

impl Mention {
    fn with_span(mut self, span: Span) -> Mention {
        self.span = span;
        self
    }
}

fn known(e: &KnownEntity, span: Span) -> Mention {
    Mention {
        span,
        entity: e.canonical.clone(),
        etype: e.etype,
        country: e.country.clone(),
        source: Source::Gazetteer,
    }
}

/// Discourse words that start sentences capitalised but are never names.
fn is_sentence_adverb(word: &str) -> bool {
    matches!(
        word,
        "However"
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

/// End of a run of capitalised words starting at `start` (connectors allowed between them,
/// and initials followed by their period).
fn name_run(
    start: usize,
    is_cap: &impl Fn(usize) -> bool,
    forms: &[Cow<str>],
    tokens: &[Token],
) -> usize {
    let mut end = start;
    let mut k = start;
    while k < tokens.len() {
        if is_cap(k) {
            k += 1;
            end = k;
            // "George W. Bush": an initial's period.
            if forms[k - 1].chars().count() == 1
                && forms.get(k).is_some_and(|f| f == ".")
                && is_cap(k + 1)
            {
                k += 1;
            }
            continue;
        }
        let connector = tokens[k].kind == TokenKind::Word && CONNECTORS.contains(&&*forms[k]);
        if connector && end > start && is_cap(k + 1) {
            k += 1;
            continue;
        }
        break;
    }
    end
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

#[cfg(test)]
mod tests;
