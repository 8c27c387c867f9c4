import Foundation
import PropertyBased
import Testing
import YearCore

/// The rollover plan on random schools: classes of every grade, students with every outcome (or none), certificates
/// or not, first-grade applications. `YEARD_PROPERTY_CASES` sets the number of schools (200 by default).
@Suite("The rollover plan on random schools")
struct RolloverPlanPropertyTests {
    static let cases = Int(ProcessInfo.processInfo.environment["YEARD_PROPERTY_CASES"] ?? "") ?? 200
    static let letters = ["А", "Б", "В"]

    /// A school whose students are drawn from `codes`, one each, and `applications` first-grade applications.
    static func input(codes: [Int], applications: Int) -> RolloverInput {
        let outcomes: [PromotionOutcome?] = [
            nil, .promoted, .promoted, .promoted, .promoted, .conditional, .retained, .adapted, .graduated, .left,
            .transferred,
        ]
        var students: [RolloverInput.Student] = []
        for (index, code) in codes.enumerated() {
            let grade = code % 11 + 1
            let className = "\(grade)\(letters[(code / 11) % 3])"
            let outcome = outcomes[(code / 33) % outcomes.count]
            students.append(
                RolloverInput.Student(
                    id: "S\(index)", name: "Student \(index)", className: className, grade: grade, outcome: outcome,
                    debts: outcome == .conditional ? "math" : nil,
                    deadline: outcome == .conditional ? "2027-10-15" : nil,
                    councilOrderNo: outcome == nil ? nil : "12", councilOrderDate: outcome == nil ? nil : "2027-05-25",
                    destination: outcome == .transferred ? "School 5" : nil,
                    certificates: (code / 363) % 3 == 0 ? [] : grade == 9 ? ["basic"] : grade == 11 ? ["secondary"] : []
                ))
        }
        let classes = Array(Set(students.map(\.className))).sorted()
        let admitted = (0..<applications).map {
            RolloverInput.Application(id: "A\($0)", name: "Child \($0)", gender: $0 % 2 == 0 ? "M" : "F")
        }
        return RolloverInput(
            school: RolloverPlanTests.school, year: YearLabel("2026/2027")!, classes: classes, students: students,
            applications: admitted)
    }

    @Test("every student placed once or named unplaceable, counts conserved, the hash blind to row order")
    func randomSchools() async {
        await propertyCheck(
            count: Self.cases, input: Gen.int(in: 0...(1 << 30)).array(of: 1...150), Gen.int(in: 0...40),
            Gen.int(in: 0...Int(Int32.max))
        ) { codes, applications, seed in
            let input = Self.input(codes: codes, applications: applications)
            guard let plan = RolloverPlan(input) else {
                Issue.record("no plan for a valid input")
                return
            }
            // Every student exactly once.
            #expect(plan.students.count == input.students.count)
            #expect(Set(plan.students.map(\.studentID)) == Set(input.students.map(\.id)))
            let classes = Set(plan.newYearClasses)
            for line in plan.students {
                guard line.reason == nil else { continue }
                // A placed line goes where its outcome says: on into a class of the new year, or out of the school.
                switch line.outcome {
                case nil: Issue.record("\(line.studentID) has no decision and was placed")
                case .graduated?, .left?, .transferred?: #expect(line.toClass == nil, "\(line)")
                case .promoted?, .conditional?, .retained?, .adapted?:
                    #expect(
                        line.toClass.map(classes.contains) == true,
                        "\(line.studentID) to \(String(describing: line.toClass))")
                }
            }
            // The new classes hold exactly the students and children placed into them.
            let placed = plan.students.filter { $0.reason == nil && $0.toClass != nil }.count
            let admitted = plan.admissions.filter { $0.toClass != nil }.count
            #expect(plan.newClasses.map(\.students).reduce(0, +) == placed + admitted)
            #expect(plan.admissions.count == applications)
            // The same school read in another order is the same plan, to the byte.
            var generator = SplitMix64(state: UInt64(seed))
            var shuffled = input
            shuffled.students.shuffle(using: &generator)
            shuffled.classes.shuffle(using: &generator)
            shuffled.applications.shuffle(using: &generator)
            #expect(RolloverPlan(shuffled)?.hash == plan.hash)
        }
    }
}
