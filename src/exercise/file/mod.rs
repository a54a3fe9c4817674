//! The exercise file format (TOML, `format = 1`): parsing and validation
//! into the engine's types. Every problem is reported, each with the file,
//! the key path and the reason. exercises/README.md documents the format.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::model::*;
use crate::geometry::{Axis, Reference};
use crate::pose::Landmark;

/// A measurement's `label` is shown beside its bar in the panel.
const MAX_LABEL_CHARS: usize = 32;

mod demo;

/// The format version this program reads.
pub const FORMAT_VERSION: u32 = 1;
/// Defaults for fields a file may leave out.
const DEFAULT_GRACE_S: f64 = 1.0;
const DEFAULT_CUE_PRIORITY: u8 = 5;
/// Cue priorities a file may give (the engine's own messages rank apart).
const MIN_CUE_PRIORITY: u8 = 1;
const MAX_CUE_PRIORITY: u8 = 9;
const DEFAULT_CUE_COOLDOWN_S: f64 = 5.0;
/// A cue's condition must hold this long (long enough to ignore jitter).
const DEFAULT_CUE_AFTER_S: f64 = crate::exercise::engine::CUE_MIN_CONDITION_MS / 1000.0;
const DEFAULT_SAFETY_FOR_S: f64 = 0.5;
const DEFAULT_GET_READY_S: f64 = 10.0;
/// Jitter-proof minimum radius of a circle, as a fraction of the torso.
const DEFAULT_CIRCLE_MIN_RADIUS: f64 = 0.02;
/// The largest circle radius that may be asked of a shoulder: a torso
/// length.
const MAX_CIRCLE_MIN_RADIUS: f64 = 1.0;

/// One problem in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: a key path such as `phase[1].when[0].enter`, or `line 12`.
    pub place: String,
    pub reason: String,
}

impl Problem {
    /// A problem, its place and reason cut short (a value or key quoted in
    /// them can be a megabyte).
    pub fn new(place: impl Into<String>, reason: impl Into<String>) -> Problem {
        Problem {
            place: crate::quote::cut(&place.into(), MAX_PLACE_CHARS),
            reason: cut(&reason.into()),
        }
    }
}

/// The most problems said of one file; then only how many more.
pub const MAX_PROBLEMS_SAID: usize = 50;
/// A problem's place is cut to this many characters.
const MAX_PLACE_CHARS: usize = 120;

/// Why a file could not be loaded: all its problems.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.lines().join("\n"))]
pub struct FileError {
    pub path: PathBuf,
    pub problems: Vec<Problem>,
}

impl FileError {
    /// One line per problem: `file: place: reason`.
    /// At most [`MAX_PROBLEMS_SAID`], then one saying how many more.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .problems
            .iter()
            .take(MAX_PROBLEMS_SAID)
            .map(|p| format!("{}: {}: {}", self.path.display(), p.place, p.reason))
            .collect();
        if self.problems.len() > MAX_PROBLEMS_SAID {
            lines.push(format!(
                "{}: and {} more problems",
                self.path.display(),
                self.problems.len() - MAX_PROBLEMS_SAID
            ));
        }
        lines
    }

    fn single(path: &Path, place: impl Into<String>, reason: impl Into<String>) -> FileError {
        FileError {
            path: path.to_path_buf(),
            problems: vec![Problem::new(place, reason)],
        }
    }
}

/// A number, or a parameter name with an optional offset ("target + 10").
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Num {
    Value(f64),
    Expr(String),
}

/// An exercise file as written, read key by key (see [`Sections`]): a key
/// missing or unreadable is a problem, and the rest is still read.
#[derive(Debug, Default)]
struct ExerciseFile {
    id: String,
    name: String,
    instructions: Vec<String>,
    view: String,
    posture: String,
    sides: String,
    working_side: Option<String>,
    params: BTreeMap<String, f64>,
    param_ranges: BTreeMap<String, [f64; 2]>,
    measurement: Vec<MeasurementFile>,
    /// Every measurement's name, readable or not, so that a broken
    /// measurement is not also reported as unknown wherever it is used.
    measurement_names: Vec<String>,
    phase: Vec<PhaseFile>,
    phase_names: Vec<String>,
    reps: Option<RepsFile>,
    hold: Option<HoldFile>,
    form: Vec<FormFile>,
    reach: Vec<ReachFile>,
    cue: Vec<CueFile>,
    safety: Vec<SafetyFile>,
    progress: Option<ProgressFile>,
    demo: Option<demo::DemoFile>,
}

