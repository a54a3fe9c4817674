//! `posecoach exercises`: list the installed exercises and routines, or
//! check exercise files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use posecoach::exercise::catalog::{Catalog, default_exercises_dir};
use posecoach::exercise::demo;
use posecoach::exercise::file::{load_exercise, load_routine};
use posecoach::exercise::model::{Counting, Exercise, Routine, SideMode};

/// The folders exercises load from: the installed set, then the user's.
pub fn exercise_dirs(user_dir: Option<&PathBuf>) -> Vec<PathBuf> {
    let mut dirs = vec![default_exercises_dir()];
    dirs.extend(user_dir.cloned());
    dirs
}

#[derive(Debug, Serialize)]
struct ExerciseSummary<'a> {
    id: &'a str,
    name: &'a str,
    view: posecoach::exercise::model::View,
    posture: posecoach::exercise::model::Posture,
    sides: String,
    reps_per_set: u32,
    sets: u32,
    hold_s: Option<f64>,
    /// How often the guide advises it.
    frequency: Option<posecoach::exercise::model::Frequency>,
    file: String,
}

fn sides_text(e: &Exercise) -> String {
    match e.sides {
        SideMode::None => "-".into(),
        SideMode::Each => "each side".into(),
        SideMode::Alternating => "alternating".into(),
        SideMode::Only(side) => side.name().into(),
    }
}

fn reps_text(e: &Exercise) -> String {
    let count = match &e.reps.counting {
        Counting::Circles {
            per_direction,
            directions,
            ..
        } => format!(
            "{per_direction} {}",
            directions
                .iter()
                .map(|d| d.name())
                .collect::<Vec<_>>()
                .join(" + ")
        ),
        Counting::Sequence(_) => e.reps.per_set.to_string(),
        Counting::Holds => format!("{} held", e.reps.per_set),
    };
    let hold = e
        .hold
        .as_ref()
        .map(|h| format!(", hold {:.0} s", h.target_s))
        .unwrap_or_default();
    format!("{} x {count}{hold}", e.reps.sets)
}

/// Lists everything; returns false when some file had problems.
pub fn list(user_dir: Option<&PathBuf>, json: bool) -> anyhow::Result<bool> {
    let catalog = Catalog::load(&exercise_dirs(user_dir), &BTreeMap::new());
    for problem in &catalog.problems {
        for line in problem.lines() {
            eprintln!("error: {line}");
        }
    }
    if json {
        let exercises: Vec<ExerciseSummary> = catalog
            .exercises
            .iter()
            .map(|e| ExerciseSummary {
                id: &e.id,
                name: &e.name,
                view: e.view,
                posture: e.posture,
                sides: sides_text(e),
                reps_per_set: e.reps.per_set,
                sets: e.reps.sets,
                hold_s: e.hold.as_ref().map(|h| h.target_s),
                frequency: e.progress.as_ref().map(|p| p.frequency),
                file: e.source.display().to_string(),
            })
            .collect();
        let out = serde_json::json!({ "exercises": exercises, "routines": catalog.routines });
        println!("{out}");
    } else {
        println!("Exercises");
        println!(
            "  {:<20} {:<34} {:<6} {:<9} {:<12} {:<28} how often",
            "id", "name", "view", "posture", "sides", "sets x reps"
        );
        for e in &catalog.exercises {
            println!(
                "  {:<20} {:<34} {:<6} {:<9} {:<12} {:<28} {}",
                e.id,
                e.name,
                format!("{:?}", e.view).to_lowercase(),
                format!("{:?}", e.posture).to_lowercase(),
                sides_text(e),
                reps_text(e),
                e.progress
                    .as_ref()
                    .map_or("-".to_string(), |p| p.frequency.describe())
            );
        }
        println!("\nRoutines");
        for r in &catalog.routines {
            println!("  {:<20} {:<34} {}", r.id, r.name, r.exercises.join(", "));
        }
    }
    Ok(catalog.problems.is_empty())
}

/// Validates files, and coaches each exercise's demonstration through the
/// engine; returns false when any has a problem.
pub fn check(files: &[PathBuf]) -> bool {
    let mut all_ok = true;
    for path in files {
        let is_routine = path.parent().is_some_and(|p| p.ends_with("routines"));
        let result = if is_routine {
            load_routine(path).map(|r| {
                let (said, problems) = routine_lines(path, &r);
                (format!("routine {}", r.id), said, problems)
            })
        } else {
            load_exercise(path, &BTreeMap::new()).map(|e| {
                let (mut shown, problems) = demo_lines(&e);
                let mut problems: Vec<String> =
                    problems.iter().map(|p| format!("demo: {p}")).collect();
                let (at_ends, end_problems) = range_end_lines(path, &e);
                shown.extend(at_ends);
                problems.extend(end_problems);
                let mut said = posecoach::exercise::describe::describe(&e);
                said.extend(shown);
                (format!("exercise {}", e.id), said, problems)
            })
        };
        match result {
            Ok((what, said, problems)) if problems.is_empty() => {
                println!("{}: ok ({what})", path.display());
                for line in said {
                    println!("  {line}");
                }
            }
            Ok((_, said, problems)) => {
                all_ok = false;
                for line in said {
                    println!("  {line}");
                }
                for problem in problems {
                    eprintln!("error: {}: {problem}", path.display());
                }
            }
            Err(e) => {
                all_ok = false;
                for line in e.lines() {
                    eprintln!("error: {line}");
                }
            }
        }
    }
    all_ok
}

