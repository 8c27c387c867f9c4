import Foundation
import GRDB
import YearCore

/// A restore that failed on the way, in a sentence that says whether the database changed.
public struct RestoreFailure: Error, Sendable, CustomStringConvertible {
    /// What failed, and what state the database is in.
    public let description: String
}

/// What a restore did.
public struct RestoreOutcome: Sendable, Equatable {
    /// Where the database that was replaced was kept (nil: there was none).
    public var keptPrevious: String?
    /// The migrations the restored file has.
    public var migrations: [String]
}

extension YearDatabase {
    /// Whether some process has the database at `path` open: every SQLite connection to a WAL database holds a read
    /// lock on the "DMS" byte (offset 128) of its `-shm` file for as long as it is open (SQLite's unix VFS), so a
    /// write lock there would be refused. Asked with F_GETLK, which takes no lock itself.
    public static func inUse(path: String) -> Bool {
        let descriptor = Glibc.open(path + "-shm", O_RDONLY)
        guard descriptor >= 0 else { return false }
        defer { Glibc.close(descriptor) }
        var probe = flock()
        probe.l_type = Int16(F_WRLCK)
        probe.l_whence = Int16(SEEK_SET)
        probe.l_start = 128
        probe.l_len = 1
        guard fcntl(descriptor, F_GETLK, &probe) == 0 else { return false }
        return probe.l_type != Int16(F_UNLCK)
    }

    /// Replaces the database at `databasePath` by the backup `source`, with the daemon stopped. The backup is first
    /// copied beside the database and checked there (`integrity_check`, `foreign_key_check`, and only migrations
    /// this yeard knows: a file written by a newer one is refused); then the current database is checkpointed and
    /// kept as `yeard.sqlite.before-restore-STAMP`, and the copy renamed into place (fsynced, directory too). A
    /// refused file changes nothing.
    public static func restore(from source: String, to databasePath: String, now: Date = Date()) throws
        -> RestoreOutcome
    {
        let manager = FileManager.default
        guard manager.fileExists(atPath: source) else {
            throw YearError.invalidParameter(field: "FILE", reason: "\(source) does not exist")
        }
        let directory = (databasePath as NSString).deletingLastPathComponent
        let staged = databasePath + ".restoring"
        func cleanUp() {
            for path in [staged, staged + "-wal", staged + "-shm", staged + "-journal"] {
                try? manager.removeItem(atPath: path)
            }
        }
        cleanUp()
        let migrations: [String]
        let unknown: [String]
        do {
            try manager.copyItem(atPath: source, toPath: staged)
            try takeOwnership(of: staged, like: directory)
            let copy = try DatabaseQueue(path: staged)
            (migrations, unknown) = try copy.read { db -> ([String], [String]) in
                let verdict = try Self.integrity(of: db, .full)
                guard verdict.problems.isEmpty else {
                    throw YearError.invalidParameter(
                        field: "FILE",
                        reason: "\(source) fails integrity_check (\(verdict.summary)): "
                            + "it is not restored; pick another backup ('yearctl backup list')")
                }
                guard try db.tableExists("school"), try db.tableExists("grdb_migrations") else {
                    throw YearError.invalidParameter(field: "FILE", reason: "\(source) is not a yeard database")
                }
                guard verdict.danglingReferences == 0 else {
                    throw YearError.invalidParameter(
                        field: "FILE",
                        reason: "\(source) has \(verdict.danglingReferences) row(s) whose references are broken")
                }
                return (
                    try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier"),
                    try unknownMigrations(in: db)
                )
            }
            try copy.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
            if let newer = unknown.first {
                throw YearError.invalidParameter(
                    field: "FILE",
                    reason: "\(source) was written by a newer yeard (its migration \(newer) is unknown to this one); "
                        + "restore it with that version or newer")
            }
            try fsync(path: staged)
        } catch {
            cleanUp()
            if let refusal = error as? YearError { throw refusal }
            throw YearError.invalidParameter(
                field: "FILE", reason: "\(source) could not be read as a database (\(error)); nothing restored")
        }
        var kept: String?
        if manager.fileExists(atPath: databasePath) {
            // Whatever the last run left in the WAL goes into the file kept, so that nothing is lost with it. A disk
            // that fails here (found by the fault sweep: EIO at this checkpoint escaped as a bare SQLite error) has
            // changed nothing yet.
            do {
                let current = try DatabaseQueue(path: databasePath)
                try current.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
                try current.close()
            } catch {
                cleanUp()
                throw RestoreFailure(
                    description: "cannot checkpoint the current database before keeping it (\(error)); nothing restored"
                )
            }
            let keep = databasePath + ".before-restore-" + StoredTime.fileStamp(now)
            guard rename(databasePath, keep) == 0 else {
                cleanUp()
                throw RestoreFailure(
                    description: "cannot keep the current database as \(keep): \(String(cString: strerror(errno))); "
                        + "nothing restored")
            }
            for suffix in ["-wal", "-shm"] { try? manager.removeItem(atPath: databasePath + suffix) }
            kept = keep
        }
        guard rename(staged, databasePath) == 0 else {
            throw RestoreFailure(
                description: "cannot move the restored copy into place: \(String(cString: strerror(errno))); the "
                    + "previous database is \(kept ?? "absent")")
        }
        do {
            try fsync(path: directory)
        } catch {
            throw RestoreFailure(
                description: "the backup is in place, but the directory could not be synced (\(error)); check the "
                    + "disk, then run yeard restore again to be sure it is on disk")
        }
        return RestoreOutcome(keptPrevious: kept, migrations: migrations)
    }

    /// Gives the restored copy the owner of the database's directory and mode 0600, as the daemon's own file has
    /// (root running `yeard restore` must not leave a database the service user cannot write). Through a
    /// descriptor opened without following links: the directory is the service user's, and root must not be led
    /// to hand it another file.
    static func takeOwnership(of path: String, like directory: String) throws {
        var owner = stat()
        guard stat(directory, &owner) == 0 else {
            throw YearError.internalFailure(reason: "cannot read \(directory): \(String(cString: strerror(errno)))")
        }
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw YearError.internalFailure(reason: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { Glibc.close(descriptor) }
        var file = stat()
        guard fstat(descriptor, &file) == 0, file.st_mode & S_IFMT == S_IFREG else {
            throw YearError.internalFailure(reason: "\(path) is not a regular file")
        }
        if file.st_uid != owner.st_uid || file.st_gid != owner.st_gid {
            guard fchown(descriptor, owner.st_uid, owner.st_gid) == 0 else {
                throw YearError.invalidParameter(
                    field: "FILE",
                    reason: "cannot give the restored database to the owner of \(directory) (uid \(owner.st_uid)): "
                        + "run yeard restore as root or as that user (runuser -u yeard -- yeard restore FILE)")
            }
        }
        guard fchmod(descriptor, 0o600) == 0 else {
            throw YearError.internalFailure(
                reason: "cannot set the mode of \(path): \(String(cString: strerror(errno)))")
        }
    }
}
