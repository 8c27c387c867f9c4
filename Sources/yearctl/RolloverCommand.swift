import ArgumentParser
import Foundation
import YearProtocol

/// `yearctl rollover`.
struct RolloverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollover",
        abstract: "The year rollover: where every student goes when the year closes and the next one opens.",
        subcommands: [Plan.self, Map.self, Request.self, Undo.self, List.self])

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
                print("")
                printTable(
                    ["NEW CLASS", "FROM", "STUDENTS", "CAPACITY", "CLASS TEACHER", "PROFILE"],
                    plan.newClasses.map { new in
                        [
                            new.name, new.existing ? "(prepared)" : new.source ?? "(new)", String(new.students),
                            new.capacity.map(String.init) ?? "-", new.classTeacherID ?? "-", new.profile ?? "-",
                        ]
                    }, empty: "no classes")
                let admitted = plan.admissions.filter { $0.toClass != nil }.count
                if !plan.admissions.isEmpty {
                    print("\nFirst grade: \(admitted) of \(plan.admissions.count) accepted application(s) placed")
                }
                let carried = plan.carry.filter(\.value).keys.sorted()
                print("Carried over: \(carried.isEmpty ? "nothing" : carried.joined(separator: ", "))")
                if !plan.errors.isEmpty {
                    print("\n\(plan.errors.count) error(s) block the request of this plan:")
                    for error in plan.errors { print("  - \(error)") }
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

    /// `yearctl rollover map`.
    struct Map: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send an old class to another class of the next year (a merge, split or rename): map 9Б 10А.",
            discussion: """
                Stored with the plan and audited; --remove drops the override. \
                \(YeardAPI.help(for: "io.yeard.Rollover.Map"))
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: "The year (id or label); default: the school's active year.") var year: String?
        @Flag(help: "Remove the override of FROM instead.") var remove = false
        @Argument(help: "The old class.") var from: String
        @Argument(help: "The class of the next year it goes to.") var to: String?

        func validate() throws {
            if remove && to != nil { throw ValidationError("give either TO or --remove, not both") }
            if !remove && to == nil { throw ValidationError("give the class FROM goes to (or --remove)") }
        }

        func run() async throws {
            let client = Client(options: options)
            let reply = try await client.call(
                "io.yeard.Rollover.Map",
                RolloverMapParameters(school: options.school, year: year, from: from, to: remove ? nil : to),
                as: RolloverMapReply.self)
            client.output(reply) { reply in
                printTable(
                    ["CLASS", "GOES TO"], reply.overrides.sorted { $0.key < $1.key }.map { [$0.key, $0.value] },
                    empty: "no overrides: every class goes to the next grade with its letter")
            }
        }
    }

    /// `yearctl rollover request`.
    struct Request: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "File the rollover of the closing year for a coordinator's approval (admin).",
            discussion: """
                The request carries the plan's hash and summary; the coordinator sees them with 'yearctl request \
                show ID' and approves with 'yearctl request approve ID'. \
                \(YeardAPI.help(for: "io.yeard.Rollover.Request"))
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: "The year (id or label); default: the school's active year.") var year: String?
        @Option(help: "Why (recorded).") var reason: String?

        func run() async throws {
            try await fileRolloverRequest(
                "io.yeard.Rollover.Request", options: options,
                RolloverRequestParameters(school: options.school, year: year, reason: reason))
        }
    }

    /// `yearctl rollover undo`.
    struct Undo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "File the undo of a rollover for a coordinator's approval (admin).",
            discussion: """
                Refused, with the list of changes, while the new year holds anything made after the rollover. \
                \(YeardAPI.help(for: "io.yeard.Rollover.Undo"))
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: "The closed year (id or label); default: the one the latest applied rollover closed.")
        var year: String?
        @Option(help: "Why (required, recorded).") var reason: String

        func run() async throws {
            try await fileRolloverRequest(
                "io.yeard.Rollover.Undo", options: options,
                RolloverRequestParameters(school: options.school, year: year, reason: reason))
        }
    }

    /// `yearctl rollover list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The rollovers of a school, newest first.",
            discussion: YeardAPI.help(for: "io.yeard.Rollover.List"))
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let client = Client(options: options)
            let reply = try await client.call(
                "io.yeard.Rollover.List", SchoolFilterParameters(school: options.school), as: RolloverListReply.self)
            client.output(reply) { reply in
                printTable(
                    ["ROLLOVER", "SCHOOL", "INTO", "STATE", "APPLIED", "REQUEST"],
                    reply.rollovers.map {
                        [String($0.id), $0.school, $0.toYear, $0.state, $0.appliedAt, String($0.request)]
                    }, empty: "no rollovers")
            }
        }
    }
}

/// Files a rollover's request (or its undo's) and shows it with the command that approves it.
func fileRolloverRequest(_ method: String, options: GlobalOptions, _ parameters: RolloverRequestParameters)
    async throws
{
    let client = Client(options: options)
    let reply = try await client.call(method, parameters, as: RequestReply.self)
    client.output(reply) { reply in
        describe(reply.request)
        print("\nA coordinator approves it with: yearctl request approve \(reply.request.id)")
    }
}
