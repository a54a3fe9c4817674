//! The progress history: every finished session's results, per exercise,
//! in a SQLite database in the data folder (`history.sqlite`).
//!
//! - The schema is versioned and migrated in place (see `schema`).
//! - Write-ahead logging and a busy timeout: two programs at once (a
//!   session running while `posecoach history` reads) wait for each other
//!   instead of failing.
//! - Every session is added in one transaction: a crash adds all of it or
//!   none of it.
//! - A file that is not a healthy posecoach history is reported and left as
//!   it is; it is never reset.

pub mod progress;
pub mod range;
mod schema;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use crate::exercise::catalog::Catalog;
use crate::exercise::engine::StopCause;
use crate::exercise::model::{Better, Exercise, Follow};
use crate::session::SessionSummary;
pub use range::RangeTracker;
pub use schema::current_version as schema_version;

/// The database's file name in the data folder.
pub const DATABASE_FILE: &str = "history.sqlite";
/// How long a program waits for another one's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the history could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct HistoryError {
    pub path: PathBuf,
    pub reason: String,
}

/// The range-of-motion measurement an exercise's history follows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RangeInfo {
    pub measurement: String,
    pub unit: String,
    pub better: Better,
}

impl RangeInfo {
    /// From the exercise's `[progress]` table, if it names one.
    pub fn of(exercise: &Exercise) -> Option<RangeInfo> {
        let name = |m: usize| exercise.measurements.get(m);
        Some(match exercise.progress.as_ref()?.range? {
            Follow::Measurement {
                measurement,
                better,
            } => {
                let m = name(measurement)?;
                RangeInfo {
                    measurement: m.name.clone(),
                    unit: m.unit.to_string(),
                    better,
                }
            }
            // Kept as the distance from the target: the less, the closer.
            Follow::Closest {
                measurement,
                target,
            } => {
                let m = name(measurement)?;
                RangeInfo {
                    measurement: format!("{} off {target}", m.name),
                    unit: m.unit.to_string(),
                    better: Better::Lower,
                }
            }
            Follow::HoldTime => RangeInfo {
                measurement: "longest hold".into(),
                unit: "s".into(),
                better: Better::Higher,
            },
        })
    }
}

/// The best range of motion reached in one exercise of one session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RangeOfMotion {
    #[serde(flatten)]
    pub range: RangeInfo,
    pub best: f64,
}

/// One exercise's results in one session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExerciseResult {
    pub exercise_id: String,
    pub reps: u32,
    pub holds: u32,
    pub hold_s: f64,
    pub in_form_s: f64,
    pub sets_completed: u32,
    pub form_score: Option<f64>,
    pub range_of_motion: Option<RangeOfMotion>,
    pub pain_stops: u32,
    pub safety_stops: u32,
    /// What each stop said: the `pain_stops` pain stops first, then the
    /// safety stops (so a stop's cause is known without its wording).
    pub stop_reasons: Vec<String>,
    /// Holds that ended before their time: "held 3.2 of 5 s".
    pub short_holds: Vec<String>,
}

impl ExerciseResult {
    /// Whether the exercise was done at all (a repetition or a hold), which
    /// is what adherence counts.
    pub fn done(&self) -> bool {
        self.reps > 0 || self.holds > 0
    }
}

/// When each exercise and routine was last done: local dates, YYYY-MM-DD.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LastDone {
    pub exercises: HashMap<String, String>,
    pub routines: HashMap<String, String>,
}

/// One finished session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionRecord {
    pub started_at_ms: i64,
    /// The person's local date, YYYY-MM-DD.
    pub local_date: String,
    pub duration_s: f64,
    pub routine: Option<String>,
    pub source: String,
    pub recording: Option<String>,
    /// The recording's SHA-256, hex: the same recording reached by another
    /// path (a symlink, `..`, a copy) is the same session.
    pub recording_sha256: Option<String>,
    /// Pain from 0 to 10 before and after, and the highest given during
    /// the session; `None` when the person did not say.
    pub pain_before: Option<u8>,
    pub pain_after: Option<u8>,
    pub pain_during_max: Option<u8>,
    pub exercises: Vec<ExerciseResult>,
}

