use super::*;
use crate::Warning;
use crate::tokenize::Normalizer;

fn mentions(text: &str) -> Vec<(String, String, &'static str, String)> {
    let g = Gazetteer::builtin();
    let mut r = Recognizer::new(&g);
    let mut n = Normalizer::default();
    let mut out = Vec::new();
    for s in crate::segment::split_sentences(text) {
        let mut tokens = Vec::new();
        n.tokenize(text, s, &mut tokens);
        r.find(text, &tokens, &n, &mut out);
    }
    out.into_iter()
        .map(|m| {
            (
                m.span.of(text).to_string(),
                m.entity,
                m.etype.as_str(),
                m.country,
            )
        })
        .collect()
}

#[test]
fn gazetteer_alias_possessive_and_pronoun() {
    let m = mentions("The US has taken note of Russia\u{2019}s moves. Let us talk.");
    assert_eq!(
        m[0],
        ("US".into(), "United States".into(), "GPE", "USA".into())
    );
    assert_eq!(m[1].0, "Russia");
    assert_eq!(m.len(), 2);
}

#[test]
fn title_makes_a_person_and_the_surname_resolves_later() {
    let m = mentions("Foreign Minister Anna Kowalczyk arrived. Later Kowalczyk spoke.");
    assert_eq!(
        m[0],
        (
            "Anna Kowalczyk".into(),
            "Anna Kowalczyk".into(),
            "PERSON",
            String::new()
        )
    );
    assert_eq!(m[1].1, "Anna Kowalczyk");
    assert_eq!(m[1].2, "PERSON");
}

#[test]
fn capitalised_run_with_connector_is_an_org() {
    let m = mentions("Analysts at the Institute for Strategic Dialogue disagreed.");
    assert_eq!(m[0].0, "Institute for Strategic Dialogue");
    assert_eq!(m[0].2, "ORG");
}

#[test]
fn sentence_initial_common_words_are_not_entities() {
    for text in [
        "However, talks resumed.",
        "Despite this, trade grew.",
        "Since then, nothing.",
    ] {
        assert!(mentions(text).is_empty(), "{text}");
    }
}

#[test]
fn roles_and_treaty_names_are_not_persons() {
    let m = mentions(
        "The General Agreement on Tariffs and Trade was signed. The Prime Minister of Malta spoke.",
    );
    assert!(m.iter().all(|(_, _, t, _)| *t != "PERSON"), "{m:?}");
    assert!(
        m.iter().any(|(s, _, t, _)| s == "Malta" && *t == "GPE"),
        "{m:?}"
    );
}

#[test]
fn stacked_titles_and_a_title_inside_a_run() {
    let m = mentions("Lt. Gen. Marcus Reid and Defence Secretary Tom Hadley met.");
    let persons: Vec<&str> = m
        .iter()
        .filter(|(_, _, t, _)| *t == "PERSON")
        .map(|(s, ..)| s.as_str())
        .collect();
    assert_eq!(persons, vec!["Marcus Reid", "Tom Hadley"]);
}

/// A rank of several words is one title, the name after it the person's: the State of the
/// Union addresses' guests, named with their ranks, alone or after their service.
#[test]
fn a_rank_of_several_words_is_one_title() {
    let persons = |text| -> Vec<(String, String)> {
        (mentions(text).into_iter())
            .filter(|(_, _, t, _)| *t == "PERSON")
            .map(|(s, e, ..)| (s, e))
            .collect()
    };
    let williams = "For the past 7 months, she has done it all while her husband, Sergeant \
                    First Class Townsend Williams, is in Afghanistan on his fourth \
                    deployment to the Middle East.";
    let name = "Townsend Williams";
    assert_eq!(persons(williams), [(name.into(), name.into())]);
    let remsburg = "And like the Army he loves, like the America he serves, Sergeant First \
                    Class Cory Remsburg never gives up, and he does not quit.";
    let name = "Cory Remsburg";
    assert_eq!(persons(remsburg), [(name.into(), name.into())]);
    // The rank inside a longer run, after the service as the addresses write it ("Army
    // Staff Sergeant Justin Peck").
    let army = remsburg.replace("serves, Sergeant", "serves, Army Sergeant");
    assert_eq!(persons(&army), [(name.into(), name.into())]);
}

/// A nickname in quotes between a given name and a surname is part of the written name
/// (the span covers it) but not of the entity's, so that the person written without it is
/// the same entity.
#[test]
fn a_quoted_nickname_inside_a_name_is_crossed() {
    let owens = "We are joined by the widow of U.S. Navy Special Operator, \
                 Senior Chief William \"Ryan\" Owens.";
    let m = mentions(owens);
    let persons: Vec<_> = (m.iter())
        .filter(|(_, _, t, _)| *t == "PERSON")
        .map(|(s, e, ..)| (s.as_str(), e.as_str()))
        .collect();
    assert_eq!(
        persons,
        [("William \"Ryan\" Owens", "William Owens")],
        "{m:?}"
    );
    // Without a title, in curly quotes, and with a given name the list does not know.
    for (text, surface, entity) in [
        (
            "The party nominated podcast host Jeremy \u{201c}Spike\u{201d} Cohen for vice \
             president. Cohen accepted.",
            "Jeremy \u{201c}Spike\u{201d} Cohen",
            "Jeremy Cohen",
        ),
        (
            "The Metropolitan Police sergeant Matiu \"Matt\" Ratana was shot.",
            "Matiu \"Matt\" Ratana",
            "Matiu Ratana",
        ),
    ] {
        let m = mentions(text);
        let person = (m.iter()).find(|(s, _, t, _)| s == surface && *t == "PERSON");
        assert_eq!(person.map(|(_, e, ..)| e.as_str()), Some(entity), "{m:?}");
    }
    // A quoted word that is not between two names is left alone.
    let m = mentions("Reagan called it the \"Evil\" Empire, and Germany \"Hope\" nothing.");
    assert!(m.iter().all(|(s, ..)| !s.contains('"')), "{m:?}");
}

