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
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(sql)?;
        if check != "ok" {
            return Err(fail(format!(
                "the history database is damaged ({check}); it was left as it is: move it aside to start a new one"
            )));
        }
        // Whose file it is, read-only, before anything is written to it.
        let schema_error = |e| match e {
            schema::SchemaError::Sql(e) => fail(explain(&e)),
            other => fail(other.to_string()),
        };
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
    /// with all their exercises.
    pub fn sessions_since(&self, from_date: &str) -> Result<Vec<SessionRecord>, HistoryError> {
        let mut sessions = self
            .conn
            .prepare(
                "SELECT id, started_at_ms, local_date, duration_s, routine, source, recording,
                        recording_sha256, pain_before, pain_after, pain_during_max
                 FROM sessions WHERE local_date >= ?1 ORDER BY started_at_ms, id",
            )
            .and_then(|mut stmt| {
                stmt.query_map([from_date], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        SessionRecord {
                            started_at_ms: r.get(1)?,
                            local_date: r.get(2)?,
                            duration_s: r.get(3)?,
                            routine: r.get(4)?,
                            source: r.get(5)?,
                            recording: r.get(6)?,
                            recording_sha256: r.get(7)?,
                            pain_before: r.get(8)?,
                            pain_after: r.get(9)?,
                            pain_during_max: r.get(10)?,
                            exercises: Vec::new(),
                        },
                    ))
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
        for (id, session) in &mut sessions {
            session.exercises = stmt
                .query_map([*id], |r| {
                    let rom = match (
                        r.get::<_, Option<String>>(7)?,
                        r.get::<_, Option<String>>(8)?,
                        r.get::<_, Option<String>>(9)?,
                        r.get::<_, Option<f64>>(10)?,
                    ) {
                        (Some(measurement), Some(unit), Some(better), Some(best)) => {
                            Some(RangeOfMotion {
                                range: RangeInfo {
                                    measurement,
                                    unit,
                                    better: if better == "lower" {
                                        Better::Lower
                                    } else {
                                        Better::Higher
                                    },
                                },
                                best,
                            })
                        }
                        _ => None,
                    };
                    let reasons: String = r.get(13)?;
                    let short: String = r.get(14)?;
                    Ok(ExerciseResult {
                        exercise_id: r.get(0)?,
                        reps: r.get(1)?,
                        holds: r.get(2)?,
                        hold_s: r.get(3)?,
                        in_form_s: r.get(4)?,
                        sets_completed: r.get(5)?,
                        form_score: r.get(6)?,
                        range_of_motion: rom,
                        pain_stops: r.get(11)?,
                        safety_stops: r.get(12)?,
                        stop_reasons: reasons
                            .lines()
                            .filter(|l| !l.is_empty())
                            .map(str::to_string)
                            .collect(),
                        short_holds: short
                            .lines()
                            .filter(|l| !l.is_empty())
                            .map(str::to_string)
                            .collect(),
                    })
                })
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(|e| self.fail(&e))?;
        }
        Ok(sessions.into_iter().map(|(_, s)| s).collect())
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
