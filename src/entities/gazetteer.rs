//! The gazetteer: known entities, their canonical names, types, countries and aliases.

use std::borrow::Cow;

use super::Periods;
use crate::datafile::DataFile;
use crate::dates::DocDate;
use crate::error::{Error, Warning};
use crate::matcher::PhraseTable;
use crate::span::{Span, collapse_whitespace};
use crate::tokenize::{Token, fresh_stamp, tokens};
use crate::wordlist::{Tally, Unmatchable, left_out, unmatchable};
use crate::wrap::may_end_wrap;

/// The built-in gazetteer, compiled into the binary.
pub const BUILTIN_GAZETTEER: &str = include_str!("../../data/gazetteer/entities.csv");

/// The built-in list of given names, compiled into the binary.
pub const BUILTIN_GIVEN_NAMES: &str = include_str!("../../data/gazetteer/given_names.txt");

/// What a list of given names gave: the distinct names added, and the lines left out
/// because no name in a text can match them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GivenNames {
    /// Distinct names added.
    pub added: usize,
    /// A first line that reads as a CSV header, left out.
    pub header: Tally,
    /// Lines of several words (`Mary Ann`), left out: a name is one word.
    pub several_words: Tally,
    /// Lines with punctuation that the tokenizer cuts a word at or off (`Anna,F`), or no
    /// letter at all, left out.
    pub split_word: Tally,
    /// Lines that do not start with a capital letter (`anna`), left out: names are matched
    /// as written, and only capitalised words start one.
    pub lower_case: Tally,
}

impl GivenNames {
    /// A warning about the names of the file `name` that were left out, if any were.
    pub fn warnings(&self, name: &str) -> Vec<Warning> {
        let line = left_out(
            ("line", "lines"),
            "no capitalised word of a text can match",
            &[
                (&self.header, "a CSV header (names are one per line)"),
                (
                    &self.several_words,
                    "of several words (a given name is one word)",
                ),
                (
                    &self.split_word,
                    "with punctuation that splits or cuts off the word",
                ),
                (&self.lower_case, "not capitalised"),
            ],
        );
        line.into_iter()
            .map(|line| Warning::new(name, line))
            .collect()
    }
}

/// Entity types, after spaCy's OntoNotes labels.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum EntityType {
    /// People.
    Person,
    /// Countries, cities, states: geopolitical entities.
    Gpe,
    /// Organisations, alliances, agencies, government metonyms.
    Org,
    /// Nationalities and religious or political groups.
    Norp,
    /// Regions, seas, mountain ranges, continents.
    Loc,
    /// A proper name of no known type.
    Other,
}

impl EntityType {
    /// The label written in CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "PERSON",
            EntityType::Gpe => "GPE",
            EntityType::Org => "ORG",
            EntityType::Norp => "NORP",
            EntityType::Loc => "LOC",
            EntityType::Other => "OTHER",
        }
    }

    /// Parses a CSV label.
    pub fn parse(label: &str) -> Option<EntityType> {
        Some(match label {
            "PERSON" => EntityType::Person,
            "GPE" => EntityType::Gpe,
            "ORG" => EntityType::Org,
            "NORP" => EntityType::Norp,
            "LOC" => EntityType::Loc,
            "OTHER" => EntityType::Other,
            _ => return None,
        })
    }
}

/// One gazetteer entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownEntity {
    /// The one name every alias resolves to.
    pub canonical: String,
    /// Its type.
    pub etype: EntityType,
    /// ISO 3166-1 alpha-3 of the state it speaks for, or empty.
    pub country: String,
    /// Free-text role ("capital", "head of state").
    pub role: String,
}

impl KnownEntity {
    /// Whether it is a town: role "capital" or "city". Towns are often named after people
    /// ("Washington", "Lusaka" is also a surname).
    pub fn is_town(&self) -> bool {
        matches!(self.role.as_str(), "capital" | "city")
    }

    /// Whether it is one of the United States: role "US state".
    pub fn is_us_state(&self) -> bool {
        self.role == "US state"
    }
}

/// Known entities indexed by the token forms of their names and aliases.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    entities: Vec<KnownEntity>,
    /// Each entity's index by canonical name: a search of the list for every row of a
    /// file was half of start-up.
    ids: rustc_hash::FxHashMap<String, usize>,
    /// File and line each entity was defined on, for error messages.
    origins: Vec<(String, usize)>,
    names: PhraseTable<u32>,
    /// First names that make an unknown capitalised run a person ("Herman Cain").
    given_names: rustc_hash::FxHashSet<String>,
    /// Country codes read as another's in a document of a given date.
    periods: Periods,
    /// A new [`fresh_stamp`] at every change, so that what a recognizer learnt of each
    /// word from this gazetteer is not read once it has changed (0 for an empty one).
    stamp: u64,
}

