import Logging
import YearCore

/// The kinds of event yeard writes to the journal with a stable `MESSAGE_ID`, so that `journalctl MESSAGE_ID=...`
/// finds every event of one kind. The identifiers are a published contract (yeard(8), section JOURNAL): never change
/// one, add a new kind instead.
public enum JournalEvent: String, CaseIterable, Sendable {
    case started
    case stopping
    case reloaded
    case reloadRefused = "reload-refused"
    case transitionRequested = "transition-requested"
    case requestApproved = "request-approved"
    case requestRejected = "request-rejected"
    case requestCancelled = "request-cancelled"
    case requestsExpired = "requests-expired"
    case rolloverApplied = "rollover-applied"
    case rolloverUndone = "rollover-undone"
    case checkRunFinished = "check-run-finished"
    case auditHead = "audit-head"
    case backupCreated = "backup-created"
    case backupFailed = "backup-failed"
    case integrityChecked = "integrity-checked"

    /// The journal's MESSAGE_ID of this kind: 128 bits in lowercase hex, made once with a random generator.
    public var messageID: String {
        switch self {
        case .started: "941da1e7543c4a658f826d4ec2d77359"
        case .stopping: "872b092482e44f71ad29b56660a1448a"
        case .reloaded: "bcebfe71ea5f4d299656fb6685da29f9"
        case .reloadRefused: "2b793fb24a2e433ba58b693deb5609c9"
        case .transitionRequested: "1e8a6706d8544f1387fe9b475a0ccd9d"
        case .requestApproved: "67d8528fc70f46cf9e2c898b2b798d45"
        case .requestRejected: "7113839c2a2947c799ad781b6075696b"
        case .requestCancelled: "9dc413c0abeb4d74ac81fe93a15a2cb9"
        case .requestsExpired: "f8a7769850154471a03bd7cf046b8757"
        case .rolloverApplied: "2ee5a0c18f3240dabad4ad107599b029"
        case .rolloverUndone: "eb4e551594e44cf19ea0ab19307fc425"
        case .checkRunFinished: "b5dffb115bbc4e098d48450f4fbe83ff"
        case .auditHead: "d4dc4c4e55544b749fa74ed3f67d635c"
        case .backupCreated: "0d7372da551c4817b6f51eb3b66f89d2"
        case .backupFailed: "68a3851de6604d0ab18d017808061e1a"
        case .integrityChecked: "773fc2cf7e594794824403a431fb32fd"
        }
    }

    /// The metadata key that carries the MESSAGE_ID (the journal handler writes it as `MESSAGE_ID=`, not as a
    /// `YEARD_` field).
    static let metadataKey = "message_id"
}

/// The journal fields an event carries when they apply: `YEARD_SCHOOL`, `YEARD_YEAR`, `YEARD_ACTION` (the audit
/// log's action name), `YEARD_UID` (the caller) and `YEARD_REQUEST`.
struct EventFields: Sendable {
    var school: String?
    var year: String?
    var action: AuditAction?
    var uid: UInt32?
    var request: Int64?

    var metadata: Logger.Metadata {
        var metadata: Logger.Metadata = [:]
        if let school { metadata["school"] = "\(school)" }
        if let year { metadata["year"] = "\(year)" }
        if let action { metadata["action"] = "\(action)" }
        if let uid { metadata["uid"] = "\(uid)" }
        if let request { metadata["request"] = "\(request)" }
        return metadata
    }
}

extension Logger {
    /// Logs one event of `kind` with its MESSAGE_ID, the fields that apply and any further `metadata`.
    func event(
        _ kind: JournalEvent, _ message: @autoclosure () -> String, level: Logger.Level = .notice,
        _ fields: EventFields = EventFields(), metadata: Logger.Metadata = [:]
    ) {
        var merged = fields.metadata.merging(metadata) { $1 }
        merged[JournalEvent.metadataKey] = "\(kind.messageID)"
        log(level: level, "\(message())", metadata: merged)
    }
}
