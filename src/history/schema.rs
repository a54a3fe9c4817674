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
    // 2: a recording is known by its content too, whatever path it is added by.
    "ALTER TABLE sessions ADD COLUMN recording_sha256 TEXT;
    CREATE UNIQUE INDEX sessions_by_content ON sessions (recording_sha256)
        WHERE recording_sha256 IS NOT NULL;",
    // 3: pain from 0 to 10 before and after the session, and the highest
    // given during it (the check-in is skippable: NULL when not given).
    "ALTER TABLE sessions ADD COLUMN pain_before INTEGER;
    ALTER TABLE sessions ADD COLUMN pain_after INTEGER;
    ALTER TABLE sessions ADD COLUMN pain_during_max INTEGER;",
    // 4: holds that ended before their time, one per line ("held 3.2 of
    // 5 s").
    "ALTER TABLE exercise_results ADD COLUMN short_holds TEXT NOT NULL DEFAULT '';",
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
    migrate_with(conn, MIGRATIONS)
}

/// Whether the file is a posecoach history (or an empty file) that this
/// program can read, without changing anything in it: checked before
/// anything is written, the journal mode included. Returns its version.
pub fn check_identity(conn: &mut Connection) -> Result<u32, SchemaError> {
    check_with(conn, MIGRATIONS.len() as u32)
}

/// The file's schema version, if it is ours and not newer than `known`.
fn check_with(conn: &mut Connection, known: u32) -> Result<u32, SchemaError> {
    // One snapshot for the three reads: another program may be migrating
    // this very file (its id and version change in one commit).
    let snapshot = conn.transaction()?;
    let application_id: i32 = snapshot.pragma_query_value(None, "application_id", |r| r.get(0))?;
    let version = user_version(&snapshot)?;
    let tables: i64 = snapshot.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
        [],
        |r| r.get(0),
    )?;
    snapshot.finish()?;
    if application_id != APPLICATION_ID && (application_id != 0 || version != 0 || tables != 0) {
        return Err(SchemaError::NotOurs);
    }
    if version > known {
        return Err(SchemaError::Newer {
            found: version,
            supported: known,
        });
    }
    Ok(version)
}

/// Applies the `migrations` not applied yet, each in its own transaction.
fn migrate_with(conn: &mut Connection, migrations: &[&str]) -> Result<(), SchemaError> {
    let version = check_with(conn, migrations.len() as u32)?;
    for (i, sql) in migrations.iter().enumerate() {
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

#[cfg(test)]
mod tests {
    use super::*;

    const V1: &str = "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);";
    const V2: &str = "ALTER TABLE notes ADD COLUMN mood INTEGER NOT NULL DEFAULT 0;";

    fn temp_db(name: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!(
            "posecoach-schema-{name}-{}.sqlite",
            std::process::id()
        ));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        path
    }

    fn open(path: &std::path::Path) -> Connection {
        let conn = Connection::open(path).unwrap();
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .unwrap();
        conn
    }

    #[test]
    fn an_old_database_is_migrated_in_place_keeping_its_rows() {
        let path = temp_db("upgrade");
        let mut conn = open(&path);
        migrate_with(&mut conn, &[V1]).unwrap();
        conn.execute("INSERT INTO notes (text) VALUES ('kept')", [])
            .unwrap();
        drop(conn);
        let mut conn = open(&path);
        migrate_with(&mut conn, &[V1, V2]).unwrap();
        assert_eq!(user_version(&conn).unwrap(), 2);
        let (text, mood): (String, i64) = conn
            .query_row("SELECT text, mood FROM notes", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((text.as_str(), mood), ("kept", 0));
        // Opening again applies nothing twice (ALTER TABLE would fail).
        migrate_with(&mut conn, &[V1, V2]).unwrap();
        // An older program refuses the newer database.
        let err = migrate_with(&mut conn, &[V1]).unwrap_err().to_string();
        assert!(
            err.contains("history version 2 is newer than this program's (1)"),
            "{err}"
        );
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn two_programs_migrating_at_once_apply_each_migration_once() {
        let path = temp_db("race");
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let mut conn = open(&path);
                    migrate_with(&mut conn, &[V1, V2])
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap().unwrap();
        }
        let conn = open(&path);
        assert_eq!(user_version(&conn).unwrap(), 2);
        let _ = std::fs::remove_file(&path);
    }
}
