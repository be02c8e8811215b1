//! Agreement between the scorer and human coders on the user's own sentences.
//!
//! Dictionary methods are only as good as their agreement with human coding on the
//! material at hand, so `detente validate CODED.csv` scores sentences a user has labelled
//! and reports accuracy, per-class precision, recall and F1, Cohen's kappa, Krippendorff's
//! alpha (nominal), a confusion matrix, and the most confident disagreements with their
//! evidence — the places to fix the lexicon.

use std::fmt;

use crate::datafile::DataFile;
use crate::entities::{Gazetteer, Recognizer};
use crate::error::Error;
use crate::pipeline::organisation_names;
use crate::span::Span;
use crate::tokenize::Normalizer;
use crate::tone::{self, Lexicon, Scorer};

/// The three labels a coder assigns, in matrix order.
pub const LABELS: [&str; 3] = ["cooperative", "conflictual", "neutral"];

/// One hand-coded sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coded {
    /// Line in the file, for messages.
    pub line: usize,
    /// The text coded.
    pub text: String,
    /// Index into [`LABELS`].
    pub label: usize,
    /// CAMEO quad class, if coded.
    pub quad: Option<String>,
}

/// The CAMEO quad classes a coded `quad` may name, in the order of [`tone::ToneCounts`]'s
/// four sums.
const QUADS: [&str; 4] = [
    "verbal_coop",
    "material_coop",
    "verbal_conflict",
    "material_conflict",
];

/// Reads a coded CSV with columns `text` and `label` (and optionally `quad`), in any order.
pub fn read_coded(name: &str, data: &str) -> Result<Vec<Coded>, Error> {
    let file = DataFile::parse(name, data)?;
    let err = |line: usize, column: usize, message: String| file.error(line, column, message);
    let text_col = file
        .column("text")
        .ok_or_else(|| err(1, 1, "no `text` column".into()))?;
    let label_col = file
        .column("label")
        .ok_or_else(|| err(1, 1, "no `label` column".into()))?;
    let quad_col = file.column("quad");
    let mut rows = Vec::new();
    for (line, record) in &file.rows {
        let line = *line;
        let raw = record.get(label_col).unwrap_or("").trim().to_lowercase();
        let label = LABELS.iter().position(|l| *l == raw).ok_or_else(|| {
            err(
                line,
                label_col + 1,
                format!("label `{raw}` is not cooperative, conflictual or neutral"),
            )
        })?;
        let quad = quad_col
            .and_then(|c| record.get(c))
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_lowercase);
        if let (Some(q), Some(c)) = (&quad, quad_col)
            && !QUADS.contains(&q.as_str())
        {
            return Err(err(
                line,
                c + 1,
                format!("quad `{q}` is not {}", QUADS.join(", ")),
            ));
        }
        rows.push(Coded {
            line,
            text: record.get(text_col).unwrap_or("").to_string(),
            label,
            quad,
        });
    }
    Ok(rows)
}

/// A sentence the scorer labelled differently from the coder.
#[derive(Debug, Clone)]
pub struct Disagreement {
    /// Line in the coded file.
    pub line: usize,
    /// The text.
    pub text: String,
    /// The coder's label.
    pub human: usize,
    /// detente's label.
    pub detente: usize,
    /// detente's tone.
    pub tone: f64,
    /// detente's evidence.
    pub evidence: String,
}

/// The agreement report.
#[derive(Debug, Clone)]
pub struct Validation {
    /// Rows: the coder's label; columns: detente's; in [`LABELS`] order.
    pub confusion: [[u64; 3]; 3],
    /// Sentences with a coded quad, and how many detente's strongest quad matched.
    pub quads: (u64, u64),
    /// Disagreements, the most confident first.
    pub disagreements: Vec<Disagreement>,
}

/// detente's label for a text: the sign of its tone, so that a mixed sentence counts
/// as the side that outweighs the other (neutral when there is no hit).
fn label_of(tone: f64, hits: usize) -> usize {
    if hits == 0 || tone == 0.0 {
        2
    } else if tone > 0.0 {
        0
    } else {
        1
    }
}

