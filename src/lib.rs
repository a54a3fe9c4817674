//! posecoach: an offline webcam coach for back-pain relief exercises.
//!
//! Frames come from a [`source`], the [`pose`] stage turns each into 33 body
//! landmarks with MediaPipe's BlazePose models on ONNX Runtime
//! ([`runtime`]), the [`exercise`] engine and the [`session`] turn poses
//! into counts, holds and cues, and the [`runner`] runs a session frame by
//! frame with its [`recording`]. The command line is the binary's
//! (`src/main.rs`, `src/app/`). ARCHITECTURE.md has the map and the
//! invariants.

pub mod audio;
pub mod exercise;
pub mod files;
pub mod geometry;
pub mod history;
pub mod install;
pub mod overlay;
pub mod pose;
pub mod quote;
pub mod recording;
pub mod report;
pub mod runner;
pub mod runtime;
pub mod session;
pub mod source;
