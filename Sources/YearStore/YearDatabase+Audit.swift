import Foundation
import GRDB
import YearCore

/// What one audit row records, before the store places it in the chain.
public struct AuditEvent: Sendable {
    /// Who acted and in what role ("none" when they held none).
    public var caller: Caller, role: String
    /// The school concerned, if any.
    public var school: String?
    /// What happened, and to what.
    public var action: AuditAction, target: String
    /// Details, stored as canonical JSON.
    public var details: JSONValue

    /// An event with every field given.
    public init(caller: Caller, role: String, school: String?, action: AuditAction, target: String, details: JSONValue)
    {
        self.caller = caller
        self.role = role
        self.school = school
        self.action = action
        self.target = target
        self.details = details
    }
}

extension YearDatabase {
    /// Appends `event` to the chain inside the caller's transaction.
    @discardableResult
    static func appendAudit(_ event: AuditEvent, at now: Date, in db: Database) throws -> AuditEntry {
        let last = try Row.fetchOne(db, sql: "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        let issued =
            try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'") ?? 0
        var entry = AuditEntry(
            sequence: issued + 1, at: StoredTime.text(now), uid: Int64(event.caller.uid),
            userName: event.caller.userName, role: event.role, school: event.school, action: event.action.description,
            target: event.target, details: event.details.canonicalText,
            previousHash: last?["hash"] ?? AuditChain.genesis, hash: "")
        entry.hash = entry.computedHash()
        try StoredAuditRow(entry).insert(db)
        return entry
    }

    /// Records a refused mutating call: the only trace a refusal leaves.
    public func recordRefusal(
        method: String, error: String, message: String, caller: Caller, role: String, school: String?,
        parameters: JSONValue, lastInWindow: Bool = false, now: Date = Date()
    ) async throws {
        var details: [String: JSONValue] = [
            "error": .string(error), "message": .string(String(message.prefix(500))),
            "parameters": parameters.bounded(),
            "parametersSHA256": .string(Digest.sha256Hex(parameters.canonicalText)),
        ]
        if lastInWindow {
            details["note"] = .string(
                "the caller's further refusals in this window are counted, not recorded each (refused.counted)")
        }
        let event = AuditEvent(
            caller: caller, role: role, school: school, action: .refused(method: method), target: method,
            details: .object(details))
        _ = try await write { db in try Self.appendAudit(event, at: now, in: db) }
    }

    /// Records the refusals of one caller that a window of the refusal budget counted without a row each
    /// (`RefusalBudget`): how many, of which methods, from when to when.
    public func recordCountedRefusals(_ summary: RefusalBudget.Summary, now: Date = Date()) async throws {
        let event = AuditEvent(
            caller: Caller(uid: summary.uid, gid: 0, userName: summary.userName), role: "none", school: nil,
            action: .refusedCounted, target: "uid \(summary.uid)",
            details: .object([
                "count": .int(Int64(summary.count)), "kind": .string(summary.denials ? "denials" : "refusals"),
                "from": .string(StoredTime.text(summary.from)), "to": .string(StoredTime.text(summary.to)),
                "methods": .object(summary.methods.mapValues { .int(Int64($0)) }),
            ]))
        _ = try await write { db in try Self.appendAudit(event, at: now, in: db) }
    }

    /// Records a backup written on request (who, where, how large).
    public func recordBackup(_ backup: BackupFile, caller: Caller, role: String, now: Date = Date()) async throws {
        let event = AuditEvent(
            caller: caller, role: role, school: nil, action: .backupCreate, target: backup.path,
            details: .object(["bytes": .int(backup.bytes)]))
        _ = try await write { db in try Self.appendAudit(event, at: now, in: db) }
    }

    /// Audit rows after `sequence` (oldest first), at most `limit`, optionally only those of `schools` (and, with
    /// `includingUnscoped`, the rows that concern no school).
    public func auditEntries(after sequence: Int64, limit: Int, schools: [String]?, includingUnscoped: Bool = true)
        async throws -> [AuditEntry]
    {
        try await pool.read { db in
            typealias Columns = StoredAuditRow.Columns
            var request = StoredAuditRow.filter(Columns.sequence > sequence)
            if let schools {
                request = request.filter(
                    includingUnscoped
                        ? schools.contains(Columns.school) || Columns.school == nil : schools.contains(Columns.school))
            }
            return try request.order(Columns.sequence).limit(limit).fetchAll(db).map(\.entry)
        }
    }

    /// Recomputes the whole chain and names the first row that does not hold.
    public func verifyAudit(anchors: [AuditChain.Anchor] = []) async throws -> AuditChain.Verdict {
        try await pool.read { db in try Self.verifyAudit(in: db, anchors: anchors) }
    }

    /// Verifies the audit log of `db`, streaming its rows in constant memory.
    static func verifyAudit(in db: Database, anchors: [AuditChain.Anchor]) throws -> AuditChain.Verdict {
        let issued = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'")
        let rows = try StoredAuditRow.order(StoredAuditRow.Columns.sequence).fetchCursor(db)
        var verifier = AuditChain.Verifier(anchors: anchors)
        while let row = try rows.next() {
            if let broken = verifier.add(row.entry) { return broken }
        }
        return verifier.finish(highestIssued: issued)
    }

    /// The last audit row's sequence and hash in the database file at `path` (a backup), opened read-only; nil for
    /// an empty log or a file that cannot be read as a yeard database.
    public static func auditHead(ofFile path: String) -> (sequence: Int64, hash: String)? {
        var configuration = Configuration()
        configuration.readonly = true
        guard let queue = try? DatabaseQueue(path: path, configuration: configuration) else { return nil }
        defer { try? queue.close() }
        return try? queue.read { db in
            try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").map {
                ($0["seq"], $0["hash"])
            }
        }
    }

    /// The hash of the audit row `sequence`; nil when there is no such row.
    public func auditHash(at sequence: Int64) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT hash FROM audit_log WHERE seq = ?", arguments: [sequence])
        }
    }

    /// The last row's sequence and hash (nil for an empty log).
    public func auditHead() async throws -> (sequence: Int64, hash: String)? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").map {
                ($0["seq"], $0["hash"])
            }
        }
    }
}
