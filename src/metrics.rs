//! Stage 5: counts that add up from sentences to sections, documents, groups and corpora.
//!
//! Every aggregate here is a plain sum of integers, so partial results merge exactly in any
//! order. Ratios (tone, logits, rates per 1,000 tokens, Goldstein means) are derived from
//! the sums only when a row is written.

use std::ops::{Add, AddAssign};

/// A score in thousandths of a point, so that sums are exact and order-independent.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Milli(pub i64);

impl Milli {
    /// Rounds `value` to the nearest thousandth.
    pub fn from_f64(value: f64) -> Milli {
        Milli((value * 1000.0).round() as i64)
    }

    /// The value in points.
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }
}

impl Add for Milli {
    type Output = Milli;
    fn add(self, rhs: Milli) -> Milli {
        Milli(self.0 + rhs.0)
    }
}

impl AddAssign for Milli {
    fn add_assign(&mut self, rhs: Milli) {
        self.0 += rhs.0;
    }
}

/// The earlier of two optional firsts (an example sentence, by document and position), as
/// shares merge: the same whatever order they are merged in.
pub fn earliest<T: Ord>(a: Option<T>, b: Option<T>) -> Option<T> {
    a.into_iter().chain(b).min()
}

/// Sentence label derived from its cooperative and conflictual weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    /// Tone ≥ 1/3.
    Cooperative,
    /// Tone ≤ −1/3.
    Conflictual,
    /// Both present and neither dominates.
    Mixed,
    /// No lexicon hit.
    Neutral,
}

impl Label {
    /// The label as written in CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Cooperative => "cooperative",
            Label::Conflictual => "conflictual",
            Label::Mixed => "mixed",
            Label::Neutral => "neutral",
        }
    }
}

/// Appends `x` with `decimals` decimals, as `format!("{x:.decimals$}")` does: by
/// [`push_fixed_rounded`] where it can (weights, tones and scores almost always), as float
/// formatting costs tenfold.
pub fn push_fixed(out: &mut String, x: f64, decimals: u32) {
    if !push_fixed_rounded(out, x, decimals) {
        use std::fmt::Write;
        write!(out, "{x:.prec$}", prec = decimals as usize).expect("writing to a String");
    }
}

/// Appends `x` with `decimals` decimals as `format!("{x:.decimals$}")` would, rounding
/// `x·10^decimals` in floating point, when that provably gives the same text; returns
/// whether it did. `format!` rounds the exact product `X = x·10^decimals`; the product
/// `s` computed here is `X` correctly rounded, and rounding is monotonic. Half-integers
/// below 2^50 are floats, so unless `s` lands on one, `s` and `X` lie strictly between the
/// same two half-integers and round to the same integer. Declined: `s` on a half-integer,
/// a negative `x` that rounds to zero ("-0.00"), and large magnitudes.
pub fn push_fixed_rounded(out: &mut String, x: f64, decimals: u32) -> bool {
    if decimals > MAX_SCALED_DECIMALS {
        return false;
    }
    let scaled = x * 10u64.pow(decimals) as f64;
    if scaled.is_nan() || scaled.abs() >= (1u64 << 50) as f64 {
        return false;
    }
    // The difference is exact (the two are within 1 of each other, below 2^50), except
    // for -0.5 < s < 0, where it may round up to 0.5: declined, as the value would be
    // "-0" anyway.
    if scaled - scaled.floor() == 0.5 {
        return false;
    }
    let rounded = scaled.round() as i64;
    if rounded == 0 && x.is_sign_negative() {
        return false;
    }
    push_scaled(out, rounded, decimals);
    true
}

/// The most decimals [`push_scaled`] writes.
pub const MAX_SCALED_DECIMALS: u32 = 6;

/// Room for any text [`scaled_text`] writes: a sign, 20 digits, a point and
/// [`MAX_SCALED_DECIMALS`] decimals.
pub type ScaledBuffer = [u8; 1 + 20 + 1 + MAX_SCALED_DECIMALS as usize];

/// Appends `scaled / 10^decimals` with exactly `decimals` decimals, as [`scaled_text`]
/// writes it.
pub fn push_scaled(out: &mut String, scaled: i64, decimals: u32) {
    out.push_str(scaled_text(&mut [0; _], scaled, decimals));
}

