//! posecoach: an offline webcam coach for back-pain relief exercises.
//!
//! Frames come from a [`source`], the [`pose`] stage turns each into 33 body
//! landmarks with MediaPipe's BlazePose models on ONNX Runtime
//! ([`runtime`]), and the [`app`] layer runs the command-line jobs.
//! ARCHITECTURE.md has the map and the invariants.

pub mod app;
pub mod audio;
pub mod exercise;
pub mod geometry;
pub mod history;
pub mod install;
pub mod overlay;
pub mod pose;
pub mod recording;
pub mod report;
pub mod runtime;
pub mod session;
pub mod source;
