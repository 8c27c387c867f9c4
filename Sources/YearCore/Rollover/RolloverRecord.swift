import Foundation

/// A rollover as stored.
public struct RolloverRecord: Sendable, Equatable {
    /// Its number, school, the year it closed and the one it opened or filled (nil once an undo deleted it).
    public var id: Int64, school: String, fromYearID: Int64, toYearID: Int64?, toYear: String
    /// The request that applied it, the plan's hash and the summary the approver read.
    public var requestID: Int64, planHash: String, summary: [String]
    /// `applied` or `undone`, and when.
    public var state: RolloverState, appliedAt: Date, undoneAt: Date?

    /// A record with every field given.
    public init(
        id: Int64, school: String, fromYearID: Int64, toYearID: Int64?, toYear: String, requestID: Int64,
        planHash: String, summary: [String], state: RolloverState, appliedAt: Date, undoneAt: Date?
    ) {
        self.id = id
        self.school = school
        self.fromYearID = fromYearID
        self.toYearID = toYearID
        self.toYear = toYear
        self.requestID = requestID
        self.planHash = planHash
        self.summary = summary
        self.state = state
        self.appliedAt = appliedAt
        self.undoneAt = undoneAt
    }
}

/// What has changed in a new year since the rollover that made it: one sentence per table.
public struct RolloverChanges: Sendable, Equatable {
    /// The sentences, empty when nothing has changed.
    public var lines: [Note]

    /// Changes with every field given.
    public init(lines: [Note]) { self.lines = lines }
}
