import Testing
import YearCore

@Suite("The audit chain")
struct AuditChainTests {
    /// A valid chain of `count` rows.
    static func chain(_ count: Int) -> [AuditEntry] {
        var rows: [AuditEntry] = []
        var previous = AuditChain.genesis
        for index in 1...count {
            var row = AuditEntry(
                sequence: Int64(index), at: "2026-11-29T05:00:0\(index % 10).000Z", uid: 1000 + Int64(index),
                userName: "user\(index)", role: "admin", school: index % 2 == 0 ? "school-a" : nil,
                action: "year.create", target: "year:\(index)", details: #"{"label":"2026/2027"}"#,
                previousHash: previous, hash: "")
            row.hash = row.computedHash()
            previous = row.hash
            rows.append(row)
        }
        return rows
    }

    @Test("an untouched chain verifies and reports its head")
    func intact() {
        let rows = Self.chain(5)
        #expect(AuditChain.verify(rows, highestIssued: 5) == .intact(rows: 5, head: rows[4].hash))
        #expect(AuditChain.verify([], highestIssued: nil) == .intact(rows: 0, head: AuditChain.genesis))
    }

    @Test("an edited row is named", arguments: 0..<5)
    func edited(index: Int) {
        var rows = Self.chain(5)
        rows[index].details = #"{"label":"2027/2028"}"#
        #expect(
            AuditChain.verify(rows, highestIssued: 5)
                == .broken(sequence: Int64(index + 1), reason: "its content does not match its hash (edited)"))
    }

    @Test("an edited row whose hash was recomputed breaks the next link")
    func editedAndRehashed() {
        var rows = Self.chain(5)
        rows[1].userName = "mallory"
        rows[1].hash = rows[1].computedHash()
        guard case .broken(let sequence, _) = AuditChain.verify(rows, highestIssued: 5) else {
            Issue.record("must be broken")
            return
        }
        #expect(sequence == 3)
    }

    @Test("a deleted row is named")
    func deleted() {
        var rows = Self.chain(5)
        rows.remove(at: 2)
        #expect(AuditChain.verify(rows, highestIssued: 5) == .broken(sequence: 4, reason: "rows 3...3 are missing"))
    }

    @Test("rows deleted from the end are noticed through the highest sequence issued")
    func truncated() {
        let rows = Array(Self.chain(5).prefix(3))
        #expect(
            AuditChain.verify(rows, highestIssued: 5)
                == .broken(sequence: 4, reason: "rows 4...5 were deleted from the end"))
    }

    @Test("a tail cut with sqlite_sequence reset is caught by an anchor outside the database, with the count")
    func cutTail() {
        let rows = Self.chain(8)
        let anchor = AuditChain.Anchor(sequence: 8, hash: rows[7].hash, source: "the head file")
        #expect(AuditChain.verify(rows, highestIssued: 8, anchors: [anchor]) == .intact(rows: 8, head: rows[7].hash))
        guard
            case .broken(let sequence, let reason) = AuditChain.verify(
                Array(rows.prefix(5)), highestIssued: 5, anchors: [anchor])
        else {
            Issue.record("a cut tail verified")
            return
        }
        #expect(sequence == 6)
        #expect(reason.hasPrefix("3 rows are missing from the end (rows 6...8): the head file records row 8"))
    }

    @Test("a tail cut and written again is caught where the anchor's row differs")
    func cutAndRewritten() {
        let original = Self.chain(8)
        var forged = Array(Self.chain(5))
        var previous = forged[4].hash
        for index in 6...9 {
            var row = AuditEntry(
                sequence: Int64(index), at: "2026-11-30T05:00:00.000Z", uid: 0, userName: "root", role: "none",
                school: nil, action: "backup.create", target: "x", details: "{}", previousHash: previous, hash: "")
            row.hash = row.computedHash()
            previous = row.hash
            forged.append(row)
        }
        let anchors = [
            AuditChain.Anchor(sequence: 8, hash: original[7].hash, source: "the head file"),
            AuditChain.Anchor(sequence: 3, hash: original[2].hash, source: "the backup"),
        ]
        guard case .broken(let sequence, let reason) = AuditChain.verify(forged, highestIssued: 9, anchors: anchors)
        else {
            Issue.record("a rewritten tail verified")
            return
        }
        #expect(sequence == 8 && reason.hasPrefix("it is not the row the head file records"))
    }

    @Test("reordered rows are named")
    func reordered() {
        var rows = Self.chain(5)
        rows.swapAt(1, 2)
        guard case .broken(let sequence, _) = AuditChain.verify(rows, highestIssued: 5) else {
            Issue.record("must be broken")
            return
        }
        #expect(sequence == 3)
    }

    @Test("a row inserted in the middle is named")
    func inserted() {
        var rows = Self.chain(5)
        var forged = rows[2]
        forged.action = "year.transition"
        forged.previousHash = rows[1].hash
        forged.hash = forged.computedHash()
        rows.insert(forged, at: 2)
        for index in 3..<rows.count { rows[index].sequence += 1 }
        guard case .broken(let sequence, _) = AuditChain.verify(rows, highestIssued: 6) else {
            Issue.record("must be broken")
            return
        }
        #expect(sequence == 4)
    }

    @Test("the canonical row does not depend on field order or JSON formatting")
    func canonicalIsStable() {
        let row = Self.chain(1)[0]
        #expect(
            row.canonicalText
                == #"{"action":"year.create","at":"2026-11-29T05:00:01.000Z","details":"{\"label\":\"2026/2027\"}","role":"admin","school":null,"seq":1,"target":"year:1","uid":1001,"user":"user1"}"#
        )
    }
}