/// A routine's exercises (from the folder its `routines/` folder is in,
/// and the shipped ones), its demonstration coached end to end, and what is
/// wrong: an exercise it names that is not there, one it would never get
/// past.
fn routine_lines(path: &Path, routine: &Routine) -> (Vec<String>, Vec<String>) {
    let mut dirs = exercise_dirs(None);
    dirs.extend(path.parent().and_then(Path::parent).map(Path::to_path_buf));
    let catalog = Catalog::load(&dirs, &BTreeMap::new());
    let missing = catalog.missing_exercises(routine);
    if !missing.is_empty() {
        let problems = missing
            .iter()
            .map(|p| format!("{}: {}", p.place, p.reason))
            .collect();
        return (Vec::new(), problems);
    }
    let exercises: Vec<Exercise> = routine
        .exercises
        .iter()
        .filter_map(|id| catalog.exercise(id).cloned())
        .collect();
    let problems = posecoach::session::check_demonstration(&exercises, routine.get_ready_s);
    let said = if problems.is_empty() {
        vec![format!(
            "Demonstration, coached as one session: all {} exercises completed in turn.",
            exercises.len()
        )]
    } else {
        Vec::new()
    };
    (said, problems)
}

/// What coaching the exercise's demonstration gave, in words, and what is
/// wrong with it.
fn demo_lines(e: &Exercise) -> (Vec<String>, Vec<String>) {
    let Some(report) = demo::check(e) else {
        return (
            vec![
                "No demonstration ([demo]): nothing shows how it is done or proves it counts."
                    .into(),
            ],
            Vec::new(),
        );
    };
    let mut lines = vec![format!(
        "Demonstration ({:.0} s), coached: {}.",
        report.duration_s,
        counted_text(e, &report)
    )];
    for (span, said) in &report.mistakes {
        lines.push(match said {
            Some(cue) => format!(
                "  The mistake at {:.1}-{:.1} s drew \"{cue}\".",
                span.from_s, span.to_s
            ),
            None => format!(
                "  The mistake at {:.1}-{:.1} s drew no cue.",
                span.from_s, span.to_s
            ),
        });
    }
    (lines, report.problems)
}

/// The demonstration coached again at each end of each parameter range
/// the file gives: every value a person may choose must be coachable.
fn range_end_lines(path: &Path, e: &Exercise) -> (Vec<String>, Vec<String>) {
    let mut said = Vec::new();
    let mut problems = Vec::new();
    for (name, ends) in &e.param_ranges {
        for value in ends {
            let at = format!("{name} = {}", posecoach::quote::number(*value));
            let overrides = BTreeMap::from([(name.clone(), *value)]);
            match load_exercise(path, &overrides) {
                Err(err) => {
                    problems.extend(err.lines().into_iter().map(|l| format!("at {at}: {l}")));
                }
                // Coached as a session coaches it: it must be completed (a
                // mistake shown may not be one at every setting: going
                // past 180 degrees of inversion is not possible).
                Ok(moved) => {
                    let completed = posecoach::session::demonstration_completes(
                        std::slice::from_ref(&moved),
                        0.0,
                    );
                    if completed.is_some_and(|ids| !ids.contains(&moved.id)) {
                        problems.push(format!(
                            "demo at {at}: the demonstration does not complete the exercise"
                        ));
                    }
                }
            }
        }
        let [low, high] = ends;
        said.push(format!(
            "Demonstration coached again at {name} = {} and {}.",
            posecoach::quote::number(*low),
            posecoach::quote::number(*high)
        ));
    }
    (said, problems)
}

fn counted_text(e: &Exercise, r: &demo::DemoReport) -> String {
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let mut parts = Vec::new();
    if !matches!(e.reps.counting, Counting::Holds) {
        parts.push(plural(r.reps, "repetition"));
    }
    if e.hold.is_some() {
        let shortest = r.holds_s.iter().copied().fold(f64::INFINITY, f64::min);
        parts.push(if r.holds_s.is_empty() {
            plural(0, "hold")
        } else {
            format!(
                "{} (in form {shortest:.1} s or more)",
                plural(r.holds_s.len(), "hold")
            )
        });
    }
    parts.push(plural(r.sets as usize, "set"));
    format!("{}, where a set is {}", parts.join(", "), r.per_set)
}