/// `scaled / 10^decimals` with exactly `decimals` decimals (at most
/// [`MAX_SCALED_DECIMALS`]; "-0.500" for −500 at 3), by integer formatting: float
/// formatting was the costliest part of a row. 0 is written unsigned. The text is written
/// into `buf`, so that a CSV row can take it with no copy in between.
pub fn scaled_text(buf: &mut ScaledBuffer, scaled: i64, decimals: u32) -> &str {
    assert!(decimals <= MAX_SCALED_DECIMALS, "{decimals} decimals");
    // Most of a sentence's sums are zero (no hit of that kind): copied, not worked out.
    if scaled == 0 {
        return &"0.000000"[..if decimals == 0 {
            1
        } else {
            2 + decimals as usize
        }];
    }
    // Right to left into the buffer: pushing the number piece by piece cost more than
    // working it out (it runs several times a sentence).
    let mut at = buf.len();
    let mut k = scaled.unsigned_abs();
    let mut put = |byte: u8| {
        at -= 1;
        buf[at] = byte;
    };
    for _ in 0..decimals {
        put(b'0' + (k % 10) as u8);
        k /= 10;
    }
    if decimals > 0 {
        put(b'.');
    }
    loop {
        put(b'0' + (k % 10) as u8);
        k /= 10;
        if k == 0 {
            break;
        }
    }
    if scaled < 0 {
        put(b'-');
    }
    // SAFETY: `buf[at..]` holds only ASCII digits, '.' and '-', so it is UTF-8.
    // (`str::from_utf8` checked that at a third of the cost of the whole.)
    unsafe { std::str::from_utf8_unchecked(&buf[at..]) }
}

/// A ratio of two integer sums, `num / den` (0 when `den` is 0), clamped to ±`bound` when
/// there is one. Kept as integers so that the output can print it without floating point
/// (see `output::write_fraction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fraction {
    /// Numerator.
    pub num: i64,
    /// Denominator.
    pub den: i64,
    /// The largest magnitude the ratio is reported with.
    pub bound: Option<i64>,
}

impl Fraction {
    /// The ratio in floating point (exact inputs while the sums stay below 2^53).
    pub fn value(&self) -> f64 {
        if self.den == 0 {
            return 0.0;
        }
        let v = self.num as f64 / self.den as f64;
        match self.bound {
            Some(b) => v.clamp(-b as f64, b as f64),
            None => v,
        }
    }
}

/// Tone sums for any span of text, split by CAMEO quad class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ToneCounts {
    /// Cooperative statements.
    pub verbal_coop: Milli,
    /// Cooperative deeds.
    pub material_coop: Milli,
    /// Conflictual statements.
    pub verbal_conflict: Milli,
    /// Conflictual deeds.
    pub material_conflict: Milli,
    /// Sum of the hits' rule factors: the denominator of the Goldstein-like mean.
    pub hit_factor: Milli,
    /// Number of lexicon hits.
    pub hits: u64,
}

impl ToneCounts {
    /// Total cooperative weight.
    pub fn coop(&self) -> Milli {
        self.verbal_coop + self.material_coop
    }

    /// Total conflictual weight.
    pub fn conflict(&self) -> Milli {
        self.verbal_conflict + self.material_conflict
    }

    /// (coop − conflict) / (coop + conflict), 0 when both are 0; in [−1, 1].
    pub fn tone(&self) -> f64 {
        self.tone_fraction().value()
    }

    /// [`ToneCounts::tone`] as a fraction of sums, exact until printed.
    pub fn tone_fraction(&self) -> Fraction {
        let (c, k) = (self.coop().0, self.conflict().0);
        Fraction {
            num: c - k,
            den: c + k,
            bound: None,
        }
    }

    /// ln((coop + 0.5) / (conflict + 0.5)), in points: a smoothed log ratio that stays
    /// defined for sections with no hit on one side.
    pub fn logit_tone(&self) -> f64 {
        ((self.coop().as_f64() + 0.5) / (self.conflict().as_f64() + 0.5)).ln()
    }

