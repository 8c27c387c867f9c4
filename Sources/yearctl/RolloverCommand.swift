import ArgumentParser
import Foundation
import YearCore
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
                \(YeardAPI.help(for: YeardAPI.Rollover.plan))
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: "The year (id or label); default: the school's active year.") var year: String?
        @Flag(help: "Also list every student's line.") var students = false
        @Flag(help: "Every school of the instance where you hold a role, one line each.") var allSchools = false

        func validate() throws { try requireOneScope(options, allSchools) }

        func run() async throws {
            let client = Client(options: options)
            let l = options.l
            if allSchools {
                let outcomes = try await forEverySchool(options) { session, school in
                    try await session.call(YeardAPI.Rollover.plan, RolloverPlanParameters(school: school, year: year))
                }
                client.output(outcomes) { outcomes in
                    printTable(
                        [
                            l.trc("table heading", "SCHOOL"), l.trc("table heading", "YEARS"),
                            l.trc("table heading", "STUDENTS"), l.trc("table heading", "ERRORS"),
                            l.trc("table heading", "PLAN"),
                        ],
                        outcomes.map { outcome in
                            guard let plan = outcome.result else {
                                return [outcome.school, "-", "-", "-", outcome.message ?? ""]
                            }
                            return [
                                outcome.school, "\(plan.fromYear) -> \(plan.toYear)", l.number(plan.students.count),
                                l.number(plan.problems), String(plan.planHash.prefix(16)),
                            ]
                        }, empty: l.tr("no schools visible to you"))
                }
                if outcomes.contains(where: { $0.result == nil || ($0.result?.problems ?? 0) > 0 }) {
                    throw ExitCode(ExitStatus.refused.rawValue)
                }
                return
            }
            let reply = try await client.call(
                YeardAPI.Rollover.plan, RolloverPlanParameters(school: options.school, year: year))
            client.output(reply) { plan in
                let a = [
                    "school": plan.school, "from": plan.fromYear, "to": plan.toYear, "start": l.date(plan.toStart),
                    "end": l.date(plan.toEnd), "plan": plan.planHash,
                ]
                print(l.tr("Rollover of {school}: {from} -> {to} ({start} to {end}); plan {plan}", a))
                let outcomes = plan.summary.sorted { $0.key < $1.key }.map { key, count in
                    l.tr(
                        "{outcome} {count}",
                        ["outcome": PromotionOutcome(rawValue: key)?.name(l) ?? key, "count": l.number(count)])
                }
                print(l.tr("Outcomes: {outcomes}", ["outcomes": outcomes.joined(separator: ", ")]))
                print()
                printTable(
                    [
                        l.trc("table heading", "CLASS"), l.trc("table heading", "GOES TO"),
                        l.trc("table heading", "STUDENTS"),
                    ],
                    plan.classes.map { [$0.from, $0.to ?? l.tr("(closes)"), l.number($0.students)] },
                    empty: l.tr("no classes"))
                print()
                printTable(
                    [
                        l.trc("table heading", "NEW CLASS"), l.trc("table heading", "FROM"),
                        l.trc("table heading", "STUDENTS"), l.trc("table heading", "CAPACITY"),
                        l.trc("table heading", "CLASS TEACHER"), l.trc("table heading", "PROFILE"),
                    ],
                    plan.newClasses.map { new in
                        [
                            new.name, new.existing ? l.tr("(prepared)") : new.source ?? l.tr("(new)"),
                            l.number(new.students), new.capacity.map(l.number) ?? "-",
                            new.classTeacher ?? new.classTeacherID ?? "-",
                            new.profile ?? "-",
                        ]
                    }, empty: l.tr("no classes"))
                let admitted = plan.admissions.filter { $0.toClass != nil }.count
                if !plan.admissions.isEmpty {
                    print()
                    print(
                        l.trn(
                            "First grade: {placed} of {count} accepted application placed",
                            "First grade: {placed} of {count} accepted applications placed", plan.admissions.count,
                            ["placed": l.number(admitted)]))
                }
                // The plan's own summary line says what is carried, each part named in the language.
                let carried = plan.carry.filter(\.value).keys.sorted()
                print(
                    carried.isEmpty
                        ? Note("summary-carried-nothing").message(l)
                        : Note("summary-carried", ["what": carried.joined(separator: ",")]).message(l))
                if !plan.errors.isEmpty {
                    print()
                    print(
                        l.trn(
                            "{count} error blocks the request of this plan:",
                            "{count} errors block the request of this plan:", plan.errors.count))
                    for error in plan.errorNotes { print("  - \(error.message(l))") }
                }
                if !plan.warnings.isEmpty {
                    print()
                    print(
                        l.trn(
                            "{count} warning, which does not block it:", "{count} warnings, which do not block it:",
                            plan.warnings.count))
                    for warning in plan.warningNotes { print("  - \(warning.message(l))") }
                }
                if students {
                    print()
                    printTable(
                        [
                            l.trc("table heading", "STUDENT"), l.trc("person heading", "NAME"),
                            l.trc("table heading", "OUTCOME"), l.trc("table heading", "ORDER"),
                            l.trc("table heading", "FROM"), l.trc("table heading", "TO"),
                            l.trc("table heading", "DEBTS"),
                        ],
                        l.sorted(plan.students, by: \.name).map { line in
                            [
                                line.studentID, line.name, line.outcome?.name(l) ?? "-", line.orderKind?.name(l) ?? "-",
                                line.fromClass, line.toClass ?? l.tr("(leaves)"),
                                line.debts.map {
                                    l.tr(
                                        "{debts} by {deadline}",
                                        ["debts": $0, "deadline": line.deadline.map(l.date) ?? "?"])
                                } ?? "",
                            ]
                        }, empty: l.tr("no students"))
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
                \(YeardAPI.help(for: YeardAPI.Rollover.map))
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: "The year (id or label); default: the school's active year.") var year: String?
        @Flag(help: "Remove the override of FROM instead.") var remove = false
        @Argument(help: "The old class.") var from: String
        @Argument(help: "The class of the next year it goes to.") var to: String?
        @Option(
            name: .customLong("teacher-from"),
            help: "In a merge, the old class whose class teacher, profile and assignments TO keeps (default: first).")
        var teacherFrom: String?

        func validate() throws {
            let l = options.l
            if remove && to != nil { throw ValidationError(l.tr("give either TO or --remove, not both")) }
            if !remove && to == nil { throw ValidationError(l.tr("give the class FROM goes to (or --remove)")) }
            if remove && teacherFrom != nil {
                throw ValidationError(l.tr("--teacher-from names a class to keep in a merge"))
            }
        }

        func run() async throws {
            let client = Client(options: options)
            let reply = try await client.call(
                YeardAPI.Rollover.map,
                RolloverMapParameters(
                    school: options.school, year: year, from: from, to: remove ? nil : to, teacherFrom: teacherFrom))
            let l = options.l
            client.output(reply) { reply in
                printTable(
                    [l.trc("table heading", "CLASS"), l.trc("table heading", "GOES TO")],
                    reply.overrides.sorted { $0.key < $1.key }.map { [$0.key, $0.value] },
                    empty: l.tr("no overrides: every class goes to the next grade with its letter"))
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
                \(YeardAPI.help(for: YeardAPI.Rollover.request))
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: "The year (id or label); default: the school's active year.") var year: String?
        @Option(help: "Why (recorded).") var reason: String?
        @Flag(help: "Request every school's rollover (each is approved and applied on its own).") var allSchools = false

        func validate() throws { try requireOneScope(options, allSchools) }

        func run() async throws {
            if allSchools {
                let outcomes = try await forEverySchool(options) { session, school in
                    try await session.call(
                        YeardAPI.Rollover.request, RolloverRequestParameters(school: school, year: year, reason: reason)
                    )
                }
                let l = options.l
                Client(options: options).output(outcomes) { outcomes in
                    printTable(
                        [
                            l.trc("table heading", "SCHOOL"), l.trc("table heading", "REQUEST"),
                            l.trc("table heading", "RESULT"),
                        ],
                        outcomes.map { outcome in
                            guard let request = outcome.result?.request else {
                                return [outcome.school, "-", outcome.message ?? ""]
                            }
                            return [
                                outcome.school, String(request.id),
                                l.tr(
                                    "filed: plan {plan}",
                                    ["plan": String(request.rollover?.planHash.prefix(16) ?? "")]),
                            ]
                        }, empty: l.tr("no schools visible to you"))
                    print()
                    print(l.tr("A coordinator approves each with: yearctl request approve ID"))
                }
                if outcomes.contains(where: { $0.result == nil }) { throw ExitCode(ExitStatus.refused.rawValue) }
                return
            }
            try await fileRolloverRequest(
                YeardAPI.Rollover.request, options: options,
                RolloverRequestParameters(school: options.school, year: year, reason: reason))
        }
    }

    /// `yearctl rollover undo`.
    struct Undo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "File the undo of a rollover for a coordinator's approval (admin).",
            discussion: """
                Refused, with the list of changes, while the new year holds anything made after the rollover. \
                \(YeardAPI.help(for: YeardAPI.Rollover.undo))
                """)
        @OptionGroup var options: GlobalOptions
        @Option(help: "The closed year (id or label); default: the one the latest applied rollover closed.")
        var year: String?
        @Option(help: "Why (required, recorded).") var reason: String

        func run() async throws {
            try await fileRolloverRequest(
                YeardAPI.Rollover.undo, options: options,
                RolloverRequestParameters(school: options.school, year: year, reason: reason))
        }
    }

    /// `yearctl rollover list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The rollovers of a school, newest first.",
            discussion: YeardAPI.help(for: YeardAPI.Rollover.list))
        @OptionGroup var options: GlobalOptions
        @Flag(help: "Every school: its newest year and state and its latest rollover.") var allSchools = false

        func validate() throws { try requireOneScope(options, allSchools) }

        func run() async throws {
            let client = Client(options: options)
            if allSchools {
                let outcomes = try await forEverySchool(options) { session, school in
                    let years = try await session.call(YeardAPI.Year.list, SchoolFilterParameters(school: school))
                    let rollovers = try await session.call(
                        YeardAPI.Rollover.list, SchoolFilterParameters(school: school))
                    return SchoolRollovers(years: years.years, latest: rollovers.rollovers.first)
                }
                let l = options.l
                client.output(outcomes) { outcomes in
                    printTable(
                        [
                            l.trc("table heading", "SCHOOL"), l.trc("table heading", "YEARS"),
                            l.trc("table heading", "LATEST ROLLOVER"),
                        ],
                        outcomes.map { outcome in
                            guard let summary = outcome.result else {
                                return [outcome.school, "-", outcome.message ?? ""]
                            }
                            let years = summary.years.prefix(2).map { "\($0.label) \($0.state.name(l))" }.joined(
                                separator: ", ")
                            let latest =
                                summary.latest.map {
                                    l.tr(
                                        "{id}: into {year}, {state}",
                                        ["id": String($0.id), "year": $0.toYear, "state": $0.state.name(l)])
                                } ?? l.tr("none")
                            return [outcome.school, years.isEmpty ? l.tr("no years") : years, latest]
                        }, empty: l.tr("no schools visible to you"))
                }
                return
            }
            let reply = try await client.call(YeardAPI.Rollover.list, SchoolFilterParameters(school: options.school))
            let l = options.l
            let moment = await Moments.fetch(options)
            client.output(reply) { reply in
                printTable(
                    [
                        l.trc("table heading", "ROLLOVER"), l.trc("table heading", "SCHOOL"),
                        l.trc("table heading", "INTO"), l.trc("table heading", "STATE"),
                        l.trc("table heading", "APPLIED"), l.trc("table heading", "REQUEST"),
                    ],
                    reply.rollovers.map {
                        [
                            String($0.id), $0.school, $0.toYear, $0.state.name(l),
                            moment($0.appliedAt, school: $0.school),
                            String($0.request),
                        ]
                    }, empty: l.tr("no rollovers"))
            }
        }
    }
}

