//! The installed exercises and routines: `exercises/*.toml` and
//! `exercises/routines/*.toml`, then the same in a user folder, whose files
//! replace installed ones with the same id.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::file::{FileError, Problem, load_exercise, load_routine};
use super::model::{Exercise, Routine};

/// The environment variable that overrides where exercises are installed.
pub const EXERCISES_DIR_ENV: &str = "POSECOACH_EXERCISES";
/// Routines live in this sub-folder.
const ROUTINES_SUBDIR: &str = "routines";

/// `POSECOACH_EXERCISES`, else `exercises/` beside the executable, else the
/// checkout's `exercises/`.
pub fn default_exercises_dir() -> PathBuf {
    crate::install::data_dir(EXERCISES_DIR_ENV, "exercises", Path::is_dir)
}

/// Everything found, and every file that could not be loaded.
#[derive(Debug, Default)]
pub struct Catalog {
    pub exercises: Vec<Exercise>,
    pub routines: Vec<Routine>,
    pub problems: Vec<FileError>,
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

impl Catalog {
    /// Loads every folder in order; a later folder's exercise or routine
    /// replaces an earlier one with the same id. `overrides` set exercise
    /// parameters (see the exercise file format).
    pub fn load(dirs: &[PathBuf], overrides: &BTreeMap<String, f64>) -> Catalog {
        let mut exercises: BTreeMap<String, Exercise> = BTreeMap::new();
        let mut routines: BTreeMap<String, Routine> = BTreeMap::new();
        let mut problems = Vec::new();
        for dir in dirs {
            if !dir.is_dir() {
                problems.push(FileError {
                    path: dir.clone(),
                    problems: vec![Problem::new("folder", "not found")],
                });
                continue;
            }
            for path in toml_files(dir) {
                match load_exercise(&path, overrides) {
                    Ok(e) => {
                        exercises.insert(e.id.clone(), e);
                    }
                    Err(e) => problems.push(e),
                }
            }
            for path in toml_files(&dir.join(ROUTINES_SUBDIR)) {
                match load_routine(&path) {
                    Ok(r) => {
                        routines.insert(r.id.clone(), r);
                    }
                    Err(e) => problems.push(e),
                }
            }
        }
        let mut catalog = Catalog {
            exercises: exercises.into_values().collect(),
            routines: Vec::new(),
            problems,
        };
        for routine in routines.into_values() {
            let missing = catalog.missing_exercises(&routine);
            if missing.is_empty() {
                catalog.routines.push(routine);
            } else {
                catalog.problems.push(FileError {
                    path: PathBuf::from(format!("routine {}", routine.id)),
                    problems: missing,
                });
            }
        }
        catalog
    }

    /// Each exercise `routine` lists that is not here, with its place.
    pub fn missing_exercises(&self, routine: &Routine) -> Vec<Problem> {
        routine
            .exercises
            .iter()
            .enumerate()
            .filter(|(_, id)| self.exercise(id).is_none())
            .map(|(i, id)| {
                Problem::new(
                    format!("exercises[{i}]"),
                    format!("no exercise with id '{id}'"),
                )
            })
            .collect()
    }

    pub fn exercise(&self, id: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.id == id)
    }

    pub fn routine(&self, id: &str) -> Option<&Routine> {
        self.routines.iter().find(|r| r.id == id)
    }
}