/// Scores every coded text with `lexicon` and compares. The texts' organisations are
/// found with `gazetteer` and their names left unscored, as `analyze` does.
pub fn validate(lexicon: &Lexicon, gazetteer: &Gazetteer, rows: &[Coded]) -> Validation {
    let mut scorer = Scorer::new(lexicon);
    let mut recognizer = Recognizer::new(gazetteer);
    let (mut mentions, mut names) = (Vec::new(), Vec::new());
    let mut norm = Normalizer::default();
    let mut tokens = Vec::new();
    let mut v = Validation {
        confusion: [[0; 3]; 3],
        quads: (0, 0),
        disagreements: Vec::new(),
    };
    for row in rows {
        tokens.clear();
        norm.tokenize(&row.text, Span::new(0, row.text.len()), &mut tokens);
        // Each text is a document of its own, whose names do not resolve against
        // another's.
        recognizer.start_document();
        mentions.clear();
        recognizer.find(&row.text, &tokens, &norm, &mut mentions);
        organisation_names(&mentions, &tokens, &mut names);
        let hits = scorer.score_outside_names(&row.text, &tokens, &norm, &names);
        let t = tone::tally(hits);
        let predicted = label_of(t.tone(), hits.iter().filter(|h| h.factor > 0.0).count());
        v.confusion[row.label][predicted] += 1;
        if let Some(quad) = &row.quad {
            v.quads.0 += 1;
            let quads = [
                t.verbal_coop,
                t.material_coop,
                t.verbal_conflict,
                t.material_conflict,
            ]
            .into_iter()
            .zip(QUADS);
            let strongest = quads.max_by_key(|(w, _)| *w).map(|(_, q)| q);
            if t.hits > 0 && strongest == Some(quad.as_str()) {
                v.quads.1 += 1;
            }
        }
        if predicted != row.label {
            v.disagreements.push(Disagreement {
                line: row.line,
                text: row.text.clone(),
                human: row.label,
                detente: predicted,
                tone: t.tone(),
                evidence: tone::evidence(&row.text, hits),
            });
        }
    }
    v.disagreements.sort_by(|a, b| {
        b.tone
            .abs()
            .total_cmp(&a.tone.abs())
            .then(a.line.cmp(&b.line))
    });
    v
}

impl Validation {
    /// Sentences compared.
    pub fn total(&self) -> u64 {
        self.confusion.iter().flatten().sum()
    }

    /// Share labelled as the coder did.
    pub fn accuracy(&self) -> f64 {
        let agree: u64 = (0..3).map(|i| self.confusion[i][i]).sum();
        ratio(agree as f64, self.total() as f64)
    }

    /// Precision, recall and F1 of one label.
    pub fn class_scores(&self, label: usize) -> (f64, f64, f64) {
        let tp = self.confusion[label][label] as f64;
        let predicted: u64 = (0..3).map(|h| self.confusion[h][label]).sum();
        let actual: u64 = self.confusion[label].iter().sum();
        let p = ratio(tp, predicted as f64);
        let r = ratio(tp, actual as f64);
        (p, r, ratio(2.0 * p * r, p + r))
    }

    /// Cohen's kappa: agreement corrected for the agreement the two label distributions
    /// would give by chance; `None` where chance alone agrees always (both coders used one
    /// and the same label) or there is nothing to compare: it is undefined there, and 1.0
    /// would read as perfect agreement.
    pub fn cohen_kappa(&self) -> Option<f64> {
        let n = self.total() as f64;
        if n == 0.0 {
            return None;
        }
        let po = self.accuracy();
        let pe: f64 = (0..3)
            .map(|i| {
                let row: u64 = self.confusion[i].iter().sum();
                let col: u64 = (0..3).map(|h| self.confusion[h][i]).sum();
                (row as f64 / n) * (col as f64 / n)
            })
            .sum();
        (pe < 1.0).then(|| (po - pe) / (1.0 - pe))
    }

