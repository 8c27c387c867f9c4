import Foundation
import GRDB
import Testing
import YearCore

@testable import YearStore

@Suite("The audit log under 1,000 random edits")
struct AuditTamperingTests {
    /// How one edit is made with SQL on the real file (triggers dropped, as an attacker would), and the row that
    /// verification must name first.
    enum Edit: CaseIterable {
        case changeField, deleteRow, truncate, insertRow, swapRows, editAndRehash

        func apply(in db: Database, rows count: Int64, using random: inout SplitMix64) throws -> Int64 {
            switch self {
            case .changeField:
                let row = Int64.random(in: 1...count, using: &random)
                let column = ["details", "user_name", "action", "target", "at", "role"].randomElement(using: &random)!
                try db.execute(sql: "UPDATE audit_log SET \(column) = \(column) || 'x' WHERE seq = ?", arguments: [row])
                return row
            case .deleteRow:
                let row = Int64.random(in: 1...(count - 1), using: &random)
                try db.execute(sql: "DELETE FROM audit_log WHERE seq = ?", arguments: [row])
                return row + 1
            case .truncate:
                let kept = Int64.random(in: 1...(count - 1), using: &random)
                try db.execute(sql: "DELETE FROM audit_log WHERE seq > ?", arguments: [kept])
                try db.execute(sql: "UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_log'", arguments: [kept])
                return kept + 1
            case .insertRow:
                // A forged row after row `after`, chained to it, the later rows renumbered to make room.
                let after = Int64.random(in: 1...(count - 1), using: &random)
                try db.execute(sql: "UPDATE audit_log SET seq = seq + 1000000000 WHERE seq > ?", arguments: [after])
                try db.execute(sql: "UPDATE audit_log SET seq = seq - 999999999 WHERE seq > 1000000000")
                let previous = try String.fetchOne(
                    db, sql: "SELECT hash FROM audit_log WHERE seq = ?", arguments: [after])
                var forged = AuditEntry(
                    sequence: after + 1, at: "2026-12-01T00:00:00.000Z", uid: 0, userName: "root", role: "none",
                    school: nil, action: "year.create", target: "forged", details: "{}",
                    previousHash: previous ?? "", hash: "")
                forged.hash = forged.computedHash()
                try db.execute(
                    sql: """
                        INSERT INTO audit_log (seq, at, uid, user_name, role, school_id, action, target, details,
                            prev_hash, hash)
                        VALUES (?, ?, 0, 'root', 'none', NULL, 'year.create', 'forged', '{}', ?, ?)
                        """, arguments: [forged.sequence, forged.at, forged.previousHash, forged.hash])
                return after + 2
            case .swapRows:
                let first = Int64.random(in: 1...(count - 1), using: &random)
                let second = Int64.random(in: (first + 1)...count, using: &random)
                try db.execute(sql: "UPDATE audit_log SET seq = -1 WHERE seq = ?", arguments: [first])
                try db.execute(sql: "UPDATE audit_log SET seq = ? WHERE seq = ?", arguments: [first, second])
                try db.execute(sql: "UPDATE audit_log SET seq = ? WHERE seq = -1", arguments: [second])
                return first
            case .editAndRehash:
                let row = Int64.random(in: 1...count, using: &random)
                let entry = try #require(
                    try StoredAuditRow.filter(StoredAuditRow.Columns.sequence == row).fetchOne(db)?.entry)
                var edited = entry
                edited.details = #"{"edited":true}"#
                edited.hash = edited.computedHash()
                try db.execute(
                    sql: "UPDATE audit_log SET details = ?, hash = ? WHERE seq = ?",
                    arguments: [edited.details, edited.hash, row])
                // The next row no longer links to it; the last row is caught by the head recorded outside.
                return row == count ? row : row + 1
            }
        }
    }

    @Test("every one of 1,000 random edits of a 2,000-row log is detected, at the first row it breaks")
    func randomEdits() async throws {
        let store = try await StoreFixture()
        let count: Int64 = 2000
        try await store.database.write { db in
            for index in 0..<count {
                let event = AuditEvent(
                    caller: Caller(uid: UInt32(1000 + index % 7), gid: 100, userName: "user\(index % 7)"),
                    role: ["admin", "coordinator", "secretary"][Int(index % 3)], school: index % 2 == 0 ? "a" : nil,
                    action: .registryImport, target: "students:\(index)",
                    details: .object(["rows": .int(index), "file": .string("students-\(index).csv")]))
                try YearDatabase.appendAudit(event, at: StoreFixture.t0.addingTimeInterval(Double(index)), in: db)
            }
        }
        let head = try #require(try await store.database.auditHead())
        let anchors = [AuditChain.Anchor(sequence: head.sequence, hash: head.hash, source: "the head file")]
        let rows = head.sequence
        let queue = try DatabaseQueue(path: store.database.path)
        try await queue.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_update")
            try db.execute(sql: "DROP TRIGGER audit_log_no_delete")
        }
        let detected = try Self.edit(queue, rows: rows, anchors: anchors, attempts: 1000, seed: 20_261_207)
        #expect(detected.values.reduce(0, +) == 1000, "\(detected)")
        #expect(try await store.database.verifyAudit(anchors: anchors) == .intact(rows: rows, head: head.hash))
    }

    /// Makes `attempts` edits, each alone on the untouched log, and counts those detected at the expected row.
    static func edit(_ queue: DatabaseQueue, rows: Int64, anchors: [AuditChain.Anchor], attempts: Int, seed: UInt64)
        throws -> [String: Int]
    {
        var random = SplitMix64(state: seed)
        var detected: [String: Int] = [:]
        for attempt in 0..<attempts {
            let edit = Edit.allCases[attempt % Edit.allCases.count]
            let (expected, verdict) = try queue.write { db -> (Int64, AuditChain.Verdict) in
                var verdict = AuditChain.Verdict.intact(rows: 0, head: "")
                var expected: Int64 = 0
                // Each edit alone, on the untouched log: made and verified inside a savepoint that is rolled back.
                try db.inSavepoint {
                    expected = try edit.apply(in: db, rows: rows, using: &random)
                    verdict = try YearDatabase.verifyAudit(in: db, anchors: anchors)
                    return .rollback
                }
                return (expected, verdict)
            }
            guard case .broken(let sequence, _) = verdict else {
                Issue.record("attempt \(attempt): \(edit) went unnoticed")
                continue
            }
            #expect(sequence == expected, "attempt \(attempt): \(edit) named row \(sequence), not \(expected)")
            if sequence == expected { detected["\(edit)", default: 0] += 1 }
        }
        return detected
    }
}
