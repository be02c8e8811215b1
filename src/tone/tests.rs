use super::*;
use crate::tokenize::Normalizer;

const HEAD: &str = "term,polarity,class,intensity,notes\n";
const MODS: &str = "term,kind,factor,notes\nnot,negator,0,\nno,negator,0,\nsignificantly,intensifier,1.5,\nmay,hedge,0.6,\nbut,contrast,1.5,\ndespite,contrast,0.5,\ncollapse,reversal,0,\nfaltering,reversal,0,\nlift,cessation,0,\nend,cessation,0,\nease,cessation,0,\non,topic,0.5,\nby the end of,neutral,0,\n";

fn lexicon() -> Lexicon {
    let mut l = Lexicon::default();
    l.add_terms(
        "t.csv",
        &format!(
            "{HEAD}cooperation,cooperative,verbal,4,\ntalks,cooperative,verbal,3,\npeace talks,cooperative,verbal,5,\nsanctions,conflictual,material,5,\ntrade,cooperative,material,2,\neconomic sanctions,conflictual,material,6,\nblockade,conflictual,material,6,\nwar,conflictual,material,9,\narmistice,cooperative,material,7,\nprisoners of war,neutral,material,1,\nbroker,cooperative,verbal,3,\ndispute,conflictual,verbal,4,\nceasefire,cooperative,material,6,\n"
        ),
        false,
    )
    .unwrap();
    l.add_modifiers("m.csv", MODS).unwrap();
    l
}

fn hits(text: &str) -> (Vec<Hit>, String) {
    let l = lexicon();
    let mut n = Normalizer::default();
    let mut tokens = Vec::new();
    n.tokenize(text, Span::new(0, text.len()), &mut tokens);
    let h = Scorer::new(&l).score(text, &tokens, &n).to_vec();
    let e = evidence(text, &h);
    (h, e)
}

#[test]
fn stems_and_multiword_terms() {
    let (h, e) = hits("Economic sanctions hurt; they cooperated in peace talks.");
    assert_eq!(h.len(), 3, "{e}");
    assert_eq!(
        e,
        "Economic sanctions(-6.0); cooperated(+4.0); peace talks(+5.0)"
    );
}

#[test]
fn negation_flips_at_three_quarters_weight() {
    let (h, e) = hits("There was no sign of cooperation.");
    assert_eq!(h[0].polarity, Polarity::Conflictual);
    assert_eq!(e, "cooperation(-3.0: negated by no)");
    let (h, _) = hits("They did not impose sanctions.");
    assert_eq!(h[0].polarity, Polarity::Cooperative);
}

#[test]
fn negation_stops_at_a_clause_boundary() {
    let (h, _) = hits("No, the cooperation continues.");
    assert_eq!(h[0].polarity, Polarity::Cooperative);
}

/// The items listed after a negated hit are negated with it, though commas part them
/// ("without bloodshed, hatred or destruction"); a clause after the comma, or a word of
/// another phrase, is not.
#[test]
fn negation_reaches_the_rest_of_a_list() {
    let (_, e) = hits("There was no war, blockade or sanctions.");
    assert_eq!(
        e,
        "war(+4.5: negated by no); blockade(-0.0: absorbed by no); sanctions(-0.0: absorbed by no)"
    );
    let (_, e) = hits("There was no war, and sanctions were imposed.");
    assert_eq!(e, "war(+4.5: negated by no); sanctions(-5.0)");
    let (_, e) = hits("There was no war, sanctions hurt more.");
    assert_eq!(e, "war(+4.5: negated by no); sanctions(-5.0)");
}

#[test]
fn intensifier_and_hedge_scale() {
    let (h, _) = hits("Trade significantly grew.");
    assert_eq!(
        h[0].factor, 1.0,
        "intensifier after the term does not apply"
    );
    let (h, _) = hits("They significantly expanded trade.");
    assert_eq!(h[0].factor, 1.5, "one word between is inside the window");
    let (h, _) = hits("They significantly expanded their trade.");
    assert_eq!(h[0].factor, 1.0, "two words between is outside the window");
    let (h, e) = hits("They may resume talks.");
    assert!((h[0].factor - 0.6).abs() < 1e-9, "{e}");
    assert_eq!(h[0].polarity, Polarity::Cooperative);
}

#[test]
fn contrast_weighs_the_second_clause() {
    let (h, _) = hits("Trade grew but sanctions remain.");
    let t = tally(&h);
    assert!(t.conflict() > t.coop());
    assert!((h[0].factor - 0.5).abs() < 1e-9 && (h[1].factor - 1.5).abs() < 1e-9);
}

#[test]
fn reversal_turns_cooperation_into_conflict() {
    let (h, e) = hits("Peace talks collapsed on Friday.");
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].polarity, Polarity::Conflictual, "{e}");
    assert_eq!(e, "Peace talks(-5.0: reversed by collapsed)");
}

#[test]
fn reversal_reaches_its_object_through_in_or_on() {
    // What failed is named after "in" or "on" right after the reversal word; a preposition
    // further on still begins something else ("collapsed on Friday").
    let (_, e) = hits("Hopes collapsed in the peace talks.");
    assert_eq!(e, "peace talks(-5.0: reversed by collapsed)");
    let (_, e) = hits("The talks collapsed after the ceasefire.");
    assert_eq!(e, "talks(-3.0: reversed by collapsed); ceasefire(+6.0)");
}

