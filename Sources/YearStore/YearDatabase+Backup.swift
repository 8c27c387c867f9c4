import Foundation
import GRDB
import Synchronization
import YearCore

/// A verified copy of the database.
public struct BackupFile: Sendable, Equatable {
    /// Its path and size in bytes.
    public var path: String, bytes: Int64
    /// How long the copy, the check and the syncs took.
    public var seconds: Double

    /// A backup file with every field given.
    public init(path: String, bytes: Int64, seconds: Double) {
        self.path = path
        self.bytes = bytes
        self.seconds = seconds
    }
}

extension YearDatabase {
    /// Writes an online backup of the database into `directory` as `NAME.sqlite`: SQLite's backup API copies a
    /// consistent snapshot into a temporary file while reads and writes go on, the copy must pass
    /// `PRAGMA integrity_check`, is fsynced and renamed into place (and the directory fsynced), so a crash leaves
    /// either no backup or a whole one. One backup runs at a time; then, when `prune` is given, only the newest
    /// `keep` backups named with its `prefix` are kept (under the same lock). `isCancelled` is asked between steps
    /// of the copy and during the check: once it answers true the backup stops, leaves nothing behind and throws
    /// `CancellationError` (a daemon shutting down must not wait for a region's copy). Blocks: call it on a thread
    /// of its own.
    public func backup(
        into directory: String, name: String, prune: (prefix: String, keep: Int)? = nil,
        isCancelled: @escaping @Sendable () -> Bool = { false }
    ) throws -> BackupFile {
        try backupLock.withLock { _ in
            let file = try Self.backup(pool: pool, into: directory, name: name, isCancelled: isCancelled)
            if let prune { try Self.prune(directory: directory, prefix: prune.prefix, keep: prune.keep) }
            return file
        }
    }

    static func backup(
        pool: DatabasePool, into directory: String, name: String,
        isCancelled: @escaping @Sendable () -> Bool = { false }
    ) throws -> BackupFile {
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
            // 1,024 pages (4 MB) a step, inside one read transaction: a consistent snapshot that can be stopped
            // (between steps; GRDB does not ask after the last one).
            if isCancelled() { throw CancellationError() }
            try pool.backup(to: copy, pagesPerStep: 1024) { _ in
                if isCancelled() { throw CancellationError() }
            }
            // The check of a region's copy takes tens of seconds: a watcher interrupts it once cancelled, never
            // after the check has ended (the flag is read and the interrupt made under one lock).
            let watch = CheckWatch()
            Thread {
                while true {
                    let stop = watch.active.withLock { active -> Bool in
                        guard active else { return true }
                        guard isCancelled() else { return false }
                        copy.interrupt()
                        return true
                    }
                    if stop { return }
                    usleep(100_000)
                }
            }.start()
            let verdict: [String] = try {
                defer { watch.active.withLock { $0 = false } }
                do {
                    return try copy.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
                } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT && isCancelled() {
                    throw CancellationError()
                }
            }()
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
            if error is CancellationError { throw error }
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

/// Whether a backup's check of its copy is still running (see `YearDatabase.backup`).
private final class CheckWatch: Sendable {
    let active = Mutex(true)
}
