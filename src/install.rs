//! Where the program's own data folders (`models/`, `exercises/`) are.

use std::path::{Path, PathBuf};

/// The folder `name`: the environment variable `env` if set, else `name`
/// beside the executable when `looks_installed` accepts it (an installed
/// copy), else the checkout's own `name`.
pub fn data_dir(env: &str, name: &str, looks_installed: impl Fn(&Path) -> bool) -> PathBuf {
    if let Some(dir) = std::env::var_os(env) {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join(name)))
        .filter(|d| looks_installed(d))
    {
        return dir;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}
