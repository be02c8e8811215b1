//! detente: cooperative vs. conflictual tone in a corpus of documents.
//!
//! The pipeline reads top to bottom, one module per stage:
//! [`corpus`] (find and decode files) → [`segment`] (sections, paragraphs, sentences) →
//! [`tokenize`] (tokens, normal forms, stop words, stems) → [`tone`] / [`entities`] /
//! [`phrases`] → [`metrics`] (sums from sentence to corpus) → [`output`] (CSV and manifest).
//! [`pipeline`] chains the stages for one document and [`run`] drives a whole corpus.
//!
//! Stages pass plain data (spans into the document text), never globals.

mod chars;
pub mod corpus;
pub mod datafile;
pub mod dates;
pub mod entities;
pub mod error;
pub mod groups;
mod index;
pub mod matcher;
pub mod metrics;
mod ordered;
pub mod output;
pub mod partial;
pub mod phrases;
pub mod pipeline;
pub mod report;
pub mod run;
pub mod segment;
pub mod span;
pub mod tokenize;
pub mod tone;
pub mod validate;
pub mod wordlist;
mod wrap;

pub use error::{Error, Warning};
pub use span::Span;