#[test]
fn tally_sums_by_quad() {
    let (h, _) = hits("Trade and sanctions.");
    let t = tally(&h);
    assert_eq!(t.material_coop.0, 2000);
    assert_eq!(t.material_conflict.0, 5000);
    assert_eq!(t.hits, 2);
}

#[test]
fn negation_absorbs_what_the_negated_verb_governs() {
    let (h, e) = hits("They did not agree on talks or a ceasefire.");
    assert_eq!(
        e,
        "talks(-1.125: negated by not, ×0.50 topic after on); ceasefire(+0.0: absorbed by not)"
    );
    assert_eq!(h[1].factor, 0.0);
}

#[test]
fn negated_reversal_does_not_apply() {
    let (h, e) = hits("Peace talks did not collapse.");
    assert_eq!(h[0].polarity, Polarity::Cooperative, "{e}");
}

/// The negation of a reversal or cessation word is that word's: what it would have turned
/// keeps its polarity, and is not negated in its place.
#[test]
fn a_negated_ending_leaves_what_it_would_have_ended() {
    let (h, e) = hits("The accord did not end the blockade.");
    assert_eq!(e, "blockade(-6.0)");
    assert_eq!(h[0].polarity, Polarity::Conflictual);
    let (_, e) = hits("The accord did not collapse, and it did not end the war.");
    assert_eq!(e, "war(-9.0)", "each negator is spent on its own word");
    let (_, e) = hits("The accord did end the blockade.");
    assert_eq!(e, "blockade(+4.5: ended by end)", "not negated, it ends");
    let (_, e) = hits("The talks did not collapse and ended the war.");
    assert_eq!(
        e, "talks(+3.0); war(+6.75: ended by ended)",
        "a negator is spent on one rule word"
    );
    // The negator's own hit comes before the rule word: it is not spent on the rule word,
    // and what follows in its clause is absorbed as after any negated hit.
    let (_, e) = hits("There was no cooperation and they lifted the blockade.");
    assert_eq!(
        e,
        "cooperation(-3.0: negated by no); blockade(-0.0: absorbed by no)"
    );
}

#[test]
fn cessation_turns_its_object_or_its_subject() {
    let (h, e) = hits("The government lifted the blockade.");
    assert_eq!(e, "blockade(+4.5: ended by lifted)");
    assert_eq!(h[0].polarity, Polarity::Cooperative);
    let (_, e) = hits("Sanctions were eased after the talks.");
    assert_eq!(
        e, "Sanctions(+3.75: ended by eased); talks(+3.0)",
        "a preposition stops the object side"
    );
    let (_, e) = hits("The war ended with an armistice.");
    assert_eq!(e, "war(+6.75: ended by ended); armistice(+7.0)");
}

#[test]
fn a_neutral_rule_word_blocks_a_shorter_one() {
    let (h, e) = hits("The ceasefire must hold by the end of the month.");
    assert!(h[0].rules.is_empty(), "{e}");
}

#[test]
fn topic_words_mark_background() {
    let (h, e) = hits("They held talks on the dispute.");
    assert_eq!(e, "talks(+3.0); dispute(-2.0: ×0.50 topic after on)");
    assert_eq!(tally(&h).label(), crate::metrics::Label::Mixed);
}

#[test]
fn neutral_terms_block_the_terms_inside_them() {
    let (h, e) = hits("They freed prisoners of war.");
    assert!(h.is_empty(), "{e}");
}

#[test]
fn hyphenated_compounds_match_on_their_last_part() {
    let (_, e) = hits("A UN-brokered ceasefire.");
    assert_eq!(e, "UN-brokered(+3.0); ceasefire(+6.0)");
    // Hyphenated at a line end, as in a speech converted from PDF: scored and shown as on
    // one line (the hyphen was a token of its own, between "anti" and "sanctions").
    let (_, wrapped) =
        hits("A UN-\nbrokered ceasefire was not followed by counter-\nsanctions talk.");
    let (_, one_line) = hits("A UN-brokered ceasefire was not followed by counter-sanctions talk.");
    assert_eq!(wrapped, one_line);
    assert_eq!(
        wrapped,
        "UN-brokered(+3.0); ceasefire(+6.0); counter-sanctions(+2.5: negated by not); \
         talk(+0.0: absorbed by not)"
    );
}

/// A compound whose whole and last part are no term is scored by its first part, with the
/// rules as for any hit; not when its last part is a rule word, which turns the first.
#[test]
fn a_compound_with_a_toneless_last_part_is_scored_by_its_first() {
    let (_, e) = hits("The war-torn land welcomed a ceasefire-monitoring mission.");
    assert_eq!(e, "war-torn(-9.0); ceasefire-monitoring(+6.0)");
    let (_, e) = hits("It was not a war-torn land.");
    assert_eq!(e, "war-torn(+4.5: negated by not)");
    // The last part first ("UN-brokered"), and a rule word there scores nothing.
    let (_, e) = hits("A war-ending, UN-brokered deal.");
    assert_eq!(e, "UN-brokered(+3.0)");
}