impl ExerciseFile {
    fn read(table: toml::Table) -> (ExerciseFile, Vec<Problem>) {
        let mut t = Sections::new(table);
        // Checked before: the version.
        t.table.remove("format");
        let names = |t: &Sections, key: &str| -> Vec<String> {
            t.table
                .get(key)
                .and_then(toml::Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .map(|item| {
                            item.get("name")
                                .and_then(toml::Value::as_str)
                                .unwrap_or_default()
                                .to_string()
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let measurement_names = names(&t, "measurement");
        let phase_names = names(&t, "phase");
        let file = ExerciseFile {
            id: t.required("id").unwrap_or_default(),
            name: t.required("name").unwrap_or_default(),
            instructions: t.optional("instructions").unwrap_or_default(),
            view: t.required("view").unwrap_or_default(),
            posture: t.required("posture").unwrap_or_default(),
            sides: t.optional("sides").unwrap_or_else(|| "none".into()),
            working_side: t.optional("working_side"),
            params: t.optional("params").unwrap_or_default(),
            param_ranges: t.optional("param_ranges").unwrap_or_default(),
            measurement: t.each("measurement"),
            measurement_names,
            phase: t.each("phase"),
            phase_names,
            reps: t.optional("reps"),
            hold: t.optional("hold"),
            form: t.each("form"),
            reach: t.each("reach"),
            cue: t.each("cue"),
            safety: t.each("safety"),
            progress: t.optional("progress"),
            demo: t.optional("demo"),
        };
        (file, t.finish())
    }
}

#[derive(Debug, Deserialize)]
struct MeasurementFile {
    name: String,
    kind: String,
    points: Vec<String>,
    reference: Option<String>,
    scale: Option<String>,
    axis: Option<String>,
    min_radius: Option<Num>,
    label: Option<String>,
}

#[derive(Debug, Deserialize)]
struct PhaseFile {
    name: String,
    when: Vec<ConditionFile>,
}

#[derive(Debug, Deserialize)]
struct ConditionFile {
    measurement: String,
    enter: [Num; 2],
    exit: Option<[Num; 2]>,
}

#[derive(Debug, Deserialize)]
struct RepsFile {
    sequence: Option<Vec<String>>,
    circles: Option<CirclesFile>,
    per_set: u32,
    #[serde(default = "one")]
    sets: u32,
    min_rep_s: Option<Num>,
    max_rep_s: Option<Num>,
    /// Stages a repetition may leave out: phase name and what to say.
    #[serde(default)]
    skippable: Vec<SkippableFile>,
    pass_start_s: Option<Num>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SkippableFile {
    phase: String,
    cue: String,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Deserialize)]
struct CirclesFile {
    measurement: String,
    per_direction: u32,
    directions: Vec<String>,
    /// Said when a circle goes the wrong way; `{direction}` is the way to go.
    #[serde(default = "default_wrong_way")]
    wrong_way: String,
    /// Added to the count when a direction is done; `{direction}` is the
    /// next one.
    #[serde(default = "default_next_direction")]
    next_direction: String,
    /// Phases in which circles count (none: always).
    #[serde(default)]
    during: Vec<String>,
}

fn default_wrong_way() -> String {
    "Circle {direction} now".into()
}

fn default_next_direction() -> String {
    "Now {direction}".into()
}

/// The slot in circle messages filled in as the person goes.
pub const DIRECTION_SLOT: &str = "{direction}";

#[derive(Debug, Deserialize)]
struct HoldFile {
    phase: String,
    target_s: Num,
    grace_s: Option<Num>,
    /// For an exercise without [reps]: holds per set, and sets.
    per_set: Option<u32>,
    sets: Option<u32>,
}

#[derive(Debug, Deserialize)]
struct FormFile {
    measurement: String,
    target: [Num; 2],
    tolerance: Num,
    #[serde(default)]
    during: Vec<String>,
    cue_below: Option<String>,
    cue_above: Option<String>,
    priority: Option<u8>,
}

#[derive(Debug, Deserialize)]
struct ReachFile {
    measurement: String,
    at: String,
    target: [Num; 2],
    tolerance: Num,
    /// "not counted" (the default) or "lower score".
    missed: Option<String>,
    cue_short: String,
    cue_past: Option<String>,
    cue_nearly: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CueFile {
    id: String,
    message: String,
    when: ComparisonFile,
    #[serde(default)]
    during: Vec<String>,
    priority: Option<u8>,
    cooldown_s: Option<Num>,
    after_s: Option<Num>,
}

#[derive(Debug, Deserialize)]
struct ComparisonFile {
    measurement: String,
    above: Option<Num>,
    below: Option<Num>,
    inside: Option<[Num; 2]>,
    outside: Option<[Num; 2]>,
}

#[derive(Debug, Deserialize)]
struct SafetyFile {
    when: ComparisonFile,
    for_s: Option<Num>,
    reason: String,
}

#[derive(Debug, Deserialize)]
struct ProgressFile {
    measurement: Option<String>,
    better: Option<String>,
    /// With better = "closest": the value to come close to.
    target: Option<Num>,
    /// "hold": the longest hold, instead of a measurement.
    follows: Option<String>,
    times: [u32; 2],
    per: String,
}

/// Just the version, read before anything else: a file from a newer
/// program may hold keys this one does not know.
#[derive(Debug, Deserialize)]
struct VersionOnly {
    format: Option<u32>,
}

fn check_version(path: &Path, text: &str) -> Result<(), FileError> {
    match toml::from_str::<VersionOnly>(text) {
        Ok(VersionOnly { format: Some(v) }) if v != FORMAT_VERSION => Err(FileError::single(
            path,
            "format",
            format!(
                "format {v} is not supported (this program reads format {FORMAT_VERSION}); update posecoach"
            ),
        )),
        // Anything else is reported by the full parse.
        _ => Ok(()),
    }
}

/// Parses `text` as TOML; a syntax error names its line.
fn parse_table(path: &Path, text: &str) -> Result<toml::Table, FileError> {
    text.parse::<toml::Table>().map_err(|e| {
        let place = e
            .span()
            .map(|span| {
                format!(
                    "line {}",
                    text[..span.start.min(text.len())].lines().count().max(1)
                )
            })
            .unwrap_or_else(|| "file".into());
        FileError::single(path, place, e.message().trim().replace('\n', " "))
    })
}

/// A file's top-level table, read key by key: each value is deserialised on
/// its own (each element of an array of tables too), so one bad value does
/// not hide the problems of the others. Unknown keys are problems.
struct Sections {
    table: toml::Table,
    problems: Vec<Problem>,
}

impl Sections {
    fn new(table: toml::Table) -> Sections {
        Sections {
            table,
            problems: Vec::new(),
        }
    }

    /// The value at `key`; None (and a problem) when it cannot be read.
    fn optional<T: serde::de::DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        let value = self.table.remove(key)?;
        deserialize_at(key, value, &mut self.problems)
    }

    /// The value at `key`, which must be there.
    fn required<T: serde::de::DeserializeOwned>(&mut self, key: &str) -> Option<T> {
        if !self.table.contains_key(key) {
            self.problems.push(Problem::new(key, "missing"));
            return None;
        }
        self.optional(key)
    }

    /// Every element of the array of tables at `key` that can be read.
    fn each<T: serde::de::DeserializeOwned>(&mut self, key: &str) -> Vec<T> {
        let Some(value) = self.table.remove(key) else {
            return Vec::new();
        };
        let toml::Value::Array(items) = value else {
            self.problems.push(Problem::new(
                key,
                format!("must be a list of tables ([[{key}]])"),
            ));
            return Vec::new();
        };
        items
            .into_iter()
            .enumerate()
            .filter_map(|(i, item)| {
                deserialize_at(&format!("{key}[{i}]"), item, &mut self.problems)
            })
            .collect()
    }

    /// The problems found, with every key left unread as unknown.
    fn finish(mut self) -> Vec<Problem> {
        for key in self.table.keys() {
            self.problems.push(Problem::new(key.clone(), "unknown key"));
        }
        self.problems
    }
}

/// Deserialises `value` found at `place`, noting its unknown keys and, when
/// it cannot be read, why.
fn deserialize_at<T: serde::de::DeserializeOwned>(
    place: &str,
    value: toml::Value,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let mut unknown = Vec::new();
    match serde_ignored::deserialize(value, |key| unknown.push(key.to_string())) {
        Ok(v) => {
            problems.extend(
                unknown
                    .into_iter()
                    .map(|key| Problem::new(format!("{place}.{key}"), "unknown key")),
            );
            Some(v)
        }
        Err(e) => {
            let e: toml::de::Error = e;
            problems.push(Problem::new(place, e.message().trim().replace('\n', " ")));
            None
        }
    }
}

/// Collects problems while turning file values into engine values.
struct Checker<'a> {
    problems: Vec<Problem>,
    params: &'a BTreeMap<String, f64>,
}

impl Checker<'_> {
    fn problem(&mut self, place: impl Into<String>, reason: impl Into<String>) {
        self.problems.push(Problem::new(place, reason));
    }

    fn num(&mut self, place: &str, n: &Num) -> f64 {
        self.num_read(place, n).unwrap_or(0.0)
    }

    /// The number at `place`, or `None` when it is not one (said).
    fn num_read(&mut self, place: &str, n: &Num) -> Option<f64> {
        match n {
            Num::Value(v) if !v.is_finite() => {
                self.problem(place, format!("{v} is not a finite number"));
                None
            }
            Num::Value(v) => Some(*v),
            // A parameter that is not finite is said once, at its own key.
            Num::Expr(text) => match eval(text, self.params) {
                Ok(v) => v.is_finite().then_some(v),
                Err(reason) => {
                    self.problem(place, reason);
                    None
                }
            },
        }
    }

    /// The number at `place`, or `default` when not given.
    fn num_or(&mut self, place: &str, n: Option<&Num>, default: f64) -> f64 {
        n.map_or(default, |n| self.num(place, n))
    }

    /// Seconds given at `place` (or the default), a number or a sum:
    /// finite, at least 0 (above 0 when `above_zero`) and at most
    /// [`MAX_FILE_S`].
    fn seconds(&mut self, place: &str, given: Option<&Num>, default: f64, above_zero: bool) -> f64 {
        let Some(given) = given else {
            return default;
        };
        match self.num_read(place, given) {
            Some(v) => self.within_max(place, v, above_zero, MAX_FILE_S, "s"),
            None => default,
        }
    }

    /// A tolerance around a target, in the measurement's own unit.
    fn tolerance(&mut self, place: &str, given: &Num) -> f64 {
        match self.num_read(place, given) {
            Some(v) => self.within_max(place, v, true, MAX_TOLERANCE, ""),
            None => 0.0,
        }
    }

    /// `v` checked to be above 0 (or at least 0) and at most `max`.
    fn within_max(&mut self, place: &str, v: f64, above_zero: bool, max: f64, unit: &str) -> f64 {
        let unit = if unit.is_empty() {
            String::new()
        } else {
            format!(" {unit}")
        };
        let shown = crate::quote::number(v);
        if above_zero && v <= 0.0 {
            self.problem(
                place,
                format!("{shown}{unit}: must be above 0 (at most {max}{unit})"),
            );
        } else if !(0.0..=max).contains(&v) {
            self.problem(place, format!("{shown}{unit} is not within 0-{max}{unit}"));
        }
        v
    }

    /// A cue's priority: 1 (least urgent) to 9.
    fn priority(&mut self, place: &str, given: Option<u8>) -> u8 {
        let p = given.unwrap_or(DEFAULT_CUE_PRIORITY);
        if !(MIN_CUE_PRIORITY..=MAX_CUE_PRIORITY).contains(&p) {
            self.problem(
                place,
                format!("{p} is not a priority from {MIN_CUE_PRIORITY} to {MAX_CUE_PRIORITY}"),
            );
        }
        p
    }

    /// A name or message that must say something.
    fn not_empty(&mut self, place: &str, text: &str) {
        if text.trim().is_empty() {
            self.problem(place, "must not be empty");
        }
    }

    /// A message with its `{expression}`s filled in; it must say something.
    fn text(&mut self, place: &str, text: &str) -> String {
        self.not_empty(place, text);
        match fill(text, self.params) {
            Ok(filled) => filled,
            Err(reason) => {
                self.problem(place, reason);
                text.to_string()
            }
        }
    }

    fn range(&mut self, place: &str, pair: &[Num; 2]) -> Range {
        let (min, max) = (self.num(place, &pair[0]), self.num(place, &pair[1]));
        if min > max {
            self.problem(place, format!("min {min} is above max {max}"));
        }
        Range { min, max }
    }

    fn point(&mut self, place: &str, text: &str) -> PointRef {
        if let Some(landmark) = Landmark::from_name(text) {
            return PointRef::Fixed(landmark);
        }
        if let Some((prefix, Some(part))) = text
            .split_once('.')
            .map(|(p, part)| (p, BodyPart::from_name(part)))
        {
            match prefix {
                "working" => return PointRef::Working(part),
                "other" => return PointRef::Other(part),
                "near" => return PointRef::Near(part),
                "mid" => return PointRef::Mid(part),
                _ => {}
            }
        }
        self.problem(
            place,
            format!(
                "unknown landmark '{text}': use a landmark name (nose, left_knee, ...) or working., other., near., mid. before a body part (knee, hip, ...)"
            ),
        );
        PointRef::Fixed(Landmark::Nose)
    }

    fn scale(&mut self, place: &str, text: Option<&str>) -> Scale {
        match text.unwrap_or("torso") {
            "torso" => Scale::Torso,
            "shoulder_width" => Scale::ShoulderWidth,
            other => {
                self.problem(
                    place,
                    format!("unknown scale '{other}': use torso or shoulder_width"),
                );
                Scale::Torso
            }
        }
    }

    fn index(&mut self, place: &str, what: &str, name: &str, names: &[&str]) -> usize {
        match names.iter().position(|n| *n == name) {
            Some(i) => i,
            None => {
                self.problem(place, format!("unknown {what} '{name}'"));
                0
            }
        }
    }

    fn comparison(&mut self, place: &str, c: &ComparisonFile) -> Comparison {
        let given = [
            c.above.is_some(),
            c.below.is_some(),
            c.inside.is_some(),
            c.outside.is_some(),
        ];
        if given.iter().filter(|g| **g).count() != 1 {
            self.problem(place, "give exactly one of above, below, inside, outside");
        }
        if let Some(n) = &c.above {
            Comparison::Above(self.num(&format!("{place}.above"), n))
        } else if let Some(n) = &c.below {
            Comparison::Below(self.num(&format!("{place}.below"), n))
        } else if let Some(r) = &c.inside {
            Comparison::Inside(self.range(&format!("{place}.inside"), r))
        } else if let Some(r) = &c.outside {
            Comparison::Outside(self.range(&format!("{place}.outside"), r))
        } else {
            Comparison::Above(f64::INFINITY)
        }
    }
}

/// Evaluates a sum of numbers and parameter names against the parameters:
/// `name`, `name + 10`, `180 - name`, `name - other + 5`.
fn eval(text: &str, params: &BTreeMap<String, f64>) -> Result<f64, String> {
    let malformed = || {
        format!(
            "'{}' is not a sum of numbers and parameters ('180 - knee_angle_deg', 'target + 10')",
            text.trim()
        )
    };
    // Split into terms, each with the sign before it: "180 - a + 2" is
    // (+, "180"), (-, "a"), (+, "2"). Only the first term may go unsigned.
    let mut terms: Vec<(f64, String)> = Vec::new();
    let mut sign: Option<f64> = None;
    let mut word = String::new();
    for ch in text.chars().chain(std::iter::once('\0')) {
        // The sign of an exponent ("1.65e+2") is part of its number.
        let exponent_sign = (ch == '+' || ch == '-')
            && word
                .trim()
                .strip_suffix(['e', 'E'])
                .is_some_and(|m| !m.is_empty() && m.parse::<f64>().is_ok());
        if exponent_sign {
            word.push(ch);
        } else if ch == '+' || ch == '-' || ch == '\0' {
            let w = word.trim();
            if w.is_empty() {
                // An operator with nothing before it: only a leading sign.
                if ch == '\0' || sign.is_some() || !terms.is_empty() {
                    return Err(malformed());
                }
                sign = Some(if ch == '-' { -1.0 } else { 1.0 });
            } else {
                terms.push((sign.unwrap_or(1.0), w.to_string()));
                sign = (ch != '\0').then_some(if ch == '-' { -1.0 } else { 1.0 });
            }
            word.clear();
        } else {
            if sign.is_none() && !terms.is_empty() {
                return Err(malformed());
            }
            word.push(ch);
        }
    }
    let mut total = 0.0;
    let mut terms_finite = true;
    for (sign, w) in terms {
        let value = match w.parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            Ok(_) => return Err(format!("'{w}' is not a finite number")),
            Err(_) => *params
                .get(&w)
                .ok_or_else(|| format!("unknown parameter '{w}' (declare it under [params])"))?,
        };
        terms_finite &= value.is_finite();
        total += sign * value;
    }
    // Finite terms can still sum past the largest number: a limit of
    // infinity would never be reached (a safety stop that cannot fire).
    // (A parameter that is not finite is reported once, where it is set.)
    if terms_finite && !total.is_finite() {
        return Err(format!(
            "'{}' comes to {total}, not a finite number",
            text.trim()
        ));
    }
    Ok(total)
}

/// A message, its values filled in, is at most this long.
const MAX_MESSAGE_CHARS: usize = 1000;

/// Replaces each `{expression}` in a message by its value, so a cue can say
/// the target the person chose ("stop at {180 - knee_angle_deg} degrees").
fn fill(text: &str, params: &BTreeMap<String, f64>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("'{{' without its '}}' in \"{text}\""))?;
        out.push_str(&format_number(eval(&after[..close], params)?));
        rest = &after[close + 1..];
        // Each value can be 300 digits: a message stays a sentence.
        if out.len() > MAX_MESSAGE_CHARS {
            return Err(format!(
                "over {MAX_MESSAGE_CHARS} characters with its values filled in: a message is a sentence"
            ));
        }
    }
    if rest.contains('}') {
        return Err(format!("'}}' without its '{{' in \"{text}\""));
    }
    out.push_str(rest);
    Ok(out)
}