/// The form of a token used to match names: apostrophes unified and a possessive removed,
/// case kept ("Kremlin‘s" → "Kremlin"). Borrowed when nothing changes.
pub fn match_form(surface: &str) -> Cow<'_, str> {
    // Curly quotes start with byte 0xE2: a word without one and without "'s" is its own
    // match form, which is so for almost every word.
    let bytes = surface.as_bytes();
    if !bytes.contains(&0xE2) && !bytes.ends_with(b"'s") {
        return surface.into();
    }
    let s = surface
        .strip_suffix("'s")
        .or_else(|| surface.strip_suffix("\u{2019}s"))
        .or_else(|| surface.strip_suffix("\u{2018}s"))
        .unwrap_or(surface);
    if s.contains(['\u{2019}', '\u{2018}']) {
        s.replace(['\u{2019}', '\u{2018}'], "'").into()
    } else {
        s.into()
    }
}

/// The ASCII letter each of U+00C0..=U+017F is written as without its accent, `.` for a
/// letter of its own ("Æ", "ß", "Œ") or a sign ("×"), which [`fold_accents`] keeps.
const LATIN_BASES: &str = concat!(
    "AAAAAA.CEEEEIIIIDNOOOOO.OUUUUY..aaaaaa.ceeeeiiiidnooooo.ouuuuy.y",
    "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi..JjKk.LlLlLlL",
    "lLlNnNnNn...OoOoOo..RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZz.",
);

/// What a character is written as without its accent: its ASCII letter, nothing for a
/// combining accent (text in decomposed form), else itself.
fn unaccented(c: char) -> Option<char> {
    match c as u32 {
        cp @ 0xC0..=0x17F => match LATIN_BASES.as_bytes()[(cp - 0xC0) as usize] {
            b'.' => Some(c),
            base => Some(char::from(base)),
        },
        // Romanian "ș" and "ț", written with a comma below.
        0x218 => Some('S'),
        0x219 => Some('s'),
        0x21A => Some('T'),
        0x21B => Some('t'),
        0x300..=0x36F => None,
        _ => Some(c),
    }
}

/// `name` without the accents of its Latin letters ("Sékou Touré" → "Sekou Toure"), so
/// that a name written with and without them matches and is listed as one entity. Each
/// accented letter becomes one ASCII letter, so a folded name is shorter than the name.
/// Borrowed when nothing changes, after one look at the bytes of an ASCII name.
pub fn fold_accents(name: &str) -> Cow<'_, str> {
    if name.is_ascii() || name.chars().all(|c| unaccented(c) == Some(c)) {
        return name.into();
    }
    name.chars()
        .filter_map(unaccented)
        .collect::<String>()
        .into()
}

/// How many letters a word needs to be matched without its accents: folded, a shorter one
/// becomes another word or an acronym ("Malé" the word "Male", "MİT" the university "MIT"),
/// and is matched as written.
const SHORTEST_FOLDED: usize = 5;

