//! Loading an ONNX model file and running it, with its input and output
//! shapes checked against what the pipeline needs.

use std::path::{Path, PathBuf};

use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;
use ort::value::TensorRef;

use crate::runtime::{self, RuntimeError};

/// Why a model could not be loaded or run.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("model file {path} not found{hint}")]
    Missing { path: PathBuf, hint: String },
    #[error("model file {path} could not be read: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error("model file {path} is not a valid ONNX model (truncated or corrupt?): {reason}")]
    Invalid { path: PathBuf, reason: String },
    #[error("model file {path} is the wrong model: {what} has shape {found}, expected {expected}")]
    WrongShape {
        path: PathBuf,
        what: String,
        found: String,
        expected: String,
    },
    #[error("model file {path}: inference failed: {reason}")]
    Inference { path: PathBuf, reason: String },
    /// The model computed NaN or infinity: this frame has no pose.
    #[error("model file {path}: output {output} is not a finite number")]
    NotFinite { path: PathBuf, output: String },
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
}

/// A named tensor and the shape the pipeline needs it to have.
#[derive(Debug, Clone, Copy)]
pub struct TensorSpec {
    pub name: &'static str,
    pub shape: &'static [i64],
}

/// A loaded model with a single float input.
#[derive(Debug)]
pub struct OnnxModel {
    session: Session,
    path: PathBuf,
    input: TensorSpec,
    outputs: Vec<TensorSpec>,
}

fn shape_text(shape: &[i64]) -> String {
    format!(
        "[{}]",
        shape
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join(",")
    )
}

impl OnnxModel {
    /// Loads `path` and checks it has `input` and every one of `outputs`
    /// with the expected shapes. `intra_threads` is ONNX Runtime's
    /// intra-op thread count.
    pub fn load(
        path: &Path,
        input: TensorSpec,
        outputs: &[TensorSpec],
        intra_threads: usize,
    ) -> Result<OnnxModel, ModelError> {
        let env = runtime::environment()?;
        if !path.is_file() {
            return Err(ModelError::Missing {
                path: path.to_path_buf(),
                hint: String::new(),
            });
        }
        // Opened here only to name the file in the error: ONNX Runtime reads
        // it itself (reading it into memory first cost a model-sized copy).
        std::fs::File::open(path).map_err(|e| ModelError::Unreadable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let invalid = |reason: String| ModelError::Invalid {
            path: path.to_path_buf(),
            reason,
        };
        // Without the memory pattern ONNX Runtime plans no buffers ahead from
        // the first run: 9 MB less resident with the full model, and no
        // slower (`posecoach bench`, 2026-12-02).
        let session = Session::builder(env)
            .and_then(|b| Ok(b.with_optimization_level(GraphOptimizationLevel::Level3)?))
            .and_then(|b| Ok(b.with_memory_pattern(false)?))
            .and_then(|b| Ok(b.with_intra_threads(intra_threads)?))
            .and_then(|b| Ok(b.with_inter_threads(1)?))
            .and_then(|mut b| b.commit_from_file(path))
            .map_err(|e| invalid(first_line(&e.to_string())))?;

        let check = |kind: &str, outlets: &[ort::value::Outlet], spec: &TensorSpec| {
            let outlet = outlets
                .iter()
                .find(|o| o.name() == spec.name)
                .ok_or_else(|| ModelError::WrongShape {
                    path: path.to_path_buf(),
                    what: format!("{kind} {}", spec.name),
                    found: "nothing (no such tensor)".into(),
                    expected: shape_text(spec.shape),
                })?;
            let found: Vec<i64> = outlet
                .dtype()
                .tensor_shape()
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default();
            if found != spec.shape {
                return Err(ModelError::WrongShape {
                    path: path.to_path_buf(),
                    what: format!("{kind} {}", spec.name),
                    found: shape_text(&found),
                    expected: shape_text(spec.shape),
                });
            }
            Ok(())
        };
        check("input", session.inputs(), &input)?;
        for spec in outputs {
            check("output", session.outputs(), spec)?;
        }
        // ONNX Runtime computes every output, read or not: an extra one
        // (the landmark models' segmentation mask) costs time on every frame.
        let unread: Vec<&str> = session
            .outputs()
            .iter()
            .map(|o| o.name())
            .filter(|name| outputs.iter().all(|spec| spec.name != *name))
            .collect();
        if !unread.is_empty() {
            tracing::warn!(
                "{}: computes outputs posecoach never reads ({}); models/convert.sh makes a faster model without them",
                path.display(),
                unread.join(", ")
            );
        }
        tracing::debug!(path = %path.display(), intra_threads, "model loaded");
        Ok(OnnxModel {
            session,
            path: path.to_path_buf(),
            input,
            outputs: outputs.to_vec(),
        })
    }

    /// The file the model came from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs the model on `input` (laid out as the input spec's shape) and
    /// copies the named outputs, in the order given, into `outputs`.
    pub fn run(
        &mut self,
        input: &[f32],
        outputs: &mut [(&str, &mut Vec<f32>)],
    ) -> Result<(), ModelError> {
        let shape: Vec<usize> = self.input.shape.iter().map(|&d| d as usize).collect();
        let fail = |e: ort::Error| ModelError::Inference {
            path: self.path.clone(),
            reason: e.to_string(),
        };
        let tensor = TensorRef::from_array_view((shape, input)).map_err(fail)?;
        let results = self
            .session
            .run(ort::inputs![self.input.name => tensor])
            .map_err(|e| ModelError::Inference {
                path: self.path.clone(),
                reason: e.to_string(),
            })?;
        for (name, out) in outputs.iter_mut() {
            let (_, data) =
                results[*name]
                    .try_extract_tensor::<f32>()
                    .map_err(|e| ModelError::Inference {
                        path: self.path.clone(),
                        reason: e.to_string(),
                    })?;
            // A model whose dimensions are left open passes the load-time
            // check; what it gives must still be the size the pipeline reads,
            // and finite (a non-finite output is no pose, never a recording).
            let expected = self
                .outputs
                .iter()
                .find(|spec| spec.name == *name)
                .map(|spec| spec.shape.iter().product::<i64>());
            if let Some(expected) = expected.filter(|&n| n != data.len() as i64) {
                return Err(ModelError::Inference {
                    path: self.path.clone(),
                    reason: format!(
                        "output {name} has {} values, expected {expected}",
                        data.len()
                    ),
                });
            }
            if data.iter().any(|v| !v.is_finite()) {
                return Err(ModelError::NotFinite {
                    path: self.path.clone(),
                    output: (*name).to_string(),
                });
            }
            out.clear();
            out.extend_from_slice(data);
        }
        Ok(())
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_string()
}