/// A compound read by its last part is not that term when its prefix says so (sentences of
/// ../shared/corpora): "non-" negates it as "not" would, "anti-" is against it (neither it
/// nor its opposite: no hit) and "de-" undoes it as a cessation word would. A counter-attack
/// is still an attack; a compound with a tone of its own is a lexicon row, read whole.
#[test]
fn a_prefix_turns_or_cancels_the_last_part() {
    for (text, expected) in [
        (
            "Today, efforts to alleviate the suffering and reconstruction are being hampered \
             by the non-cooperative stance of certain nations.",
            "reconstruction(-4.5: reversed by hampered); \
             non-cooperative(-3.0: negated by non-)",
        ),
        (
            "It was the principle of non-annexation of territories.",
            "non-annexation(+4.0: negated by non-)",
        ),
        ("The anti-trust act of 1890.", ""),
        (
            "Mongolia will be party to all the United Nations anti-terrorism conventions.",
            "",
        ),
        (
            "By progress, I mean such fundamentally important arrangements as the \
             Anti-Ballistic Missile Treaty.",
            "Treaty(+5.0)",
        ),
        (
            "What we seek is a demilitarized and de-radicalized Gaza.",
            "demilitarized(+5.0); de-radicalized(+3.0: ended by de-)",
        ),
        (
            "Due to sanctions and counter-sanctions, all humankind is being punished.",
            "sanctions(-5.0); counter-sanctions(-5.0)",
        ),
        ("They stressed non-violence.", "non-violence(+3.0)"),
        (
            "That constitutes an important part of the post-war international order.",
            "",
        ),
        (
            "Along with inter-state process of normalization, Azerbaijan has embarked on \
             large-scale post-conflict rehabilitation and reconstruction efforts.",
            "reconstruction(+4.5)",
        ),
        (
            "The Paris Agreement of the four ex-belligerents.",
            "Agreement(+3.5)",
        ),
        (
            "Non-tariff barriers remain a major impediment.",
            "Non-tariff(-3.5)",
        ),
    ] {
        assert_eq!(builtin_evidence(text), expected, "{text}");
    }
}

/// A word of two parts is read as its parts written apart when they make a term, before its
/// last or first part alone: "exchange-rate" is the neutral "exchange rate", "cold-war" the
/// cold war (not war), "trade-union" a trade union (not trade). A verb and a particle make a
/// noun of their own, neither the phrasal verb nor the verb: a "cut-off" cuts nothing off and
/// a "trade-off" is no trade.
#[test]
fn a_compound_reads_as_its_parts_written_apart() {
    for (text, expected) in [
        (
            "Other important objectives are a higher degree of exchange-rate stability.",
            "",
        ),
        ("The first trade-unions came into being.", ""),
        ("The first trade unions came into being.", ""),
        (
            "It was the rigidity of the polarized cold-war diplomacy.",
            "cold-war(-5.0); diplomacy(+3.0)",
        ),
        (
            "There is no simple trade-off between the protection of the environment and the \
             production of wealth.",
            "",
        ),
        ("The cut-off for a category 4 hurricane is 130 mph.", ""),
        (
            "They must cease because of the harmful effects of radioactive fall-out.",
            "",
        ),
    ] {
        assert_eq!(builtin_evidence(text), expected, "{text}");
    }
}

/// A particle of two letters ends a compound as one of three does: "trade-up", like
/// "trade-off", is no trade (a part that short has no stem, and the particle was once
/// looked for only among stems).
#[test]
fn a_short_particle_ends_a_compound_too() {
    for text in [
        "They agreed a trade-off.",
        "They agreed two trade-offs.",
        "They agreed a trade-up.",
    ] {
        assert_eq!(hits(text).1, "", "{text}");
    }
    assert_eq!(hits("They agreed a trade-deal.").1, "trade-deal(+2.0)");
}

/// A person or group is stopped but never ended: beside "end" an agent word stands for
/// what the agent does, and its end is the end of a conflict. "Stop" still leaves a person.
#[test]
fn an_end_ends_what_an_agent_does() {
    for (text, expected) in [
        (
            "The reign of terrorists in Afghanistan is coming to an end.",
            "terrorists(+6.0: ended by end)",
        ),
        (
            "Last year he led an infantry unit that stopped a mob of extremists from taking \
             over a radio station.",
            "extremists(-4.5)",
        ),
        // A person after "end" is still its object: a crackdown, not a cessation.
        (
            "The soldiers put an end to the protesters.",
            "protesters(-3.0)",
        ),
    ] {
        assert_eq!(builtin_evidence(text), expected, "{text}");
    }
}

