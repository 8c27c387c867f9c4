import Foundation
import Testing

@testable import YearCore

@Suite("The refusal budget: rows per caller grow with time, not with calls")
struct RefusalBudgetTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("the first refusals of a window are recorded, the last of them says so, the rest are counted")
    func window() {
        var budget = RefusalBudget(perWindow: 3, window: 60)
        let decisions: [RefusalBudget.Decision] = (0..<6).map { _ in
            budget.admit(uid: 7, userName: "x", method: "m", at: start).decision
        }
        #expect(decisions == [.record, .record, .recordLast, .count, .count, .count])
        #expect(budget.due(at: start.addingTimeInterval(59)).isEmpty)
        let due = budget.due(at: start.addingTimeInterval(60))
        #expect(
            due == [
                .init(
                    uid: 7, userName: "x", denials: false, from: start, to: start.addingTimeInterval(60), count: 3,
                    methods: ["m": 3])
            ])
        #expect(budget.admit(uid: 7, userName: "x", method: "m", at: start.addingTimeInterval(61)).decision == .record)
    }

    @Test("a caller's next refusal after its window brings the window's summary; others keep their own windows")
    func perCaller() {
        var budget = RefusalBudget(perWindow: 1, window: 60)
        _ = budget.admit(uid: 1, userName: "a", method: "m", at: start)
        _ = budget.admit(uid: 1, userName: "a", method: "n", at: start.addingTimeInterval(1))
        #expect(
            budget.admit(uid: 2, userName: "b", method: "m", at: start.addingTimeInterval(2)).decision == .recordLast)
        let next = budget.admit(uid: 1, userName: "a", method: "m", at: start.addingTimeInterval(100))
        #expect(next.decision == .recordLast)
        #expect(next.due.map(\.uid) == [1] && next.due.first?.methods == ["n": 1])
    }

    @Test("denials have a budget of their own: junk refusals do not use up the rows that record denials")
    func denialsApart() {
        var budget = RefusalBudget(perWindow: 2, window: 600)
        for _ in 0..<10 { _ = budget.admit(uid: 1, userName: "a", method: "junk", at: start) }
        #expect(budget.admit(uid: 1, userName: "a", method: "m", denial: true, at: start).decision == .record)
        let drained = budget.drain(at: start.addingTimeInterval(1))
        #expect(drained.map(\.denials) == [false] && drained.first?.count == 8)
    }

    @Test("a window with nothing counted leaves no summary; draining gives every pending count at once")
    func drain() {
        var budget = RefusalBudget(perWindow: 2, window: 600)
        _ = budget.admit(uid: 1, userName: "a", method: "m", at: start)
        for _ in 0..<5 { _ = budget.admit(uid: 2, userName: "b", method: "m", at: start) }
        let drained = budget.drain(at: start.addingTimeInterval(5))
        #expect(drained.map(\.uid) == [2] && drained.first?.count == 3)
        #expect(drained.first?.to == start.addingTimeInterval(5))
        #expect(budget.drain(at: start.addingTimeInterval(6)).isEmpty)
    }
}
