//! Finding and loading the ONNX Runtime shared library, once per process.
//!
//! `ort` is built with `load-dynamic`: nothing links against ONNX Runtime at
//! build time. The library comes from the PyPI wheel that `scripts/setup.sh`
//! unpacks into `.ort/lib/`. We look for it, in order, at `ORT_DYLIB_PATH`,
//! beside the executable, in an installed copy's `lib/posecoach/`,
//! and (for a binary in it) in the checkout the binary was built from.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The environment variable that overrides where the library is looked for.
pub const ORT_DYLIB_ENV: &str = "ORT_DYLIB_PATH";
/// The library's file name on Linux.
pub const ORT_LIB_NAME: &str = "libonnxruntime.so";
/// Where `scripts/setup.sh` puts it, relative to the checkout.
const SETUP_LIB_DIR: &str = ".ort/lib";
/// The command that installs it.
pub const SETUP_COMMAND: &str = "make setup";
/// ONNX Runtime's official Linux builds (1.29 on) start a telemetry
/// uploader that resolves and contacts Microsoft's collector, and write a
/// device id to disk, unless one of these is set before the library is
/// loaded (the second is the older spelling). posecoach never uses the
/// network: the binary sets them on itself (`main`), and `cargo test`
/// sets them from `.cargo/config.toml`.
pub const TELEMETRY_OFF: [(&str, &str); 2] = [
    ("ORT_TELEMETRY_DISABLED", "1"),
    ("ORT_DISABLE_TELEMETRY", "1"),
];

/// Whether this process has ONNX Runtime's telemetry switched off.
pub fn telemetry_off() -> bool {
    TELEMETRY_OFF
        .iter()
        .all(|(name, value)| std::env::var_os(name).is_some_and(|v| v == *value))
}

/// Why ONNX Runtime could not be made ready.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error(
        "ONNX Runtime library not found (looked at {searched}); run `{SETUP_COMMAND}` in the posecoach checkout, or set {ORT_DYLIB_ENV}"
    )]
    NotFound { searched: String },
    #[error("ONNX Runtime library {path} could not be loaded: {reason}")]
    Load { path: PathBuf, reason: String },
}

/// The places searched for the library, most specific first.
pub fn candidate_paths() -> Vec<PathBuf> {
    let mut paths = Vec::new();
    if let Some(path) = std::env::var_os(ORT_DYLIB_ENV) {
        paths.push(PathBuf::from(path));
        // An explicit override is the only place looked at.
        return paths;
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    {
        paths.push(dir.join(ORT_LIB_NAME));
    }
    if let Some(lib) = crate::install::lib_dir() {
        paths.push(lib.join(ORT_LIB_NAME));
    }
    // Only a binary in the checkout looks in it.
    if let Some(checkout) = crate::install::checkout() {
        paths.push(checkout.join(SETUP_LIB_DIR).join(ORT_LIB_NAME));
    }
    paths
}

/// The first candidate that exists.
pub fn find_library() -> Result<PathBuf, RuntimeError> {
    let candidates = candidate_paths();
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or_else(|| RuntimeError::NotFound {
            searched: candidates
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

static ENVIRONMENT: OnceLock<Result<ort::environment::Environment, String>> = OnceLock::new();
static LOADED_FROM: OnceLock<PathBuf> = OnceLock::new();

/// The process-wide ONNX Runtime environment, loading the library on first use.
pub fn environment() -> Result<&'static ort::environment::Environment, RuntimeError> {
    let path = find_library()?;
    let env = ENVIRONMENT.get_or_init(|| {
        tracing::debug!(path = %path.display(), "loading ONNX Runtime");
        let _ = LOADED_FROM.set(path.clone());
        ort::init_from(&path)
            .map_err(|e| e.to_string())
            .and_then(|builder| {
                if !telemetry_off() {
                    tracing::warn!(
                        "ONNX Runtime is loaded without {}=1: its telemetry may try the network",
                        TELEMETRY_OFF[0].0
                    );
                }
                builder
                    .with_name("posecoach")
                    .with_telemetry(false)
                    .build()
                    .map_err(|e| e.to_string())
            })
    });
    env.as_ref().map_err(|reason| RuntimeError::Load {
        path: LOADED_FROM.get().cloned().unwrap_or(path),
        reason: reason.clone(),
    })
}