/// What a scorer learnt of each term is forgotten when the normalizer empties its cache and
/// hands the same ids to other words: "sanctions" takes the id that the plain "they" had,
/// and a scorer handed what an earlier document's learnt still scores it.
#[test]
fn key_starts_follow_the_normalizer_when_it_forgets_its_terms() {
    let l = lexicon();
    let mut n = Normalizer::default();
    let mut scorer = Scorer::new(&l);
    assert_eq!(scored(&mut scorer, &mut n, "they met again"), "");
    crate::tokenize::forget_every_term(&mut n);
    let mut scorer = Scorer::new(&l).with_key_starts(scorer.take_key_starts());
    assert_eq!(
        scored(&mut scorer, &mut n, "sanctions hurt trade"),
        "sanctions(-5.0); trade(+2.0)"
    );
}

/// The evidence `scorer` gives for `text`, tokenized by `n`.
fn scored(scorer: &mut Scorer, n: &mut Normalizer, text: &str) -> String {
    let mut tokens = Vec::new();
    n.tokenize(text, Span::new(0, text.len()), &mut tokens);
    evidence(text, scorer.score(text, &tokens, n))
}

/// Nor is what was learnt over one normalizer read over another, whose ids stand for other
/// words, or over a lexicon that has changed since.
#[test]
fn key_starts_are_not_read_over_another_normalizer_or_a_changed_lexicon() {
    let mut l = lexicon();
    let mut scorer = Scorer::new(&l);
    assert_eq!(
        scored(&mut scorer, &mut Normalizer::default(), "they met again"),
        ""
    );
    let other = &mut Normalizer::default();
    let sanctions = scored(&mut scorer, other, "sanctions hurt trade");
    assert_eq!(sanctions, "sanctions(-5.0); trade(+2.0)");
    let starts = scorer.take_key_starts();
    let mut n = Normalizer::default();
    let mut scorer = Scorer::new(&l).with_key_starts(starts);
    assert_eq!(scored(&mut scorer, &mut n, "The zorblax went on."), "");
    let starts = scorer.take_key_starts();
    l.add_terms(
        "z.csv",
        &format!("{HEAD}zorblax,conflictual,material,5,\n"),
        true,
    )
    .unwrap();
    let mut scorer = Scorer::new(&l).with_key_starts(starts);
    assert_eq!(
        scored(&mut scorer, &mut n, "The zorblax went on."),
        "zorblax(-5.0)"
    );
}

/// A contraction negates by itself, with no rule word for it in the lexicon.
#[test]
fn a_contracted_negation_negates() {
    let (_, e) = hits("They didn't seek cooperation.");
    assert_eq!(e, "cooperation(-3.0: negated by didn't)");
}

/// Evidence of `text` scored with the built-in lexicon and rule words.
fn builtin_evidence(text: &str) -> String {
    let l = Lexicon::builtin();
    let mut n = Normalizer::default();
    let mut tokens = Vec::new();
    n.tokenize(text, Span::new(0, text.len()), &mut tokens);
    evidence(text, Scorer::new(&l).score(text, &tokens, &n))
}

/// Each of these words shares a Snowball stem with a lexicon term or rule word of another
/// sense (internment, demonstrators, constructive, accession, brotherly, aid, hardly), and
/// each is frequent in political text: the stem exceptions keep them apart.
#[test]
fn words_that_only_share_a_stem_with_a_term_do_not_match_it() {
    let text = "The internal review demonstrated that construction and access matter to \
                brothers with AIDS.";
    assert_eq!(builtin_evidence(text), "");
    assert_eq!(
        builtin_evidence("It was a long, hard fight."),
        "fight(-7.0)"
    );
    assert_eq!(
        builtin_evidence(
            "Demonstrators decried the internment; the accession talks were constructive and \
             brotherly."
        ),
        "Demonstrators(-3.5); decried(-3.0); internment(-6.0); accession(+4.0); talks(+2.0); \
         constructive(+2.0); brotherly(+3.0)",
        "the terms themselves still match"
    );
}

/// Set phrases of diplomatic speech whose words the rules would otherwise misread.
#[test]
fn idioms_are_not_read_word_by_word() {
    for (text, expected) in [
        // Not the negator "no".
        ("They spared no effort to secure peace.", "peace(+4.5)"),
        ("It had nothing to do with the war.", "war(-9.0)"),
        // The end of a period, not a cessation.
        (
            "They will ratify the treaty before the end of the year.",
            "ratify(+5.0); treaty(+5.0)",
        ),
        // "Nearly", not the contrast "but".
        (
            "The ceasefire has all but collapsed.",
            "ceasefire(-6.0: reversed by collapsed)",
        ),
        // A contraction followed by "yet" is the negator "not yet", not the contrast "yet".
        (
            "We haven't yet agreed.",
            "agreed(-2.25: negated by haven't yet)",
        ),
    ] {
        assert_eq!(builtin_evidence(text), expected, "{text}");
    }
}

/// A capitalised term inside an organisation's name is no hit; a lower-case one, the
/// writer's own word, still is.
#[test]
fn capitalised_terms_in_organisations_names_are_not_scored() {
    let text = "The War Department said the war goes on; the UN trade office opened.";
    let l = lexicon();
    let mut n = Normalizer::default();
    let mut tokens = Vec::new();
    n.tokenize(text, Span::new(0, text.len()), &mut tokens);
    let span_of = |name: &str| {
        let at = text.find(name).unwrap();
        Span::new(at, at + name.len())
    };
    let names = [span_of("War Department"), span_of("UN trade office")];
    let mut scorer = Scorer::new(&l);
    let named = scorer
        .score_outside_names(text, &tokens, &n, &names)
        .to_vec();
    assert_eq!(evidence(text, &named), "war(-9.0); trade(+2.0)");
    let all = scorer.score(text, &tokens, &n).to_vec();
    assert_eq!(evidence(text, &all), "War(-9.0); war(-9.0); trade(+2.0)");
}