/// A value as a person reads it: whole numbers without a point, others
/// to one decimal.
fn format_number(v: f64) -> String {
    if (v - v.round()).abs() < 0.05 {
        format!("{:.0}", v.round())
    } else {
        format!("{v:.1}")
    }
}

/// The longest time an exercise file may give (a hold, a grace, a cue's
/// cooldown, a safety limit's duration, a repetition): ten minutes.
pub const MAX_FILE_S: f64 = 600.0;
/// An angle beyond a turn and a half either way is a typing mistake: a
/// demonstration's segment direction, a parameter in degrees without a
/// range of its own. (Not one turn: a direction written as a sum with a
/// parameter, as the inversion's "195 + target_angle_deg", reaches 375 at
/// the parameter's documented 180, head straight down.)
pub(super) const MAX_ABS_DEG: f64 = 540.0;
/// The widest tolerance around a target, in the measurement's unit (a
/// turn and a half, in degrees).
const MAX_TOLERANCE: f64 = MAX_ABS_DEG;

/// The longest pass through the start position that `reps.pass_start_s`
/// may allow: longer is staying there.
const MAX_PASS_START_S: f64 = 5.0;

/// `reps.skippable`: each a middle stage of the sequence, once.
fn skippable_stages(
    c: &mut Checker,
    reps: &RepsFile,
    counting: &Counting,
    phase_names: &[&str],
) -> Vec<Skippable> {
    let Counting::Sequence(sequence) = counting else {
        if !reps.skippable.is_empty() {
            c.problem("reps.skippable", "only a sequence has stages to leave out");
        }
        return Vec::new();
    };
    let mut out: Vec<Skippable> = Vec::new();
    for (i, s) in reps.skippable.iter().enumerate() {
        let place = format!("reps.skippable[{i}].phase");
        let phase = c.index(&place, "phase", &s.phase, phase_names);
        let middle = sequence.len().saturating_sub(1);
        let stages: Vec<usize> = (1..middle).filter(|&k| sequence[k] == phase).collect();
        match stages.as_slice() {
            [stage] if out.iter().all(|o| o.stage != *stage) => out.push(Skippable {
                stage: *stage,
                cue: c.text(&format!("reps.skippable[{i}].cue"), &s.cue),
            }),
            [_] => c.problem(&place, format!("'{}' is listed twice", s.phase)),
            [] => c.problem(
                &place,
                format!(
                    "'{}' is not a middle stage of reps.sequence (the start and end cannot be left out)",
                    s.phase
                ),
            ),
            _ => c.problem(
                &place,
                format!("'{}' is in reps.sequence more than once", s.phase),
            ),
        }
    }
    out
}

