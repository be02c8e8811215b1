use super::*;

fn seg(format: Format, text: &str) -> (Segmentation, String) {
    let doc = Document::from_text("t", format, text);
    (segment(&doc), doc.text)
}

fn sentence_texts<'a>(s: &Segmentation, text: &'a str) -> Vec<&'a str> {
    s.sentences.iter().map(|x| x.span.of(text)).collect()
}

#[test]
fn line_per_paragraph_news_with_headings_and_lone_bullets() {
    let text = "Lead paragraph one. It has two sentences.\n\
                Sanctions Still Bite\n\
                The U.S. and Russia met in Geneva.\n\
                Key Points\n\
                -\n\
                Talks resumed.\n\
                -\n\
                Trade grew.\n";
    let (s, text) = seg(Format::Plain, text);
    assert_eq!(s.layout, Layout::LinePerParagraph);
    let titles: Vec<_> = s.sections.iter().map(|x| x.title.as_str()).collect();
    assert_eq!(titles, vec!["", "Sanctions Still Bite", "Key Points"]);
    assert_eq!(s.sections[2].start_line, 4);
    assert_eq!(
        sentence_texts(&s, &text),
        vec![
            "Lead paragraph one.",
            "It has two sentences.",
            "The U.S. and Russia met in Geneva.",
            "Talks resumed.",
            "Trade grew."
        ]
    );
    assert_eq!(s.sentences[4].section, 2);
}

#[test]
fn hard_wrapped_prose_joins_lines_and_keeps_headings() {
    let text = "FOREIGN AFFAIRS\n\n\
                We have worked with our partners to reduce the danger of\n\
                war and to build a lasting peace between the great powers of\n\
                the world. That work goes on.\n\n\
                TRADE\n\n\
                Our exports have doubled over the last ten years and our\n\
                markets abroad continue to grow.\n";
    let (s, text) = seg(Format::Plain, text);
    assert_eq!(s.layout, Layout::HardWrapped);
    assert_eq!(s.sections.len(), 2);
    assert_eq!(s.sections[1].title, "TRADE");
    let sents = sentence_texts(&s, &text);
    assert_eq!(sents.len(), 3);
    assert!(sents[0].starts_with("We have worked") && sents[0].ends_with("the world."));
}

#[test]
fn markdown_atx_and_setext() {
    let text = "# Title\n\nIntro text here.\n\nSecond Part\n-----------\n\n* A bullet item.\n* Another item.\n\n```\ncode. Not text.\n```\n";
    let (s, text) = seg(Format::Markdown, text);
    let titles: Vec<_> = s
        .sections
        .iter()
        .map(|x| (x.title.as_str(), x.level))
        .collect();
    assert_eq!(titles, vec![("Title", 1), ("Second Part", 2)]);
    assert_eq!(
        sentence_texts(&s, &text),
        vec!["Intro text here.", "A bullet item.", "Another item."]
    );
    assert_eq!(s.title, "Title");
}

#[test]
fn html_headings_from_markup() {
    let (s, text) = seg(
        Format::Html,
        "<h1>Border Clashes</h1><p>Shelling resumed. Talks stalled.</p><h2>Aid</h2><p>Convoys arrived.</p>",
    );
    let titles: Vec<_> = s
        .sections
        .iter()
        .map(|x| (x.title.as_str(), x.level))
        .collect();
    assert_eq!(titles, vec![("Border Clashes", 1), ("Aid", 2)]);
    assert_eq!(
        sentence_texts(&s, &text),
        vec!["Shelling resumed.", "Talks stalled.", "Convoys arrived."]
    );
}

/// In HTML a line break ends an element: a number in one is content, not a page number
/// the sentence is bridged over and the tokenizer leaves out, and a hyphen at an
/// element's end joins nothing to the next (the tokenizer would join them in a sentence).
#[test]
fn html_elements_are_no_wrapped_lines() {
    let (s, text) = seg(
        Format::Html,
        "<table><tr><td>Troops deployed in</td><td>120</td></tr>\
         <tr><td>Regions of the country</td><td>45</td></tr></table>\
         <ul><li>First-</li><li>second</li></ul>",
    );
    assert_eq!(
        sentence_texts(&s, &text),
        vec![
            "Troops deployed in",
            "120",
            "Regions of the country",
            "45",
            "First-",
            "second"
        ]
    );
}