/// The weight each hit shows is the one the tally adds, with the decimals it needs: the
/// weights of a sentence add up to its `coop` and `conflict`. With one decimal, 1.25 showed
/// as 1.2 and 3.75 as 3.8 (ties to even), so two hits of 1.25 showed 2.4 for a 2.5.
#[test]
fn evidence_weights_add_up_to_the_tally() {
    let (h, e) = hits("Sanctions were eased but the talks may collapse.");
    assert_eq!(
        e,
        "Sanctions(+1.875: ended by eased, ×0.50 contrast but); talks(-4.5: reversed by \
         collapse, ×1.50 contrast but)"
    );
    for text in [
        "Sanctions were eased but the talks may collapse.",
        "They did not agree on talks or a ceasefire.",
        "Trade grew but sanctions remain.",
        "The war ended with an armistice.",
    ] {
        let (h, e) = hits(text);
        let shown: i64 = e
            .split("; ")
            .map(|part| {
                let weight = &part[part.find('(').unwrap() + 2..];
                let weight = weight.split([':', ')']).next().unwrap();
                (weight.parse::<f64>().unwrap() * 1000.0).round() as i64
            })
            .sum();
        let t = tally(&h);
        assert_eq!(shown, t.coop().0 + t.conflict().0, "{text}: {e}");
    }
    assert_eq!(h.len(), 2);
    let (_, e) = hits("The war ended.");
    assert_eq!(e, "war(+6.75: ended by ended)", "no trailing zeros");
    let (_, e) = hits("Trade and sanctions.");
    assert_eq!(e, "Trade(+2.0); sanctions(-5.0)", "one decimal at least");
}

/// That a conflict did not happen weighs less than that a cooperation did not: alone it
/// still reads as cooperative, beside an asserted conflict it weighs less.
#[test]
fn a_negated_conflict_weighs_half() {
    let (h, e) = hits("They did not impose sanctions.");
    assert_eq!(e, "sanctions(+2.5: negated by not)");
    assert_eq!(tally(&h).label(), crate::metrics::Label::Cooperative);
    let (_, e) = hits("There was no sign of cooperation.");
    assert_eq!(
        e, "cooperation(-3.0: negated by no)",
        "a negated cooperation as before"
    );
}

/// A cessation word whose object (or subject) is a person or group ends no conflict:
/// stopping protesters is not ending a protest. An agent word that does not head its
/// phrase ("terrorist violence") leaves the cessation to what it modifies.
#[test]
fn a_cessation_word_does_not_end_a_person() {
    for (text, expected) in [
        ("Police stopped the protesters.", "protesters(-3.0)"),
        ("The protesters were stopped.", "protesters(-3.0)"),
        (
            "They toil to stop the terrorists from carrying out their plans.",
            "terrorists(-8.0)",
        ),
        (
            "Terrorists and extremists are trying to stop us.",
            "Terrorists(-8.0); extremists(-4.5)",
        ),
        // Events are still ended.
        (
            "Police stopped the protest.",
            "protest(+2.25: ended by stopped)",
        ),
        (
            "We must stop terrorist violence.",
            "terrorist(+6.0: ended by stop); violence(+4.5: ended by stop)",
        ),
        (
            "They stopped the attacks.",
            "attacks(+5.25: ended by stopped)",
        ),
    ] {
        assert_eq!(builtin_evidence(text), expected, "{text}");
    }
}

/// A cessation that a reversal governs did not happen ("failed to stop"), as one a negator
/// governs did not ("could not stop"): what it would have ended goes on. The reversal
/// itself still applies to what follows.
#[test]
fn a_failed_cessation_ends_nothing() {
    for (text, expected) in [
        ("They failed to stop the attacks.", "attacks(-7.0)"),
        (
            "The army could not stop the war.",
            "war(-5.4: ×0.60 hedged by could)",
        ),
        (
            "They refused to lift the blockade.",
            "refused(-3.5); blockade(-6.5)",
        ),
        (
            "They threatened to end the ceasefire.",
            "ceasefire(-6.0: reversed by threatened)",
        ),
        // The reversal has its own object; the cessation is another verb's.
        (
            "Russia must withdraw from Ukrainian territory and lift its blockade.",
            "blockade(+4.875: ended by lift)",
        ),
    ] {
        assert_eq!(builtin_evidence(text), expected, "{text}");
    }
}