/// "H.E." (His or Her Excellency), written also "H.E" and "HE", is a title: the UN
/// speeches' way of naming a head of state or the Assembly's president. "He" is no title,
/// nor is "HE" in a speech written in capitals. So are the styles written out ("His
/// Excellency", "His Majesty", "His Holiness"): a gazetteer name after them keeps its
/// own title ("His Holiness Pope Francis" is Pope Francis), and a title inside the name
/// starts it ("His Excellency Alhaji Sir Dawda Kairaba Jawara").
#[test]
fn his_excellency_is_a_title() {
    for (text, name) in [
        (
            "I congratulate H.E. Csaba Korosi on his election.",
            "Csaba Korosi",
        ),
        (
            "We thank H.E Yoweri Museveni for his support.",
            "Yoweri Museveni",
        ),
        (
            "We thank the outgoing President HE Dennis Francis.",
            "Dennis Francis",
        ),
        (
            "I would like to congratulate His Excellency Philemon Yang on assuming the Presidency.",
            "Philemon Yang",
        ),
        (
            "Our present King, His Majesty Jigme Singye Wangchuck, has reiterated his resolve.",
            "Jigme Singye Wangchuck",
        ),
        (
            "We convey the greetings of His Holiness Pope Francis to all participants.",
            "Pope Francis",
        ),
        (
            "Several Heads of State, including His Excellency Alhaji Sir Dawda Kairaba Jawara, came.",
            "Dawda Kairaba Jawara",
        ),
    ] {
        let m = mentions(text);
        let persons: Vec<_> = (m.iter())
            .filter(|(_, _, t, _)| *t == "PERSON")
            .map(|(s, e, ..)| (s.as_str(), e.as_str()))
            .collect();
        assert_eq!(persons, [(name, name)], "{m:?}");
    }
    let he = mentions("He Jiankui was sentenced in Shenzhen.");
    assert!(he.iter().all(|(s, ..)| s != "Jiankui"), "{he:?}");
    let capitals = "FOR THE EXCELLENT MANNER IN WHICH HE DISCHARGED HIS DUTIES AS PRESIDENT.";
    assert!(mentions(capitals).is_empty(), "{:?}", mentions(capitals));
}

/// A title's possessive announces no name ("Her Majesty's Provinces", "the
/// Secretary-General's Special Representative"), nor does an article after a style ("His
/// Majesty The King").
#[test]
fn a_titles_possessive_names_no_one() {
    for text in [
        "The emigrants from Her Majesty's Provinces have sought refuge here.",
        "We support the efforts of the Secretary-General's Special Representative.",
        "His Majesty The King has announced a new city.",
    ] {
        let m = mentions(text);
        assert!(m.iter().all(|(_, _, t, _)| *t != "PERSON"), "{m:?}");
    }
}

/// A service's veteran, SEAL or special agent is a person: the name after the title, not
/// an organisation named after the service; the service alone stays an organisation.
#[test]
fn a_veteran_of_a_service_is_a_person() {
    for (text, name) in [
        (
            "Opportunity Zones are helping Americans like Army Veteran Tony Rankins from Cincinnati, Ohio.",
            "Tony Rankins",
        ),
        (
            "Let me introduce one of those law enforcement heroes: ICE Special Agent Elvin Hernandez.",
            "Elvin Hernandez",
        ),
        (
            "We are joined by the widow of Navy SEAL Ryan Owens.",
            "Ryan Owens",
        ),
    ] {
        let m = mentions(text);
        assert!(
            m.iter()
                .all(|(s, _, t, _)| *t != "ORG" || !s.contains(name)),
            "{m:?}"
        );
        assert!(
            m.iter().any(|(s, _, t, _)| s == name && *t == "PERSON"),
            "{m:?}"
        );
    }
    let army = mentions("The Army stood ready.");
    assert!(
        army.iter().any(|(s, _, t, _)| s == "Army" && *t == "ORG"),
        "{army:?}"
    );
}

#[test]
fn untyped_runs_are_kept_only_when_asked_for() {
    let g = Gazetteer::builtin();
    let text = "Delegates met Zulmar Festig and Kowalczyk near the Ostrava Bank.";
    let mut n = Normalizer::default();
    let mut tokens = Vec::new();
    n.tokenize(text, crate::span::Span::new(0, text.len()), &mut tokens);
    let found = |keep: bool| {
        let mut r = Recognizer::new(&g).with_untyped_names(keep);
        let mut out = Vec::new();
        r.find(text, &tokens, &n, &mut out);
        out.iter()
            .map(|m| (m.span.of(text).to_string(), m.etype.as_str()))
            .collect::<Vec<_>>()
    };
    let bank = ("Ostrava Bank".to_string(), "ORG");
    assert_eq!(found(false), vec![bank.clone()]);
    assert_eq!(
        found(true),
        vec![
            ("Zulmar Festig".to_string(), "OTHER"),
            ("Kowalczyk".to_string(), "OTHER"),
            bank
        ]
    );
}

#[test]
fn firm_initials_need_three_capitals() {
    assert!(is_firm_initials("AT&T"));
    assert!(is_firm_initials("AT&T's"));
    for word in ["R&D", "Q&A", "M&A", "AT&", "&T", "At&t", "A&B&"] {
        assert!(!is_firm_initials(word), "{word}");
    }
}

#[test]
fn heading_prefix_is_measured_up_to_the_first_ordinary_word() {
    fn words(s: &str) -> Vec<&str> {
        s.split(' ').collect()
    }
    assert_eq!(heading_len(&words("NAVY DEPARTMENT The Navy")), 2);
    assert_eq!(heading_len(&words("FOREIGN TRADE RELATIONS")), 3);
    assert_eq!(heading_len(&words("UN Security Council")), 0);
    assert_eq!(heading_len(&words("Bank of Japan")), 0);
}

