import Foundation

/// What a guard sees when it decides whether a transition may happen.
public struct TransitionContext: Sendable {
    /// The year to move, as it stands now.
    public var year: AcademicYear
    /// The school's other years.
    public var otherYears: [AcademicYear]
    /// The reason given with the request, if any.
    public var reason: String?
    /// Whether the transition is being executed by the year rollover rather than requested directly.
    public var byRollover: Bool

    /// A context with every field given.
    public init(year: AcademicYear, otherYears: [AcademicYear], reason: String?, byRollover: Bool = false) {
        self.year = year
        self.otherYears = otherYears
        self.reason = reason
        self.byRollover = byRollover
    }
}

/// A check attached to a row of the transition table. Later capabilities (readiness checks) add guards to rows
/// without changing the machine itself.
public protocol TransitionGuard: Sendable {
    /// A stable name, shown in refusals and in the documentation.
    var name: String { get }
    /// Every reason the transition may not happen now (`Note+Refusals.swift`); empty when it may.
    func violations(in context: TransitionContext) -> [Note]
}

/// One row of the machine: from a state, an event leads to a state, requested by one role and approved by another.
public struct Transition: Sendable {
    /// The state the year must be in.
    public let from: YearState
    /// The event.
    public let event: YearEvent
    /// The state the year moves to.
    public let to: YearState
    /// Who files the request.
    public let requestedBy: Role
    /// Who approves it (always a different person).
    public let approvedBy: Role
    /// Whether only the year rollover may execute this row (a plain request is refused).
    public let rolloverOnly: Bool
    /// Checked when the request is filed and again when it is executed.
    public let guards: [any TransitionGuard]

    /// A row with every field given.
    public init(
        from: YearState, event: YearEvent, to: YearState, requestedBy: Role, approvedBy: Role,
        rolloverOnly: Bool = false, guards: [any TransitionGuard]
    ) {
        self.from = from
        self.event = event
        self.to = to
        self.requestedBy = requestedBy
        self.approvedBy = approvedBy
        self.rolloverOnly = rolloverOnly
        self.guards = guards
    }
}

/// The year state machine as data: anything not in `rows` is refused with a typed error.
public struct TransitionTable: Sendable {
    /// The rows, at most one per (from, event).
    public let rows: [Transition]

    /// A table of the given rows.
    public init(rows: [Transition]) { self.rows = rows }

    /// The machine of domain.md section 2.
    public static let standard = TransitionTable(rows: [
        Transition(
            from: .open, event: .start, to: .inProgress, requestedBy: .admin, approvedBy: .coordinator,
            guards: [SingleActiveYearGuard()]),
        Transition(
            from: .inProgress, event: .beginClosing, to: .closing, requestedBy: .admin, approvedBy: .coordinator,
            guards: []),
        Transition(
            from: .closing, event: .reopen, to: .inProgress, requestedBy: .admin, approvedBy: .coordinator,
            guards: [ReasonRequiredGuard()]),
        // The rollover executes this row and adds its readiness guards here; a plain request is refused.
        Transition(
            from: .closing, event: .close, to: .closed, requestedBy: .admin, approvedBy: .coordinator,
            rolloverOnly: true, guards: []),
        // The undo of a rollover reopens the old year as closing; its request names the rollover it reverses.
        Transition(
            from: .closed, event: .undoRollover, to: .closing, requestedBy: .admin, approvedBy: .coordinator,
            rolloverOnly: true, guards: [SingleActiveYearGuard()]),
    ])

    /// The row for `event` from `state`, if there is one.
    public func row(from state: YearState, event: YearEvent) -> Transition? {
        rows.first { $0.from == state && $0.event == event }
    }

    /// Decides whether `event` may move the year in `context` now: the row, or the refusal that says why not.
    public func decide(_ event: YearEvent, in context: TransitionContext) -> Result<Transition, YearError> {
        guard let row = row(from: context.year.state, event: event) else {
            return .failure(
                .transitionNotAllowed(
                    year: context.year.label.description, state: context.year.state, event: event,
                    allowed: rows.filter { $0.from == context.year.state && !$0.rolloverOnly }.map(\.event)))
        }
        if row.rolloverOnly && !context.byRollover {
            return .failure(.rolloverOnly(event: event))
        }
        let violations = row.guards.flatMap { $0.violations(in: context) }
        if !violations.isEmpty {
            return .failure(.guardFailed(event: event, violations: violations))
        }
        return .success(row)
    }
}

/// A school has at most one year in progress or closing.
public struct SingleActiveYearGuard: TransitionGuard {
    /// The guard.
    public init() {}
    /// `single-active-year`.
    public var name: String { "single-active-year" }
    /// Names the other active year, if there is one.
    public func violations(in context: TransitionContext) -> [Note] {
        context.otherYears.filter { $0.state.isActive && $0.id != context.year.id }.map {
            Note(
                "single-active-year",
                ["year": $0.label.description, "school": $0.school, "state": $0.state.rawValue])
        }
    }
}

/// The transition needs a reason of at least a few words.
public struct ReasonRequiredGuard: TransitionGuard {
    /// The guard.
    public init() {}
    /// `reason-required`.
    public var name: String { "reason-required" }
    /// Refuses a missing or blank reason.
    public func violations(in context: TransitionContext) -> [Note] {
        let reason = context.reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return reason.isEmpty ? [Note("reason-required")] : []
    }
}
