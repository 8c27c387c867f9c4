import ArgumentParser
import Foundation
import YearCore
import YearProtocol

/// `yearctl checks`.
struct ChecksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checks",
        abstract:
            "The data-quality checks: the catalogue, a run now, the last run and what changed since the one before.",
        subcommands: [List.self, Run.self, Last.self, Diff.self])

    /// `yearctl checks list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The catalogue: every check's id, when it applies, its severity here and what it finds.",
            discussion: YeardAPI.help(for: YeardAPI.Checks.list))
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let client = Client(options: options)
            let reply = try await client.call(YeardAPI.Checks.list, NoParameters())
            let l = options.l
            client.output(reply) { reply in
                printTable(
                    [
                        l.trc("table heading", "CHECK"), l.trc("table heading", "PHASE"),
                        l.trc("table heading", "SEVERITY"), l.trc("table heading", "FINDS"),
                    ],
                    reply.checks.map {
                        [
                            $0.id, $0.phase.name(l),
                            $0.severity == $0.defaultSeverity
                                ? $0.severity.name(l)
                                : l.tr(
                                    "{severity} (default {default})",
                                    ["severity": $0.severity.name(l), "default": $0.defaultSeverity.name(l)]),
                            $0.summary,
                        ]
                    }, empty: l.tr("no checks"))
            }
        }
    }

    /// `yearctl checks run`.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the checks now (all of them, or those named with --check) and show what they found.",
            discussion: """
                Exits 0 when nothing was found at the error severity, 1 when something was. \
                \(YeardAPI.help(for: YeardAPI.Checks.run))
                """)
        @OptionGroup var options: GlobalOptions
        @Option(name: .customLong("check"), help: "A check to run (repeatable; default: the whole catalogue).")
        var checks: [String] = []
        @Option(help: "The year (id or label); default: the active year, else the only open one.") var year: String?
        @OptionGroup var report: ReportOptions

        func run() async throws {
            let client = Client(options: options)
            let reply = try await client.call(
                YeardAPI.Checks.run,
                CheckRunParameters(
                    school: options.school, year: year, checks: checks.isEmpty ? nil : checks,
                    format: report.format(json: options.json), language: options.l.language))
            try client.output(reply) { try report.emit($0.rendered, options.l) }
            if reply.run.errors > 0 { throw ExitCode(ExitStatus.refused.rawValue) }
        }
    }

    /// `yearctl checks last`.
    struct Last: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The last run of the checks (scheduled or not) and its findings.",
            discussion: YeardAPI.help(for: YeardAPI.Checks.last))
        @OptionGroup var options: GlobalOptions
        @Option(help: "Only runs of this year (id or label).") var year: String?
        @OptionGroup var report: ReportOptions

        func run() async throws {
            let client = Client(options: options)
            let reply = try await client.call(
                YeardAPI.Checks.last,
                CheckLastParameters(
                    school: options.school, year: year, format: report.format(json: options.json),
                    language: options.l.language))
            try client.output(reply) { reply in
                guard reply.run != nil else {
                    print(options.l.tr("No checks have run yet; run them with 'yearctl checks run'."))
                    return
                }
                try report.emit(reply.rendered, options.l)
            }
        }
    }

    /// `yearctl checks diff`.
    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What changed between the last run and the one before it: new findings and resolved ones.",
            discussion: YeardAPI.help(for: YeardAPI.Checks.diff))
        @OptionGroup var options: GlobalOptions
        @Option(help: "Only runs of this year (id or label).") var year: String?

        func run() async throws {
            let client = Client(options: options)
            let reply = try await client.call(
                YeardAPI.Checks.diff, CheckLastParameters(school: options.school, year: year))
            let l = options.l
            let moment = await Moments.fetch(options)
            client.output(reply) { reply in
                let a = [
                    "run": String(reply.run.id), "school": reply.run.school, "year": reply.run.year,
                    "started": moment(reply.run.startedAt, school: reply.run.school),
                    "previous": reply.previous.map(String.init) ?? "", "new": l.number(reply.new.count),
                    "resolved": l.number(reply.resolved.count),
                ]
                print(
                    reply.previous == nil
                        ? l.tr(
                            "Run {run} of {school}, {year}, {started}, against nothing (the first run of the year): {new} new, {resolved} resolved.",
                            a)
                        : l.tr(
                            "Run {run} of {school}, {year}, {started}, against run {previous}: {new} new, {resolved} resolved.",
                            a))
                if !reply.new.isEmpty {
                    print()
                    print(l.tr("New:"))
                    printFindings(reply.new, l)
                }
                if !reply.resolved.isEmpty {
                    print()
                    print(l.tr("Resolved:"))
                    printFindings(reply.resolved, l)
                }
            }
        }
    }
}