/// Classes learnt by term id are forgotten when the normalizer empties its cache and hands
/// the same ids to other words: "Russia" takes the id that the plain "talks" had.
#[test]
fn word_classes_follow_the_normalizer_when_it_forgets_its_terms() {
    let g = Gazetteer::builtin();
    let mut n = Normalizer::default();
    let mut r = Recognizer::new(&g);
    assert!(found(&mut r, &mut n, "talks went on in peace.").is_empty());
    crate::tokenize::forget_every_term(&mut n);
    assert_eq!(
        found(&mut r, &mut n, "Russia and Ukraine met."),
        ["Russia", "Ukraine"]
    );
}

/// The mentions `r` finds in `text` (one sentence), tokenized by `n`.
fn found(r: &mut Recognizer, n: &mut Normalizer, text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    n.tokenize(text, crate::span::Span::new(0, text.len()), &mut tokens);
    let mut out = Vec::new();
    r.find(text, &tokens, n, &mut out);
    (out.iter().map(|m| m.span.of(text).to_string())).collect()
}

/// Nor are they read over another normalizer, whose ids stand for other words, or over a
/// gazetteer that has changed since: "zorblax", a plain word, names a place once added.
#[test]
fn word_classes_are_not_read_over_another_normalizer_or_a_changed_gazetteer() {
    let mut g = Gazetteer::builtin();
    let mut r = Recognizer::new(&g);
    assert!(found(&mut r, &mut Normalizer::default(), "talks went on.").is_empty());
    let russia = found(
        &mut r,
        &mut Normalizer::default(),
        "Russia and Ukraine met.",
    );
    assert_eq!(russia, ["Russia", "Ukraine"]);
    let mut n = Normalizer::default();
    assert!(found(&mut r, &mut n, "they met in zorblax.").is_empty());
    let classes = r.take_word_classes();
    let zorblax = "canonical,type,country,role,as_of,aliases\nzorblax,GPE,,,,\n";
    g.add_csv("z.csv", zorblax, true).unwrap();
    let mut r = Recognizer::new(&g).with_word_classes(classes);
    assert_eq!(found(&mut r, &mut n, "they met in zorblax."), ["zorblax"]);
}

/// The recognizer's per-sentence list of forms keeps its memory from one sentence to the
/// next, relabelled for the next text's lifetime.
#[test]
fn relabelled_slices_keep_their_memory() {
    let text = String::from("Russia and Ukraine");
    let mut slices: Vec<&str> = Vec::with_capacity(64);
    slices.extend(text.split(' '));
    let at = slices.as_ptr() as usize;
    let kept: Vec<&'static str> = relabelled(slices);
    assert!(kept.is_empty());
    assert_eq!((kept.as_ptr() as usize, kept.capacity()), (at, 64));
}

/// The person each mention in `text` names, by its surface.
fn persons(text: &str) -> Vec<(String, String)> {
    (mentions(text).into_iter())
        .filter(|(_, _, t, _)| *t == "PERSON")
        .map(|(surface, entity, ..)| (surface, entity))
        .collect()
}

/// Another name before a known person's surname is another person of that family; a
/// title, the person's own given name or the end of their name is still that person.
#[test]
fn another_given_name_before_a_known_surname_is_another_person() {
    let pairs = |p: &[(&str, &str)]| -> Vec<(String, String)> {
        p.iter()
            .map(|(s, e)| (s.to_string(), e.to_string()))
            .collect()
    };
    assert_eq!(
        persons(
            "In it, Trump asks Zelensky to investigate Joe Biden and his son, Hunter Biden. \
             President Biden spoke."
        ),
        pairs(&[
            ("Trump", "Donald Trump"),
            ("Zelensky", "Volodymyr Zelensky"),
            ("Joe Biden", "Joe Biden"),
            ("Hunter Biden", "Hunter Biden"),
            ("Biden", "Joe Biden"),
        ])
    );
    assert_eq!(
        persons(
            "The United States President Donald Trump reported he and his wife First Lady \
             Melania Trump tested positive. Mr. Trump and Donald J. Trump are one man."
        ),
        pairs(&[
            ("Donald Trump", "Donald Trump"),
            ("Melania Trump", "Melania Trump"),
            ("Trump", "Donald Trump"),
            ("Donald J. Trump", "Donald Trump"),
        ])
    );
    assert_eq!(
        persons("Senator Kamala Harris spoke. Vice President Kamala D. Harris agreed."),
        pairs(&[
            ("Kamala Harris", "Kamala Harris"),
            ("Kamala D. Harris", "Kamala Harris"),
        ])
    );
    assert_eq!(
        persons("Osama bin Laden fled. Bin Laden was never found."),
        pairs(&[
            ("Osama bin Laden", "Osama bin Laden"),
            ("Bin Laden", "Osama bin Laden")
        ])
    );
}

/// A sentence's first word before a known surname is no name unless it is a given name
/// or seen capitalised inside a sentence: "Regarding Trump's" is Trump.
#[test]
fn a_sentence_start_before_a_known_surname_is_no_part_of_the_name() {
    let text = "Donald Trump called Zelensky. Regarding Trump's phone call, former federal \
                prosecutor Elie Honig spoke. Afterwards Trump visited California. Former \
                Trump adviser Steve Bannon predicted a run.";
    let trumps: Vec<(String, String)> = (persons(text).into_iter())
        .filter(|(s, _)| s.contains("Trump"))
        .collect();
    let trump = ("Trump".to_string(), "Donald Trump".to_string());
    assert_eq!(trumps[1..], [trump.clone(), trump.clone(), trump]);
}