fn side_mode(c: &mut Checker, text: &str) -> SideMode {
    match text {
        "none" => SideMode::None,
        "each" => SideMode::Each,
        "alternating" => SideMode::Alternating,
        "left" => SideMode::Only(Side::Left),
        "right" => SideMode::Only(Side::Right),
        other => {
            c.problem(
                "sides",
                format!("unknown sides '{other}': use none, each, alternating, left, right"),
            );
            SideMode::None
        }
    }
}

fn side_rule(c: &mut Checker, text: &str) -> Option<SideRule> {
    let parsed = text.split_once(':').and_then(|(how, part)| {
        let part = BodyPart::from_name(part)?;
        match how {
            "higher" => Some(SideRule::Higher(part)),
            "lower" => Some(SideRule::Lower(part)),
            _ => None,
        }
    });
    if parsed.is_none() {
        c.problem(
            "working_side",
            format!("'{text}' is not 'higher:PART' or 'lower:PART'"),
        );
    }
    parsed
}

/// The range a parameter may take when its file gives none, by the unit
/// its name ends in: degrees (a turn and a half either way), seconds (as
/// any time in a file), or any other number.
pub fn default_param_range(name: &str) -> [f64; 2] {
    if name.ends_with("_deg") {
        [-MAX_ABS_DEG, MAX_ABS_DEG]
    } else if name.ends_with("_s") {
        [0.0, MAX_FILE_S]
    } else {
        [-MAX_PARAM_OTHER, MAX_PARAM_OTHER]
    }
}

/// How far any other parameter may go without a range of its own.
const MAX_PARAM_OTHER: f64 = 1e6;

/// `[params]` (with the person's own values in `params`) and
/// `[param_ranges]`: every value finite and within its range, every range
/// of a declared parameter and in order. Returns the ranges the file gives.
fn check_params(
    c: &mut Checker,
    file: &ExerciseFile,
    params: &BTreeMap<String, f64>,
) -> BTreeMap<String, [f64; 2]> {
    for (name, &[low, high]) in &file.param_ranges {
        let place = format!("param_ranges.{name}");
        if !params.contains_key(name) {
            c.problem(place, "no such parameter under [params]");
        } else if !(low.is_finite() && high.is_finite() && low <= high) {
            c.problem(
                place,
                format!("[{low}, {high}] is not a range from low to high"),
            );
        }
    }
    let mut ranges = BTreeMap::new();
    for (name, &value) in params {
        let place = format!("params.{name}");
        let [low, high] = file
            .param_ranges
            .get(name)
            .copied()
            .unwrap_or_else(|| default_param_range(name));
        if !value.is_finite() {
            c.problem(place, format!("{value} is not a finite number"));
        } else if !(low..=high).contains(&value) {
            c.problem(
                place,
                format!(
                    "{} is not within {}-{}, the range this exercise allows",
                    crate::quote::number(value),
                    format_number(low),
                    format_number(high)
                ),
            );
        }
        if file.param_ranges.contains_key(name) {
            ranges.insert(name.clone(), [low, high]);
        }
    }
    ranges
}