/// "Ruled out" turns what it governs either way, as a cessation word does: ruling out a
/// conflictual act is not more conflict. Alone it is still a refusal.
#[test]
fn ruling_out_turns_either_way() {
    for (text, expected) in [
        (
            "Beijing ruled out retaliatory tariffs.",
            "retaliatory tariffs(+3.375: ended by ruled out)",
        ),
        (
            "The minister ruled out talks.",
            "talks(-1.5: ended by ruled out)",
        ),
        // The negator is spent on "ruled out": the war stays (its own term is negated, as
        // before).
        (
            "The risk of nuclear war has not been ruled out.",
            "nuclear war(-10.0); ruled out(+1.5: negated by not)",
        ),
        ("The minister ruled out any compromise.", "ruled out(-3.0)"),
    ] {
        assert_eq!(builtin_evidence(text), expected, "{text}");
    }
}

/// "All but" and "except" before a rule word's object leave that object out of it:
/// "rejected all but the peace plan" did not reject the peace plan.
#[test]
fn all_but_and_except_end_a_rule_words_reach() {
    for (text, expected) in [
        (
            "He rejected all but the peace plan.",
            "rejected(-4.0); peace plan(+4.5)",
        ),
        (
            "He rejected everything except the peace plan.",
            "rejected(-4.0); peace plan(+4.5)",
        ),
        (
            "The talks have all but collapsed.",
            "talks(-2.0: reversed by collapsed)",
        ),
    ] {
        assert_eq!(builtin_evidence(text), expected, "{text}");
    }
}

/// Word senses kept apart by data: fighting fires is not a firefight, and the verb combat
/// ("combat climate change") is no fighting; the conflict senses stay.
#[test]
fn fire_fighting_and_the_verb_combat_are_not_conflict() {
    for (text, expected) in [
        ("Firefighting aircraft and firefighters arrived.", ""),
        ("Greece asked for help to battle wildfires.", ""),
        (
            "We must combat global climate change; combating poverty matters.",
            "",
        ),
        ("The firefight lasted hours.", "firefight(-7.0)"),
        (
            "Combat troops were killed in combat.",
            "Combat troops(-6.0); killed(-8.0); in combat(-7.0)",
        ),
        (
            "The combatants were fighting.",
            "combatants(-5.5); fighting(-7.0)",
        ),
    ] {
        assert_eq!(builtin_evidence(text), expected, "{text}");
    }
}

/// "Non-" before a person or group names those who are not it, a category that is neither
/// the term nor its opposite: non-supporters oppose nothing, non-terrorists make no peace.
/// So does "non-" before war (parties, or a state, neither at war nor at peace) and before
/// trade (what is other than trade). An act or state is still negated (sentences of
/// ../shared/corpora).
#[test]
fn non_before_a_person_or_group_names_who_is_not_it() {
    for (text, expected) in [
        (
            "Experience has taught us that, in war, everyone loses, including the non-warring \
             parties.",
            "war(-9.0)",
        ),
        (
            "Come together as one people to work with my Government, supporters and \
             non-supporters alike, to further develop this country.",
            "supporters(+1.5)",
        ),
        (
            "The major Powers too often and too easily seesaw from the concept of friend to \
             enemy, and terrorist to non-terrorist.",
            "friend(+2.0); enemy(-4.0); terrorist(-8.0)",
        ),
        (
            "The terms of trade as well as non-trade concerns are tilted too much in favour of \
             the developed countries, which are still denying market access.",
            "trade(+2.0); market access(+3.0)",
        ),
        (
            "We know that a state of non-war through nuclear deterrence cannot be the \
             ultimate method of securing peace.",
            "peace(+4.5)",
        ),
        // Acts and states: negated, or rows of their own.
        (
            "As part of a non-peaceful approach, aggression and occupation target the lives \
             and livelihoods of ordinary people.",
            "non-peaceful(-3.375: negated by non-); aggression(-6.0)",
        ),
        // A participle is no person: the countries are blamed for not cooperating.
        (
            "Nauru is disappointed not to have graduated from the list of special \
             non-cooperating countries.",
            "non-cooperating(-3.0: negated by non-)",
        ),
        (
            "They signed a non-aggression pact and upheld non-interference.",
            "non-aggression pact(+7.0); non-interference(+2.5)",
        ),
    ] {
        assert_eq!(builtin_evidence(text), expected, "{text}");
    }
}

/// "Self-" turns the act on the one who does it, which is no relation between two parties:
/// self-criticism criticises no one and a self-supporting tribe supports no one (sentences
/// of ../shared/corpora). Restraint is always one's own, so self-restraint is restraint, a
/// row; self-defence and self-determination are no term.
#[test]
fn self_turns_the_act_on_oneself() {
    for (text, expected) in [
        ("Much of this self-criticism has had a healthy effect.", ""),
        (
            "Many of the tribes which are now quiet and orderly and self-supporting were once \
             as savage as any.",
            "",
        ),
        (
            "But this is not an occasion only, or even primarily, for self-congratulation.",
            "",
        ),
        (
            "In order to avoid exacerbation of an already tense situation, the Pakistan \
             Government has shown great self-restraint.",
            "self-restraint(+3.5: ×1.40 by great)",
        ),
        (
            "The right of a State to self-defence is absolute and sacred.",
            "",
        ),
        (
            "They upheld the right of peoples to self-determination.",
            "",
        ),
    ] {
        assert_eq!(builtin_evidence(text), expected, "{text}");
    }
}