/// Post-nominal letters are no surname: two barristers who are both QCs are two persons.
#[test]
fn post_nominals_are_no_surname() {
    let m = persons(
        "Judge Durham Hall QC said they showed no respect. Prosecutor Kama Melly QC said the \
         victims were vulnerable. Judge Hall agreed.",
    );
    assert_eq!(m[0].1, "Durham Hall QC");
    assert!(
        m[1..]
            .iter()
            .all(|(s, e)| s == "Hall" && e == "Durham Hall QC"),
        "{m:?}"
    );
}

/// "US" glued after a dollar sign is a currency ("$US 10 million"), as before one is
/// ("US$3"): no mention of the United States.
#[test]
fn us_glued_to_a_dollar_sign_is_a_currency() {
    let m = mentions(
        "Kenya made a contribution of $US 10 million to the OAU Special Fund, and US$3 \
         million more.",
    );
    assert!(m.iter().all(|(_, e, ..)| e != "United States"), "{m:?}");
    assert!(m.iter().any(|(s, ..)| s == "Kenya"), "{m:?}");
    assert_eq!(mentions("The US gave $10 million.")[0].1, "United States");
}

/// The UN wrote "Viet-Nam" from 1962 to 1973: it is Vietnam, and so are its north, south
/// and people.
#[test]
fn the_un_spelling_viet_nam_is_vietnam() {
    let m = mentions(
        "We should mention also the cessation of the war in Viet-Nam. South Viet-Nam, North \
         Viet Nam and the Viet-Namese people suffered.",
    );
    let found: Vec<(&str, &str)> = m.iter().map(|(s, e, ..)| (&**s, &**e)).collect();
    assert_eq!(
        found,
        [
            ("Viet-Nam", "Vietnam"),
            ("South Viet-Nam", "South Vietnam"),
            ("North Viet Nam", "North Vietnam"),
            ("Viet-Namese", "Vietnamese"),
        ]
    );
    assert!(m.iter().all(|(.., c)| c == "VNM"), "{m:?}");
}

/// A ministry named with a state's possessive is that state's, named as with its
/// nationality: two states' defence ministries are two entities, and Russia's is the
/// gazetteer's Russian Foreign Ministry.
#[test]
fn a_ministry_after_a_states_possessive_is_that_states() {
    let m = mentions(
        "Azerbaijan's Defence Ministry said its troops had responded to a provocation. \
         Armenia\u{2019}s Defence Ministry said Azerbaijani forces opened fire with mortars. \
         Russia's Foreign Ministry said in a statement that Moscow had fulfilled its \
         obligations.",
    );
    let ministries: Vec<(&str, &str, &str)> = (m.iter())
        .filter(|(_, _, t, _)| *t == "ORG")
        .map(|(s, e, _, c)| (&**s, &**e, &**c))
        .collect();
    assert_eq!(
        ministries,
        [
            ("Defence Ministry", "Azerbaijani Defence Ministry", "AZE"),
            ("Defence Ministry", "Armenian Defence Ministry", "ARM"),
            ("Foreign Ministry", "Russian Foreign Ministry", "RUS"),
        ]
    );
    assert!(
        m.iter().any(|(s, e, ..)| s == "Russia" && e == "Russia"),
        "{m:?}"
    );
}

/// A treaty's name is whole and OTHER: a compound that names nothing starts it, and an
/// organisation word inside it ("Forces") does not make it a body.
#[test]
fn a_treaty_named_after_a_compound_is_whole_and_other() {
    let m = mentions(
        "U.S. officials also raised Russia's violation of the Intermediate-Range Nuclear \
         Forces Treaty, which led to its collapse in 2019.",
    );
    assert_eq!(
        m[2],
        (
            "Intermediate-Range Nuclear Forces Treaty".into(),
            "Intermediate-Range Nuclear Forces Treaty".into(),
            "OTHER",
            String::new()
        )
    );
    assert_eq!(m.len(), 3, "{m:?}");
}

/// The mentions of `text` read as one document, settled at its end
/// ([`Recognizer::finish_document`]): (surface, entity, country).
fn document(text: &str) -> Vec<(String, String, String)> {
    document_of(text, None)
}

/// [`document`] for a document of `date`.
fn document_of(text: &str, date: Option<DocDate>) -> Vec<(String, String, String)> {
    let g = Gazetteer::builtin();
    let mut r = Recognizer::new(&g);
    let mut n = Normalizer::default();
    let mut out = Vec::new();
    r.start_document();
    for s in crate::segment::split_sentences(text) {
        let mut tokens = Vec::new();
        n.tokenize(text, s, &mut tokens);
        r.find(text, &tokens, &n, &mut out);
    }
    r.finish_document(&mut out, date);
    assert!(out.iter().all(|m| !m.pending), "{out:?}");
    (out.into_iter())
        .map(|m| (m.span.of(text).to_string(), m.entity, m.country))
        .collect()
}

/// The (entity, country) of each mention of `text` read as one document whose surface is
/// `surface`.
fn readings(text: &str, surface: &str) -> Vec<(String, String)> {
    readings_of(text, surface, None)
}

/// [`readings`] in a document of `date`.
fn readings_of(text: &str, surface: &str, date: Option<DocDate>) -> Vec<(String, String)> {
    (document_of(text, date).into_iter())
        .filter(|(s, ..)| s == surface)
        .map(|(_, e, c)| (e, c))
        .collect()
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    (p.iter())
        .map(|(e, c)| (e.to_string(), c.to_string()))
        .collect()
}