/// Findings as an aligned table.
func printFindings(_ findings: [FindingInfo], _ l: Localizer) {
    printTable(
        [
            l.trc("table heading", "SEVERITY"), l.trc("table heading", "CHECK"), l.trc("table heading", "CLASS"),
            l.trc("table heading", "ENTITY"), l.trc("table heading", "MESSAGE"),
        ],
        findings.map {
            [$0.severity.name(l), $0.check, $0.className ?? "-", "\($0.entityKind) \($0.entityID)", $0.message(l)]
        },
        empty: l.tr("nothing found"))
}

/// `yearctl report`.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: """
            Reports: readiness, OO-1, orders, the movement book, the summary sheet, consents and their forms.
            """,
        subcommands: [
            Readiness.self, OO1Command.self, OrdersCommand.self, MovementBookCommand.self, SummarySheetCommand.self,
            ConsentsMissingCommand.self, ConsentFormCommand.self,
        ])

    /// `yearctl report readiness`.
    struct Readiness: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the checks that apply before the year starts or closes and say whether it is ready.",
            discussion: """
                Errors block the transition (the coordinator may accept named error checks at approval with \
                --accept CHECK --reason TEXT); warnings never do. Exits 0 when ready, 1 when not. \
                \(YeardAPI.help(for: YeardAPI.Checks.readiness))
                """)
        @OptionGroup var options: GlobalOptions
        @Option(name: .customLong("for"), help: "start or close.") var target: ReadinessTarget
        @Option(help: "The year (id or label); default: the active year, else the only open one.") var year: String?
        @OptionGroup var report: ReportOptions

        func run() async throws {
            let client = Client(options: options)
            let reply = try await client.call(
                YeardAPI.Checks.readiness,
                ReadinessParameters(
                    school: options.school, year: year, target: target, format: report.format(json: options.json),
                    language: options.l.language))
            try client.output(reply) { try report.emit($0.rendered, options.l) }
            if !reply.ready { throw ExitCode(ExitStatus.refused.rawValue) }
        }
    }
}

/// How a report is shown: as text on the terminal by default, or in another format, to a file.
struct ReportOptions: ParsableArguments {
    @Option(help: "text, csv, json or html (a self-contained page with charts; print it from a browser).")
    var format = CheckReport.Format.text
    @Option(help: "Write the report to this file instead of standard output.") var output: String?

    /// The format to ask the daemon for (none with --json: the reply itself is printed).
    func format(json: Bool) -> CheckReport.Format? { json ? nil : format }

    /// Prints or writes the rendered report.
    func emit(_ rendered: String?, _ l: Localizer) throws {
        try writeReport(rendered ?? "", to: output, json: format == .json, l)
    }
}

/// Prints a rendered report (JSON as JSON text), or writes it whole to `output` and says so on standard error.
func writeReport(_ text: String, to output: String?, json: Bool = false, _ l: Localizer) throws {
    guard let output else {
        if json { printJSONText(text, terminator: "") } else { print(text, terminator: "") }
        return
    }
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
    } catch {
        throw UsageError.file(output, .write, error, l)
    }
    printError("yearctl: " + l.tr("wrote {file}", ["file": output]))
}