/// An element holding only a page number outside a table is left out (its span is in
/// `Document::page_numbers`), and the elements around it join as they would without it: a
/// lower-case one goes on the sentence, while a capitalised one after a web page's line of
/// its own ("Share this article" / "12" / "Officials …") starts another, as it would after
/// any element, where a page number of plain text would have joined them.
#[test]
fn an_html_page_number_is_left_out_and_joins_nothing_itself() {
    let (s, text) = seg(
        Format::Html,
        "<p>Talks began in a</p><p>- 12 -</p><p>major crisis.</p><p>Share this article</p>\
         <div>12</div><p>Officials said so.</p><table><tr><td>Troops</td><td>120</td></tr></table>",
    );
    assert_eq!(
        sentence_texts(&s, &text),
        [
            "Talks began in a\n\n- 12 -\n\nmajor crisis.",
            "Share this article",
            "Officials said so.",
            "Troops",
            "120"
        ]
    );
    let paragraphs: Vec<usize> = s.sentences.iter().map(|x| x.paragraph).collect();
    assert_eq!(paragraphs, [0, 1, 2, 3, 4]);
}

#[test]
fn headline_line_in_a_block_ends_its_sentence() {
    let text =
        "Russia Responds\nThe Kremlin said on Monday it would retaliate against the measures.";
    let spans = split_sentences(text);
    let got: Vec<_> = spans.iter().map(|s| s.of(text)).collect();
    assert_eq!(
        got,
        vec![
            "Russia Responds",
            "The Kremlin said on Monday it would retaliate against the measures."
        ]
    );
}

#[test]
fn empty_and_punctuation_only_text_has_no_sentences() {
    for text in ["", "   \n\n", "...\n---\n!!!"] {
        let (s, _) = seg(Format::Plain, text);
        assert!(s.sentences.is_empty(), "{text:?}");
    }
}

#[test]
fn an_unclosed_code_fence_does_not_swallow_the_rest() {
    let text = "# Talks\n\nIntro text here.\n\n```\ncode();\n```\n\nMiddle text.\n\n```\n\n## Outcome\n\nBoth sides agreed.\n";
    let (s, text) = seg(Format::Markdown, text);
    let sentences = sentence_texts(&s, &text);
    assert!(!sentences.contains(&"code();"), "{sentences:?}");
    assert!(sentences.contains(&"Middle text."), "{sentences:?}");
    assert!(sentences.contains(&"Both sides agreed."), "{sentences:?}");
    let titles: Vec<_> = s.sections.iter().map(|x| x.title.as_str()).collect();
    assert_eq!(titles, vec!["Talks", "Outcome"]);
}

#[test]
fn many_html_headings_are_all_found() {
    let page: String = (0..20_000)
        .map(|i| format!("<h2>Heading {i}</h2><p>Talks resumed on day {i}.</p>"))
        .collect();
    let (s, _) = seg(Format::Html, &page);
    assert_eq!(s.sections.len(), 20_000);
    assert_eq!(s.sections[19_999].title, "Heading 19999");
    assert_eq!(s.sentences.len(), 20_000);
}

#[test]
fn capitals_throughout_are_no_headings_and_salutations_never_are() {
    let shouting = "MR PRESIDENT,\nWE MEET AT A TIME OF GREAT DANGER.\nTHE WORLD IS WATCHING US\nAND WE MUST NOT FAIL.\nPEACE IS POSSIBLE\nIF WE WORK FOR IT.\n";
    let (s, _) = seg(Format::Plain, shouting);
    assert!(
        s.sections.iter().all(|x| x.heading.is_none()),
        "{:?}",
        s.sections
    );
    let (s, _) = seg(
        Format::Plain,
        "Mr President\nThe delegation thanks you for the invitation to speak.\n",
    );
    assert!(s.sections.iter().all(|x| x.heading.is_none()));
}

#[test]
fn a_wrapped_first_line_is_no_title_but_a_headline_is() {
    let (s, _) = seg(
        Format::Plain,
        "At the\noutset let me congratulate you on your election.\n",
    );
    assert_eq!(s.title, "");
    let (s, _) = seg(
        Format::Plain,
        "Magnitogorsk apartment building collapses after explosion\n\nA building collapsed on Monday.\n",
    );
    assert_eq!(
        s.title,
        "Magnitogorsk apartment building collapses after explosion"
    );
    // A first line ending in a word hyphenated at the line end is a sentence's start.
    for text in [
        "The Secretary-\r\nGeneral spoke about peace.\r\n",
        "The delegates agreed that the post-\n\n2015 agenda is central.\n\nNext.\n",
        "Talks on the U.S.-\nRussia treaty resumed.\n",
    ] {
        let (s, _) = seg(Format::Plain, text);
        assert_eq!(s.title, "", "{text:?}");
    }
}