/// Where and when a session happened, for `SessionRecord::new`.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub started_at: chrono::DateTime<chrono::FixedOffset>,
    pub duration_s: f64,
    pub routine: Option<String>,
    pub source: String,
    pub recording: Option<PathBuf>,
    /// `content_id` of the recording.
    pub recording_sha256: Option<String>,
}

/// What identifies a recording whatever its path: the SHA-256 of its bytes.
pub fn content_id(path: &Path) -> std::io::Result<String> {
    use sha2::Digest as _;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = sha2::Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

impl SessionRecord {
    /// The record of a session from its summary and the ranges of motion
    /// seen; exercises the catalog does not know keep no range of motion.
    pub fn new(
        info: &SessionInfo,
        summary: &SessionSummary,
        ranges: &RangeTracker,
        catalog: &Catalog,
    ) -> SessionRecord {
        let exercises = summary
            .exercises
            .iter()
            .map(|s| {
                let range_of_motion = catalog.exercise(&s.id).and_then(|ex| {
                    let follows_holds = ex
                        .progress
                        .as_ref()
                        .is_some_and(|p| p.range == Some(Follow::HoldTime));
                    let best = if follows_holds {
                        s.holds.iter().map(|h| h.duration_s).reduce(f64::max)?
                    } else {
                        ranges.best(&s.id)?
                    };
                    Some(RangeOfMotion {
                        range: RangeInfo::of(ex)?,
                        best: (best * 100.0).round() / 100.0,
                    })
                });
                let pain_stops = s
                    .stops
                    .iter()
                    .filter(|st| st.cause == StopCause::Pain)
                    .count() as u32;
                ExerciseResult {
                    exercise_id: s.id.clone(),
                    reps: s.reps.len() as u32,
                    holds: s.holds.len() as u32,
                    hold_s: s.holds.iter().map(|h| h.duration_s).sum(),
                    in_form_s: s.in_form_s(),
                    sets_completed: s.sets_completed,
                    form_score: s.mean_form().map(|f| (f * 10.0).round() / 10.0),
                    range_of_motion,
                    pain_stops,
                    safety_stops: s.stops.len() as u32 - pain_stops,
                    stop_reasons: s
                        .stops
                        .iter()
                        .filter(|st| st.cause == StopCause::Pain)
                        .chain(s.stops.iter().filter(|st| st.cause != StopCause::Pain))
                        .map(|st| st.reason.clone())
                        .collect(),
                    short_holds: s.short_holds.iter().map(|h| h.describe()).collect(),
                }
            })
            .collect();
        SessionRecord {
            started_at_ms: info.started_at.timestamp_millis(),
            local_date: info.started_at.format("%Y-%m-%d").to_string(),
            duration_s: (info.duration_s * 10.0).round() / 10.0,
            routine: info.routine.clone(),
            source: info.source.clone(),
            recording: info
                .recording
                .as_ref()
                .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
                .map(|p| p.display().to_string()),
            recording_sha256: info.recording_sha256.clone(),
            pain_before: summary.pain.before,
            pain_after: summary.pain.after,
            pain_during_max: summary.pain.during.iter().map(|d| d.score).max(),
            exercises,
        }
    }
}

/// Whether `add` stored the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    New,
    /// Its recording was added before.
    AlreadyThere,
}

/// An open history database.
#[derive(Debug)]
pub struct History {
    conn: Connection,
    path: PathBuf,
}

impl History {
    /// The database in `data_dir`, created (readable by its owner only)
    /// when missing and migrated to the current schema.
    pub fn open_in(data_dir: &Path) -> Result<History, HistoryError> {
        Self::open(&data_dir.join(DATABASE_FILE))
    }

