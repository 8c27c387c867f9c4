import ArgumentParser
import YearCore
import YearProtocol

/// `yearctl year ...`.
struct YearCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "year", abstract: "Academic years: list, show, create, and request their transitions.",
        subcommands: [List.self, Show.self, Create.self, Start.self, BeginClosing.self, Reopen.self])

    /// `yearctl year list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The years of your schools, newest first.", discussion: YeardAPI.help(for: YeardAPI.Year.list))

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let reply = try await Client(options: options).call(
                YeardAPI.Year.list, SchoolFilterParameters(school: options.school))
            Client(options: options).output(reply) { reply in printYears(reply.years, options.l) }
        }
    }

    /// `yearctl year show`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One year.", discussion: YeardAPI.help(for: YeardAPI.Year.get))

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The year's id or label (2026/2027).") var year: String

        func run() async throws {
            let id = try await resolveYear(year, options)
            let reply = try await Client(options: options).call(YeardAPI.Year.get, IDParameters(id: id))
            Client(options: options).output(reply) { reply in printYears([reply.year], options.l) }
        }
    }

    /// `yearctl year create`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a year in state open (admin).",
            discussion: "Dates default to the school's configured ones (1 September, 2 September after a Sunday). "
                + YeardAPI.help(for: YeardAPI.Year.create))

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The label: two consecutive years, 2026/2027.") var label: String
        @Option(help: "The first day, YYYY-MM-DD.") var start: String?
        @Option(help: "The last day, YYYY-MM-DD.") var end: String?
        @Option(
            name: .customLong("grade-end"),
            help: "A grade's own last day as GRADE=YYYY-MM-DD (9=2027-06-30: after the state exams); repeatable.")
        var gradeEnds: [String] = []

        func run() async throws {
            let ends = try gradeEnds.map { text -> GradeEndInfo in
                let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let grade = Int(parts[0]) else {
                    throw ValidationError(
                        options.l.tr(
                            "--grade-end takes GRADE=YYYY-MM-DD, e.g. 9=2027-06-30; got '{text}'", ["text": text]))
                }
                return GradeEndInfo(grade: grade, endDate: parts[1])
            }
            let reply = try await Client(options: options).call(
                YeardAPI.Year.create,
                YearCreateParameters(
                    school: options.school, label: label, startDate: start, endDate: end,
                    gradeEnds: ends.isEmpty ? nil : ends))
            let l = options.l
            Client(options: options).output(reply) { reply in
                let arguments = [
                    "label": reply.year.label, "id": String(reply.year.id), "school": reply.year.school,
                    "state": reply.year.state.name(l),
                ]
                print(l.tr("Created year {label} (id {id}) at {school}, state {state}.", arguments))
                print(l.tr("Next: yearctl year start {id} --reason \"...\" files the request to start it.", arguments))
            }
        }
    }

    /// `yearctl year start`.
    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Request open -> in_progress (admin); a coordinator approves it.",
            discussion: YeardAPI.help(for: YeardAPI.Approval.file))
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The year's id or label.") var year: String
        @Option(help: "Why (recorded in the request and the audit log).") var reason: String?

        func run() async throws { try await fileRequest(year, .start, reason, options) }
    }

    /// `yearctl year begin-closing`.
    struct BeginClosing: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "begin-closing",
            abstract: "Request in_progress -> closing (admin); a coordinator approves it.",
            discussion: YeardAPI.help(for: YeardAPI.Approval.file)
        )
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The year's id or label.") var year: String
        @Option(help: "Why.") var reason: String?

        func run() async throws { try await fileRequest(year, .beginClosing, reason, options) }
    }

    /// `yearctl year reopen`.
    struct Reopen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Request closing -> in_progress (admin, reason required); a coordinator approves it.",
            discussion: YeardAPI.help(for: YeardAPI.Approval.file))
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The year's id or label.") var year: String
        @Option(help: "Why the year must reopen (required).") var reason: String

        func run() async throws { try await fileRequest(year, .reopen, reason, options) }
    }
}

/// The id of the year given as an id or as a label of the school in `--school` (or of the only school).
func resolveYear(_ text: String, _ options: GlobalOptions) async throws -> Int64 {
    if let id = Int64(text) { return id }
    let years = try await Client(options: options).call(
        YeardAPI.Year.list, SchoolFilterParameters(school: options.school)
    ).years.filter { $0.label == text }
    guard years.count == 1, let year = years.first else {
        let l = options.l
        throw UsageError(
            message: years.isEmpty
                ? l.tr("no year labelled {label} is visible to you; see 'yearctl year list'", ["label": text])
                : l.trn(
                    "{count} school has a year {label}: name one with --school; see 'yearctl year list'",
                    "{count} schools have a year {label}: name one with --school; see 'yearctl year list'",
                    years.count, ["label": text]))
    }
    return year.id
}

func fileRequest(_ year: String, _ event: YearEvent, _ reason: String?, _ options: GlobalOptions) async throws {
    let id = try await resolveYear(year, options)
    let reply = try await Client(options: options).call(
        YeardAPI.Approval.file, FileRequestParameters(year: id, event: event, reason: reason))
    let moment = await Moments.fetch(options)
    let l = options.l
    Client(options: options).output(reply) { reply in
        let request = reply.request
        let arguments = [
            "id": String(request.id), "event": request.event.name(l), "year": request.yearLabel,
            "school": request.school, "from": request.from.name(l), "to": request.to.name(l),
            "expires": moment(request.expiresAt, school: request.school),
        ]
        print(
            l.tr(
                "Filed request {id}: {event} year {year} of {school} ({from} -> {to}); it expires {expires}.", arguments
            ))
        print(l.tr("A coordinator other than you approves it with: yearctl request approve {id}", arguments))
    }
}

func printYears(_ years: [YearInfo], _ l: Localizer) {
    // A grade with its own last day is named beside the year's: `2027-05-31 (9, 11: 2027-06-30)`.
    func end(_ year: YearInfo) -> String {
        let byDay = Dictionary(grouping: year.gradeEnds, by: \.endDate).sorted { $0.key < $1.key }
        let own = byDay.map { day, grades in
            grades.map { String($0.grade) }.joined(separator: ", ") + ": " + l.date(day)
        }
        return own.isEmpty ? l.date(year.endDate) : "\(l.date(year.endDate)) (\(own.joined(separator: "; ")))"
    }
    printTable(
        [
            l.trc("table heading", "ID"), l.trc("table heading", "SCHOOL"), l.trc("table heading", "LABEL"),
            l.trc("table heading", "STATE"), l.trc("table heading", "START"), l.trc("table heading", "END"),
            l.trc("table heading", "VERSION"),
        ],
        years.map {
            [
                String($0.id), $0.school, $0.label, $0.state.name(l), l.date($0.startDate), end($0),
                String($0.version),
            ]
        },
        empty: l.tr("no years yet; create one with: yearctl year create 2026/2027"))
}