    /// Intensity-weighted mean of the hits' signed Goldstein-like intensity, in [−10, 10];
    /// 0 without hits.
    pub fn goldstein(&self) -> f64 {
        self.goldstein_fraction().value()
    }

    /// [`ToneCounts::goldstein`] as a fraction of sums, exact until printed.
    pub fn goldstein_fraction(&self) -> Fraction {
        Fraction {
            num: self.coop().0 - self.conflict().0,
            den: self.hit_factor.0,
            bound: Some(10),
        }
    }

    /// The label of a sentence with these sums.
    pub fn label(&self) -> Label {
        let t = self.tone();
        if self.coop().0 == 0 && self.conflict().0 == 0 {
            Label::Neutral
        } else if t >= 1.0 / 3.0 {
            Label::Cooperative
        } else if t <= -1.0 / 3.0 {
            Label::Conflictual
        } else {
            Label::Mixed
        }
    }
}

impl AddAssign for ToneCounts {
    fn add_assign(&mut self, o: ToneCounts) {
        self.verbal_coop += o.verbal_coop;
        self.material_coop += o.material_coop;
        self.verbal_conflict += o.verbal_conflict;
        self.material_conflict += o.material_conflict;
        self.hit_factor += o.hit_factor;
        self.hits += o.hits;
    }
}

/// Sizes and sentence-label counts for a section, document, group or corpus.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counts {
    /// Sentences.
    pub sentences: u64,
    /// Word and number tokens.
    pub tokens: u64,
    /// Tokens that are not stop words.
    pub content_tokens: u64,
    /// Sentences labelled cooperative.
    pub cooperative_sentences: u64,
    /// Sentences labelled conflictual.
    pub conflictual_sentences: u64,
    /// Sentences labelled mixed.
    pub mixed_sentences: u64,
    /// Sentences labelled neutral.
    pub neutral_sentences: u64,
    /// Tone sums.
    pub tone: ToneCounts,
    /// Sentence-level second moments of the tone weights, for the confidence interval.
    pub moments: Moments,
}

/// Sums of squares and products of sentences' coop (c) and conflict (k) weights, in
/// milli-points squared: Σc², Σk², Σck. With the sums of c and k they give the sampling
/// variance of tone treated as a ratio estimator over sentences.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Moments {
    /// Σ c².
    pub cc: i128,
    /// Σ k².
    pub kk: i128,
    /// Σ c·k.
    pub ck: i128,
}

impl AddAssign for Moments {
    fn add_assign(&mut self, o: Moments) {
        self.cc += o.cc;
        self.kk += o.kk;
        self.ck += o.ck;
    }
}

/// z for a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;

impl Counts {
    /// A 95% confidence interval for tone, treating sentences as the sampled units: the
    /// delta-method (linearisation) variance of the ratio Σd / Σs with d = c − k and
    /// s = c + k, `n/(n−1) · Σ(dᵢ − R·sᵢ)² / (Σs)²`. `None` with fewer than two sentences
    /// or no hit.
    pub fn tone_interval(&self) -> Option<(f64, f64)> {
        let n = self.sentences as f64;
        let (c, k) = (self.tone.coop().0 as f64, self.tone.conflict().0 as f64);
        let s = c + k;
        if self.sentences < 2 || s == 0.0 {
            return None;
        }
        let r = (c - k) / s;
        let m = &self.moments;
        let (cc, kk, ck) = (m.cc as f64, m.kk as f64, m.ck as f64);
        let dd = cc - 2.0 * ck + kk;
        let ss = cc + 2.0 * ck + kk;
        let ds = cc - kk;
        let residual = (dd - 2.0 * r * ds + r * r * ss).max(0.0);
        let se = (n / (n - 1.0) * residual).sqrt() / s;
        Some(((r - Z95 * se).max(-1.0), (r + Z95 * se).min(1.0)))
    }