    /// Opens (creating when missing) the database at `path`.
    pub fn open(path: &Path) -> Result<History, HistoryError> {
        let fail = |reason: String| HistoryError {
            path: path.to_path_buf(),
            reason,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::files::create_private_dir(dir)
                .map_err(|e| fail(format!("cannot create the folder: {e}")))?;
        }
        // SQLite gives its -wal and -shm files the database's permissions.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options
            .open(path)
            .map_err(|e| fail(format!("cannot open the history: {e}")))?;
        let sql = |e: rusqlite::Error| fail(explain(&e));
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sql)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
        check_health(&conn).map_err(|e| fail(e.to_string()))?;
        // Whose file it is, read-only, before anything is written to it.
        let schema_error = |e| fail(schema_reason(e));
        schema::check_identity(&mut conn).map_err(schema_error)?;
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))
            .map_err(sql)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(sql)?;
        schema::migrate(&mut conn).map_err(schema_error)?;
        Ok(History {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Opens the database at `path` to read it only, so that a history
    /// the person cannot write (a read-only file or folder) can still be
    /// shown. `None` when there is no history yet: nothing is created.
    /// A history from an older posecoach is first brought up to date,
    /// which needs write access.
    pub fn open_to_read(path: &Path) -> Result<Option<History>, HistoryError> {
        if !path.exists() {
            return Ok(None);
        }
        let fail = |reason: String| HistoryError {
            path: path.to_path_buf(),
            reason,
        };
        let sql = |e: rusqlite::Error| fail(explain(&e));
        let read_only = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, read_only).map_err(sql)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
        if let Err(e) = check_health(&conn) {
            // A history written with a journal (-wal and -shm files) is only
            // readable in a read-only folder as an unchanging file.
            let cannot_open = |e: &rusqlite::Error| {
                matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly)
                )
            };
            if !matches!(&e, Health::Sql(sql_error) if cannot_open(sql_error)) {
                return Err(fail(e.to_string()));
            }
            conn = Connection::open_with_flags(
                immutable_uri(path),
                read_only | OpenFlags::SQLITE_OPEN_URI,
            )
            .map_err(sql)?;
            check_health(&conn).map_err(|e| fail(e.to_string()))?;
        }
        let version = schema::check_identity(&mut conn).map_err(|e| fail(schema_reason(e)))?;
        if version < schema::current_version() {
            drop(conn);
            return Self::open(path).map(Some).map_err(|e| {
                fail(format!(
                    "this history is from an older posecoach (version {version}) and could not be brought up to date: {}",
                    e.reason
                ))
            });
        }
        Ok(Some(History {
            conn,
            path: path.to_path_buf(),
        }))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn fail(&self, e: &rusqlite::Error) -> HistoryError {
        HistoryError {
            path: self.path.clone(),
            reason: explain(e),
        }
    }

    /// Adds a session and its exercises in one transaction. A session whose
    /// recording is already there is not added again.
    pub fn add(&mut self, record: &SessionRecord) -> Result<Added, HistoryError> {
        let path = self.path.clone();
        let fail = |e: rusqlite::Error| HistoryError {
            path: path.clone(),
            reason: explain(&e),
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        if record.recording.is_some() || record.recording_sha256.is_some() {
            let existing: Option<i64> = tx
                .query_row(
                    "SELECT id FROM sessions WHERE recording = ?1 OR recording_sha256 = ?2",
                    params![record.recording, record.recording_sha256],
                    |r| r.get(0),
                )
                .optional()
                .map_err(fail)?;
            if existing.is_some() {
                return Ok(Added::AlreadyThere);
            }
        }
        tx.execute(
            "INSERT INTO sessions (started_at_ms, local_date, duration_s, routine, source, recording,
                 recording_sha256, pain_before, pain_after, pain_during_max)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                record.started_at_ms,
                record.local_date,
                record.duration_s,
                record.routine,
                record.source,
                record.recording,
                record.recording_sha256,
                record.pain_before,
                record.pain_after,
                record.pain_during_max
            ],
        )
        .map_err(fail)?;
        let session_id = tx.last_insert_rowid();
        for (position, e) in record.exercises.iter().enumerate() {
            let rom = e.range_of_motion.as_ref();
            tx.execute(
                "INSERT INTO exercise_results (session_id, position, exercise_id, reps, holds,
                     hold_s, in_form_s, sets_completed, form_score, rom_measurement, rom_unit,
                     rom_better, rom_best, pain_stops, safety_stops, stop_reasons, short_holds)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                         ?17)",
                params![
                    session_id,
                    position as i64,
                    e.exercise_id,
                    e.reps,
                    e.holds,
                    e.hold_s,
                    e.in_form_s,
                    e.sets_completed,
                    e.form_score,
                    rom.map(|r| r.range.measurement.clone()),
                    rom.map(|r| r.range.unit.clone()),
                    rom.map(|r| r.range.better.name()),
                    rom.map(|r| r.best),
                    e.pain_stops,
                    e.safety_stops,
                    e.stop_reasons.join("\n"),
                    e.short_holds.join("\n"),
                ],
            )
            .map_err(fail)?;
        }
        tx.commit().map_err(fail)?;
        Ok(Added::New)
    }

    /// The local date of the first session ever, YYYY-MM-DD.
    pub fn first_date(&self) -> Result<Option<String>, HistoryError> {
        self.conn
            .query_row("SELECT min(local_date) FROM sessions", [], |r| r.get(0))
            .map_err(|e| self.fail(&e))
    }

    /// The last local date (YYYY-MM-DD) each exercise was done (a
    /// repetition or a hold, as `ExerciseResult::done` says), and each
    /// routine had an exercise done.
    pub fn last_done(&self) -> Result<LastDone, HistoryError> {
        const DONE: &str = "(r.reps > 0 OR r.holds > 0)";
        let by_id = |sql: &str| -> rusqlite::Result<HashMap<String, String>> {
            let mut stmt = self.conn.prepare(sql)?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        };
        let exercises = by_id(&format!(
            "SELECT r.exercise_id, max(s.local_date) FROM exercise_results r
             JOIN sessions s ON s.id = r.session_id WHERE {DONE} GROUP BY r.exercise_id"
        ));
        let routines = by_id(&format!(
            "SELECT s.routine, max(s.local_date) FROM sessions s
             WHERE s.routine IS NOT NULL AND EXISTS
                 (SELECT 1 FROM exercise_results r WHERE r.session_id = s.id AND {DONE})
             GROUP BY s.routine"
        ));
        match (exercises, routines) {
            (Ok(exercises), Ok(routines)) => Ok(LastDone {
                exercises,
                routines,
            }),
            (Err(e), _) | (_, Err(e)) => Err(self.fail(&e)),
        }
    }

    /// The sessions on or after `from_date` (YYYY-MM-DD), oldest first,
    /// with all their exercises. A session with a value out of its range
    /// (edited or damaged by hand) is left out and named, not the whole
    /// history.
    pub fn sessions_since(&self, from_date: &str) -> Result<Sessions, HistoryError> {
        let rows = self
            .conn
            .prepare(
                "SELECT id, started_at_ms, local_date, duration_s, routine, source, recording,
                        recording_sha256, pain_before, pain_after, pain_during_max
                 FROM sessions WHERE local_date >= ?1 ORDER BY started_at_ms, id",
            )
            .and_then(|mut stmt| {
                stmt.query_map([from_date], |r| {
                    let id: i64 = r.get(0)?;
                    let name = match r.get::<_, String>(2) {
                        Ok(date) if date.len() == "YYYY-MM-DD".len() => {
                            format!("session {id} of {date}")
                        }
                        _ => format!("session {id}"),
                    };
                    Ok((id, name, session_of(r)))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
            })
            .map_err(|e| self.fail(&e))?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT exercise_id, reps, holds, hold_s, in_form_s, sets_completed, form_score,
                        rom_measurement, rom_unit, rom_better, rom_best, pain_stops, safety_stops,
                        stop_reasons, short_holds
                 FROM exercise_results WHERE session_id = ?1 ORDER BY position",
            )
            .map_err(|e| self.fail(&e))?;
        let mut read = Sessions::default();
        for (id, name, session) in rows {
            let exercises = stmt
                .query_map([id], |r| Ok(exercise_of(r)))
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(|e| self.fail(&e))?;
            match session.and_then(|mut s| {
                s.exercises = exercises.into_iter().collect::<Result<_, _>>()?;
                Ok(s)
            }) {
                Ok(s) => read.records.push(s),
                Err(reason) => read.left_out.push(format!("{name}: {reason}")),
            }
        }
        Ok(read)
    }
}