/// Parses and validates one exercise file's text. `overrides` replace
/// parameter values (e.g. a user's chosen inversion angle).
pub fn exercise_from_str(
    path: &Path,
    text: &str,
    overrides: &BTreeMap<String, f64>,
) -> Result<Exercise, FileError> {
    check_version(path, text)?;
    let table = parse_table(path, text)?;
    let (file, unknown) = ExerciseFile::read(table);
    let mut params = file.params.clone();
    for (name, value) in overrides {
        if params.contains_key(name) {
            params.insert(name.clone(), *value);
        }
    }
    let mut c = Checker {
        problems: unknown,
        params: &params,
    };
    let id_missing = c.problems.iter().any(|p| p.place == "id");
    if !id_missing
        && !file
            .id
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
    {
        c.problem("id", "use lowercase letters, digits and '-'");
    }
    if !c.problems.iter().any(|p| p.place == "name") {
        c.not_empty("name", &file.name);
    }
    let param_ranges = check_params(&mut c, &file, &params);
    let view = match file.view.as_str() {
        "side" => View::Side,
        "front" => View::Front,
        "any" => View::Any,
        other => {
            c.problem(
                "view",
                format!("unknown view '{other}': use side, front or any"),
            );
            View::Any
        }
    };
    let posture = match file.posture.as_str() {
        "standing" => Posture::Standing,
        "prone" => Posture::Prone,
        "supine" => Posture::Supine,
        "inverted" => Posture::Inverted,
        other => {
            c.problem(
                "posture",
                format!("unknown posture '{other}': use standing, prone, supine or inverted"),
            );
            Posture::Standing
        }
    };
    let sides = side_mode(&mut c, &file.sides);
    let working_side = file
        .working_side
        .as_deref()
        .and_then(|t| side_rule(&mut c, t));
    if matches!(sides, SideMode::Each | SideMode::Alternating) && working_side.is_none() {
        c.problem("working_side", "needed when sides is each or alternating");
    }

    // Measurements.
    let mut seen = HashSet::new();
    let mut measurements = Vec::new();
    for (i, m) in file.measurement.iter().enumerate() {
        let place = format!("measurement[{i}]");
        c.not_empty(&format!("{place}.name"), &m.name);
        // Keys that mean something only for some kinds.
        for (key, given, kinds) in [
            ("reference", m.reference.is_some(), &["inclination"][..]),
            (
                "scale",
                m.scale.is_some(),
                &["deviation", "distance", "offset"][..],
            ),
            ("axis", m.axis.is_some(), &["offset"][..]),
            ("min_radius", m.min_radius.is_some(), &["circle"][..]),
        ] {
            if given && !kinds.contains(&m.kind.as_str()) {
                c.problem(
                    format!("{place}.{key}"),
                    format!(
                        "means nothing for kind '{}' (only for {})",
                        m.kind,
                        kinds.join(", ")
                    ),
                );
            }
        }
        if !seen.insert(m.name.clone()) {
            c.problem(
                format!("{place}.name"),
                format!("'{}' is defined twice", m.name),
            );
        }
        let wanted = match m.kind.as_str() {
            "angle" | "deviation" => 3,
            "inclination" | "lean" | "distance" | "offset" | "circle" => 2,
            other => {
                c.problem(
                    format!("{place}.kind"),
                    format!("unknown kind '{other}': use angle, inclination, lean, deviation, distance, offset or circle"),
                );
                continue;
            }
        };
        if m.points.len() != wanted {
            c.problem(
                format!("{place}.points"),
                format!("{} takes {wanted} points, got {}", m.kind, m.points.len()),
            );
            continue;
        }
        let pts: Vec<PointRef> = m
            .points
            .iter()
            .enumerate()
            .map(|(j, p)| c.point(&format!("{place}.points[{j}]"), p))
            .collect();
        let (kind, unit) = match m.kind.as_str() {
            "angle" => (
                MeasureKind::Angle {
                    a: pts[0],
                    vertex: pts[1],
                    c: pts[2],
                },
                "deg",
            ),
            "inclination" => {
                let reference = match m.reference.as_deref().unwrap_or("up") {
                    "up" => Reference::Up,
                    "down" => Reference::Down,
                    "horizontal" => Reference::Horizontal,
                    other => {
                        c.problem(
                            format!("{place}.reference"),
                            format!("unknown reference '{other}': use up, down or horizontal"),
                        );
                        Reference::Up
                    }
                };
                (
                    MeasureKind::Inclination {
                        from: pts[0],
                        to: pts[1],
                        reference,
                    },
                    "deg",
                )
            }
            "lean" => (
                MeasureKind::Lean {
                    from: pts[0],
                    to: pts[1],
                },
                "deg",
            ),
            "deviation" => {
                let scale = c.scale(&format!("{place}.scale"), m.scale.as_deref());
                (
                    MeasureKind::Deviation {
                        point: pts[0],
                        a: pts[1],
                        b: pts[2],
                        scale,
                    },
                    "x",
                )
            }
            "distance" => {
                let scale = c.scale(&format!("{place}.scale"), m.scale.as_deref());
                (
                    MeasureKind::Distance {
                        a: pts[0],
                        b: pts[1],
                        scale,
                    },
                    "x",
                )
            }
            "offset" => {
                let scale = c.scale(&format!("{place}.scale"), m.scale.as_deref());
                let (axis, forward) = match m.axis.as_deref().unwrap_or("y") {
                    "x" => (Axis::X, false),
                    "y" => (Axis::Y, false),
                    "forward" => (Axis::X, true),
                    other => {
                        c.problem(
                            format!("{place}.axis"),
                            format!("unknown axis '{other}': use x, y or forward"),
                        );
                        (Axis::Y, false)
                    }
                };
                (
                    MeasureKind::Offset {
                        point: pts[0],
                        origin: pts[1],
                        axis,
                        forward,
                        scale,
                    },
                    "x",
                )
            }
            _ => {
                let place = format!("{place}.min_radius");
                let min_radius = match m.min_radius.as_ref().map(|n| c.num_read(&place, n)) {
                    None => DEFAULT_CIRCLE_MIN_RADIUS,
                    Some(None) => 0.0,
                    Some(Some(v)) => c.within_max(&place, v, true, MAX_CIRCLE_MIN_RADIUS, ""),
                };
                (
                    MeasureKind::Circle {
                        point: pts[0],
                        relative_to: pts[1],
                        min_radius,
                    },
                    "turns",
                )
            }
        };
        let shown = Shown::of(&kind);
        let label = match &m.label {
            Some(label) => {
                c.not_empty(&format!("{place}.label"), label);
                if label.chars().count() > MAX_LABEL_CHARS {
                    c.problem(
                        format!("{place}.label"),
                        format!(
                            "longer than {MAX_LABEL_CHARS} characters: it is shown beside a bar"
                        ),
                    );
                }
                label.clone()
            }
            None => shown.default_label(&m.name),
        };
        measurements.push(Measurement {
            name: m.name.clone(),
            kind,
            unit,
            label,
            shown,
        });
    }
    // Every name written, readable or not: a broken measurement or phase is
    // reported once, not again wherever it is used.
    let measurement_names: Vec<&str> = file.measurement_names.iter().map(String::as_str).collect();
    let phase_names: Vec<&str> = file.phase_names.iter().map(String::as_str).collect();

    // Phases.
    let mut phases = Vec::new();
    for (i, p) in file.phase.iter().enumerate() {
        let place = format!("phase[{i}]");
        c.not_empty(&format!("{place}.name"), &p.name);
        if phase_names.iter().filter(|n| **n == p.name).count() > 1 {
            c.problem(
                format!("{place}.name"),
                format!("'{}' is defined twice", p.name),
            );
        }
        if p.when.is_empty() {
            c.problem(
                format!("{place}.when"),
                "a phase needs at least one condition",
            );
        }
        let mut conditions = Vec::new();
        for (j, w) in p.when.iter().enumerate() {
            let cp = format!("{place}.when[{j}]");
            let measurement = c.index(
                &format!("{cp}.measurement"),
                "measurement",
                &w.measurement,
                &measurement_names,
            );
            let enter = c.range(&format!("{cp}.enter"), &w.enter);
            let exit = match &w.exit {
                Some(e) => c.range(&format!("{cp}.exit"), e),
                None => enter,
            };
            if exit.min > enter.min || exit.max < enter.max {
                c.problem(
                    format!("{cp}.exit"),
                    "the exit range must contain the enter range",
                );
            }
            conditions.push(PhaseCondition {
                measurement,
                enter,
                exit,
            });
        }
        phases.push(Phase {
            name: p.name.clone(),
            conditions,
        });
    }

    // Phases named in a `during` list (circles, form checks, cues).
    let during = |c: &mut Checker, place: &str, names: &[String]| -> Vec<usize> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| c.index(&format!("{place}.during[{i}]"), "phase", n, &phase_names))
            .collect()
    };
    // Repetitions, or holds for an exercise without [reps].
    let reps = match &file.reps {
        Some(reps) => {
            let counting = match (&reps.sequence, &reps.circles) {
                (Some(seq), None) => {
                    if seq.len() < 2 {
                        c.problem("reps.sequence", "name at least two phases");
                    }
                    if let Some(i) = (1..seq.len()).find(|&i| seq[i] == seq[i - 1]) {
                        c.problem(
                            format!("reps.sequence[{i}]"),
                            format!(
                                "'{}' twice in a row: a phase cannot follow itself, so no repetition would ever count (for an exercise that is held, leave out [reps])",
                                seq[i]
                            ),
                        );
                    }
                    Counting::Sequence(
                        seq.iter()
                            .enumerate()
                            .map(|(i, name)| {
                                c.index(&format!("reps.sequence[{i}]"), "phase", name, &phase_names)
                            })
                            .collect(),
                    )
                }
                (None, Some(circles)) => {
                    let measurement = c.index(
                        "reps.circles.measurement",
                        "measurement",
                        &circles.measurement,
                        &measurement_names,
                    );
                    if !matches!(
                        measurements.get(measurement).map(|m| &m.kind),
                        Some(MeasureKind::Circle { .. })
                    ) {
                        c.problem("reps.circles.measurement", "must name a circle measurement");
                    }
                    let directions = circles
                        .directions
                        .iter()
                        .enumerate()
                        .map(|(i, d)| match d.as_str() {
                            "forward" => Direction::Forward,
                            "backward" => Direction::Backward,
                            other => {
                                c.problem(
                                    format!("reps.circles.directions[{i}]"),
                                    format!("unknown direction '{other}'"),
                                );
                                Direction::Forward
                            }
                        })
                        .collect::<Vec<_>>();
                    if directions.is_empty() {
                        c.problem("reps.circles.directions", "name at least one direction");
                    }
                    let mut message = |key: &str, text: &str| {
                        let place = format!("reps.circles.{key}");
                        if !text.contains(DIRECTION_SLOT) {
                            c.problem(&place, format!("must say {DIRECTION_SLOT}"));
                        }
                        // The slot stays for the engine; the rest is filled now.
                        c.text(&place, &text.replace(DIRECTION_SLOT, "\u{1}"))
                            .replace('\u{1}', DIRECTION_SLOT)
                    };
                    let wrong_way = message("wrong_way", &circles.wrong_way);
                    let next_direction = message("next_direction", &circles.next_direction);
                    let during = during(&mut c, "reps.circles", &circles.during);
                    Counting::Circles {
                        measurement,
                        per_direction: circles.per_direction,
                        directions,
                        wrong_way,
                        next_direction,
                        during,
                    }
                }
                _ => {
                    c.problem("reps", "give either sequence or circles");
                    Counting::Sequence(Vec::new())
                }
            };
            if reps.per_set == 0 {
                c.problem("reps.per_set", "must be at least 1");
            }
            if !(1..=MAX_SETS).contains(&reps.sets) {
                c.problem("reps.sets", format!("must be 1 to {MAX_SETS}"));
            }
            let min_rep_s = c.seconds("reps.min_rep_s", reps.min_rep_s.as_ref(), 0.0, false);
            let max_rep_s = c.seconds("reps.max_rep_s", reps.max_rep_s.as_ref(), 0.0, false);
            if max_rep_s != 0.0 && max_rep_s < min_rep_s {
                c.problem(
                    "reps.max_rep_s",
                    format!(
                        "{max_rep_s} is below min_rep_s {min_rep_s}: no repetition could ever count"
                    ),
                );
            }
            let skippable = skippable_stages(&mut c, reps, &counting, &phase_names);
            let pass_start_s = c.num_or("reps.pass_start_s", reps.pass_start_s.as_ref(), 0.0);
            if !(0.0..=MAX_PASS_START_S).contains(&pass_start_s) {
                c.problem(
                    "reps.pass_start_s",
                    format!("must be 0 to {MAX_PASS_START_S} seconds"),
                );
            }
            Reps {
                counting,
                per_set: reps.per_set,
                sets: reps.sets,
                min_rep_s,
                max_rep_s,
                skippable,
                pass_start_s,
            }
        }
        None => {
            if file.hold.is_none() {
                c.problem(
                    "reps",
                    "missing: give [reps] (a sequence of phases, or circles), or a [hold] for an exercise that is held",
                );
            }
            let per_set = file.hold.as_ref().and_then(|h| h.per_set).unwrap_or(1);
            let sets = file.hold.as_ref().and_then(|h| h.sets).unwrap_or(1);
            if per_set == 0 {
                c.problem("hold.per_set", "must be at least 1");
            }
            if !(1..=MAX_SETS).contains(&sets) {
                c.problem("hold.sets", format!("must be 1 to {MAX_SETS}"));
            }
            Reps {
                counting: Counting::Holds,
                per_set,
                sets,
                min_rep_s: 0.0,
                max_rep_s: 0.0,
                skippable: Vec::new(),
                pass_start_s: 0.0,
            }
        }
    };
    if let (Some(_), Some(h)) = (&file.reps, &file.hold) {
        for (key, given) in [("per_set", h.per_set.is_some()), ("sets", h.sets.is_some())] {
            if given {
                c.problem(
                    format!("hold.{key}"),
                    format!("only for an exercise without [reps] (with it, reps.{key} says it)"),
                );
            }
        }
    }

    let hold = file.hold.as_ref().map(|h| {
        let phase = c.index("hold.phase", "phase", &h.phase, &phase_names);
        let target_s = c.num_read("hold.target_s", &h.target_s).map_or(0.0, |v| {
            c.within_max("hold.target_s", v, true, MAX_FILE_S, "s")
        });
        Hold {
            phase,
            target_s,
            grace_s: c.seconds("hold.grace_s", h.grace_s.as_ref(), DEFAULT_GRACE_S, false),
        }
    });
    if let (Some(h), Counting::Sequence(seq)) = (&hold, &reps.counting)
        && !seq.contains(&h.phase)
    {
        c.problem("hold.phase", "the hold phase must be part of reps.sequence");
    }

    let form = file
        .form
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let place = format!("form[{i}]");
            let measurement = c.index(
                &format!("{place}.measurement"),
                "measurement",
                &f.measurement,
                &measurement_names,
            );
            let target = c.range(&format!("{place}.target"), &f.target);
            let tolerance = c.tolerance(&format!("{place}.tolerance"), &f.tolerance);
            FormCheck {
                measurement,
                target,
                tolerance,
                during: during(&mut c, &place, &f.during),
                cue_below: f
                    .cue_below
                    .as_ref()
                    .map(|t| c.text(&format!("{place}.cue_below"), t)),
                cue_above: f
                    .cue_above
                    .as_ref()
                    .map(|t| c.text(&format!("{place}.cue_above"), t)),
                priority: c.priority(&format!("{place}.priority"), f.priority),
            }
        })
        .collect();
    let reach = file
        .reach
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let place = format!("reach[{i}]");
            let measurement = c.index(
                &format!("{place}.measurement"),
                "measurement",
                &r.measurement,
                &measurement_names,
            );
            let at = match r.at.as_str() {
                "lowest" => Extreme::Lowest,
                "highest" => Extreme::Highest,
                other => {
                    c.problem(
                        format!("{place}.at"),
                        format!("unknown end '{other}': use lowest or highest"),
                    );
                    Extreme::Lowest
                }
            };
            let refuse = match r.missed.as_deref().unwrap_or("not counted") {
                "not counted" => true,
                "lower score" => false,
                other => {
                    c.problem(
                        format!("{place}.missed"),
                        format!("unknown '{other}': use \"not counted\" or \"lower score\""),
                    );
                    true
                }
            };
            if !matches!(reps.counting, Counting::Sequence(_)) {
                c.problem(
                    place.clone(),
                    "a reach is judged per repetition: it needs [reps] with a sequence",
                );
            }
            ReachCheck {
                measurement,
                at,
                target: c.range(&format!("{place}.target"), &r.target),
                tolerance: c.tolerance(&format!("{place}.tolerance"), &r.tolerance),
                refuse,
                cue_short: c.text(&format!("{place}.cue_short"), &r.cue_short),
                cue_past: r
                    .cue_past
                    .as_ref()
                    .map(|t| c.text(&format!("{place}.cue_past"), t)),
                cue_nearly: r
                    .cue_nearly
                    .as_ref()
                    .map(|t| c.text(&format!("{place}.cue_nearly"), t)),
            }
        })
        .collect();
    let mut cue_ids = HashSet::new();
    let cues = file
        .cue
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let place = format!("cue[{i}]");
            let measurement = c.index(
                &format!("{place}.when.measurement"),
                "measurement",
                &q.when.measurement,
                &measurement_names,
            );
            c.not_empty(&format!("{place}.id"), &q.id);
            if !cue_ids.insert(q.id.clone()) {
                c.problem(format!("{place}.id"), format!("'{}' is used twice", q.id));
            }
            Cue {
                id: q.id.clone(),
                message: c.text(&format!("{place}.message"), &q.message),
                measurement,
                when: c.comparison(&format!("{place}.when"), &q.when),
                during: during(&mut c, &place, &q.during),
                priority: c.priority(&format!("{place}.priority"), q.priority),
                cooldown_s: c.seconds(
                    &format!("{place}.cooldown_s"),
                    q.cooldown_s.as_ref(),
                    DEFAULT_CUE_COOLDOWN_S,
                    false,
                ),
                after_s: c.seconds(
                    &format!("{place}.after_s"),
                    q.after_s.as_ref(),
                    DEFAULT_CUE_AFTER_S,
                    false,
                ),
            }
        })
        .collect();
    let safety = file
        .safety
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let place = format!("safety[{i}]");
            let measurement = c.index(
                &format!("{place}.when.measurement"),
                "measurement",
                &s.when.measurement,
                &measurement_names,
            );
            SafetyLimit {
                measurement,
                when: c.comparison(&format!("{place}.when"), &s.when),
                for_s: c.seconds(
                    &format!("{place}.for_s"),
                    s.for_s.as_ref(),
                    DEFAULT_SAFETY_FOR_S,
                    false,
                ),
                reason: c.text(&format!("{place}.reason"), &s.reason),
            }
        })
        .collect();
    let progress = file.progress.as_ref().map(|p| {
        let range = match (&p.measurement, p.better.as_deref(), p.follows.as_deref()) {
            (None, None, None) => None,
            (None, None, Some("hold")) => {
                if file.hold.is_none() {
                    c.problem("progress.follows", "\"hold\" needs a [hold]");
                }
                Some(Follow::HoldTime)
            }
            (_, _, Some(other)) => {
                c.problem(
                    "progress.follows",
                    if other == "hold" {
                        "\"hold\" takes no measurement nor better".to_string()
                    } else {
                        format!("unknown '{other}': use \"hold\" (or a measurement and better)")
                    },
                );
                None
            }
            (Some(name), Some(better), None) => {
                let measurement = c.index(
                    "progress.measurement",
                    "measurement",
                    name,
                    &measurement_names,
                );
                match better {
                    "lower" => Some(Follow::Measurement {
                        measurement,
                        better: Better::Lower,
                    }),
                    "higher" => Some(Follow::Measurement {
                        measurement,
                        better: Better::Higher,
                    }),
                    "closest" => match &p.target {
                        Some(t) => Some(Follow::Closest {
                            measurement,
                            target: c.num("progress.target", t),
                        }),
                        None => {
                            c.problem("progress.target", "missing: closest to what value?");
                            None
                        }
                    },
                    other => {
                        c.problem(
                            "progress.better",
                            format!("unknown direction '{other}': use lower, higher or closest"),
                        );
                        None
                    }
                }
            }
            (Some(_), None, None) => {
                c.problem(
                    "progress.better",
                    "missing: say whether lower or higher is better",
                );
                None
            }
            (None, Some(_), None) => {
                c.problem(
                    "progress.measurement",
                    "missing: better needs a measurement",
                );
                None
            }
        };
        if p.target.is_some() && p.better.as_deref() != Some("closest") {
            c.problem("progress.target", "only with better = \"closest\"");
        }
        let [min, max] = p.times;
        if min == 0 || max < min {
            c.problem(
                "progress.times",
                "must be [least, most] with 1 <= least <= most",
            );
        }
        let per = match p.per.as_str() {
            "day" => Period::Day,
            "week" => Period::Week,
            other => {
                c.problem(
                    "progress.per",
                    format!("unknown period '{other}': use day or week"),
                );
                Period::Day
            }
        };
        Progress {
            range,
            frequency: Frequency { min, max, per },
        }
    });
    if file.phase.is_empty() && matches!(reps.counting, Counting::Sequence(_)) {
        c.problem("phase", "missing: a sequence needs phases");
    }
    let instructions = file
        .instructions
        .iter()
        .enumerate()
        .map(|(i, t)| c.text(&format!("instructions[{i}]"), t))
        .collect();
    let demo = file
        .demo
        .as_ref()
        .and_then(|d| demo::check(&mut c, view, d));

    if !c.problems.is_empty() {
        return Err(FileError {
            path: path.to_path_buf(),
            problems: c.problems,
        });
    }
    Ok(Exercise {
        id: file.id,
        name: file.name,
        instructions,
        view,
        posture,
        sides,
        working_side,
        measurements,
        phases,
        reps,
        hold,
        form,
        reach,
        cues,
        safety,
        progress,
        demo,
        params: params.clone(),
        param_ranges,
        source: path.to_path_buf(),
    })
}

