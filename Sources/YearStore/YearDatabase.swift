import Foundation
import GRDB
import Synchronization
import YearCore

/// The one SQLite database of a yeard instance, with writes named for their intent.
///
/// Every mutation runs in one transaction together with its audit row; a refused mutation changes nothing (the
/// daemon records the refusal separately with `recordRefusal`).
public final class YearDatabase: Sendable {
    /// The pool: one writer, concurrent readers, WAL.
    let pool: DatabasePool
    /// The database file.
    public let path: String
    /// The state machine the store executes.
    public let table: TransitionTable
    /// Counts write transactions, so that cached reads know when they went stale.
    let generation = Atomic<UInt64>(0)
    /// The last status snapshots, by the schools they cover (see `statusSnapshot`).
    let statusCache = Mutex<[String: CachedStatus]>([:])
    /// One online backup at a time.
    let backupLock = Mutex<Void>(())

    /// SQLite's page cache per connection, in KiB (its default is 2 MB). A rollover reads a school's year and
    /// rewrites its enrollments, orders and classes in one transaction, after the readiness checks have read the
    /// same school on the same connection; a check run reads each of a school's tables several times. With 2 MB
    /// those pages were read again from the file (one `pread` each, a tenth of an approval's time on a region's
    /// database; `yeard-bench rollover` in docs/benchmarks.md). A cache only grows as pages are read, so a small
    /// school's database never fills it and an idle daemon's memory is unchanged.
    static let writerCacheKiB = 65_536
    static let readerCacheKiB = 16_384

    /// Opens (creating if needed) and migrates the database at `path`.
    ///
    /// WAL, foreign keys, a busy timeout of `busyTimeout` seconds and `synchronous=FULL` on the writer (GRDB's pool
    /// sets NORMAL after `prepareDatabase`, so FULL is set again on the writer once it is open).
    public init(path: String, busyTimeout: TimeInterval = 5, table: TransitionTable = .standard) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "yeard"
        configuration.prepareDatabase { db in
            for function in CheckFunctions.all { db.add(function: function) }
            try db.execute(sql: "PRAGMA cache_size = -\(YearDatabase.readerCacheKiB)")
            for statement in CheckQueries.tables + YearDatabase.rolloverTables { try db.execute(sql: statement) }
        }
        self.path = path
        pool = try DatabasePool(path: path, configuration: configuration)
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA cache_size = -\(YearDatabase.writerCacheKiB)")
        }
        self.table = table
        try Self.upgrade(pool: pool, path: path)
    }

    /// Migrates the database to this yeard's schema. A database written by a newer yeard (a migration this one does
    /// not know) is refused before anything is written to it; one written by an older yeard is backed up first
    /// (`backups/before-upgrade-LAST.sqlite` beside it, the newest three kept), then migrated.
    static func upgrade(pool: DatabasePool, path: String) throws {
        let migrator = Migrations.migrator()
        let (applied, unknown) = try pool.read { db in
            (try migrator.appliedIdentifiers(db), try Self.unknownMigrations(in: db))
        }
        if !unknown.isEmpty { throw DatabaseVersionError(path: path, unknown: unknown) }
        let pending = migrator.migrations.filter { !applied.contains($0) }
        if !applied.isEmpty && !pending.isEmpty {
            let directory = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("backups")
            let last = migrator.migrations.last { applied.contains($0) } ?? "unknown"
            _ = try Self.backup(pool: pool, into: directory, name: "before-upgrade-\(last)")
            try? Self.prune(directory: directory, prefix: "before-upgrade-", keep: 3)
        }
        try migrator.migrate(pool)
    }

    /// The migrations `db` has that this yeard does not know (a newer yeard wrote it), sorted.
    static func unknownMigrations(in db: Database) throws -> [String] {
        let migrator = Migrations.migrator()
        return try migrator.appliedIdentifiers(db).subtracting(migrator.migrations).sorted()
    }

    /// Runs `body` in a write transaction; every write of the store goes through here.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        defer { generation.add(1, ordering: .releasing) }
        do {
            return try await pool.write(body)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            // The transaction was rolled back: say so, and what to do, instead of SQLite's words and its SQL.
            throw YearError.internalFailure(
                reason: "the disk holding the database is full (\(path)); the change was rolled back, nothing was "
                    + "written: free space there and try again")
        } catch let error as DatabaseError where error.resultCode == .SQLITE_IOERR {
            throw YearError.internalFailure(
                reason: "the database file could not be written (\(path): \(error.message ?? "I/O error")); the "
                    + "change was rolled back")
        }
    }

    /// The value of a PRAGMA as the writer connection sees it (`synchronous`, `journal_mode`, `foreign_keys`).
    public func writerPragma(_ name: String) throws -> String {
        guard name.allSatisfy({ $0.isLetter || $0 == "_" }) else { return "" }
        return try pool.writeWithoutTransaction { db in
            try String.fetchOne(db, sql: "PRAGMA \(name)") ?? ""
        }
    }

    /// The names of the migrations applied, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Migrations.migrator().appliedMigrations(db) }
    }

    /// Gives back the memory SQLite holds for the connections: closes the idle readers (the next read opens one
    /// again) and empties the writer's page cache. Blocks until the accesses in progress are done, so call it off
    /// the cooperative pool, after a job that read the whole database (an integrity check, a backup, a region's
    /// checks), not after calls, whose caches serve the next ones.
    public func releaseMemory() { pool.releaseMemory() }

    /// Releases the database's connections (after a checkpoint of the WAL).
    public func close() throws {
        _ = try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        try pool.close()
    }
}

/// Text forms of times, as stored: ISO 8601 in UTC with milliseconds, so that they sort as text.
public enum StoredTime {
    static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static func text(_ date: Date) -> String { style.format(date) }

    static func date(_ text: String) -> Date {
        (try? style.parse(text)) ?? Date(timeIntervalSince1970: 0)
    }

    /// A time in file names (backups, a restored database kept): `20261129-114642`, UTC, sorting by time.
    public static func fileStamp(_ date: Date) -> String { WallClock.fileStamp(date) }
}

/// The database was written by a newer yeard: it is not opened (nor changed).
public struct DatabaseVersionError: Error, CustomStringConvertible {
    /// The database and the migrations it has that this yeard does not know.
    public var path: String, unknown: [String]

    /// One sentence: what and what to do.
    public var description: String {
        "the database \(path) was written by a newer yeard (its migrations \(unknown.joined(separator: ", ")) are "
            + "unknown to this one); it was not opened: run that version or newer, or restore a backup of this "
            + "version with 'yeard restore FILE'"
    }
}