/// What `History::sessions_since` read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sessions {
    pub records: Vec<SessionRecord>,
    /// The sessions that could not be read, each "session ID of DATE:
    /// why".
    pub left_out: Vec<String>,
}

/// Column `i` (named `name`) of a row, or why it cannot be read.
fn column<T: rusqlite::types::FromSql>(
    r: &rusqlite::Row,
    i: usize,
    name: &str,
) -> Result<T, String> {
    r.get(i).map_err(|e| match e {
        rusqlite::Error::IntegralValueOutOfRange(_, v) => format!("{name} {v} is out of range"),
        rusqlite::Error::InvalidColumnType(_, _, kind) => {
            format!("{name} holds {kind}, not a value of its kind")
        }
        other => format!("{name}: {other}"),
    })
}

/// `value` if it lies in `range`, else why not.
fn within(value: f64, range: std::ops::RangeInclusive<f64>, name: &str) -> Result<f64, String> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(format!(
            "{name} {value} is not within {}-{}",
            range.start(),
            range.end()
        ))
    }
}

/// The longest a session or hold may have lasted: a day.
const MAX_STORED_S: f64 = 86_400.0;

fn session_of(r: &rusqlite::Row) -> Result<SessionRecord, String> {
    let pain = |i: usize, name: &str| -> Result<Option<u8>, String> {
        let score: Option<u8> = column(r, i, name)?;
        match score {
            Some(s) if s > crate::session::MAX_PAIN => Err(format!(
                "{name} {s} is not within 0-{}",
                crate::session::MAX_PAIN
            )),
            other => Ok(other),
        }
    };
    let local_date: String = column(r, 2, "local_date")?;
    if chrono::NaiveDate::parse_from_str(&local_date, "%Y-%m-%d").is_err() {
        return Err(format!(
            "local_date {:?} is not a date (YYYY-MM-DD)",
            crate::quote::cut(&local_date, crate::quote::MAX_QUOTED_CHARS)
        ));
    }
    Ok(SessionRecord {
        started_at_ms: column(r, 1, "started_at_ms")?,
        local_date,
        duration_s: within(
            column(r, 3, "duration_s")?,
            0.0..=MAX_STORED_S,
            "duration_s",
        )?,
        routine: column(r, 4, "routine")?,
        source: column(r, 5, "source")?,
        recording: column(r, 6, "recording")?,
        recording_sha256: column(r, 7, "recording_sha256")?,
        pain_before: pain(8, "pain_before")?,
        pain_after: pain(9, "pain_after")?,
        pain_during_max: pain(10, "pain_during_max")?,
        exercises: Vec::new(),
    })
}

