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
            for statement in CheckQueries.tables + YearDatabase.rolloverTables { try db.execute(sql: statement) }
        }
        self.path = path
        pool = try DatabasePool(path: path, configuration: configuration)
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        try Migrations.migrator().migrate(pool)
        self.table = table
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

    /// Releases the database's connections (after a checkpoint of the WAL).
    public func close() throws {
        _ = try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        try pool.close()
    }
}

/// Text forms of times, as stored: ISO 8601 in UTC with milliseconds, so that they sort as text.
enum StoredTime {
    static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static func text(_ date: Date) -> String { style.format(date) }

    static func date(_ text: String) -> Date {
        (try? style.parse(text)) ?? Date(timeIntervalSince1970: 0)
    }
}