    /// Krippendorff's alpha for two coders (the human and detente), nominal labels, no
    /// missing values: 1 − observed / expected disagreement over the pooled labels; `None`
    /// where no disagreement is expected (one label in all) or there is nothing to compare.
    pub fn krippendorff_alpha(&self) -> Option<f64> {
        let n = 2.0 * self.total() as f64;
        if n < 2.0 {
            return None;
        }
        let disagree: u64 = (0..3)
            .flat_map(|h| (0..3).map(move |d| (h, d)))
            .filter(|(h, d)| h != d)
            .map(|(h, d)| self.confusion[h][d])
            .sum();
        let observed = 2.0 * disagree as f64 / n;
        let pooled: Vec<f64> = (0..3)
            .map(|c| {
                (self.confusion[c].iter().sum::<u64>()
                    + (0..3).map(|h| self.confusion[h][c]).sum::<u64>()) as f64
            })
            .collect();
        let expected_pairs: f64 = (0..3)
            .flat_map(|c| (0..3).map(move |k| (c, k)))
            .filter(|(c, k)| c != k)
            .map(|(c, k)| pooled[c] * pooled[k])
            .sum();
        let expected = expected_pairs / (n * (n - 1.0));
        (expected > 0.0).then(|| 1.0 - observed / expected)
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 { 0.0 } else { a / b }
}

impl fmt::Display for Validation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "sentences: {}", self.total())?;
        writeln!(f, "accuracy: {:.3}", self.accuracy())?;
        let statistic = |x: Option<f64>| match x {
            Some(x) => format!("{x:.3}"),
            None => "undefined (one label in all)".to_string(),
        };
        writeln!(f, "Cohen's kappa: {}", statistic(self.cohen_kappa()))?;
        writeln!(
            f,
            "Krippendorff's alpha (nominal): {}",
            statistic(self.krippendorff_alpha())
        )?;
        if self.quads.0 > 0 {
            writeln!(
                f,
                "quad class agreement: {}/{} ({:.3})",
                self.quads.1,
                self.quads.0,
                ratio(self.quads.1 as f64, self.quads.0 as f64)
            )?;
        }
        writeln!(
            f,
            "\n{:<12} {:>9} {:>9} {:>9}",
            "label", "precision", "recall", "F1"
        )?;
        for (i, label) in LABELS.iter().enumerate() {
            let (p, r, f1) = self.class_scores(i);
            writeln!(f, "{label:<12} {p:>9.3} {r:>9.3} {f1:>9.3}")?;
        }
        writeln!(f, "\nconfusion (rows: human, columns: detente)")?;
        writeln!(
            f,
            "{:<12} {:>11} {:>11} {:>11}",
            "", LABELS[0], LABELS[1], LABELS[2]
        )?;
        for (i, label) in LABELS.iter().enumerate() {
            let c = self.confusion[i];
            writeln!(f, "{label:<12} {:>11} {:>11} {:>11}", c[0], c[1], c[2])?;
        }
        if !self.disagreements.is_empty() {
            writeln!(f, "\nworst disagreements (most confident first):")?;
            for d in self.disagreements.iter().take(10) {
                writeln!(
                    f,
                    "line {}: human {}, detente {} (tone {:.2}): {}",
                    d.line, LABELS[d.human], LABELS[d.detente], d.tone, d.text
                )?;
                writeln!(
                    f,
                    "    evidence: {}",
                    if d.evidence.is_empty() {
                        "(no lexicon hit)"
                    } else {
                        &d.evidence
                    }
                )?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(confusion: [[u64; 3]; 3]) -> Validation {
        Validation {
            confusion,
            quads: (0, 0),
            disagreements: Vec::new(),
        }
    }

    #[test]
    fn perfect_agreement() {
        let v = with([[5, 0, 0], [0, 3, 0], [0, 0, 2]]);
        assert_eq!(v.accuracy(), 1.0);
        assert_eq!(v.cohen_kappa(), Some(1.0));
        assert!((v.krippendorff_alpha().unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(v.class_scores(0), (1.0, 1.0, 1.0));
    }

    /// One label used by both: chance agreement is 1 and both statistics are undefined,
    /// not a perfect 1.0.
    #[test]
    fn one_label_in_all_leaves_kappa_and_alpha_undefined() {
        let v = with([[4, 0, 0], [0, 0, 0], [0, 0, 0]]);
        assert_eq!((v.cohen_kappa(), v.krippendorff_alpha()), (None, None));
        assert!(v.to_string().contains("Cohen's kappa: undefined"), "{v}");
        assert_eq!(with([[0; 3]; 3]).cohen_kappa(), None);
    }

    #[test]
    fn known_values() {
        // Two labels used: 20 items, agree on 15.
        let v = with([[10, 5, 0], [0, 5, 0], [0, 0, 0]]);
        assert_eq!(v.accuracy(), 0.75);
        // pe = 0.75*0.5 + 0.25*0.5 = 0.5 → kappa = 0.5
        assert!((v.cohen_kappa().unwrap() - 0.5).abs() < 1e-12);
        // pooled: coop 25, conflict 15, n = 40; Do = 10/40; De = 2*25*15/(40*39)
        let expected = 1.0 - (10.0 / 40.0) / (750.0 / 1560.0);
        assert!((v.krippendorff_alpha().unwrap() - expected).abs() < 1e-12);
        let (p, r, f1) = v.class_scores(1);
        assert_eq!((p, r), (0.5, 1.0));
        assert!((f1 - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn reads_columns_in_any_order_and_rejects_bad_labels() {
        let rows = read_coded(
            "c.csv",
            "label,text\ncooperative,\"Talks, at last.\"\nneutral,Rain.\n",
        )
        .unwrap();
        assert_eq!(rows[0].text, "Talks, at last.");
        assert_eq!(rows[1].label, 2);
        let e = read_coded("c.csv", "text,label\nx,friendly\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "c.csv:2:2: label `friendly` is not cooperative, conflictual or neutral"
        );
        assert!(read_coded("c.csv", "sentence,label\n").is_err());
        let e = read_coded("c.csv", "text,label,quad\nx,neutral,material\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("c.csv:2:3: quad `material` is not verbal_coop"),
            "{e}"
        );
        let rows = read_coded(
            "c.csv",
            "text,label,quad\nx,neutral,Verbal_Coop\ny,neutral,\n",
        )
        .unwrap();
        assert_eq!(rows[0].quad.as_deref(), Some("verbal_coop"));
        assert_eq!(rows[1].quad, None);
    }

    #[test]
    fn the_shipped_sample_agrees_well_above_chance() {
        let rows = read_coded(
            "coded_sample.csv",
            include_str!("../examples/coded_sample.csv"),
        )
        .unwrap();
        assert_eq!(rows.len(), 80);
        let v = validate(&Lexicon::builtin(), &Gazetteer::builtin(), &rows);
        assert!(v.accuracy() > 0.8, "{v}");
        assert!(v.cohen_kappa().is_some_and(|k| k > 0.6), "{v}");
    }
}
