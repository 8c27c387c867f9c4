import Foundation
import Testing
import YearCore

@testable import YearStore

@Suite("The rollover plan over a generated school")
struct RolloverInputTests {
    @Test("the new year's classes hold the students the generator's decisions send there; every student has a line")
    func generatedSchool() async throws {
        let (store, year, files) = try await MovementTests.loadGenerated(seed: 4)
        let plan = try #require(RolloverPlan(try await store.database.rolloverInput(of: year)))
        // An independent count from the decisions file alone.
        var expected: [String: Int] = [:]
        var decided = 0
        for line in (files[.decisions] ?? "").split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            decided += 1
            if fields[1] != "graduated" { expected[fields[4], default: 0] += 1 }
        }
        var planned: [String: Int] = [:]
        for line in plan.students { if let target = line.toClass { planned[target, default: 0] += 1 } }
        #expect(planned == expected)
        #expect(plan.students.count == decided && plan.problems.isEmpty)
        #expect(Set(plan.students.map(\.studentID)).count == plan.students.count, "no student twice")
        #expect(plan.toYear.description == "2027/2028" && plan.toStart.description == "2027-09-01")
    }
}
