import Foundation
import GRDB
import YearCore

/// A verified copy of the database.
public struct BackupFile: Sendable, Equatable {
    /// Its path and size in bytes.
    public var path: String, bytes: Int64
    /// How long the copy, the check and the syncs took.
    public var seconds: Double
}

extension YearDatabase {
    /// Writes an online backup of the database into `directory` as `NAME.sqlite`: SQLite's backup API copies a
    /// consistent snapshot into a temporary file while reads and writes go on, the copy must pass
    /// `PRAGMA integrity_check`, is fsynced and renamed into place (and the directory fsynced), so a crash leaves
    /// either no backup or a whole one. One backup runs at a time; older ones are pruned by `pruneBackups`.
    public func backup(into directory: String, name: String) throws -> BackupFile {
        try backupLock.withLock { _ in try Self.backup(pool: pool, into: directory, name: name) }
    }

    static func backup(pool: DatabasePool, into directory: String, name: String) throws -> BackupFile {
        let started = ContinuousClock.now
        let manager = FileManager.default
        // The copies hold the same personal data as the database: the directory is the daemon's alone.
        try manager.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let final = (directory as NSString).appendingPathComponent(name + ".sqlite")
        let temporary = final + ".\(UUID().uuidString).partial"
        do {
            var configuration = Configuration()
            configuration.label = "yeard-backup"
            let copy = try DatabaseQueue(path: temporary, configuration: configuration)
            try pool.backup(to: copy)
            let verdict = try copy.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            // The copy is a self-contained file: rollback journal, nothing left in a WAL beside it.
            try copy.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
            guard verdict == ["ok"] else {
                throw YearError.internalFailure(
                    reason: "the backup copy failed its integrity check: \(verdict.prefix(3).joined(separator: "; "))")
            }
            try Self.fsync(path: temporary)
            guard rename(temporary, final) == 0 else {
                throw YearError.internalFailure(
                    reason: "cannot rename the backup into \(final): \(String(cString: strerror(errno)))")
            }
            try Self.fsync(path: directory)
        } catch {
            for leftover in [temporary, temporary + "-journal", temporary + "-wal", temporary + "-shm"] {
                try? manager.removeItem(atPath: leftover)
            }
            if let refusal = error as? YearError { throw refusal }
            throw YearError.internalFailure(reason: "the backup into \(directory) failed: \(error)")
        }
        let size = (try? manager.attributesOfItem(atPath: final)[.size] as? NSNumber)?.int64Value ?? 0
        let elapsed = ContinuousClock.now - started
        return BackupFile(
            path: final, bytes: size,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// Keeps the newest `keep` backups in `directory` whose names start with `prefix` (names sort by age), and
    /// removes copies a crash left half-written.
    public func pruneBackups(in directory: String, prefix: String, keep: Int) throws {
        try backupLock.withLock { _ in try Self.prune(directory: directory, prefix: prefix, keep: keep) }
    }

    static func prune(directory: String, prefix: String, keep: Int) throws {
        let manager = FileManager.default
        let names = try manager.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix(prefix) }
        let stale = names.filter { $0.hasSuffix(".partial") }
        let kept = names.filter { $0.hasSuffix(".sqlite") }.sorted()
        for old in stale + kept.dropLast(max(keep, 1)) {
            try? manager.removeItem(atPath: (directory as NSString).appendingPathComponent(old))
        }
    }

    /// fsync(2) of a file or directory.
    static func fsync(path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw YearError.internalFailure(
                reason: "cannot open \(path) to sync it: \(String(cString: strerror(errno)))")
        }
        defer { Glibc.close(descriptor) }
        guard Glibc.fsync(descriptor) == 0 else {
            throw YearError.internalFailure(reason: "cannot sync \(path): \(String(cString: strerror(errno)))")
        }
    }
}
