//! The team's shared material next to the checkout (`../shared`): real
//! footage, keypoint recordings and photos that the project may not
//! redistribute. Tests that read it are `#[ignore]`d, so `make test` stays
//! self-contained; `make test-real` (and CI) runs them and fails when the
//! folder is missing.

use std::path::{Path, PathBuf};

/// `../shared/REL`, which must exist.
pub fn shared(rel: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("shared")
        .join(rel);
    assert!(
        path.exists(),
        "{} is missing: the real-data tests read the team's shared folder next to the checkout",
        path.display()
    );
    path
}
