import ArgumentParser
import Foundation
import YearProtocol

/// `yearctl rollover`.
struct RolloverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollover",
        abstract: "The year rollover: where every student goes when the year closes and the next one opens.",
        subcommands: [Plan.self])

    /// `yearctl rollover plan`.
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Preview the rollover of the year in progress or closing: outcomes, class mapping, new classes.",
            discussion: """
                Exits 1 when some student cannot be placed (each is listed with the reason). \
                \(YeardAPI.help(for: "io.yeard.Rollover.Plan"))
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: "The year (id or label); default: the school's active year.") var year: String?
        @Flag(help: "Also list every student's line.") var students = false

        func run() async throws {
            let client = Client(options: options)
            let reply = try await client.call(
                "io.yeard.Rollover.Plan", RolloverPlanParameters(school: options.school, year: year),
                as: RolloverPlanReply.self)
            client.output(reply) { plan in
                print(
                    "Rollover of \(plan.school): \(plan.fromYear) -> \(plan.toYear) "
                        + "(\(plan.toStart) to \(plan.toEnd)); plan \(plan.planHash)")
                print(
                    "Outcomes: "
                        + plan.summary.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
                            separator: ", "))
                print("")
                printTable(
                    ["CLASS", "GOES TO", "STUDENTS"],
                    plan.classes.map { [$0.from, $0.to ?? "(closes)", String($0.students)] }, empty: "no classes")
                print("\nNew year's classes: \(plan.newClasses.joined(separator: ", "))")
                let problems = plan.students.filter { $0.reason != nil }
                if !problems.isEmpty {
                    print("\n\(problems.count) student(s) cannot be placed:")
                    printTable(
                        ["STUDENT", "NAME", "CLASS", "REASON"],
                        problems.map { [$0.studentID, $0.name, $0.fromClass, $0.reason ?? ""] }, empty: "")
                }
                if students {
                    print("")
                    printTable(
                        ["STUDENT", "NAME", "OUTCOME", "FROM", "TO", "DEBTS"],
                        plan.students.map { line in
                            [
                                line.studentID, line.name, line.outcome ?? "-", line.fromClass,
                                line.toClass ?? "(leaves)", line.debts.map { "\($0) by \(line.deadline ?? "?")" } ?? "",
                            ]
                        }, empty: "no students")
                }
            }
            if reply.problems > 0 { throw ExitCode(ExitStatus.refused.rawValue) }
        }
    }
}
