//! Exercises as data, and the engine that checks, times and counts them.
//!
//! `file` reads the TOML format into the validated types of `model`;
//! `engine` runs one exercise over a stream of poses; `catalog` finds the
//! installed exercises and routines.

pub mod body;
pub mod catalog;
pub mod demo;
pub mod describe;
pub mod engine;
pub mod file;
pub mod model;

pub use engine::{Engine, Event, Feedback, PoseFrame};
pub use file::{FileError, Problem};
pub use model::{Exercise, Routine, Side};