/// Files a rollover's request (or its undo's) and shows it with the command that approves it.
func fileRolloverRequest(
    _ method: Method<RolloverRequestParameters, RequestReply>, options: GlobalOptions,
    _ parameters: RolloverRequestParameters
) async throws {
    let client = Client(options: options)
    let reply = try await client.call(method, parameters)
    let moment = await Moments.fetch(options)
    client.output(reply) { reply in
        describe(reply.request, moment)
        print()
        print(
            options.l.tr(
                "A coordinator approves it with: yearctl request approve {id}", ["id": String(reply.request.id)]))
    }
}

/// `--all-schools` and `--school` name different things: refuse both at once.
func requireOneScope(_ options: GlobalOptions, _ allSchools: Bool) throws {
    if allSchools && options.school != nil {
        throw ValidationError(options.l.tr("give --school or --all-schools, not both"))
    }
}

/// One school's outcome of an `--all-schools` command: its reply, or the daemon's refusal.
struct SchoolOutcome<R: Codable>: Codable {
    /// The school, its reply, and the refusal's error name and message.
    var school: String, result: R?, error: String?, message: String?

    enum CodingKeys: String, CodingKey { case school, result, error, message }

    /// Every key is written, absent values as null (the JSON is a public contract).
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(school, forKey: .school)
        try container.encode(result, forKey: .result)
        try container.encode(error, forKey: .error)
        try container.encode(message, forKey: .message)
    }
}

/// A school's years (newest first) and its latest rollover.
struct SchoolRollovers: Codable {
    var years: [YearInfo]
    var latest: RolloverInfo?
}

/// Runs `body` for every school where the caller holds a role, on one connection; a refusal at one school is that
/// school's outcome, not the end of the command.
func forEverySchool<R: Codable>(
    _ options: GlobalOptions, _ body: (VarlinkSession, String) async throws -> R
) async throws -> [SchoolOutcome<R>] {
    try await Client(options: options).withSession { session in
        let schools = try await session.call(YeardAPI.Year.listSchools, NoParameters()).schools
        var outcomes: [SchoolOutcome<R>] = []
        for school in schools {
            do {
                outcomes.append(
                    SchoolOutcome(
                        school: school.id, result: try await body(session, school.id), error: nil, message: nil))
            } catch let error as VarlinkError {
                outcomes.append(
                    SchoolOutcome(school: school.id, result: nil, error: error.name, message: error.message))
            }
        }
        return outcomes
    }
}