#[test]
fn line_per_paragraph_rejoins_a_stray_break_but_not_a_headline() {
    let text = "Talks Resume in Geneva\n\
                The delegates met on Monday. This would be the only just and honourable way\n\
                out. Both sides agreed.\n\
                A second paragraph follows here.\n";
    let (s, text) = seg(Format::Plain, text);
    assert_eq!(s.layout, Layout::LinePerParagraph);
    assert_eq!(s.title, "Talks Resume in Geneva");
    assert_eq!(s.paragraphs.len(), 2);
    assert_eq!(
        sentence_texts(&s, &text),
        vec![
            "The delegates met on Monday.",
            "This would be the only just and honourable way\nout.",
            "Both sides agreed.",
            "A second paragraph follows here."
        ]
    );
}

#[test]
fn page_numbers_are_dropped_and_bridged_when_they_cut_a_sentence() {
    let text = "The talks opened in Geneva. There are two distinct nations\n\
                11\n\n\
                with different languages on the island.\n\
                12\n\
                The session closed.\n";
    let (s, text) = seg(Format::Plain, text);
    let sents = sentence_texts(&s, &text);
    assert_eq!(sents.len(), 3, "{sents:?}");
    assert!(sents[1].starts_with("There are two") && sents[1].ends_with("on the island."));
    assert_eq!(sents[2], "The session closed.");
    assert_eq!(s.paragraphs.len(), 2);
    // Framed by dashes, as some PDF conversions write them; a bullet before a number is
    // text.
    assert!(is_debris("- 13 -") && is_debris("\u{2014} 7 \u{2014}"));
    assert!(!is_debris("- 5"));
    let text = "There are two distinct nations\n- 11 -\nwith different languages.\n";
    let (s, text) = seg(Format::Plain, text);
    let sents = sentence_texts(&s, &text);
    assert_eq!(
        sents,
        ["There are two distinct nations\n- 11 -\nwith different languages."]
    );
}

#[test]
fn a_lower_case_line_after_a_colon_semicolon_or_quote_goes_on() {
    let text = "So, all five items of our formula:\n\
                punishment for aggression;\n\
                protection of life;\n\
                and determination to defend oneself.\n\
                This is the formula of peace.\n\
                The party stands for \"a consistent life ethic\"\n\
                including opposition to the death penalty.\n";
    let (s, text) = seg(Format::Plain, text);
    assert_eq!(s.layout, Layout::LinePerParagraph);
    assert_eq!(
        sentence_texts(&s, &text),
        vec![
            "So, all five items of our formula:\npunishment for aggression;\nprotection of life;\nand determination to defend oneself.",
            "This is the formula of peace.",
            "The party stands for \"a consistent life ethic\"\nincluding opposition to the death penalty."
        ]
    );
    assert_eq!(s.paragraphs.len(), 3);
}

#[test]
fn a_line_after_a_function_word_goes_on_and_is_no_heading() {
    let text = "We welcome the recent adoption by the\n\
                General Assembly of the resolution on the index. We encourage its use.\n\
                The session closed.\n";
    let (s, text) = seg(Format::Plain, text);
    assert_eq!(s.sections.len(), 1, "{:?}", s.sections);
    assert_eq!(
        sentence_texts(&s, &text)[0],
        "We welcome the recent adoption by the\nGeneral Assembly of the resolution on the index."
    );
}

#[test]
fn salutation_lines_are_no_headings_but_a_heading_may_follow_one() {
    let text = "Mr. Speaker\n\
                Mr. Vice President\n\
                Members of Congress\n\
                Fellow Americans\n\n\
                The state of our Union is strong. We have much to do.\n\
                President of the General Assembly,\n\
                Head of States and Governments\n\
                Excellencies,\n\n\
                We meet in hard times.\n\
                Mr. President\n\
                Excellence\n\n\
                The world is more prosperous than ever.\n\
                Mr. President\n\
                Climate Change\n\
                Kiribati continues to face rising seas.\n";
    let (s, _) = seg(Format::Plain, text);
    let titles: Vec<_> = s.sections.iter().map(|x| x.title.as_str()).collect();
    assert_eq!(titles, vec!["", "Climate Change"]);
}

#[test]
fn lines_ending_in_an_ellipsis_and_numbered_paragraphs_are_no_headings() {
    let text = "So Mr President\u{2026}\n\n\
                We act now.\n\n\
                Members of the Assembly \u{2026}\n\n\
                We thank you.\n\n\
                59.\tAt the International Development\n\n\
                Our work goes on.\n\n\
                2. Ocean Resources\n\n\
                The ocean feeds us.\n";
    let (s, _) = seg(Format::Plain, text);
    let titles: Vec<_> = s.sections.iter().map(|x| x.title.as_str()).collect();
    assert_eq!(titles, vec!["", "2. Ocean Resources"]);
}