/// "Indians" in an address that never names India is no Indian of India: the Native
/// Americans in an American document (Congress, the United States named most), else a
/// people of no country.
#[test]
fn indians_in_a_document_that_never_names_india_are_not_indias() {
    let address = "Gentlemen of the Senate and House of Representatives: I have directed \
                   that the banditti of Indians from the northwest side of the Ohio be \
                   punished. The Congress of the United States will, I trust, provide for \
                   peace with the Indians on our frontiers.";
    assert_eq!(
        readings(address, "Indians"),
        pairs(&[("Native American", "USA"), ("Native American", "USA")])
    );
    let speech = "In South Africa, 24 million blacks, Coloreds and Indians suffer \
                  oppression. Mozambique stands with them.";
    assert_eq!(readings(speech, "Indians"), pairs(&[("Indian", "")]));
}

/// With India named, "Indian" is India's, unless what shows the Native American sense
/// ("Indian tribes", the Cherokees) is nearer: an address names India once among the
/// Indian tribes.
#[test]
fn indian_takes_the_reading_shown_nearest_it() {
    let truman = "We made available millions of bushels of wheat to relieve famine in \
                  India. With the help of our technicians, Indian farmers have doubled \
                  their crops.";
    assert_eq!(readings(truman, "Indian"), pairs(&[("Indian", "IND")]));
    let hayes = "The exports of silver from London to India fell off. The Indian tribes \
                 inhabiting the Territory are restless. The Cherokees ceded their lands, \
                 and the Indians were removed to the west.";
    assert_eq!(
        readings(hayes, "Indians"),
        pairs(&[("Native American", "USA")])
    );
    assert_eq!(readings(hayes, "India"), pairs(&[("India", "IND")]));
    // A word after it that settles India's sense: no other cue needed.
    assert_eq!(
        readings("Indian troops crossed the border.", "Indian"),
        pairs(&[("Indian", "IND")])
    );
}

/// Before India's independence an address that names India elsewhere still means by
/// "Indians" the Native Americans: Harrison's of 1891 names India's silver trade, then the
/// enlisting of Indians in the army. Its own sentence still shows India's reading, and so
/// does India named nearest in an address after 1947.
#[test]
fn indians_before_1947_are_native_americans_unless_their_sentence_names_india() {
    let harrison = "It would, I believe, be entirely competent for Congress to make \
                    offenses against the treaty rights of foreigners domiciled in the \
                    United States cognizable in the Federal courts. An appropriation is \
                    necessary to enable the United States to fulfill its treaty obligations \
                    in this respect. The exports of silver \
                    from London to India during the first nine months of this calendar \
                    year fell off over 50 per cent. The project of enlisting Indians and \
                    organizing them into separate companies upon the same basis as other \
                    soldiers was made the subject of very careful study by the Secretary.";
    let on = |year| DocDate::parse(year);
    let indians = |text, date| readings_of(text, "Indians", date);
    let native = pairs(&[("Native American", "USA")]);
    assert_eq!(indians(harrison, on("1891")), native);
    assert_eq!(indians(harrison, on("1947-08-14")), native);
    assert_eq!(indians(harrison, on("1952")), pairs(&[("Indian", "IND")]));
    // Undated, the document's nearest cue decides as before.
    assert_eq!(indians(harrison, None), pairs(&[("Indian", "IND")]));
    // Truman's words of 1952, dated 1946: the sentence names India.
    let truman = "The United States and the whole free world are passing through a period \
                  of grave danger. Congress has a tremendous responsibility in this matter. \
                  But far more \
                  important, in the long run, is the work Americans are doing in India to \
                  help the Indian farmers themselves raise more grain.";
    assert_eq!(
        readings_of(truman, "Indian", on("1946")),
        pairs(&[("Indian", "IND")])
    );
}

/// A longer name built on "Indian" takes the country of the reading the document shows:
/// the Indian Territory of the addresses is American.
#[test]
fn a_longer_name_on_indian_takes_the_documents_reading() {
    let text = "The Congress should provide a Territorial government for the Indian \
                Territory. The Indian tribes there are peaceful.";
    assert_eq!(
        readings(text, "Indian Territory"),
        pairs(&[("Indian Territory", "USA")])
    );
}

/// "Georgia" in US political news is the US state, as beside Congress or another US
/// state; in a speech that names neither it is the country, and so it is where the
/// document names Tbilisi nearest it.
#[test]
fn georgia_in_american_news_is_the_us_state() {
    let news = "House Speaker Nancy Pelosi said Congress would open an impeachment \
                inquiry. Republican committee member Doug Collins of Georgia said on \
                Twitter that the House had not voted.";
    assert_eq!(
        readings(news, "Georgia"),
        pairs(&[("Georgia (US state)", "USA")])
    );
    let debate = "Beto O'Rourke, a former congressman from Texas, ended his campaign. He \
                  did not qualify for the debate scheduled for November 20 in Georgia.";
    assert_eq!(
        readings(debate, "Georgia"),
        pairs(&[("Georgia (US state)", "USA")])
    );
    let speech = "We support the sovereignty of Ukraine, Georgia and Moldova.";
    assert_eq!(readings(speech, "Georgia"), pairs(&[("Georgia", "GEO")]));
    let both = "The US Congress passed a resolution on the Caucasus. Russian troops remain \
                in Georgia, forty kilometres from Tbilisi.";
    assert_eq!(readings(both, "Georgia"), pairs(&[("Georgia", "GEO")]));
}

/// A name of two readings listed beside a state, or in a sentence that names the other
/// reading apart, is its own: the 2008 address names Congress nearer to "Georgia" than
/// anything of the country, and a UN speech lists Indians beside Native Americans.
#[test]
fn a_list_or_its_sentence_settles_a_name_of_two_readings() {
    let bush = "The Congress must pass the bill. We've seen citizens in Georgia and Ukraine \
                stand up for their right to free and fair elections.";
    assert_eq!(readings(bush, "Georgia"), pairs(&[("Georgia", "GEO")]));
    let uganda = "Some formerly colonized peoples, such as the Indians, Indonesians, \
                  Pakistanis, South-East Asians and Native Americans, have made upward \
                  movements.";
    assert_eq!(readings(uganda, "Indians"), pairs(&[("Indian", "IND")]));
    // A US state in the list still makes it the US state.
    let states = "The Congress met. Troops were called out from Alabama, Tennessee, and \
                  Georgia.";
    assert_eq!(
        readings(states, "Georgia"),
        pairs(&[("Georgia (US state)", "USA")])
    );
}