    /// The counts of one sentence.
    pub fn sentence(tokens: u64, content_tokens: u64, tone: ToneCounts) -> Counts {
        let (coop, conflict) = (tone.coop().0 as i128, tone.conflict().0 as i128);
        let mut c = Counts {
            sentences: 1,
            tokens,
            content_tokens,
            tone,
            moments: Moments {
                cc: coop * coop,
                kk: conflict * conflict,
                ck: coop * conflict,
            },
            ..Counts::default()
        };
        match tone.label() {
            Label::Cooperative => c.cooperative_sentences = 1,
            Label::Conflictual => c.conflictual_sentences = 1,
            Label::Mixed => c.mixed_sentences = 1,
            Label::Neutral => c.neutral_sentences = 1,
        }
        c
    }

    /// Weight per 1,000 tokens.
    pub fn per_1k(&self, weight: Milli) -> f64 {
        if self.tokens == 0 {
            0.0
        } else {
            weight.as_f64() * 1000.0 / self.tokens as f64
        }
    }
}

impl AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.sentences += o.sentences;
        self.tokens += o.tokens;
        self.content_tokens += o.content_tokens;
        self.cooperative_sentences += o.cooperative_sentences;
        self.conflictual_sentences += o.conflictual_sentences;
        self.mixed_sentences += o.mixed_sentences;
        self.neutral_sentences += o.neutral_sentences;
        self.tone += o.tone;
        self.moments += o.moments;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn fractions_print_as_float_formatting_does(
            k in -2_000_000i64..2_000_000,
            divisor in proptest::sample::select(vec![1.0, 4.0, 8.0, 10.0, 100.0, 1000.0, 3.0]),
            decimals in 0u32..5,
        ) {
            let x = k as f64 / divisor;
            let mut fast = String::new();
            if push_fixed_rounded(&mut fast, x, decimals) {
                proptest::prop_assert_eq!(fast, format!("{x:.prec$}", prec = decimals as usize));
            }
            let mut any = String::from("x");
            push_fixed(&mut any, x, decimals);
            proptest::prop_assert_eq!(any, format!("x{x:.prec$}", prec = decimals as usize));
        }
    }

    #[test]
    fn zero_prints_unsigned_with_its_decimals() {
        for (decimals, expected) in [(0, "0"), (1, "0.0"), (3, "0.000"), (6, "0.000000")] {
            let mut out = String::from("x");
            push_scaled(&mut out, 0, decimals);
            assert_eq!(out, format!("x{expected}"));
        }
    }

    proptest::proptest! {
        #[test]
        fn scaled_integers_print_as_their_decimal_expansion(
            scaled in proptest::prop_oneof![-1000i64..1000, proptest::num::i64::ANY],
            decimals in 0..=MAX_SCALED_DECIMALS,
        ) {
            let scale = 10u64.pow(decimals);
            let k = scaled.unsigned_abs();
            let sign = if scaled < 0 { "-" } else { "" };
            let expected = match decimals {
                0 => format!("{sign}{k}"),
                d => format!("{sign}{}.{:0d$}", k / scale, k % scale, d = d as usize),
            };
            let mut out = String::from("x");
            push_scaled(&mut out, scaled, decimals);
            proptest::prop_assert_eq!(out, format!("x{expected}"));
        }
    }

    proptest::proptest! {
        #[test]
        fn rounded_fixed_matches_float_formatting(
            (x, decimals) in proptest::prop_oneof![
                (-1e6f64..1e6, 0..=MAX_SCALED_DECIMALS),
                (-1.0f64..1.0, 0..=MAX_SCALED_DECIMALS),
                // At and near a halfway point of the precision printed.
                proptest::strategy::Strategy::prop_map(
                    (-100_000i64..100_000, 0..=MAX_SCALED_DECIMALS, -4i64..5),
                    |(k, d, nudge)| {
                        let half = (k as f64 + 0.5) / 10f64.powi(d as i32);
                        (half + nudge as f64 * half.abs() * f64::EPSILON, d)
                    }
                ),
                (proptest::num::f64::ANY, 0..=MAX_SCALED_DECIMALS),
            ],
        ) {
            let mut out = String::from("x");
            if push_fixed_rounded(&mut out, x, decimals) {
                let expected = format!("x{x:.prec$}", prec = decimals as usize);
                proptest::prop_assert_eq!(out, expected);
            }
            let mut any = String::new();
            push_fixed(&mut any, x, decimals);
            proptest::prop_assert_eq!(any, format!("{x:.prec$}", prec = decimals as usize));
        }
    }

    #[test]
    fn rounded_fixed_declines_halfway_and_negative_zero() {
        let mut out = String::new();
        for (x, decimals) in [
            (0.125, 2),
            (0.15, 1),
            (2.675, 2),
            (1e300, 1),
            (2.5, 0),
            (-0.001, 2),
            (-0.0, 1),
            (f64::NAN, 2),
        ] {
            assert!(!push_fixed_rounded(&mut out, x, decimals), "{x}");
        }
        assert!(out.is_empty());
        for (x, decimals, text) in [
            (0.3333, 1, "0.3"),
            (2.671, 2, "2.67"),
            (-1.006, 2, "-1.01"),
            (0.75, 2, "0.75"),
            (3.0, 1, "3.0"),
            (-0.5, 3, "-0.500"),
            (0.0, 1, "0.0"),
        ] {
            let mut out = String::new();
            assert!(push_fixed_rounded(&mut out, x, decimals), "{x}");
            assert_eq!(out, text);
            assert_eq!(out, format!("{x:.prec$}", prec = decimals as usize));
        }
    }

    fn tone(coop: i64, conflict: i64) -> ToneCounts {
        ToneCounts {
            verbal_coop: Milli(coop),
            verbal_conflict: Milli(conflict),
            hit_factor: Milli(2000),
            hits: 2,
            ..ToneCounts::default()
        }
    }

    #[test]
    fn tone_and_labels() {
        assert_eq!(tone(0, 0).tone(), 0.0);
        assert_eq!(tone(0, 0).label(), Label::Neutral);
        assert_eq!(tone(3000, 0).tone(), 1.0);
        assert_eq!(tone(3000, 2000).label(), Label::Mixed);
        assert_eq!(tone(3000, 1000).label(), Label::Cooperative);
        assert_eq!(tone(5000, 1000).label(), Label::Cooperative);
        assert_eq!(tone(1000, 5000).label(), Label::Conflictual);
        assert!((tone(4000, 0).logit_tone() - (4.5f64 / 0.5).ln()).abs() < 1e-12);
        assert_eq!(tone(4000, 0).goldstein(), 2.0);
    }

    #[test]
    fn interval_brackets_tone_and_narrows_with_more_sentences() {
        let mut few = Counts::default();
        for (c, k) in [(3000, 0), (0, 2000), (1000, 1000)] {
            few += Counts::sentence(10, 5, tone(c, k));
        }
        let (lo, hi) = few.tone_interval().unwrap();
        let t = few.tone.tone();
        assert!(lo < t && t < hi && lo >= -1.0 && hi <= 1.0, "{lo} {t} {hi}");
        let mut many = Counts::default();
        for _ in 0..50 {
            for (c, k) in [(3000, 0), (0, 2000), (1000, 1000)] {
                many += Counts::sentence(10, 5, tone(c, k));
            }
        }
        let (lo2, hi2) = many.tone_interval().unwrap();
        assert!((many.tone.tone() - t).abs() < 1e-12);
        assert!(hi2 - lo2 < (hi - lo) / 5.0, "{lo2} {hi2}");
        assert_eq!(
            Counts::sentence(1, 1, tone(1000, 0)).tone_interval(),
            None,
            "one sentence"
        );
        // All sentences with the same tone: no sampling spread.
        let mut same = Counts::default();
        same += Counts::sentence(1, 1, tone(2000, 0));
        same += Counts::sentence(1, 1, tone(1000, 0));
        assert_eq!(same.tone_interval(), Some((1.0, 1.0)));
    }

    #[test]
    fn sums_merge_in_any_order() {
        let a = Counts::sentence(10, 5, tone(1500, 0));
        let b = Counts::sentence(7, 3, tone(0, 2500));
        let c = Counts::sentence(4, 4, tone(0, 0));
        let mut left = a;
        left += b;
        left += c;
        let mut right = c;
        right += b;
        right += a;
        assert_eq!(left, right);
        assert_eq!(left.sentences, 3);
        assert_eq!(left.neutral_sentences, 1);
    }
}
