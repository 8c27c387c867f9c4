import Foundation
import GRDB
import YearCore

/// What SQLite's own checks found in a database file.
public struct IntegrityVerdict: Sendable, Equatable {
    /// `quick_check` (b-tree structure and record formats, in about a third of the time) or `integrity_check`
    /// (also every index against its table) followed by `foreign_key_check`.
    public enum Depth: String, Sendable {
        case quick, full
    }

    /// Which check ran.
    public var depth: Depth
    /// The check's complaints, at most ten; empty when it answered "ok".
    public var problems: [String]
    /// Rows whose foreign keys point at nothing (`full` only).
    public var danglingReferences: Int
    /// When the check finished, and how long it took.
    public var checkedAt: Date, seconds: Double

    /// Whether the file passed.
    public var isOK: Bool { problems.isEmpty && danglingReferences == 0 }

    /// One line for people: "ok" or what is wrong.
    public var summary: String {
        var parts: [String] = []
        if !problems.isEmpty { parts.append(problems.prefix(3).joined(separator: "; ")) }
        if danglingReferences > 0 { parts.append("\(danglingReferences) row(s) whose references are broken") }
        return parts.isEmpty ? "ok" : parts.joined(separator: "; ")
    }
}

extension YearDatabase {
    /// Checks the database with SQLite's own checks on a reader connection: the daemon goes on serving while a
    /// region's file is read through (seconds to a minute).
    public func checkIntegrity(_ depth: IntegrityVerdict.Depth, now: @Sendable () -> Date = Date.init) async throws
        -> IntegrityVerdict
    {
        try await pool.read { db in try Self.integrity(of: db, depth, now: now) }
    }

    /// Runs the checks of `depth` over `db`.
    static func integrity(of db: Database, _ depth: IntegrityVerdict.Depth, now: () -> Date = Date.init) throws
        -> IntegrityVerdict
    {
        let started = ContinuousClock.now
        let pragma = depth == .quick ? "quick_check" : "integrity_check"
        let answer = try String.fetchAll(db, sql: "PRAGMA \(pragma)(10)")
        let dangling = depth == .full ? try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count : 0
        let elapsed = ContinuousClock.now - started
        return IntegrityVerdict(
            depth: depth, problems: answer == ["ok"] ? [] : answer, danglingReferences: dangling, checkedAt: now(),
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