/// Names built on Georgia's that belong elsewhere: the bay is Canada's, the university
/// American, in a text that names neither country.
#[test]
fn the_georgian_bay_and_georgia_tech_are_not_georgias() {
    let text = "The boundary runs to the Georgian Bay. Researchers from the Georgia \
                Institute of Technology reported warming seas.";
    assert_eq!(
        readings(text, "Georgian Bay"),
        pairs(&[("Georgian Bay", "CAN")])
    );
    let tech = "Georgia Institute of Technology";
    assert_eq!(readings(text, tech), pairs(&[(tech, "USA")]));
}

/// Immigrants and the born are of India's "Indian", even in an American document where
/// "Indian" alone is Native American.
#[test]
fn indian_immigrants_and_the_indian_born_are_indias() {
    let news = "The Congress of the United States is in recess. Patel, the son of Indian \
                immigrants, is a teacher. Harris was born to an Indian-born mother. The \
                phrase referred to children born to Indian tribes.";
    assert_eq!(
        readings(news, "Indian"),
        pairs(&[
            ("Indian", "IND"),
            ("Indian", "IND"),
            ("Native American", "USA")
        ])
    );
    // A name joined to no list is none: the Indian Navy beside the Arabian Sea.
    let patrols = document("The Indian Navy and Arabian Sea patrols were discussed.");
    assert!(
        !patrols.iter().any(|(_, e, _)| e == "Indian Ocean"),
        "{patrols:?}"
    );
}

/// The subcontinent, written with a hyphen or without, is the region, not India's people:
/// Angola's speech of 2024 names "the Indian sub-continent" beside Latin America.
#[test]
fn the_indian_sub_continent_is_south_asia() {
    let angola = "The reform of the United Nations Security Council is urgent in order to \
                  give a voice to the countries of the global south, namely Africa, Latin \
                  America, the Middle East and the Indian sub-continent.";
    let south_asia = pairs(&[("South Asia", "")]);
    assert_eq!(readings(angola, "Indian sub-continent"), south_asia);
    let spelt = angola.replace("sub-continent", "subcontinent");
    assert_eq!(readings(&spelt, "Indian subcontinent"), south_asia);
}

/// "Indian" in a list of names that ends in "oceans" or "seas" is the Indian Ocean, not a
/// people: the addresses protect commerce "in the Pacific and Indian oceans".
#[test]
fn indian_before_oceans_or_seas_is_the_indian_ocean() {
    let address = "The Congress will provide for the Navy. Our commerce in the Pacific and \
                   Indian oceans needs protection, and so does the trade of the Indian and \
                   China seas and of the Indian Sea. The Indian tribes are at peace.";
    let found = document(address);
    let oceans: Vec<_> = (found.iter())
        .filter(|(_, e, _)| e == "Indian Ocean")
        .map(|(s, _, c)| (s.as_str(), c.as_str()))
        .collect();
    assert_eq!(oceans, [("Indian", ""), ("Indian", ""), ("Indian Sea", "")]);
    assert_eq!(
        readings(address, "Indian"),
        pairs(&[
            ("Indian Ocean", ""),
            ("Indian Ocean", ""),
            ("Native American", "USA")
        ])
    );
}

/// "Korea" alone is Korea as a whole, a state of no country code: the kingdom of the
/// treaties, the nation whose reunification the UN speeches ask for; the two states and the
/// peninsula have names of their own.
#[test]
fn korea_alone_is_korea_as_a_whole() {
    let text = "The treaty lately concluded with Korea awaits the action of the Senate. We \
                support the peaceful reunification of Korea through dialogue between the \
                Republic of Korea and the Democratic People's Republic of Korea on the \
                Korean peninsula, as The Korea Herald reported.";
    let m = mentions(text);
    let korea = (
        "Korea".to_string(),
        "Korea".to_string(),
        "GPE",
        String::new(),
    );
    assert_eq!(m[0], korea);
    assert_eq!(m[2], korea);
    let found: Vec<_> = (m.iter().skip(3))
        .map(|(s, e, t, c)| (s.as_str(), e.as_str(), *t, c.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("Republic of Korea", "South Korea", "GPE", "KOR"),
            (
                "Democratic People's Republic of Korea",
                "North Korea",
                "GPE",
                "PRK"
            ),
            ("Korean peninsula", "Korean Peninsula", "LOC", ""),
            ("Korea Herald", "Korea Herald", "ORG", "KOR"),
        ]
    );
}

/// A rank before a surname met earlier is that person's, written as the surname (the
/// 2020 address's Border Patrol agent was three entities); without the surname met it
/// makes no person, and another given name before it is still someone else.
#[test]
fn a_rank_before_a_known_surname_is_that_person() {
    let text = "I met Chief Patrol Agent Raul Ortiz. Since then, Agent Ortiz and his team \
                seized narcotics. Chief Ortiz: please stand. Maria Ortiz, his sister, \
                watched. The Major Powers met.";
    let found: Vec<_> = (document(text).into_iter())
        .map(|(s, e, _)| (s, e))
        .collect();
    let pair = |s: &str, e: &str| (s.to_string(), e.to_string());
    assert_eq!(
        found,
        [
            pair("Raul Ortiz", "Raul Ortiz"),
            pair("Ortiz", "Raul Ortiz"),
            pair("Ortiz", "Raul Ortiz"),
            pair("Maria Ortiz", "Maria Ortiz"),
        ]
    );
}

