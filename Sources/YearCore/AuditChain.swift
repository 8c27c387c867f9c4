import Foundation

/// One row of the audit log. `hash` = SHA-256(`previousHash` + `canonicalText`).
public struct AuditEntry: Sendable, Hashable, Codable {
    /// The row's position in the chain, from 1.
    public var sequence: Int64
    /// When it was written, as stored (ISO 8601, UTC, milliseconds).
    public var at: String
    /// Who acted: uid, user name and the role they acted in ("none" when they held none).
    public var uid: Int64, userName: String, role: String
    /// The school concerned, if any.
    public var school: String?
    /// What happened (`year.create`, `request.approve`, `refused:io.yeard.Year.Create`, ...).
    public var action: String
    /// What it happened to (`year:3`, `request:7`).
    public var target: String
    /// Details as canonical JSON text.
    public var details: String
    /// The hash of the previous row (64 zeros for the first) and of this one.
    public var previousHash: String, hash: String

    /// A row with every field given.
    public init(
        sequence: Int64, at: String, uid: Int64, userName: String, role: String, school: String?, action: String,
        target: String, details: String, previousHash: String, hash: String
    ) {
        self.sequence = sequence
        self.at = at
        self.uid = uid
        self.userName = userName
        self.role = role
        self.school = school
        self.action = action
        self.target = target
        self.details = details
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The canonical form of every field but the hashes.
    public var canonicalText: String {
        JSONValue.object([
            "seq": .int(sequence), "at": .string(at), "uid": .int(uid), "user": .string(userName),
            "role": .string(role), "school": school.map(JSONValue.string) ?? .null, "action": .string(action),
            "target": .string(target), "details": .string(details),
        ]).canonicalText
    }

    /// The hash this row must carry after `previousHash`.
    public func computedHash() -> String {
        Digest.sha256Hex(previousHash + canonicalText)
    }
}

/// Builds and verifies the audit chain.
public enum AuditChain {
    /// The previous hash of the first row.
    public static let genesis = String(repeating: "0", count: 64)

    /// What verification found.
    public enum Verdict: Sendable, Equatable {
        /// Every row links to the one before and carries its own hash; `head` is the last hash.
        case intact(rows: Int64, head: String)
        /// The first row that does not hold, and why.
        case broken(sequence: Int64, reason: String)
    }

    /// A row of the chain as a record outside the database has it: the head file the daemon keeps in its state
    /// directory, the newest backup, a head written to the journal. A chain that lacks the row, or holds another
    /// row under its sequence, was cut (and perhaps written again from the cut).
    public struct Anchor: Sendable, Equatable {
        /// The row's sequence and hash.
        public let sequence: Int64, hash: String
        /// Where the record is, for the verdict's sentence (`the head file /var/lib/yeard/audit-head`).
        public let source: String

        /// An anchor with every field given.
        public init(sequence: Int64, hash: String, source: String) {
            self.sequence = sequence
            self.hash = hash
            self.source = source
        }
    }

    /// Verifies `rows` (ordered by sequence as stored). `highestIssued` is the highest sequence the database ever
    /// handed out, so that rows deleted from the end are noticed too; `anchors` are records of rows kept outside the
    /// database, so that a cut is noticed even when `sqlite_sequence` was reset with it.
    public static func verify(_ rows: [AuditEntry], highestIssued: Int64? = nil, anchors: [Anchor] = []) -> Verdict {
        var verifier = Verifier(anchors: anchors)
        for row in rows {
            if let broken = verifier.add(row) { return broken }
        }
        return verifier.finish(highestIssued: highestIssued)
    }

    /// Verifies a chain one row at a time, in constant memory (the store streams the log through it).
    public struct Verifier: Sendable {
        private var previous = AuditChain.genesis
        private var expected: Int64 = 1
        private let anchors: [Int64: [Anchor]]

        /// A verifier at the start of the chain, holding it against `anchors`.
        public init(anchors: [Anchor] = []) {
            self.anchors = Dictionary(grouping: anchors, by: \.sequence)
        }

        /// Checks the next row; returns the verdict when it breaks the chain.
        public mutating func add(_ row: AuditEntry) -> Verdict? {
            if row.sequence != expected {
                return .broken(
                    sequence: row.sequence,
                    reason: row.sequence > expected
                        ? "rows \(expected)...\(row.sequence - 1) are missing"
                        : "row is out of order (expected sequence \(expected))")
            }
            if row.previousHash != previous {
                return .broken(sequence: row.sequence, reason: "its previous hash does not match row \(expected - 1)")
            }
            if row.computedHash() != row.hash {
                return .broken(sequence: row.sequence, reason: "its content does not match its hash (edited)")
            }
            if let anchor = anchors[row.sequence]?.first(where: { $0.hash != row.hash }) {
                return .broken(
                    sequence: row.sequence,
                    reason: "it is not the row \(anchor.source) records (hash \(anchor.hash.prefix(16))...): the log "
                        + "was cut and written again from there")
            }
            previous = row.hash
            expected += 1
            return nil
        }

        /// The verdict once every row was added.
        public func finish(highestIssued: Int64?) -> Verdict {
            if let highestIssued, highestIssued > expected - 1 {
                return .broken(
                    sequence: expected, reason: "rows \(expected)...\(highestIssued) were deleted from the end")
            }
            if let anchor = anchors.values.joined().max(by: { $0.sequence < $1.sequence }), anchor.sequence >= expected
            {
                let missing = anchor.sequence - expected + 1
                return .broken(
                    sequence: expected,
                    reason: "\(missing) row\(missing == 1 ? " is" : "s are") missing from the end (rows "
                        + "\(expected)...\(anchor.sequence)): \(anchor.source) records row \(anchor.sequence) "
                        + "(hash \(anchor.hash.prefix(16))...)")
            }
            return .intact(rows: expected - 1, head: previous)
        }
    }
}

extension JSONValue {
    /// A bounded copy for the audit log: strings cut to `maximumString` characters, at most 20 array elements and
    /// 50 object keys, nesting to depth 4, so that a client cannot make one refusal write a megabyte.
    public func bounded(maximumString: Int = 200, depth: Int = 4) -> JSONValue {
        switch self {
        case .string(let text) where text.count > maximumString:
            return .string(String(text.prefix(maximumString)) + "...(\(text.count) characters)")
        case .array(let values):
            guard depth > 0 else { return .string("[\(values.count) elements]") }
            return .array(values.prefix(20).map { $0.bounded(maximumString: maximumString, depth: depth - 1) })
        case .object(let fields):
            guard depth > 0 else { return .string("{\(fields.count) fields}") }
            let keys = fields.keys.sorted().prefix(50)
            return .object(
                Dictionary(
                    uniqueKeysWithValues: keys.map {
                        (
                            String($0.prefix(maximumString)),
                            fields[$0, default: .null].bounded(maximumString: maximumString, depth: depth - 1)
                        )
                    }))
        default:
            return self
        }
    }
}
