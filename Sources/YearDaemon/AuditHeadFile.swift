import Foundation
import YearCore

/// The audit chain's head as the daemon last saw it, kept in `STATE_DIR/audit-head` outside the database: with the
/// rows' tail deleted and `sqlite_sequence` reset, the chain in the database alone looks intact, but no longer
/// reaches the row this file names (`AuditChain.Anchor`).
///
/// The file holds `SEQUENCE HASH` on its first line and, after `yeard restore`, `restored ISO-TIME` on a second:
/// backups taken before that time are then no anchor (the restore went back past them on purpose).
public struct AuditHeadFile: Sendable {
    /// The file's path.
    public let path: String

    /// What the file says.
    public struct Content: Sendable, Equatable {
        /// The head row's sequence and hash.
        public var sequence: Int64, hash: String
        /// When `yeard restore` put an older database in place, if it did.
        public var restoredAt: Date?

        /// A content with every field given.
        public init(sequence: Int64, hash: String, restoredAt: Date? = nil) {
            self.sequence = sequence
            self.hash = hash
            self.restoredAt = restoredAt
        }
    }

    /// The file of the state directory `stateDirectory`.
    public init(stateDirectory: String) {
        path = (stateDirectory as NSString).appendingPathComponent("audit-head")
    }

    /// The file's content; nil when there is none or it is not in the file's form.
    public func read() -> Content? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n")
        guard let first = lines.first else { return nil }
        let words = first.split(separator: " ")
        guard words.count == 2, let sequence = Int64(words[0]), words[1].count == 64,
            words[1].allSatisfy({ $0.isHexDigit })
        else { return nil }
        var restoredAt: Date?
        if lines.count > 1, lines[1].hasPrefix("restored ") {
            restoredAt = try? Date.ISO8601FormatStyle().parse(String(lines[1].dropFirst("restored ".count)))
        }
        return Content(sequence: sequence, hash: String(words[1]), restoredAt: restoredAt)
    }

    /// Replaces the file atomically (a reader sees the old content or the new, never a part).
    public func write(_ content: Content) throws {
        var text = "\(content.sequence) \(content.hash)\n"
        if let restoredAt = content.restoredAt { text += "restored \(Date.ISO8601FormatStyle().format(restoredAt))\n" }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
