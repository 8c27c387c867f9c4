/// One thing a check found: which check, how much it matters, what it is about, in plain words.
public struct Finding: Sendable, Hashable, Codable {
    /// The check's id.
    public var check: String
    /// Its severity when the run was made.
    public var severity: Severity
    /// The kind of entity (`student`, `class`, `teacher`, ...).
    public var entityKind: String
    /// The entity's external id; with `/` and a subject or a slot when one entity can have several findings of the
    /// check (`5А/math`, `T-12/mon-3`), so that each finding has a key of its own.
    public var entityID: String
    /// The class the finding belongs to, when it belongs to one (for reports grouped by class).
    public var className: String?
    /// A sentence for people, in English.
    public var message: String
    /// What the sentence is made of (`name`, `class`, `subject`...), from which `FindingMessages` says it in any
    /// language; nil for a check whose sentence is not yet made this way, and for findings stored before.
    public var params: [String: String]?

    /// A finding with every field given.
    public init(
        check: String, severity: Severity, entityKind: String, entityID: String, className: String?, message: String,
        params: [String: String]? = nil
    ) {
        self.check = check
        self.severity = severity
        self.entityKind = entityKind
        self.entityID = entityID
        self.className = className
        self.message = message
        self.params = params
    }

    /// The sentence in `l`'s language: from the parameters when the check says its sentences that way, else the
    /// English sentence stored.
    public func message(_ l: Localizer) -> String {
        FindingMessages.message(check: check, params: params, stored: message, l)
    }

    /// What makes a finding the same one in another run: the check and the entity (not the words, which may carry
    /// counts that move).
    public var key: Key { Key(check: check, entityKind: entityKind, entityID: entityID) }

    /// The identity of a finding across runs.
    public struct Key: Sendable, Hashable, Comparable {
        /// The check and the entity.
        public var check: String, entityKind: String, entityID: String

        /// By check, then entity kind, then entity id.
        public static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.check, lhs.entityKind, lhs.entityID) < (rhs.check, rhs.entityKind, rhs.entityID)
        }
    }
}

/// What changed between two runs: findings that are new, and findings that were resolved.
public struct FindingDiff: Sendable, Equatable {
    /// In the current run and not in the previous one.
    public var new: [Finding]
    /// In the previous run, of a check the current run ran again, and no longer found.
    public var resolved: [Finding]

    /// The difference from `previous` to `current`, counting only the checks both runs ran: a finding of a check one
    /// of them did not run is neither new nor resolved (nobody looked then, or nobody looked again).
    public init(previous: [Finding], previousChecks: Set<String>, current: [Finding], currentChecks: Set<String>) {
        let both = previousChecks.intersection(currentChecks)
        let before = Set(previous.map(\.key))
        let now = Set(current.map(\.key))
        new = current.filter { both.contains($0.check) && !before.contains($0.key) }.sorted { $0.key < $1.key }
        resolved = previous.filter { both.contains($0.check) && !now.contains($0.key) }.sorted { $0.key < $1.key }
    }
}