fn exercise_of(r: &rusqlite::Row) -> Result<ExerciseResult, String> {
    let seconds = |i: usize, name: &str| within(column(r, i, name)?, 0.0..=MAX_STORED_S, name);
    let lines = |i: usize, name: &str| -> Result<Vec<String>, String> {
        let text: String = column(r, i, name)?;
        Ok(text
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect())
    };
    let range_of_motion = match (
        column::<Option<String>>(r, 7, "rom_measurement")?,
        column::<Option<String>>(r, 8, "rom_unit")?,
        column::<Option<String>>(r, 9, "rom_better")?,
        column::<Option<f64>>(r, 10, "rom_best")?,
    ) {
        (Some(measurement), Some(unit), Some(better), Some(best)) => Some(RangeOfMotion {
            range: RangeInfo {
                measurement,
                unit,
                better: match better.as_str() {
                    "lower" => Better::Lower,
                    "higher" => Better::Higher,
                    other => {
                        return Err(format!(
                            "rom_better {:?} is neither \"lower\" nor \"higher\"",
                            crate::quote::cut(other, crate::quote::MAX_QUOTED_CHARS)
                        ));
                    }
                },
            },
            best: within(best, -1e6..=1e6, "rom_best")?,
        }),
        _ => None,
    };
    Ok(ExerciseResult {
        exercise_id: column(r, 0, "exercise_id")?,
        reps: column(r, 1, "reps")?,
        holds: column(r, 2, "holds")?,
        hold_s: seconds(3, "hold_s")?,
        in_form_s: seconds(4, "in_form_s")?,
        sets_completed: column(r, 5, "sets_completed")?,
        form_score: column::<Option<f64>>(r, 6, "form_score")?
            .map(|f| within(f, 0.0..=100.0, "form_score"))
            .transpose()?,
        range_of_motion,
        pain_stops: column(r, 11, "pain_stops")?,
        safety_stops: column(r, 12, "safety_stops")?,
        stop_reasons: lines(13, "stop_reasons")?,
        short_holds: lines(14, "short_holds")?,
    })
}