#[test]
fn a_heading_on_two_lines_is_one_section() {
    let text = "We work for the islands.\n\n\
                ADOPTION OF THE MVI SHOWS WHAT\u{2019}S POSSIBLE WHEN WE WORK\n\
                TOGETHER\n\n\
                The index was adopted.\n";
    let (s, text) = seg(Format::Plain, text);
    assert_eq!(s.sections.len(), 2);
    assert_eq!(
        s.sections[1].title,
        "ADOPTION OF THE MVI SHOWS WHAT\u{2019}S POSSIBLE WHEN WE WORK TOGETHER"
    );
    let heading = s.sections[1].heading.unwrap().of(&text);
    assert!(heading.starts_with("ADOPTION") && heading.ends_with("TOGETHER"));
    assert_eq!(
        sentence_texts(&s, &text),
        vec!["We work for the islands.", "The index was adopted."]
    );
}

#[test]
fn a_drop_cap_joins_its_line_and_a_stray_letter_is_debris() {
    let text = "I\n\
                am delighted to be here today. We thank you.\n\
                The regime remains obdurate.\n\
                c\n\
                The majority are still denied participation.\n";
    let (s, text) = seg(Format::Plain, text);
    assert_eq!(
        sentence_texts(&s, &text),
        vec![
            "I\nam delighted to be here today.",
            "We thank you.",
            "The regime remains obdurate.",
            "The majority are still denied participation."
        ]
    );
}

#[test]
fn paragraph_numbers_and_speaker_tags_stay_outside_the_sentence() {
    let text = "330.\tThe Assembly met again. It adjourned.\n\n\
                ((WN)) : What did you do? ((hi))Hindi language: \u{200d}\u{0906}\u{092a}\u{0928}\u{0947} \u{0915}\u{094d}\u{092f}\u{093e} \u{0915}\u{093f}\u{092f}\u{093e}?\n\n\
                ((Akram Pasha))  We worked.\n";
    let (s, text) = seg(Format::Plain, text);
    assert_eq!(
        sentence_texts(&s, &text),
        vec![
            "The Assembly met again.",
            "It adjourned.",
            "What did you do?",
            "\u{0906}\u{092a}\u{0928}\u{0947} \u{0915}\u{094d}\u{092f}\u{093e} \u{0915}\u{093f}\u{092f}\u{093e}?",
            "We worked."
        ]
    );
}

#[test]
fn a_line_holding_the_tail_of_a_sentence_joins_it() {
    let text = "This invasion remains a violation of the fundamental principles of the UN\n\
                Charter.\n\
                As Prime Minister, I reaffirm our commitment.\n";
    let (s, text) = seg(Format::Plain, text);
    assert_eq!(s.layout, Layout::LinePerParagraph);
    assert_eq!(
        sentence_texts(&s, &text),
        vec![
            "This invasion remains a violation of the fundamental principles of the UN\nCharter.",
            "As Prime Minister, I reaffirm our commitment."
        ]
    );
}

#[test]
fn a_running_page_header_inside_a_sentence_is_bridged() {
    let text = "The delegates agreed that the reform of the Council\n\
                A/56/PV.44 12/11/2001\n\
                must go on without delay. The session closed.\n\
                As we said (A/68/PV.12), it is not sympathy we seek.\n";
    let (s, text) = seg(Format::Plain, text);
    let sents = sentence_texts(&s, &text);
    assert_eq!(sents.len(), 3, "{sents:?}");
    assert!(sents[0].starts_with("The delegates") && sents[0].ends_with("without delay."));
    assert_eq!(
        sents[2],
        "As we said (A/68/PV.12), it is not sympathy we seek."
    );
    assert!(is_debris("A/56/PV.44"));
    assert!(!is_debris("A/68/PV.59). At the same time, a grace period"));
}

#[test]
fn a_blank_line_after_a_headline_or_a_colon_still_separates() {
    let text = "Nancy Pelosi again elected Speaker as Congress sworn in\n\n\
                Friday, January 4, 2019\n\n\
                To convert the system, you only need to run a single command:\n\n\
                dnf install rocky-release.rpm\n";
    let (s, text) = seg(Format::Plain, text);
    assert_eq!(
        sentence_texts(&s, &text),
        vec![
            "Nancy Pelosi again elected Speaker as Congress sworn in",
            "Friday, January 4, 2019",
            "To convert the system, you only need to run a single command:",
            "dnf install rocky-release.rpm"
        ]
    );
}

