//! Structure-aware fuzzing (issue 26): the shipped exercise files, routines
//! and recorded sessions read into their trees (TOML, JSON lines), then
//! changed where a crafted file would change them: a number set to a bound
//! or far past it, a name swapped for another name of the same file or a
//! sum of parameters, a key removed, an entry repeated hundreds of times, a
//! value of the wrong kind. Whatever the reader accepts must then work:
//!
//! - an accepted exercise or routine is coached through its demonstration
//!   (as `run --source demo` does), recorded, and the recording replays to
//!   the same summary;
//! - an accepted session replays, is recorded again, and that recording
//!   replays to the same summary;
//! - every case ends within [`MAX_CASE`], says at most [`MAX_SAID_BYTES`],
//!   and the whole run stays under [`MAX_RESIDENT_MB`] resident.
//!
//! A fixed number of cases runs in the normal suite (under a minute);
//! `POSECOACH_FUZZ_CASES=N` runs N per kind (the longer run in the README).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use posecoach::exercise::body::{Body, FPS, MODEL_IMAGE_PX};
use posecoach::exercise::catalog::Catalog;
use posecoach::exercise::demo;
use posecoach::exercise::file::{exercise_from_str, routine_from_str};
use posecoach::exercise::model::Exercise;
use posecoach::recording::{FrameRecord, Reader};
use posecoach::runner::{Input, RecordTo, Seen, SessionRunner, replay_poses};
use posecoach::session::{Plan, summary_text};

/// Cases per kind in the normal suite.
const DEFAULT_CASES: u32 = 400;
/// The longest one case may take: reading, coaching, recording, replaying.
const MAX_CASE: Duration = Duration::from_secs(10);
/// The most one case may say (its errors and its summaries).
const MAX_SAID_BYTES: usize = 1 << 20;
/// The most memory the whole run may hold.
const MAX_RESIDENT_MB: u64 = 500;

