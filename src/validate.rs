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
            .map(str::to_string);
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
        // A recognizer of its own for each text: each is a document of its own, whose
        // names do not resolve against another's.
        mentions.clear();
        Recognizer::new(gazetteer).find(&row.text, &tokens, &norm, &mut mentions);
        organisation_names(&mentions, &tokens, &mut names);
        let hits = scorer.score_outside_names(&row.text, &tokens, &norm, &names);
        let t = tone::tally(hits);
        let predicted = label_of(t.tone(), hits.iter().filter(|h| h.factor > 0.0).count());
        v.confusion[row.label][predicted] += 1;
        if let Some(quad) = &row.quad {
            v.quads.0 += 1;
            let quads = [
                (t.verbal_coop, "verbal_coop"),
                (t.material_coop, "material_coop"),
                (t.verbal_conflict, "verbal_conflict"),
                (t.material_conflict, "material_conflict"),
            ];
            let strongest = quads.iter().max_by_key(|(w, _)| *w).map(|(_, q)| *q);
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
    /// would give by chance.
    pub fn cohen_kappa(&self) -> f64 {
        let n = self.total() as f64;
        if n == 0.0 {
            return 0.0;
        }
        let po = self.accuracy();
        let pe: f64 = (0..3)
            .map(|i| {
                let row: u64 = self.confusion[i].iter().sum();
                let col: u64 = (0..3).map(|h| self.confusion[h][i]).sum();
                (row as f64 / n) * (col as f64 / n)
            })
            .sum();
        if pe == 1.0 {
            1.0
        } else {
            (po - pe) / (1.0 - pe)
        }
    }

    /// Krippendorff's alpha for two coders (the human and detente), nominal labels, no
    /// missing values: 1 − observed / expected disagreement over the pooled labels.
    pub fn krippendorff_alpha(&self) -> f64 {
        let n = 2.0 * self.total() as f64;
        if n < 2.0 {
            return 0.0;
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
        if expected == 0.0 {
            1.0
        } else {
            1.0 - observed / expected
        }
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 { 0.0 } else { a / b }
}

impl fmt::Display for Validation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "sentences: {}", self.total())?;
        writeln!(f, "accuracy: {:.3}", self.accuracy())?;
        writeln!(f, "Cohen's kappa: {:.3}", self.cohen_kappa())?;
        writeln!(
            f,
            "Krippendorff's alpha (nominal): {:.3}",
            self.krippendorff_alpha()
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
        assert_eq!(v.cohen_kappa(), 1.0);
        assert!((v.krippendorff_alpha() - 1.0).abs() < 1e-12);
        assert_eq!(v.class_scores(0), (1.0, 1.0, 1.0));
    }

    #[test]
    fn known_values() {
        // Two labels used: 20 items, agree on 15.
        let v = with([[10, 5, 0], [0, 5, 0], [0, 0, 0]]);
        assert_eq!(v.accuracy(), 0.75);
        // pe = 0.75*0.5 + 0.25*0.5 = 0.5 → kappa = 0.5
        assert!((v.cohen_kappa() - 0.5).abs() < 1e-12);
        // pooled: coop 25, conflict 15, n = 40; Do = 10/40; De = 2*25*15/(40*39)
        let expected = 1.0 - (10.0 / 40.0) / (750.0 / 1560.0);
        assert!((v.krippendorff_alpha() - expected).abs() < 1e-12);
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
        assert!(v.cohen_kappa() > 0.6, "{v}");
    }
}
