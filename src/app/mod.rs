//! The application layer: one function per command-line job. Only this
//! layer prints, reads the clock for pacing and measuring, and starts
//! threads; it turns library errors into messages with `anyhow`.

pub mod bench;
pub mod cameras;
pub mod data;
pub mod exercises;
pub mod history;
pub mod pose;
pub mod progress_bar;
pub mod replay;
pub mod report;
pub mod run;
pub mod side_by_side;