/// The form a word is matched by, in the text and in names alike: `form` without accents
/// ([`fold_accents`]) when it has [`SHORTEST_FOLDED`] letters or more, else as it is.
pub fn match_fold(form: Cow<'_, str>) -> Cow<'_, str> {
    if form.is_ascii() || form.chars().count() < SHORTEST_FOLDED {
        return form;
    }
    match fold_accents(&form) {
        Cow::Owned(folded) => Cow::Owned(folded),
        Cow::Borrowed(_) => form,
    }
}

/// The [`match_form`] of each of `tokens` of `text`, as plain slices: those of the text, or
/// of `rewritten`, where the forms that had to be rewritten are kept; a word hyphenated
/// across lines is matched as written on one ("Guinea-\nBissau" as "Guinea-Bissau"), and
/// a word with accents as written without them ([`match_fold`]). A sentence in ASCII
/// with no line break after a hyphen, found with one search of the sentence and one look
/// at its bytes, rewrites nothing and needs only each word's "'s" looked at: searching each
/// word for the byte was most of the cost of listing forms, and the recognizer reads its
/// forms many times over, faster as slices. The forms are put in `forms`, emptied first.
pub fn match_forms<'a>(
    text: &'a str,
    tokens: &[Token],
    rewritten: &'a mut Vec<Cow<'a, str>>,
    forms: &mut Vec<&'a str>,
) {
    forms.clear();
    let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
        return;
    };
    let sentence = &text.as_bytes()[first.span.start..last.span.end];
    let (mut quotes, mut wrapped) = (false, false);
    for at in memchr::memchr2_iter(0xE2, b'\n', sentence) {
        match sentence[at] {
            b'\n' => wrapped |= may_end_wrap(&sentence[..at]),
            _ => quotes = true,
        }
        if quotes && wrapped {
            break;
        }
    }
    if !quotes && !wrapped && sentence.is_ascii() {
        forms.extend(tokens.iter().map(|t| {
            let surface = t.span.of(text);
            surface.strip_suffix("'s").unwrap_or(surface)
        }));
        return;
    }
    rewritten.clear();
    rewritten.extend(tokens.iter().map(|t| {
        let surface = t.span.of(text);
        match_fold(match wrapped && surface.contains('\n') {
            true => match_form(&collapse_whitespace(surface))
                .into_owned()
                .into(),
            false => match_form(surface),
        })
    }));
    let rewritten: &'a [Cow<'a, str>] = rewritten;
    forms.extend(rewritten.iter().map(|form| &**form));
}