fn cases() -> u32 {
    std::env::var("POSECOACH_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Numbers a crafted file uses: bounds, one past them, and far past.
const NUMBERS: &[f64] = &[
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    1e-9,
    3.0,
    10.0,
    11.0,
    50.0,
    51.0,
    90.0,
    180.0,
    181.0,
    200.0,
    201.0,
    540.0,
    541.0,
    600.0,
    601.0,
    1e6,
    1e9,
    1e18,
    1e300,
    -1e300,
    f64::MAX,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
];

/// Integers, for counts: sets, repeats, per_set, priorities.
const INTEGERS: &[i64] = &[
    0,
    1,
    -1,
    2,
    9,
    10,
    11,
    50,
    51,
    200,
    201,
    4_294_967_295,
    4_294_967_296,
    i64::MAX,
    i64::MIN,
];

/// Texts a crafted file uses besides the file's own names.
const TEXTS: &[&str] = &[
    "",
    " ",
    "{",
    "}",
    "{}",
    "{direction}",
    "{180 - knee_angle_deg}",
    "knee_angle_deg + 1e308 + 1e308",
    "target_angle_deg + 180",
    "hold_s + 1",
    "hold_s + hold_s + hold_s",
    "1.65e+2",
    "-1e300",
    "nan",
    "inf",
    "near.knee",
    "working.hip",
    "left_knee",
    "lower:ankle",
    "angle",
    "inclination",
    "direction",
    "circle",
    "lowest",
    "highest",
    "closest",
    "hold",
    "day",
    "week",
    "side",
    "front",
    "any",
    "standing",
    "prone",
    "supine",
    "inverted",
    "each side",
    "alternating",
    "not counted",
    "lower score",
    "é\u{1F600}",
];

/// One change to a tree, at the node numbered `at` in a walk of it.
#[derive(Debug, Clone)]
enum Change {
    Number(usize, usize),
    Integer(usize, usize),
    Text(usize, usize),
    /// A string the file itself holds somewhere (a phase, a measurement,
    /// a pose, a parameter name).
    OwnText(usize, usize),
    Remove(usize),
    Repeat(usize, usize),
    /// A new key of the same table holding another node's value.
    Graft(usize, usize),
    /// A long text: a message, a name, a sum.
    Long(usize, usize),
}

fn change() -> impl Strategy<Value = Change> {
    let at = any::<usize>();
    prop_oneof![
        3 => (at, 0..NUMBERS.len()).prop_map(|(a, i)| Change::Number(a, i)),
        2 => (at, 0..INTEGERS.len()).prop_map(|(a, i)| Change::Integer(a, i)),
        2 => (at, 0..TEXTS.len()).prop_map(|(a, i)| Change::Text(a, i)),
        3 => (at, any::<usize>()).prop_map(|(a, i)| Change::OwnText(a, i)),
        2 => at.prop_map(Change::Remove),
        2 => (at, 1usize..300).prop_map(|(a, n)| Change::Repeat(a, n)),
        1 => (at, any::<usize>()).prop_map(|(a, b)| Change::Graft(a, b)),
        1 => (at, 100usize..20_000).prop_map(|(a, n)| Change::Long(a, n)),
    ]
}

/// A file's tree, whichever its format: TOML and JSON lines are read into
/// it, changed, and written back.
#[derive(Debug, Clone)]
enum Node {
    Table(Vec<(String, Node)>),
    Array(Vec<Node>),
    Float(f64),
    Integer(i64),
    Text(String),
    Other(String),
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

impl Node {
    fn from_toml(v: &toml::Value) -> Node {
        match v {
            toml::Value::Table(t) => Node::Table(
                t.iter()
                    .map(|(k, v)| (k.clone(), Node::from_toml(v)))
                    .collect(),
            ),
            toml::Value::Array(a) => Node::Array(a.iter().map(Node::from_toml).collect()),
            toml::Value::Float(f) => Node::Float(*f),
            toml::Value::Integer(i) => Node::Integer(*i),
            toml::Value::String(s) => Node::Text(s.clone()),
            other => Node::Other(other.to_string()),
        }
    }

    fn to_toml(&self) -> toml::Value {
        match self {
            Node::Table(t) => {
                toml::Value::Table(t.iter().map(|(k, v)| (k.clone(), v.to_toml())).collect())
            }
            Node::Array(a) => toml::Value::Array(a.iter().map(Node::to_toml).collect()),
            Node::Float(f) => toml::Value::Float(*f),
            Node::Integer(i) => toml::Value::Integer(*i),
            Node::Text(s) => toml::Value::String(s.clone()),
            Node::Other(s) => s
                .parse::<bool>()
                .map_or_else(|_| toml::Value::String(s.clone()), toml::Value::Boolean),
        }
    }

    fn from_json(v: &serde_json::Value) -> Node {
        match v {
            serde_json::Value::Object(o) => Node::Table(
                o.iter()
                    .map(|(k, v)| (k.clone(), Node::from_json(v)))
                    .collect(),
            ),
            serde_json::Value::Array(a) => Node::Array(a.iter().map(Node::from_json).collect()),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Node::Integer(i),
                None => Node::Float(n.as_f64().unwrap_or(0.0)),
            },
            serde_json::Value::String(s) => Node::Text(s.clone()),
            other => Node::Other(other.to_string()),
        }
    }

    /// JSON text; a number JSON cannot hold is written as a crafted file
    /// would (1e999, which reads as infinity).
    fn to_json(&self) -> String {
        match self {
            Node::Table(t) => {
                let fields: Vec<String> = t
                    .iter()
                    .map(|(k, v)| {
                        format!("{}:{}", serde_json::Value::from(k.as_str()), v.to_json())
                    })
                    .collect();
                format!("{{{}}}", fields.join(","))
            }
            Node::Array(a) => {
                let items: Vec<String> = a.iter().map(Node::to_json).collect();
                format!("[{}]", items.join(","))
            }
            Node::Float(f) if f.is_nan() => "null".into(),
            Node::Float(f) if f.is_infinite() => if *f > 0.0 { "1e999" } else { "-1e999" }.into(),
            Node::Float(f) => serde_json::Value::from(*f).to_string(),
            Node::Integer(i) => i.to_string(),
            Node::Text(s) => serde_json::Value::from(s.as_str()).to_string(),
            Node::Other(s) => s.clone(),
        }
    }

    /// The nodes in a walk, each as its path of keys and indexes.
    fn paths(&self) -> Vec<Vec<Step>> {
        fn walk(v: &Node, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
            out.push(path.clone());
            match v {
                Node::Table(t) => {
                    for (k, v) in t {
                        path.push(Step::Key(k.clone()));
                        walk(v, path, out);
                        path.pop();
                    }
                }
                Node::Array(a) => {
                    for (i, v) in a.iter().enumerate() {
                        path.push(Step::Index(i));
                        walk(v, path, out);
                        path.pop();
                    }
                }
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(self, &mut Vec::new(), &mut out);
        out
    }

    fn node_mut(&mut self, path: &[Step]) -> Option<&mut Node> {
        let mut node = self;
        for step in path {
            node = match (node, step) {
                (Node::Table(t), Step::Key(k)) => &mut t.iter_mut().find(|(key, _)| key == k)?.1,
                (Node::Array(a), Step::Index(i)) => a.get_mut(*i)?,
                _ => return None,
            };
        }
        Some(node)
    }

    fn remove(&mut self, path: &[Step]) {
        let Some((last, parent)) = path.split_last() else {
            return;
        };
        match (self.node_mut(parent), last) {
            (Some(Node::Table(t)), Step::Key(k)) => t.retain(|(key, _)| key != k),
            (Some(Node::Array(a)), Step::Index(i)) if *i < a.len() => {
                a.remove(*i);
            }
            _ => {}
        }
    }

    /// Every text and key the tree holds.
    fn strings(&self, out: &mut Vec<String>) {
        match self {
            Node::Text(s) => out.push(s.clone()),
            Node::Table(t) => {
                for (k, v) in t {
                    out.push(k.clone());
                    v.strings(out);
                }
            }
            Node::Array(a) => a.iter().for_each(|v| v.strings(out)),
            _ => {}
        }
    }

    /// Repeats the node at `path` `n` times in its array, if it is in one.
    fn repeat(&mut self, path: &[Step], n: usize) {
        let Some((Step::Index(i), parent)) = path.split_last() else {
            return;
        };
        if let Some(Node::Array(a)) = self.node_mut(parent)
            && let Some(item) = a.get(*i).cloned()
        {
            a.splice(*i..*i, std::iter::repeat_n(item, n));
        }
    }

    fn graft(&mut self, path: &[Step], key: String, value: Node) {
        if let Some(Node::Table(t)) = self.node_mut(path) {
            t.retain(|(k, _)| *k != key);
            t.push((key, value));
        }
    }
}

/// `tree` with `changes` made, in order.
fn changed(tree: &Node, changes: &[Change]) -> Node {
    let mut tree = tree.clone();
    for change in changes {
        let paths = tree.paths();
        let at = |i: usize| &paths[i % paths.len()];
        let mut own = Vec::new();
        tree.strings(&mut own);
        let set = |tree: &mut Node, path: &[Step], value: Node| {
            if let Some(node) = tree.node_mut(path) {
                *node = value;
            }
        };
        match change {
            Change::Number(a, i) => set(&mut tree, at(*a), Node::Float(NUMBERS[*i])),
            Change::Integer(a, i) => set(&mut tree, at(*a), Node::Integer(INTEGERS[*i])),
            Change::Text(a, i) => set(&mut tree, at(*a), Node::Text(TEXTS[*i].to_string())),
            Change::OwnText(a, i) => {
                if !own.is_empty() {
                    let text = own[i % own.len()].clone();
                    set(&mut tree, at(*a), Node::Text(text));
                }
            }
            Change::Remove(a) => tree.remove(at(*a)),
            Change::Repeat(a, n) => tree.repeat(at(*a), *n),
            Change::Graft(a, b) => {
                let from = at(*b).clone();
                let key = match from.last() {
                    Some(Step::Key(k)) => k.clone(),
                    _ => "extra".to_string(),
                };
                if let Some(value) = tree.node_mut(&from).map(|v| v.clone()) {
                    tree.graft(at(*a), key, value);
                }
            }
            Change::Long(a, n) => {
                let base = own.first().cloned().unwrap_or_else(|| "x".into());
                let long: String = base.chars().cycle().take(*n).collect();
                set(&mut tree, at(*a), Node::Text(long));
            }
        }
    }
    tree
}

/// The shipped files of `dir` ending in `ext`, as text.
fn seeds(dir: &str, ext: &str) -> Vec<(PathBuf, String)> {
    let dir = root().join(dir);
    let mut out: Vec<(PathBuf, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no seeds in {}", dir.display());
    out
}

/// The shipped TOML files of `dir`, as trees.
fn toml_seeds(dir: &str) -> Vec<Node> {
    seeds(dir, "toml")
        .into_iter()
        .map(|(_, text)| Node::from_toml(&toml::from_str(&text).unwrap()))
        .collect()
}

fn scratch(kind: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "posecoach-fuzz-structured-{kind}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What a run of one kind did, for the figures it prints.
#[derive(Debug, Default)]
struct Tally {
    cases: u64,
    accepted: u64,
    replayed: u64,
    slowest: Duration,
}

impl Tally {
    fn print(&self, kind: &str) {
        eprintln!(
            "{kind}: {} cases, {} accepted, {} coached or replayed, recorded and replayed again; slowest case {:.2} s; peak resident {} MB",
            self.cases,
            self.accepted,
            self.replayed,
            self.slowest.as_secs_f64(),
            peak_resident_mb()
        );
    }
}

/// The process's peak resident memory, MB (VmHWM).
fn peak_resident_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

/// Runs `case` on `cases()` changed copies of `seeds`, each within the
/// time and output bounds.
fn fuzz(kind: &str, seeds: &[Node], case: impl Fn(&Node) -> CaseResult) -> Tally {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let tally = std::cell::RefCell::new(Tally::default());
    let strategy = (0..seeds.len(), proptest::collection::vec(change(), 1..6));
    runner
        .run(&strategy, |(seed, changes)| {
            let tree = changed(&seeds[seed], &changes);
            let started = Instant::now();
            let result = case(&tree);
            let took = started.elapsed();
            let mut tally = tally.borrow_mut();
            tally.cases += 1;
            tally.slowest = tally.slowest.max(took);
            prop_assert!(took < MAX_CASE, "{kind}: a case took {took:?}");
            match result {
                CaseResult::Refused(said) => {
                    prop_assert!(
                        said.len() <= MAX_SAID_BYTES,
                        "{kind}: said {} bytes",
                        said.len()
                    );
                }
                CaseResult::Accepted { replayed } => {
                    tally.accepted += 1;
                    tally.replayed += u64::from(replayed);
                }
                CaseResult::Broken(why) => prop_assert!(false, "{kind}: {why}"),
            }
            Ok(())
        })
        .unwrap();
    let tally = tally.into_inner();
    tally.print(kind);
    assert!(
        peak_resident_mb() < MAX_RESIDENT_MB,
        "{kind}: {} MB resident",
        peak_resident_mb()
    );
    tally
}

enum CaseResult {
    /// Refused, with what was said.
    Refused(String),
    /// Accepted; whether it had something to coach and replay.
    Accepted { replayed: bool },
    /// Accepted, then broke a promise.
    Broken(String),
}

/// Coaches `exercises`' demonstration as `run --source demo` does, records
/// it to `path`, and replays the recording: both summaries must agree.
/// False when there is no demonstration to coach.
fn coach_record_replay(plan: &Plan, exercises: &[Exercise], path: &Path) -> Result<bool, String> {
    let Some(motion) = demo::session_motion(exercises, plan.get_ready_s) else {
        return Ok(false);
    };
    let _ = std::fs::remove_file(path);
    let size = (MODEL_IMAGE_PX.0 as u32, MODEL_IMAGE_PX.1 as u32);
    let mut runner = SessionRunner::new(plan.clone(), exercises.to_vec())
        .map_err(|e| format!("accepted, but no session: {e}"))?
        .record_to(RecordTo {
            path: path.to_path_buf(),
            source: "demo".into(),
            started_at: None,
            with_video: false,
            live: false,
        })
        .map_err(|e| format!("cannot record: {e}"))?;
    for (i, figure) in motion.frames.iter().enumerate() {
        let record = FrameRecord::from_frame(i as f64 * 1000.0 / FPS, &figure.landmarks());
        runner
            .step(Input {
                t_ms: record.t_ms,
                size,
                seen: Seen::Recorded(&record),
            })
            .map_err(|e| format!("coaching failed: {e}"))?;
        if runner.finished() {
            break;
        }
    }
    let coached = runner.finish().map_err(|e| format!("cannot finish: {e}"))?;
    replays_the_same(path, exercises, &coached.summary)?;
    Ok(true)
}

/// The recording at `path` replays (its header read back, its poses
/// coached again) to `summary`.
fn replays_the_same(
    path: &Path,
    exercises: &[Exercise],
    summary: &posecoach::session::SessionSummary,
) -> Result<(), String> {
    let header = Reader::open(path)
        .map_err(|e| format!("what was recorded cannot be read: {e}"))?
        .header;
    let mut again = SessionRunner::new(header.plan.clone(), exercises.to_vec())
        .map_err(|e| format!("recorded plan refused: {e}"))?;
    replay_poses(&mut again, path, |_, _, _| {
        Ok::<(), posecoach::runner::RunnerError>(())
    })
    .map_err(|e| format!("what was recorded does not replay: {e}"))?;
    let replayed = again.finish().map_err(|e| format!("{e}"))?;
    let (said, said_again) = (summary_text(summary), summary_text(&replayed.summary));
    if said.len() > MAX_SAID_BYTES {
        return Err(format!("the summary is {} bytes", said.len()));
    }
    if said != said_again {
        return Err(format!("the replay differs:\n{said}\n---\n{said_again}"));
    }
    Ok(())
}

fn shipped_catalog() -> Catalog {
    Catalog::load(&[root().join("exercises")], &BTreeMap::new())
}

#[test]
fn changed_exercise_files_are_refused_or_coached_recorded_and_replayed() {
    let seeds = toml_seeds("exercises");
    let dir = scratch("exercise");
    let recording = dir.join("case.posecoach");
    let no_overrides = BTreeMap::new();
    let tally = fuzz("exercise files", &seeds, |tree| {
        let Ok(text) = toml::to_string(&tree.to_toml()) else {
            return CaseResult::Refused(String::new());
        };
        match exercise_from_str(Path::new("x.toml"), &text, &no_overrides) {
            Err(e) => CaseResult::Refused(e.lines().join("\n")),
            Ok(exercise) => {
                let plan = Plan::single(&exercise.id);
                match coach_record_replay(&plan, std::slice::from_ref(&exercise), &recording) {
                    Ok(replayed) => CaseResult::Accepted { replayed },
                    Err(why) => CaseResult::Broken(format!("{why}\nfile:\n{text}")),
                }
            }
        }
    });
    assert!(tally.accepted > 0 && tally.replayed > 0, "{tally:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn changed_routines_are_refused_or_coached_recorded_and_replayed() {
    let seeds = toml_seeds("exercises/routines");
    let catalog = shipped_catalog();
    let dir = scratch("routine");
    let recording = dir.join("case.posecoach");
    let tally = fuzz("routines", &seeds, |tree| {
        let Ok(text) = toml::to_string(&tree.to_toml()) else {
            return CaseResult::Refused(String::new());
        };
        let routine = match routine_from_str(Path::new("r.toml"), &text) {
            Err(e) => return CaseResult::Refused(e.lines().join("\n")),
            Ok(routine) => routine,
        };
        // `exercises check` refuses a routine naming a missing exercise.
        let missing = catalog.missing_exercises(&routine);
        if !missing.is_empty() {
            return CaseResult::Refused(format!("{missing:?}"));
        }
        let exercises: Vec<Exercise> = routine
            .exercises
            .iter()
            .filter_map(|id| catalog.exercise(id).cloned())
            .collect();
        // As `exercises check` and `run --source demo` refuse it.
        if let Some(too_long) = demo::session_demo_problem(&exercises, routine.get_ready_s) {
            return CaseResult::Refused(too_long);
        }
        let plan = Plan {
            exercises: routine.exercises.clone(),
            routine: Some(routine.id.clone()),
            params: BTreeMap::new(),
            get_ready_s: routine.get_ready_s,
        };
        match coach_record_replay(&plan, &exercises, &recording) {
            Ok(replayed) => CaseResult::Accepted { replayed },
            Err(why) => CaseResult::Broken(format!("{why}\nroutine:\n{text}")),
        }
    });
    assert!(tally.accepted > 0 && tally.replayed > 0, "{tally:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn changed_sessions_are_refused_or_replayed_recorded_and_replayed_again() {
    // Each shipped session's header and first frames and commands, as JSON
    // trees (one array of lines).
    let seeds: Vec<Node> = seeds("fixtures/sessions", "posecoach")
        .into_iter()
        .map(|(_, text)| {
            Node::Array(
                text.lines()
                    .take(40)
                    .map(|l| Node::from_json(&serde_json::from_str(l).unwrap()))
                    .collect(),
            )
        })
        .collect();
    let dir = scratch("session");
    let given = dir.join("given.posecoach");
    let again = dir.join("again.posecoach");
    let tally = fuzz("sessions", &seeds, |tree| {
        let lines: Vec<String> = match tree {
            Node::Array(lines) => lines.iter().map(Node::to_json).collect(),
            other => vec![other.to_json()],
        };
        std::fs::write(&given, lines.join("\n") + "\n").unwrap();
        let header = match Reader::open(&given) {
            Err(e) => return CaseResult::Refused(e.to_string()),
            Ok(reader) => reader.header,
        };
        // The exercises as the program loads them: the header's params in
        // force, and each one there.
        let loaded = Catalog::load(&[root().join("exercises")], &header.plan.params);
        let exercises: Option<Vec<Exercise>> = header
            .plan
            .exercises
            .iter()
            .map(|id| loaded.exercise(id).cloned())
            .collect();
        let Some(exercises) = exercises else {
            return CaseResult::Refused("an exercise it names is not there".into());
        };
        let Ok(runner) = SessionRunner::new(header.plan.clone(), exercises.clone()) else {
            return CaseResult::Refused("no session of its plan".into());
        };
        let _ = std::fs::remove_file(&again);
        let mut runner = match runner.record_to(RecordTo {
            path: again.clone(),
            source: header.source.clone(),
            started_at: header.started_at.clone(),
            with_video: false,
            live: false,
        }) {
            Ok(runner) => runner,
            Err(e) => return CaseResult::Broken(format!("cannot record: {e}")),
        };
        if let Err(e) = replay_poses(&mut runner, &given, |_, _, _| {
            Ok::<(), posecoach::runner::RunnerError>(())
        }) {
            // A bad line further on: refused there, and nothing breaks.
            return CaseResult::Refused(e.to_string());
        }
        let finished = match runner.finish() {
            Ok(finished) => finished,
            Err(e) => return CaseResult::Broken(format!("cannot finish: {e}")),
        };
        if finished.frames == 0 {
            return CaseResult::Accepted { replayed: false };
        }
        match replays_the_same(&again, &exercises, &finished.summary) {
            Ok(()) => CaseResult::Accepted { replayed: true },
            Err(why) => CaseResult::Broken(format!("{why}\nsession:\n{}", lines.join("\n"))),
        }
    });
    assert!(tally.accepted > 0 && tally.replayed > 0, "{tally:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