/// A word of three parts reads as its parts written apart as one of two does, when they all
/// make a term: the nuclear-test-ban treaty is the cooperative "nuclear test ban", a
/// prisoner-of-war the neutral "prisoners of war" (sentences of ../shared/corpora).
#[test]
fn a_compound_of_three_parts_reads_as_its_parts_too() {
    for (text, expected) in [
        (
            "He support the early conclusion of a comprehensive nuclear-test-ban treaty.",
            "support(+1.5); nuclear-test-ban(+6.0); treaty(+5.0)",
        ),
        (
            "Turkey has contributed to the exchange of prisoners-of-war between the two \
             countries.",
            "exchange(+3.0)",
        ),
    ] {
        assert_eq!(builtin_evidence(text), expected, "{text}");
    }
}

/// Export controls are a policy instrument, in ../shared/corpora named as one (strengthened,
/// reformed, harmonised with the multilateral regimes, items removed from them) and never
/// as a measure imposed on someone: no hit, nor the export inside them.
#[test]
fn export_controls_are_no_conflict() {
    for text in [
        "We have strengthened our export controls and have established multi-layered \
         custodial controls on all our nuclear assets.",
        "We have removed more than 400 nonstrategic items from export control.",
        "Pakistan also has a stringent national export-control system that is fully \
         harmonized with international export-control regimes.",
    ] {
        assert_eq!(builtin_evidence(text), "", "{text}");
    }
}

/// Two things that "go hand in hand" come together, which is no relation between actors:
/// no hit, however "go" is written (sentences of ../shared/corpora). Actors who work hand in
/// hand still cooperate.
#[test]
fn going_hand_in_hand_is_no_cooperation() {
    for text in [
        "In every case power and responsibility must go hand in hand.",
        "Ensuring energy security goes hand in hand with the green transition.",
        "But the expansion of education has gone hand in hand with industrial development.",
        "Reform must go hand-in-hand with economic growth.",
    ] {
        assert_eq!(builtin_evidence(text), "", "{text}");
    }
    assert_eq!(
        builtin_evidence("We will work hand in hand with the Global South."),
        "hand in hand(+3.0)"
    );
}

/// The test-ban treaty reads as the cooperative ban on nuclear tests however its hyphens
/// fall, and the cold-war era as the cold war, as each reads written apart (sentences of
/// ../shared/corpora).
#[test]
fn hyphenated_spellings_read_as_written_apart() {
    for (text, expected) in [
        (
            "New Zealand urges all that a test-ban treaty be concluded.",
            "test-ban(+6.0); treaty(+5.0)",
        ),
        (
            "Australia ratified the nuclear test-ban Treaty in 1963.",
            "ratified(+5.0); test-ban(+6.0); Treaty(+5.0)",
        ),
        (
            "We call for the conclusion of a comprehensive test ban.",
            "test ban(+6.0)",
        ),
        (
            "The cold-war-era international relations have collapsed.",
            "cold-war-era(-5.0)",
        ),
        (
            "It was one of its key Cold War-era institutions.",
            "Cold War-era(-5.0)",
        ),
        (
            "The cold war era has ended.",
            "cold war(+3.75: ended by ended)",
        ),
    ] {
        assert_eq!(builtin_evidence(text), expected, "{text}");
    }
}

/// An alien is a foreigner, and "alien to" foreign to: no alienation, though Snowball gives
/// both the stem "alien" (192 hits in ../shared/corpora). Alienating someone still is.
#[test]
fn an_alien_is_no_alienation() {
    for text in [
        "The Congress should act against illegal aliens entering the country.",
        "Such ideas are totally alien to our traditions.",
        "It stands for the independence of that non-aliened country.",
    ] {
        assert_eq!(builtin_evidence(text), "", "{text}");
    }
    assert_eq!(
        builtin_evidence("Such a policy alienates America from its allies."),
        "alienates(-2.5); allies(+4.0)"
    );
}

/// "All-embracing" is comprehensive, which embraces no one: no hit, where its last part
/// read as embrace (sentences of ../shared/corpora).
#[test]
fn all_embracing_is_no_embrace() {
    for text in [
        "It is the comprehensive and all-embracing framework of the international community.",
        "A single, all-embracing State of the Union Message would not appear to be adequate.",
    ] {
        assert_eq!(builtin_evidence(text), "", "{text}");
    }
}

/// Arms, drugs and people traded are trafficked, which is no exchange between two parties:
/// no hit, where each read as the cooperative trade (sentences of ../shared/corpora). Goods
/// traded still are trade.
#[test]
fn trafficking_is_no_trade() {
    for text in [
        "The illicit trade in conventional arms is a cause for much concern.",
        "It establishes regulations for the trade in conventional arms at the global level.",
        "A burgeoning arms trade continues unhindered.",
        "We intend to strengthen international action against the narcotics trade.",
        "The slave trade started in the 1440s along the West African coast.",
        "The world is not free of the illicit trade in small weapons and narcotics.",
    ] {
        assert_eq!(builtin_evidence(text), "", "{text}");
    }
    assert_eq!(
        builtin_evidence("They resumed the trade in agricultural products."),
        "trade(+2.0)"
    );
}