/// Whether `code` has the form of an ISO 3166 alpha-3 code (three capital letters).
pub(crate) fn is_alpha3(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// The match forms of a name's tokens, without accents as the text's are ([`match_fold`]).
pub fn name_key(name: &str) -> Vec<String> {
    tokens(name, Span::new(0, name.len()))
        .map(|(span, _)| match_fold(match_form(span.of(name))).into_owned())
        .collect()
}

impl Gazetteer {
    /// The built-in gazetteer.
    pub fn builtin() -> Gazetteer {
        let mut g = Gazetteer::default();
        g.add_csv(
            "built-in:data/gazetteer/entities.csv",
            BUILTIN_GAZETTEER,
            false,
        )
        .expect("built-in gazetteer is valid");
        g.add_given_names(BUILTIN_GIVEN_NAMES);
        g.periods = Periods::builtin();
        g
    }

    /// The country a mention of `entity`, coded `country`, speaks for in a document of
    /// `date`, when a period says it is another ([`Periods`]). A state or body of the past
    /// (a role saying `historic`: the Russian Empire) keeps its own code, which already
    /// says when it stood; a person of the past takes the period's, as every other name
    /// does (Václav Havel in a speech of 1990 spoke for Czechoslovakia).
    pub fn country_on(&self, entity: &str, country: &str, date: DocDate) -> Option<&str> {
        let code = self.periods.code_on(country, date)?;
        let historic = self
            .named(entity)
            .is_some_and(|e| e.etype != EntityType::Person && e.role.contains("historic"));
        (!historic).then_some(code)
    }

    /// Adds or redraws the periods of a periods CSV named `name` in errors (see
    /// [`Periods::add`]); how many rows it read. The words of a text read as before (the
    /// stamp stays): only the country a document's mentions are coded with changes.
    pub fn add_periods(&mut self, name: &str, data: &str) -> Result<usize, Error> {
        self.periods.add(name, data)
    }

    /// Adds given names, one per line; blank lines and lines starting with `#` are skipped.
    /// A name is matched against one capitalised word of a text as written, so a line that
    /// cannot be one (several words, lower case, punctuation that cuts the word, a CSV
    /// header) is left out and counted in the returned report, with the distinct names
    /// added (`lexicon check` reports both).
    pub fn add_given_names(&mut self, data: &str) -> GivenNames {
        self.stamp = fresh_stamp();
        let mut report = GivenNames::default();
        let mut distinct = rustc_hash::FxHashSet::default();
        let mut first = true;
        for line in data.lines() {
            let name = line.trim();
            if name.is_empty() || name.starts_with('#') {
                continue;
            }
            // A spreadsheet's export starts with its column names: `name,gender,count`.
            let header = first && name.contains([',', '\t', ';']);
            first = false;
            let left_out = match unmatchable(name, false) {
                _ if header => Some(&mut report.header),
                Some(Unmatchable::SeveralWords) => Some(&mut report.several_words),
                Some(_) => Some(&mut report.split_word),
                None if !name.starts_with(char::is_uppercase) => Some(&mut report.lower_case),
                None => None,
            };
            match left_out {
                Some(tally) => tally.note(name),
                None => {
                    if distinct.insert(name) {
                        // Without accents, as they are looked up.
                        self.given_names.insert(fold_accents(name).into_owned());
                    }
                }
            }
        }
        report.added = distinct.len();
        report
    }

    /// Changes whenever the gazetteer does (see [`fresh_stamp`]).
    pub(crate) fn stamp(&self) -> u64 {
        self.stamp
    }

    /// Whether `word` is a known given name (case-sensitive: "Herman", not "herman"), with
    /// accents or without ("José" is "Jose"): short as they are, given names are no
    /// other word once folded.
    pub fn is_given_name(&self, word: &str) -> bool {
        self.given_names.contains(&*fold_accents(word))
    }

    /// Adds the rows of a gazetteer CSV (`canonical,type,country,role,as_of,aliases`).
    ///
    /// With `overrides`, a row whose canonical name exists replaces that entity and its
    /// names point to the new row; otherwise a repeated canonical name or an alias already
    /// used by another entity is an error naming both lines.
    pub fn add_csv(&mut self, name: &str, data: &str, overrides: bool) -> Result<usize, Error> {
        self.stamp = fresh_stamp();
        let header = ["canonical", "type", "country", "role", "as_of", "aliases"];
        let file = DataFile::parse(name, data)?;
        file.expect_header(&header)?;
        let err = |line: usize, column: usize, message: String| file.error(line, column, message);
        let mut rows = 0;
        for (line, record) in &file.rows {
            let line = *line;
            if record.len() < 2 {
                return Err(err(
                    line,
                    record.len() + 1,
                    format!("missing column `{}`", header[record.len()]),
                ));
            }
            let field = |i: usize| record.get(i).unwrap_or("").trim();
            let canonical = field(0);
            if canonical.is_empty() {
                return Err(err(line, 1, "empty canonical name".into()));
            }
            let etype = EntityType::parse(field(1)).ok_or_else(|| {
                err(
                    line,
                    2,
                    format!(
                        "type `{}` is not PERSON, GPE, ORG, NORP, LOC or OTHER",
                        field(1)
                    ),
                )
            })?;
            let country = field(2);
            if !(country.is_empty() || is_alpha3(country)) {
                return Err(err(
                    line,
                    3,
                    format!("country `{country}` is not an ISO 3166 alpha-3 code"),
                ));
            }
            let entity = KnownEntity {
                canonical: canonical.to_string(),
                etype,
                country: country.to_string(),
                role: field(3).to_string(),
            };
            let existing = self.ids.get(canonical).copied();
            // Overriding replaces what an earlier file defined; a name repeated within
            // one file is a mistake in that file.
            let same_file = |id: usize, origins: &[(String, usize)]| origins[id].0 == name;
            let id = match existing {
                Some(id) if overrides && !same_file(id, &self.origins) => {
                    self.entities[id] = entity;
                    self.origins[id] = (name.to_string(), line);
                    id
                }
                Some(id) => {
                    let (file, at) = &self.origins[id];
                    return Err(err(
                        line,
                        1,
                        format!("`{canonical}` is already defined at {file}:{at}"),
                    ));
                }
                None => {
                    self.ids
                        .insert(entity.canonical.clone(), self.entities.len());
                    self.entities.push(entity);
                    self.origins.push((name.to_string(), line));
                    self.entities.len() - 1
                }
            } as u32;
            let aliases = field(5);
            let names = std::iter::once(canonical)
                .chain(aliases.split('|').map(str::trim).filter(|a| !a.is_empty()));
            for alias in names {
                let key = name_key(alias);
                if key.is_empty() {
                    return Err(err(line, 6, format!("alias `{alias}` has no word")));
                }
                if let Some(previous) = self.names.insert(key, id)
                    && previous != id
                    && (!overrides || same_file(previous as usize, &self.origins))
                {
                    {
                        let other = &self.entities[previous as usize].canonical;
                        let (file, at) = &self.origins[previous as usize];
                        return Err(err(
                            line,
                            6,
                            format!("alias `{alias}` already names `{other}` ({file}:{at})"),
                        ));
                    }
                }
            }
            rows += 1;
        }
        Ok(rows)
    }

    /// The entity whose canonical name is `canonical`.
    pub fn named(&self, canonical: &str) -> Option<&KnownEntity> {
        self.ids.get(canonical).map(|&id| &self.entities[id])
    }

    /// The entity at an id from [`Gazetteer::longest`].
    pub fn entity(&self, id: u32) -> &KnownEntity {
        &self.entities[id as usize]
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// The US state that shares its one-word name with a state elsewhere ("Georgia"): the
    /// row named "<name> (US state)", which no text names as such.
    pub fn us_state_twin(&self, name: &str) -> Option<&KnownEntity> {
        const SUFFIX: [&str; 4] = ["(", "US", "state", ")"];
        let at = |k: usize| match k {
            0 => Some(name),
            _ => SUFFIX.get(k - 1).copied(),
        };
        self.longest(at)
            .filter(|&(n, _)| n == 1 + SUFFIX.len())
            .map(|(_, id)| self.entity(id))
            .filter(|e| e.is_us_state())
    }

    /// False when no name can start with match form `first` (by its first byte, as
    /// [`PhraseTable::may_start`] tells).
    pub fn may_start(&self, first: &str) -> bool {
        self.names.may_start(first)
    }

    /// The longest name matching the match forms `at(0), at(1), …`: its length in tokens
    /// and its entity id.
    pub fn longest<'s>(&self, at: impl Fn(usize) -> Option<&'s str>) -> Option<(usize, u32)> {
        self.names.longest(at).map(|(n, &id)| (n, id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "canonical,type,country,role,as_of,aliases\n";

    #[test]
    fn possessives_and_apostrophes() {
        assert_eq!(match_form("Kremlin‘s"), "Kremlin");
        assert_eq!(match_form("Russia’s"), "Russia");
        assert_eq!(match_form("People's"), "People");
        assert_eq!(match_form("Côte"), "Côte");
        for text in [
            "Russia’s and the Kremlin‘s plans",
            "People's Republic and U.S.",
            "Côte d'Ivoire",
        ] {
            let tokens: Vec<Token> = tokens(text, Span::new(0, text.len()))
                .map(|(span, kind)| Token {
                    span,
                    kind,
                    term: 0,
                })
                .collect();
            let one_by_one: Vec<_> = tokens.iter().map(|t| match_form(t.span.of(text))).collect();
            let (mut rewritten, mut forms) = (Vec::new(), vec!["left over"]);
            match_forms(text, &tokens, &mut rewritten, &mut forms);
            assert_eq!(forms, one_by_one, "{text}");
        }
    }

    #[test]
    fn aliases_resolve_and_conflicts_are_errors() {
        let mut g = Gazetteer::default();
        g.add_csv(
            "g.csv",
            &format!(
                "{HEAD}United States,GPE,USA,state,,U.S.|US|America\nRussia,GPE,RUS,state,,\n"
            ),
            false,
        )
        .unwrap();
        let at = |seq: &'static [&'static str]| move |i: usize| seq.get(i).copied();
        let (n, id) = g.longest(at(&["United", "States", "and"])).unwrap();
        assert_eq!((n, g.entity(id).canonical.as_str()), (2, "United States"));
        assert_eq!(g.entity(g.longest(at(&["U.S."])).unwrap().1).country, "USA");
        assert!(g.longest(at(&["us"])).is_none());
        let e = g
            .add_csv("add.csv", &format!("{HEAD}Usonia,GPE,,,,America\n"), false)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "add.csv:2:6: alias `America` already names `United States` (g.csv:2)"
        );
        let e = g
            .add_csv("add.csv", &format!("{HEAD}X,COUNTRY,,,,\n"), false)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("add.csv:2:2:"), "{e}");
    }

    #[test]
    fn overrides_replace_earlier_files_but_not_repeat_within_one() {
        let mut g = Gazetteer::default();
        g.add_csv(
            "base.csv",
            &format!("{HEAD}Russia,GPE,RUS,state,,Russian Federation\n"),
            false,
        )
        .unwrap();
        g.add_csv(
            "more.csv",
            &format!("{HEAD}Russia,GPE,RUS,state,,Rossiya\n"),
            true,
        )
        .unwrap();
        let dup = format!("{HEAD}Atlantis,GPE,,,,Atlantica\nAtlantis,ORG,,,,Atlantic League\n");
        let e = g.add_csv("dup.csv", &dup, true).unwrap_err().to_string();
        assert_eq!(e, "dup.csv:3:1: `Atlantis` is already defined at dup.csv:2");
        let alias = format!("{HEAD}Lemuria,GPE,,,,Mu\nHyperborea,GPE,,,,Mu\n");
        let e = g.add_csv("dup2.csv", &alias, true).unwrap_err().to_string();
        assert!(
            e.starts_with("dup2.csv:3:6: alias `Mu` already names `Lemuria`"),
            "{e}"
        );
    }
}