#[test]
fn a_short_ragged_line_before_a_capital_does_not_end_its_sentence() {
    // Lines of a PDF extraction, ragged right (2001-AUS in the UN General Debate corpus):
    // "… to be done. East" and "… welcomes the Security" are short, but prose.
    let text = "Let me turn now to East Timor. We all have a\n\
                deep interest in a stable, secure, viable and democratic\n\
                East Timor. East Timor is no longer an emergency, but,\n\
                instead, an emerging nation.\n\
                However, much more needs to be done. East\n\
                Timor remains vulnerable, and the role of the United\n\
                Nations is not complete.\n\
                Australia therefore welcomes the Security\n\
                Council President\u{2019}s statement of 31 October endorsing\n\
                the Secretary-General\u{2019}s recommendations for a United\n\
                Nations successor mission in East Timor.\n";
    let (s, text) = seg(Format::Plain, text);
    assert_eq!(s.layout, Layout::HardWrapped);
    let sents = sentence_texts(&s, &text);
    assert_eq!(sents.len(), 6, "{sents:?}");
    assert_eq!(
        sents[4],
        "East\nTimor remains vulnerable, and the role of the United\nNations is not complete."
    );
    assert!(sents[5].starts_with("Australia therefore welcomes the Security\nCouncil"));
}

#[test]
fn a_short_line_in_title_case_at_a_sentence_start_still_ends_it() {
    // A salutation block and a signature in hard-wrapped text: short lines of their own.
    let text = "Your Excellency Philemon Yang\n\
                President of the General Assembly at its seventy-ninth session,\n\
                we thank you for the work that you have done in this hall.\n\
                Maria Fernanda Espinosa\n\
                Permanent Representative\n";
    let spans = split_sentences(text);
    let got: Vec<_> = spans.iter().map(|s| s.of(text)).collect();
    assert_eq!(
        got,
        vec![
            "Your Excellency Philemon Yang",
            "President of the General Assembly at its seventy-ninth session,\nwe thank you for the work that you have done in this hall.",
            "Maria Fernanda Espinosa",
            "Permanent Representative"
        ]
    );
}

#[test]
fn a_short_first_line_of_wrapped_prose_is_no_title() {
    // The first lines of 2001-CAF and 2001-MOZ in the UN General Debate corpus.
    for text in [
        "The delegation of the Central African\n\
         Republic would like first of all to fulfil the task\n\
         entrusted to it by His Excellency Mr. Ange-F\u{e9}lix\n\
         Patass\u{e9}, President of the Republic and head of State, of\n\
         expressing the solidarity of the Central African\n\
         Republic with the American people.\n",
        "I wish to congratulate\n\
         His Excellency Mr. Han Seung-soo upon his election to\n\
         preside over the General Assembly at its fifty-sixth\n\
         session, and to express my confidence that with his\n\
         skilful guidance our work will succeed.\n",
    ] {
        let (s, _) = seg(Format::Plain, text);
        assert_eq!(s.layout, Layout::HardWrapped);
        assert_eq!(s.title, "", "{text}");
    }
}

/// A word hyphenated at a line end keeps its sentence whole, over a blank line too (2014-JAM
/// "post-" / "" / "2015", 2024-LSO "SELF-" / "SUFFICIENCY"), where a line-per-paragraph
/// text would cut it; a suspended hyphen ("medium-" / "and") joins no word but keeps the
/// sentence open as before; a hyphen after a dotted acronym ("U.S.-" / "Russia") keeps it
/// whole as one after a word does.
#[test]
fn a_line_end_hyphen_keeps_the_sentence_whole() {
    let text = "The Secretary-\nGeneral welcomed the agreement.\n\
                We need a post-\n\n2015 development agenda for FOOD SELF-\nSUFFICIENCY.\n\
                Plans for the medium-\nand long-term were adopted.\n\
                Talks on the U.S.-\nRussia treaty resumed.\n";
    let (s, text) = seg(Format::Plain, text);
    assert_eq!(
        sentence_texts(&s, &text),
        vec![
            "The Secretary-\nGeneral welcomed the agreement.",
            "We need a post-\n\n2015 development agenda for FOOD SELF-\nSUFFICIENCY.",
            "Plans for the medium-\nand long-term were adopted.",
            "Talks on the U.S.-\nRussia treaty resumed."
        ]
    );
}