/// "The Union" with no union named before is the United States only in American prose:
/// a speech at the UN that names the United States means by "our Union" something else.
#[test]
fn the_union_is_the_united_states_only_in_american_prose() {
    let speech = "The United States blockades Cuba. Only the Unity of the Peoples of the \
                  Planet will stop the Imperialists. Only our Union will push them back.";
    assert!(
        readings(speech, "Union").is_empty(),
        "{:?}",
        document(speech)
    );
    let address = "To the Senate and House of Representatives: the Congress must act so \
                   that no State may leave the Union. The United States will endure.";
    assert_eq!(
        readings(address, "Union"),
        pairs(&[("United States", "USA")])
    );
}

/// The GATT is one name, "and" and all, and so is its acronym; so is the round of talks
/// named after it.
#[test]
fn the_general_agreement_on_tariffs_and_trade_is_whole() {
    let text = "Trade is governed by the General Agreement on Tariffs and Trade. Members \
                of GATT met. The Uruguay Round of the General Agreement on Tariffs and \
                Trade must end.";
    let gatt = "General Agreement on Tariffs and Trade";
    assert_eq!(readings(text, gatt), pairs(&[(gatt, "")]));
    assert_eq!(readings(text, "GATT"), pairs(&[(gatt, "")]));
    let round = "Uruguay Round of the General Agreement on Tariffs and Trade";
    assert_eq!(readings(text, round), pairs(&[(round, "")]));
}

/// The head of an international organisation speaks for it, not for the state they come
/// from; a national leader's country stays.
#[test]
fn heads_of_international_organisations_have_no_country() {
    let m = mentions(
        "Secretary-General Guterres and Kofi Annan met Tedros, Prime Minister Rutte and \
         President Putin.",
    );
    let countries: Vec<(&str, &str)> = m.iter().map(|m| (&*m.1, &*m.3)).collect();
    assert_eq!(
        countries,
        [
            ("Antonio Guterres", ""),
            ("Kofi Annan", ""),
            ("Tedros Adhanom Ghebreyesus", ""),
            ("Mark Rutte", "NLD"),
            ("Vladimir Putin", "RUS"),
        ]
    );
}

/// The fifth Secretary-General is one person however the UN speeches write him: with his
/// accents (2024-PER), without them, and with the "Peres" of the 1991 speeches; a misspelt
/// full name after them is he too (1985-POL).
#[test]
fn perez_de_cuellar_is_one_person_in_every_spelling() {
    let text = "Our Secretary-General, Mr. Perez de Cuellar, is nearing the end of a \
                dedicated and distinguished period of service to the United Nations. I want \
                also to pay a warn tribute to the Secretary-General, Mr. Javier Peres de \
                Cuellar, for his courage and patience. This tradition is exemplified by \
                **Javier Pérez de Cuéllar**, the fifth **UN Secretary-General**. I salute Mr. \
                Javier Perez da Cuellar with esteem and personal satisfaction.";
    let persons: Vec<(String, String)> = (mentions(text).into_iter())
        .filter(|(_, _, t, _)| *t == "PERSON")
        .map(|(_, e, _, c)| (e, c))
        .collect();
    let he = ("Javier Perez de Cuellar".to_string(), String::new());
    assert_eq!(persons, vec![he; 4]);
}

/// Names hyphenated at a line end in a UN speech converted from PDF (2001-GNB, 2001-BWA,
/// 2014-UKR): found as on one line, their spans over both lines.
#[test]
fn a_name_hyphenated_across_lines_is_found_whole() {
    let text = "On behalf of the Government of Guinea-\nBissau, I thank the Secretary-\n\
                General, Mr. Kofi Annan. Sub-\nSaharan Africa and the Russia-\nUkraine \
                talks came next.";
    let m = mentions(text);
    let found: Vec<(&str, &str, &str)> = (m.iter()).map(|m| (&*m.0, &*m.1, &*m.3)).collect();
    assert_eq!(
        found,
        [
            ("Guinea-\nBissau", "Guinea-Bissau", "GNB"),
            ("Kofi Annan", "Kofi Annan", ""),
            ("Sub-\nSaharan Africa", "Sub-Saharan Africa", ""),
            ("Russia", "Russia", "RUS"),
            ("Ukraine", "Ukraine", "UKR"),
        ]
    );
}

/// A name cut by a page number the segmenter bridged (2001-BIH, 2001-AUT) is found whole.
#[test]
fn a_name_over_a_page_number_is_found_whole() {
    let text = "The people of Bosnia\n13\n\nand Herzegovina thank Chancellor Wolfgang\n- 4 -\n\
                Schüssel.";
    let m = mentions(text);
    let found: Vec<(&str, &str)> = m.iter().map(|m| (&*m.0, &*m.1)).collect();
    assert_eq!(
        found,
        [
            ("Bosnia\n13\n\nand Herzegovina", "Bosnia and Herzegovina"),
            ("Wolfgang\n- 4 -\nSchüssel", "Wolfgang Schussel"),
        ]
    );
}