/// Domination, one people's rule over another ("colonial domination", "foreign
/// domination"), is conflict; "dominate", "dominated" and "dominant", which share its
/// Snowball stem and mostly say what is largest, are no hit (sentences of ../shared/corpora).
/// Words Snowball stems as "impasse" are no deadlock: "an impassioned plea", "an
/// impassable road", "listened impassively".
#[test]
fn impassioned_is_no_impasse() {
    assert_eq!(
        builtin_evidence("Everything reached an impasse."),
        "impasse(-2.5)"
    );
    for text in [
        "He made an impassioned, impassionate plea for the budget.",
        "The road to the border is impassable in winter.",
        "The minister listened impassively; his face stayed impassive.",
    ] {
        assert_eq!(builtin_evidence(text), "", "{text}");
    }
}

#[test]
fn domination_is_conflict_and_dominant_is_not() {
    assert_eq!(
        builtin_evidence("Some people still live under colonial domination."),
        "domination(-5.0)"
    );
    for text in [
        "In a world dominated by fear, no amount of planning can help.",
        "Oil dominates the economy, and the dominant party predominantly wins.",
        "The debate was dominating the session; its dominance was plain.",
    ] {
        assert_eq!(builtin_evidence(text), "", "{text}");
    }
}

#[test]
fn impasse_turns_the_talks_it_names() {
    // The talks named after "in" or "of", or stuck before "remains deadlocked", are conflict.
    for (text, evidence) in [
        (
            "We appear to be moving in a vicious circle; and there is still a deadlock in the test ban negotiations.",
            "test ban(-6.0: reversed by deadlock); negotiations(-3.0: reversed by deadlock)",
        ),
        (
            "The continued deadlock in the North-South dialog has reinforced the need.",
            "dialog(-3.0: reversed by deadlock)",
        ),
        (
            "The question of launching global negotiations remains deadlocked for lack of political will.",
            "negotiations(-3.0: reversed by deadlocked)",
        ),
        (
            "Sudan expresses its deep concern at the stalemate in the peace process.",
            "deep concern(-2.0); peace process(-5.0: reversed by stalemate)",
        ),
    ] {
        assert_eq!(builtin_evidence(text), evidence, "{text}");
    }
    // Broken, resolved or escaped, an impasse leaves the talks as hope; a noun without a
    // preposition names nothing stuck.
    for (text, evidence) in [
        (
            "Kazakhstan helped break the deadlock in the negotiations by hosting the first two rounds of resumed talks in Almaty last year.",
            "deadlock(-2.5); negotiations(+3.0); resumed talks(+4.0)",
        ),
        (
            "The deal brokered by former President Mandela has provided a way out of the stalemate.",
            "deal(+2.5); brokered(+3.0); stalemate(-3.0)",
        ),
        (
            "It was difficult to conceive a sudden transition from total deadlock to total peace.",
            "deadlock(-3.5: ×1.40 by total); peace(+6.3: ×1.40 by total)",
        ),
    ] {
        assert_eq!(builtin_evidence(text), evidence, "{text}");
    }
}

/// "Free" ends what follows it as the verb or as "free of", never what comes before it nor
/// what follows the adjective. Sentences from the UN speeches and the addresses, whose hits
/// were all ended by "free" before.
#[test]
fn free_ends_only_what_it_frees() {
    for (text, evidence) in [
        (
            "The region must be a zone free of weapons of mass destruction.",
            "weapons of mass destruction(+4.5: ended by free)",
        ),
        (
            "They must free the hostages at once.",
            "hostages(+4.875: ended by free)",
        ),
        (
            "We have expanded trade among the free nations.",
            "expanded trade(+3.5)",
        ),
        (
            "We will restore peace and hold free and fair elections.",
            "peace(+4.5)",
        ),
        (
            "On many occasions in its history, the free world has faced partition wars.",
            "wars(-9.0)",
        ),
    ] {
        assert_eq!(builtin_evidence(text), evidence, "{text}");
    }
}

/// A conflict or dispute settled, resolved or solved is cooperation, not the conflict it
/// names: sentences from the UN speeches and the addresses, read as mixed or conflictual
/// before ("peaceful settlement(+7.0); disputes(-3.0)"). Failing to settle one is still
/// conflict.
#[test]
fn a_conflict_settled_is_cooperation() {
    for (text, evidence) in [
        (
            "They settle all disputes by peaceful means.",
            "settle all disputes(+4.0); peaceful means(+4.0)",
        ),
        (
            "Thus interpreted, the Convention for the Pacific Settlement of International Conflicts may be regarded as a success.",
            "Pacific Settlement of International Conflicts(+7.0)",
        ),
        (
            "Azerbaijan demanded the settlement of the conflict on the basis of those principles.",
            "demanded(-2.5); settlement of the conflict(+4.0)",
        ),
        (
            "We seek the peaceful resolution of conflicts in West Africa.",
            "peaceful resolution of conflicts(+4.5)",
        ),
        (
            "The United Nations cannot resolve conflicts.",
            "resolve conflicts(-3.0: negated by cannot)",
        ),
    ] {
        assert_eq!(builtin_evidence(text), evidence, "{text}");
    }
}
