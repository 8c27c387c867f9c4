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

    /// A verdict with every field given (`problems` as SQLite worded them, one line each).
    public init(depth: Depth, problems: [String], danglingReferences: Int, checkedAt: Date, seconds: Double) {
        self.depth = depth
        self.problems = problems
        self.danglingReferences = danglingReferences
        self.checkedAt = checkedAt
        self.seconds = seconds
    }

    /// Whether the file passed.
    public var isOK: Bool { problems.isEmpty && danglingReferences == 0 }

    /// One line for people: "ok" or what is wrong (no control characters: it goes into a STATUS= line).
    public var summary: String {
        var parts: [String] = []
        if !problems.isEmpty { parts.append(problems.prefix(3).joined(separator: "; ")) }
        if danglingReferences > 0 { parts.append("\(danglingReferences) row(s) whose references are broken") }
        let text = parts.isEmpty ? "ok" : parts.joined(separator: "; ")
        return String(text.map { $0.isNewline || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7f } == true ? " " : $0 })
    }

    /// SQLite's answer rows as single lines: a row may hold several lines under a "*** in database main ***"
    /// heading; the heading goes, each line becomes a problem of its own.
    static func problems(fromAnswer rows: [String]) -> [String] {
        guard rows != ["ok"] else { return [] }
        return rows.flatMap { $0.split(whereSeparator: \.isNewline) }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("*** in database") }
    }
}

extension YearDatabase {
    /// Checks the database with SQLite's own checks on a reader connection: the daemon goes on serving while a
    /// region's file is read through (seconds to a minute).
    public func checkIntegrity(_ depth: IntegrityVerdict.Depth, now: @Sendable () -> Date = Date.init) async throws
        -> IntegrityVerdict
    {
        var verdict = try await pool.read { db in try Self.integrity(of: db, depth, now: now) }
        // A dropped guard passes SQLite's own checks: the schema is compared with the migrations' too (and what
        // can be put back is put back), each difference a problem of the verdict.
        verdict.problems += try await guardSchema(now: now()).problems
        return verdict
    }

    /// Runs the checks of `depth` over `db`.
    static func integrity(of db: Database, _ depth: IntegrityVerdict.Depth, now: () -> Date = Date.init) throws
        -> IntegrityVerdict
    {
        let started = ContinuousClock.now
        let pragma = depth == .quick ? "quick_check" : "integrity_check"
        var problems: [String] = []
        var dangling = 0
        // The worst damage makes the check itself fail (a malformed schema, a page that is not a page): that is a
        // finding too, not an error of the checker. Only an interrupt (a shutdown) is passed on.
        do {
            problems = IntegrityVerdict.problems(fromAnswer: try String.fetchAll(db, sql: "PRAGMA \(pragma)(10)"))
        } catch let error as DatabaseError where error.resultCode != .SQLITE_INTERRUPT {
            problems = ["\(pragma) could not finish: \(error.message ?? "\(error.resultCode)")"]
        }
        if depth == .full {
            do {
                dangling = try Int.fetchOne(db, sql: "SELECT count(*) FROM pragma_foreign_key_check") ?? 0
            } catch let error as DatabaseError where error.resultCode != .SQLITE_INTERRUPT {
                problems.append("foreign_key_check could not finish: \(error.message ?? "\(error.resultCode)")")
            }
        }
        let elapsed = ContinuousClock.now - started
        return IntegrityVerdict(
            depth: depth, problems: Array(problems.prefix(10)), danglingReferences: dangling, checkedAt: now(),
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