/// A given-name list counts its distinct names and leaves out, with the reason, the lines
/// no capitalised word can match; the built-in list has none of them.
#[test]
fn given_names_no_word_can_match_are_left_out_and_counted() {
    let mut g = Gazetteer::default();
    let names = g.add_given_names(
        "name,gender\n# ours\nAnna\nMary Ann\nanna\nAnna\nO'Neil\nJean-Luc\nAnna,F\n",
    );
    assert_eq!(names.added, 3, "Anna once, O'Neil, Jean-Luc: {names:?}");
    assert_eq!(names.header.examples, ["name,gender"]);
    assert_eq!(names.several_words.examples, ["Mary Ann"]);
    assert_eq!(names.lower_case.examples, ["anna"]);
    assert_eq!(names.split_word.examples, ["Anna,F"]);
    assert!(g.is_given_name("Jean-Luc") && !g.is_given_name("Mary Ann"));
    assert_eq!(
        names
            .warnings("n.txt")
            .iter()
            .map(Warning::to_string)
            .collect::<Vec<_>>(),
        [
            "n.txt: 4 lines left out, as no capitalised word of a text can match them: 1 a CSV header (names are one per line) (`name,gender`); 1 of several words (a given name is one word) (`Mary Ann`); 1 with punctuation that splits or cuts off the word (`Anna,F`); 1 not capitalised (`anna`)"
        ]
    );
    let builtin = Gazetteer::default().add_given_names(gazetteer::BUILTIN_GIVEN_NAMES);
    assert!(builtin.warnings("built-in").is_empty(), "{builtin:?}");
}

#[test]
fn a_name_written_with_and_without_accents_is_one_entity() {
    let m = mentions(
        "We welcome Mr. Philémon Yang to the presidency. We thank Mr. Philemon Yang for his \
         leadership. José Martí taught us that the homeland is humanity.",
    );
    let names: Vec<&str> = m.iter().map(|m| m.1.as_str()).collect();
    assert_eq!(names, ["Philemon Yang", "Philemon Yang", "Jose Marti"]);
    assert_eq!(m[2].0, "José Martí");
    // In another document, with another spelling, it is the same entity.
    let m = mentions("President Sékou Touré of Guinea spoke; Sekou Toure was applauded.");
    assert_eq!(m[0].1, "Sekou Toure");
    assert_eq!(m[2].1, "Sekou Toure");
}

#[test]
fn a_gazetteer_name_matches_the_text_written_with_other_accents() {
    let m = mentions("The fall of Milosević opened the way to elections.");
    assert_eq!(m[0].0, "Milosević");
    assert_eq!(m[0].1, "Slobodan Milošević");
    // A short word is matched as written: "Male" is no Malé.
    let m = mentions("Male penguins court their partners near Malé.");
    assert_eq!(m.len(), 1);
    assert_eq!((m[0].0.as_str(), m[0].3.as_str()), ("Malé", "MDV"));
}

#[test]
fn the_general_staff_is_no_person() {
    let m = mentions(
        "The effect of the laws providing a General Staff for the Army has been beneficial.",
    );
    assert!(m.iter().all(|m| m.2 != "PERSON"), "{m:?}");
}

/// A name cut by a hyphen is whole: the first part of a compound ends a name begun before
/// it, and the last part begins one that goes on after it (2014-PRK, 2022-JPN, 2022-KHM).
#[test]
fn a_compound_part_takes_the_words_around_the_hyphen() {
    let names = |text: &str| -> Vec<(String, String)> {
        let m = mentions(text);
        m.into_iter().map(|(s, e, ..)| (s, e)).collect()
    };
    let pair = |s: &str, e: &str| (s.to_string(), e.to_string());
    assert_eq!(
        names("It started with the United States-South Korea joint military exercises."),
        [
            pair("United States", "United States"),
            pair("South Korea", "South Korea")
        ]
    );
    assert_eq!(
        names("This is the year since the Japan-North Korea Pyongyang Declaration was signed."),
        [
            pair("Japan", "Japan"),
            pair("North Korea", "North Korea"),
            pair("Pyongyang Declaration", "Pyongyang Declaration")
        ]
    );
    let m = names("We signed the Cambodia-Republic of Korea Free Trade Agreement.");
    assert_eq!(
        m[..2],
        [
            pair("Cambodia", "Cambodia"),
            pair("Republic of Korea", "South Korea")
        ]
    );
    // Regions written so are the gazetteer's, not "East Asia" or "Eastern Europe".
    assert_eq!(
        names("Peace in North-East Asia matters, as in South-Eastern Europe."),
        [
            pair("North-East Asia", "Northeast Asia"),
            pair("South-Eastern Europe", "Southeast Europe")
        ]
    );
    // A name written with its hyphen is matched whole, as before.
    assert_eq!(
        names("Austria-Hungary and Guinea-Bissau differ, as does Timor-Leste."),
        [
            pair("Austria-Hungary", "Austria-Hungary"),
            pair("Guinea-Bissau", "Guinea-Bissau"),
            pair("Timor-Leste", "Timor-Leste")
        ]
    );
}

/// A name written in capitals is the person written usually: the gazetteer's, or the one
/// named so elsewhere (2024-LBR, 2024-NER, 2024-MLI, 1973-CHL).
#[test]
fn a_name_in_capitals_is_the_same_person() {
    let m = mentions(
        "I deeply thank Secretary-General ANTÓNIO GUTERRES for his work. Mr PHILEMON YANG \
         was elected, as Mr. Philémon Yang said. Colonel Assimi GOÏTA spoke; Colonel \
         ASSIMI GOITA agreed. \"Fraternally, Fidel CASTRO.\" Mr. Ray Smith III and Mr. \
         Kama Melly QC came.",
    );
    let entities: Vec<(&str, &str)> = m.iter().map(|(s, e, ..)| (&**s, &**e)).collect();
    assert_eq!(
        entities,
        [
            ("ANTÓNIO GUTERRES", "Antonio Guterres"),
            ("PHILEMON YANG", "Philemon Yang"),
            ("Philémon Yang", "Philemon Yang"),
            ("Assimi GOÏTA", "Assimi Goïta"),
            ("ASSIMI GOITA", "Assimi Goïta"),
            ("Fidel CASTRO", "Fidel Castro"),
            ("Ray Smith III", "Ray Smith III"),
            ("Kama Melly QC", "Kama Melly QC"),
        ]
    );
    assert_eq!(m[5].3, "CUB", "{m:?}");
}
