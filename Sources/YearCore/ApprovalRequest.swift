import Crypto
import Foundation

/// Where an approval request stands. Only `pending` requests can be approved, rejected or cancelled.
public enum RequestStatus: String, ClosedSet, Hashable {
    case pending
    /// Approved and executed in the same transaction.
    case approved
    case rejected
    case cancelled
    case expired
}

/// What a rollover request (or the request to undo one) is bound to: the plan's hash, the rollover to undo, and the
/// summary lines the approver reads.
public struct RolloverDigest: Sendable, Hashable, Codable {
    /// The hash of the rollover plan (apply), or of what the rollover wrote (undo).
    public var planHash: String
    /// The rollover an undo reverses (nil: the request applies a plan).
    public var rolloverID: Int64?
    /// The year the rollover opens (or opened).
    public var toYear: String
    /// What it does, one line each: counts per outcome, class mappings, new classes, carry-over; in English.
    public var summary: [String]
    /// The same lines to be said in any language (nil for a request filed before requests kept them).
    public var notes: [Note]?

    /// A digest with every field given.
    public init(planHash: String, rolloverID: Int64? = nil, toYear: String, summary: [String]) {
        self.planHash = planHash
        self.rolloverID = rolloverID
        self.toYear = toYear
        self.summary = summary
    }

    /// A digest whose summary is `notes`, kept both as notes and in English.
    public init(planHash: String, rolloverID: Int64? = nil, toYear: String, notes: [Note]) {
        self.init(planHash: planHash, rolloverID: rolloverID, toYear: toYear, summary: notes.map(\.english))
        self.notes = notes
    }

    var canonical: JSONValue {
        var fields: [String: JSONValue] = [
            "planHash": .string(planHash), "rollover": rolloverID.map(JSONValue.int) ?? .null,
            "toYear": .string(toYear), "summary": .array(summary.map(JSONValue.string)),
        ]
        // Absent rather than null when there are none, so that a request filed before notes hashes as it did.
        if let notes { fields["notes"] = .array(notes.map(\.json)) }
        return .object(fields)
    }

    init?(canonical value: JSONValue) {
        guard case .string(let hash)? = value["planHash"], case .string(let toYear)? = value["toYear"],
            case .array(let lines)? = value["summary"]
        else { return nil }
        var rollover: Int64?
        if case .int(let id)? = value["rollover"] { rollover = id }
        self.init(
            planHash: hash, rolloverID: rollover, toYear: toYear,
            summary: lines.compactMap { if case .string(let line) = $0 { line } else { nil } })
        if case .array(let notes)? = value["notes"] {
            let read = notes.compactMap(Note.init(json:))
            guard read.count == notes.count else { return nil }
            self.notes = read
        }
    }
}

/// Exactly what an admin asked for: the approval is bound to this payload through its hash.
public struct TransitionPayload: Sendable, Hashable, Codable {
    /// The school, the year and its label.
    public var school: String, yearID: Int64, yearLabel: String
    /// The event and the states it moves between.
    public var event: YearEvent, from: YearState, to: YearState
    /// The requester's reason (may be empty where the row needs none).
    public var reason: String
    /// For the rollover's requests (close, undo-rollover): what the approval is bound to.
    public var rollover: RolloverDigest?

    /// A payload with every field given.
    public init(
        school: String, yearID: Int64, yearLabel: String, event: YearEvent, from: YearState, to: YearState,
        reason: String, rollover: RolloverDigest? = nil
    ) {
        self.rollover = rollover
        self.school = school
        self.yearID = yearID
        self.yearLabel = yearLabel
        self.event = event
        self.from = from
        self.to = to
        self.reason = reason
    }

    /// The canonical JSON form that is hashed and stored.
    public var canonical: JSONValue {
        var fields: [String: JSONValue] = [
            "kind": "transition", "school": .string(school), "year": .int(yearID), "label": .string(yearLabel),
            "event": .string(event.rawValue), "from": .string(from.rawValue), "to": .string(to.rawValue),
            "reason": .string(reason),
        ]
        // Only the rollover's requests carry the key, so that every other request keeps its form (and hash).
        if let rollover {
            fields["kind"] = "rollover"
            fields["rollover"] = rollover.canonical
        }
        return .object(fields)
    }

    /// Reads a payload back from its canonical form.
    public init?(canonical value: JSONValue) {
        guard case .string(let school)? = value["school"], case .int(let yearID)? = value["year"],
            case .string(let label)? = value["label"],
            case .string(let eventText)? = value["event"], let event = YearEvent(rawValue: eventText),
            case .string(let fromText)? = value["from"], let from = YearState(rawValue: fromText),
            case .string(let toText)? = value["to"], let to = YearState(rawValue: toText),
            case .string(let reason)? = value["reason"]
        else { return nil }
        var rollover: RolloverDigest?
        if let digest = value["rollover"] {
            guard let decoded = RolloverDigest(canonical: digest) else { return nil }
            rollover = decoded
        }
        self.init(
            school: school, yearID: yearID, yearLabel: label, event: event, from: from, to: to, reason: reason,
            rollover: rollover)
    }
}

/// A two-person approval request as stored.
public struct ApprovalRequest: Sendable, Hashable, Codable {
    /// The request's id.
    public var id: Int64
    /// What was requested, its canonical text and the SHA-256 of that text (hex).
    public var payload: TransitionPayload, payloadText: String, payloadHash: String
    /// The year's version when the request was filed.
    public var yearVersion: Int64
    /// Who filed it.
    public var requesterUID: UInt32, requesterName: String
    /// When it was filed and when it expires.
    public var createdAt: Date, expiresAt: Date
    /// Where it stands.
    public var status: RequestStatus
    /// Who decided it, when and why (nil while pending).
    public var deciderUID: UInt32?, deciderName: String?, decidedAt: Date?, decisionReason: String?

    /// A request with every field given.
    public init(
        id: Int64, payload: TransitionPayload, payloadText: String, payloadHash: String, yearVersion: Int64,
        requesterUID: UInt32, requesterName: String, createdAt: Date, expiresAt: Date, status: RequestStatus,
        deciderUID: UInt32? = nil, deciderName: String? = nil, decidedAt: Date? = nil, decisionReason: String? = nil
    ) {
        self.id = id
        self.payload = payload
        self.payloadText = payloadText
        self.payloadHash = payloadHash
        self.yearVersion = yearVersion
        self.requesterUID = requesterUID
        self.requesterName = requesterName
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.status = status
        self.deciderUID = deciderUID
        self.deciderName = deciderName
        self.decidedAt = decidedAt
        self.decisionReason = decisionReason
    }

    /// The status a reader should see at `now`: a pending request past its expiry is expired.
    public func effectiveStatus(at now: Date) -> RequestStatus {
        status == .pending && now >= expiresAt ? .expired : status
    }
}

/// SHA-256 as lowercase hex.
public enum Digest {
    /// The SHA-256 of the UTF-8 bytes of `text`, as 64 lowercase hex digits.
    public static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