/// Why a database is not healthy.
#[derive(Debug, thiserror::Error)]
enum Health {
    #[error("{}", explain(.0))]
    Sql(rusqlite::Error),
    #[error(
        "the history database is damaged ({0}); it was left as it is: move it aside to start a new one"
    )]
    Damaged(String),
}

/// SQLite's quick check of the whole file. A damaged file has one problem
/// per page: the first is said, and how many more there are.
fn check_health(conn: &Connection) -> Result<(), Health> {
    let problems: Vec<String> = conn
        .prepare("PRAGMA quick_check")
        .and_then(|mut stmt| {
            stmt.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(Health::Sql)?;
    let lines: Vec<&str> = problems
        .iter()
        .flat_map(|p| p.lines())
        .filter(|l| !l.trim().is_empty() && !l.starts_with("***") && *l != "ok")
        .collect();
    match lines.split_first() {
        None => Ok(()),
        Some((first, [])) => Err(Health::Damaged(first.to_string())),
        Some((first, more)) => Err(Health::Damaged(format!(
            "{first}, and {} more problems",
            more.len()
        ))),
    }
}

/// An SQLite URI opening `path` as a file nothing changes.
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for c in path.display().to_string().chars() {
        match c {
            '%' | '?' | '#' => uri.push_str(&format!("%{:02X}", c as u32)),
            c => uri.push(c),
        }
    }
    uri + "?immutable=1"
}

/// Why the schema check refused a file, in words a person can act on.
fn schema_reason(e: schema::SchemaError) -> String {
    match e {
        schema::SchemaError::Sql(e) => explain(&e),
        other => other.to_string(),
    }
}

/// A SQLite error in words a person can act on.
fn explain(e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => {
            "not a readable history database (file is not a database); it was left as it is: move it aside to start a new one".into()
        }
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => format!(
            "the history database is damaged ({e}); it was left as it is: move it aside to start a new one"
        ),
        Some(rusqlite::ErrorCode::DatabaseBusy) => format!(
            "the history is busy (another posecoach kept it locked for {} s): {e}",
            BUSY_TIMEOUT.as_secs()
        ),
        _ => format!("history database: {e}"),
    }
}