/// Loads one exercise file.
pub fn load_exercise(
    path: &Path,
    overrides: &BTreeMap<String, f64>,
) -> Result<Exercise, FileError> {
    exercise_from_str(path, &read_bounded(path)?, overrides)
}

/// Loads one routine file.
pub fn load_routine(path: &Path) -> Result<Routine, FileError> {
    routine_from_str(path, &read_bounded(path)?)
}

/// An exercise or routine file is at most this big (the shipped ones are
/// under 5 KB): a bigger one is refused before it is read.
pub const MAX_FILE_BYTES: u64 = 256 * 1024;
/// A problem's reason is cut to this many characters: a value quoted in it
/// can be a megabyte.
const MAX_REASON_CHARS: usize = 300;

/// Cuts `reason` to [`MAX_REASON_CHARS`], saying so.
fn cut(reason: &str) -> String {
    crate::quote::cut(reason, MAX_REASON_CHARS)
}

/// The text of `path`, refused when it is over [`MAX_FILE_BYTES`].
fn read_bounded(path: &Path) -> Result<String, FileError> {
    use std::io::Read;
    let file =
        std::fs::File::open(path).map_err(|e| FileError::single(path, "file", e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| FileError::single(path, "file", e.to_string()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(FileError::single(
            path,
            "file",
            format!("over {MAX_FILE_BYTES} bytes: an exercise or routine file is smaller"),
        ));
    }
    String::from_utf8(bytes)
        .map_err(|_| FileError::single(path, "file", "not UTF-8 text".to_string()))
}

/// Parses and validates one routine file's text.
pub fn routine_from_str(path: &Path, text: &str) -> Result<Routine, FileError> {
    check_version(path, text)?;
    let mut t = Sections::new(parse_table(path, text)?);
    t.table.remove("format");
    let id: String = t.required("id").unwrap_or_default();
    let name: String = t.required("name").unwrap_or_default();
    let description: String = t.optional("description").unwrap_or_default();
    let exercises: Vec<String> = t.required("exercises").unwrap_or_default();
    let get_ready_s: Option<f64> = t.optional("get_ready_s");
    let mut problems = t.finish();
    if exercises.is_empty() {
        problems.push(Problem::new("exercises", "name at least one exercise"));
    }
    if exercises.len() > MAX_ROUTINE_EXERCISES {
        problems.push(Problem::new(
            "exercises",
            format!(
                "{} exercises: at most {MAX_ROUTINE_EXERCISES}",
                exercises.len()
            ),
        ));
    }
    if let Some(s) = get_ready_s
        && !(0.0..=MAX_GET_READY_S).contains(&s)
    {
        problems.push(Problem::new(
            "get_ready_s",
            format!("{s} s is not within 0-{MAX_GET_READY_S} s"),
        ));
    }
    if !problems.is_empty() {
        return Err(FileError {
            path: path.to_path_buf(),
            problems,
        });
    }
    Ok(Routine {
        id,
        name,
        description,
        exercises,
        get_ready_s: get_ready_s.unwrap_or(DEFAULT_GET_READY_S),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> BTreeMap<String, f64> {
        BTreeMap::from([
            ("knee_angle_deg".to_string(), 135.0),
            ("hold_s".into(), 5.0),
        ])
    }

    #[test]
    fn sums_of_numbers_and_parameters() {
        let p = params();
        for (text, want) in [
            ("knee_angle_deg", 135.0),
            ("knee_angle_deg + 10", 145.0),
            ("knee_angle_deg-17", 118.0),
            ("180 - knee_angle_deg", 45.0),
            ("-knee_angle_deg + 200", 65.0),
            ("knee_angle_deg - hold_s + 0.5", 130.5),
            // An exponent's sign is not a sum's.
            ("1.65e+2", 165.0),
            ("1.65E+2 - 5", 160.0),
            ("2e-1 + knee_angle_deg", 135.2),
        ] {
            assert_eq!(eval(text, &p), Ok(want), "{text}");
        }
    }

    #[test]
    fn malformed_sums_say_why() {
        let p = params();
        for (text, says) in [
            ("knee_angle + 10", "unknown parameter 'knee_angle'"),
            ("knee_angle_deg +", "is not a sum"),
            (
                "knee_angle_deg * 2",
                "unknown parameter 'knee_angle_deg * 2'",
            ),
            ("", "is not a sum"),
            ("inf - knee_angle_deg", "'inf' is not a finite number"),
            ("knee_angle_deg - - 2", "is not a sum"),
            // Issue 26, item 7: finite terms summing past the largest
            // number.
            ("1e308 + 1e308", "comes to inf, not a finite number"),
            ("-1e308 - 1e308", "comes to -inf, not a finite number"),
        ] {
            let err = eval(text, &p).unwrap_err();
            assert!(err.contains(says), "{text}: {err}");
        }
    }

    #[test]
    fn messages_say_the_chosen_values() {
        let p = params();
        assert_eq!(
            fill("Stop at {180 - knee_angle_deg} degrees", &p).unwrap(),
            "Stop at 45 degrees"
        );
        assert_eq!(
            fill("{hold_s + 0.25} s, then {hold_s}", &p).unwrap(),
            "5.2 s, then 5"
        );
        assert_eq!(fill("No braces", &p).unwrap(), "No braces");
        assert!(
            fill("Stop at {knee", &p)
                .unwrap_err()
                .contains("without its")
        );
        assert!(
            fill("Stop at knee}", &p)
                .unwrap_err()
                .contains("without its")
        );
        assert!(
            fill("{nope}", &p)
                .unwrap_err()
                .contains("unknown parameter")
        );
    }
}
