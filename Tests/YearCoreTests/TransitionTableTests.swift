import Testing
import YearCore

@Suite("The transition table")
struct TransitionTableTests {
    /// The machine of domain.md, written out by hand: every (state, event) pair and what it must do.
    static let expected: [YearState: [YearEvent: YearState?]] = [
        .open: [.start: .inProgress, .beginClosing: nil, .reopen: nil, .close: nil, .undoRollover: nil],
        .inProgress: [.start: nil, .beginClosing: .closing, .reopen: nil, .close: nil, .undoRollover: nil],
        .closing: [.start: nil, .beginClosing: nil, .reopen: .inProgress, .close: .closed, .undoRollover: nil],
        .closed: [.start: nil, .beginClosing: nil, .reopen: nil, .close: nil, .undoRollover: .closing],
    ]

    @Test("every state x event pair leads where the domain says, or is refused by name", arguments: YearState.allCases)
    func everyPair(state: YearState) throws {
        for event in YearEvent.allCases {
            let context = TransitionContext(
                year: Fixtures.year(state: state), otherYears: [], reason: "a reason",
                byRollover: event == .close || event == .undoRollover)
            let result = TransitionTable.standard.decide(event, in: context)
            switch (Self.expected[state]?[event] ?? nil, result) {
            case (let target?, .success(let row)):
                #expect(row.to == target, "\(state) --\(event)--> \(row.to), expected \(target)")
                #expect(row.requestedBy == .admin && row.approvedBy == .coordinator)
            case (nil, .failure(.transitionNotAllowed(_, let from, let refused, _))):
                #expect(from == state && refused == event)
            default:
                Issue.record("\(state) --\(event)--> \(result): not what the domain says")
            }
        }
    }

    @Test("the table has at most one row per state and event")
    func rowsAreUnique() {
        let keys = TransitionTable.standard.rows.map { "\($0.from)/\($0.event)" }
        #expect(Set(keys).count == keys.count)
    }

    @Test("a refusal lists the events that do apply, without the rollover's")
    func refusalListsAllowedEvents() {
        let context = TransitionContext(year: Fixtures.year(state: .closing), otherYears: [], reason: nil)
        guard
            case .failure(.transitionNotAllowed(_, _, _, let allowed)) = TransitionTable.standard.decide(
                .start, in: context)
        else {
            Issue.record("start from closing must be refused")
            return
        }
        #expect(allowed == [.reopen])
    }

    @Test("closing -> closed is reached only by the rollover")
    func closeNeedsTheRollover() {
        let context = TransitionContext(year: Fixtures.year(state: .closing), otherYears: [], reason: nil)
        #expect(throws: YearError.rolloverOnly(event: .close)) {
            try TransitionTable.standard.decide(.close, in: context).get()
        }
    }

    @Test("a school has at most one year in progress or closing")
    func singleActiveYear() {
        for other in [YearState.inProgress, .closing] {
            let context = TransitionContext(
                year: Fixtures.year(id: 2, state: .open, startYear: 2027),
                otherYears: [Fixtures.year(id: 1, state: other)], reason: nil)
            guard
                case .failure(.guardFailed(.start, let violations)) = TransitionTable.standard.decide(
                    .start, in: context)
            else {
                Issue.record("start beside an active year must be refused")
                return
            }
            #expect(violations.first?.english.contains("2026/2027") == true)
        }
        let closedBeside = TransitionContext(
            year: Fixtures.year(id: 2, state: .open, startYear: 2027),
            otherYears: [Fixtures.year(id: 1, state: .closed), Fixtures.year(id: 3, state: .open, startYear: 2028)],
            reason: nil)
        #expect((try? TransitionTable.standard.decide(.start, in: closedBeside).get())?.to == .inProgress)
    }

    @Test("reopen needs a reason that is not blank")
    func reopenNeedsReason() {
        for reason in [nil, "", "   \n"] as [String?] {
            let context = TransitionContext(year: Fixtures.year(state: .closing), otherYears: [], reason: reason)
            guard case .failure(.guardFailed(.reopen, _)) = TransitionTable.standard.decide(.reopen, in: context) else {
                Issue.record("reopen with reason \(String(describing: reason)) must be refused")
                return
            }
        }
    }

    @Test("a guard added to a row refuses without changing the machine")
    func guardsPlugIn() {
        struct AlwaysNo: TransitionGuard {
            var name: String { "always-no" }
            func violations(in context: TransitionContext) -> [Note] { [Note("not ready")] }
        }
        let rows = TransitionTable.standard.rows.map { row in
            row.event == .beginClosing
                ? Transition(
                    from: row.from, event: row.event, to: row.to, requestedBy: row.requestedBy,
                    approvedBy: row.approvedBy, guards: row.guards + [AlwaysNo()])
                : row
        }
        let context = TransitionContext(year: Fixtures.year(state: .inProgress), otherYears: [], reason: nil)
        #expect(throws: YearError.guardFailed(event: .beginClosing, violations: [Note("not ready")])) {
            try TransitionTable(rows: rows).decide(.beginClosing, in: context).get()
        }
    }
}
