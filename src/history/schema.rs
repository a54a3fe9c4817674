//! The history database's schema and its migrations.
//!
//! `PRAGMA user_version` is the number of migrations applied; each
//! migration runs in its own `BEGIN IMMEDIATE` transaction, so two programs
//! opening an old database at once apply it exactly once. A database from a
//! newer program is refused, never downgraded.

use rusqlite::{Connection, TransactionBehavior};

/// Marks the file as a posecoach history ("PCH1"), so another program's
/// SQLite file is never mistaken for one.
pub const APPLICATION_ID: i32 = 0x5043_4831;

/// The migrations, in order: migration `i` takes the schema from version
/// `i` to `i + 1`. Append only; never edit one that has shipped.
const MIGRATIONS: &[&str] = &[
    // 1: sessions and their per-exercise results.
    "CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        -- When the session started: Unix time in milliseconds, and the
        -- person's local date (YYYY-MM-DD) that adherence is counted by.
        started_at_ms INTEGER NOT NULL,
        local_date TEXT NOT NULL,
        duration_s REAL NOT NULL,
        routine TEXT,
        -- Where the frames came from: a file name, or camera.
        source TEXT NOT NULL,
        -- The recorded session file, when one was kept; a file is added once.
        recording TEXT UNIQUE
    );
    CREATE INDEX sessions_by_date ON sessions (local_date);
    CREATE TABLE exercise_results (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        exercise_id TEXT NOT NULL,
        reps INTEGER NOT NULL,
        holds INTEGER NOT NULL,
        hold_s REAL NOT NULL,
        in_form_s REAL NOT NULL,
        sets_completed INTEGER NOT NULL,
        -- Mean form score (0-100) of the repetitions, else of the holds.
        form_score REAL,
        -- Best range of motion: the best value held for half a second.
        rom_measurement TEXT,
        rom_unit TEXT,
        rom_better TEXT,
        rom_best REAL,
        pain_stops INTEGER NOT NULL,
        safety_stops INTEGER NOT NULL,
        -- The stop reasons, one per line.
        stop_reasons TEXT NOT NULL,
        PRIMARY KEY (session_id, position)
    );
    CREATE INDEX results_by_exercise ON exercise_results (exercise_id);",
];

/// The schema version this program writes.
pub fn current_version() -> u32 {
    MIGRATIONS.len() as u32
}

/// Why a database cannot be used as it is.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error(
        "history version {found} is newer than this program's ({supported}); update posecoach (the file was left as it is)"
    )]
    Newer { found: u32, supported: u32 },
    #[error(
        "not a posecoach history (it holds other tables); it was left as it is: give another --data-dir or move it aside"
    )]
    NotOurs,
    #[error("{0}")]
    Sql(#[from] rusqlite::Error),
}

fn user_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Brings the schema up to date.
pub fn migrate(conn: &mut Connection) -> Result<(), SchemaError> {
    let application_id: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let version = user_version(conn)?;
    if application_id != APPLICATION_ID {
        let tables: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
            [],
            |r| r.get(0),
        )?;
        if application_id != 0 || version != 0 || tables != 0 {
            return Err(SchemaError::NotOurs);
        }
    }
    if version > current_version() {
        return Err(SchemaError::Newer {
            found: version,
            supported: current_version(),
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let to = i as u32 + 1;
        if version >= to {
            continue;
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another program may have migrated while this one waited.
        if user_version(&tx)? >= to {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", to)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.commit()?;
    }
    Ok(())
}
