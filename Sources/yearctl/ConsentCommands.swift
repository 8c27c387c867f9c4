import ArgumentParser
import Foundation
import YearCore
import YearProtocol
import YearReports
import YearSheets

/// The options the two consent reports share.
struct ConsentOptions: ParsableArguments {
    @Option(help: "The year (id or label); default: the active year, else the only open one.") var year: String?
    @Option(help: "The day (YYYY-MM-DD or DD.MM.YYYY); default: today, within the year.") var date: String?
    @Option(name: .customLong("class"), help: "Only this class.") var group: String?
    @Option(help: "Only this student (id).") var student: String?
    @Option(name: [.short, .long], help: "Write to this file instead of standard output.") var output: String?

    func call(_ options: GlobalOptions, missingOnly: Bool) async throws -> ConsentsReply {
        try await Client(options: options).call(
            YeardAPI.Reports.consents,
            ConsentsParameters(
                school: options.school, year: year, date: date, class: group, student: student,
                missingOnly: missingOnly))
    }
}

/// `yearctl report consents-missing`.
struct ConsentsMissingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consents-missing",
        abstract: "Who must still sign the personal-data consent: students with none in force, and their guardians.",
        discussion: """
            The students in a class of the year on the day with no consent in force (none signed by then, or the \
            last one withdrawn), with their guardians and contacts: the same rule as the check consent.missing. \
            'yearctl report consent-form --missing' prints their forms. Each call is recorded in the audit log. \
            \(YeardAPI.help(for: YeardAPI.Reports.consents))
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var consent: ConsentOptions
    @Option(help: "text (default), csv or xlsx (an Excel workbook).") var format: Format = .text

    /// How the list is written.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, csv, xlsx
    }

    func run() async throws {
        let l = options.l
        let reply = try await consent.call(options, missingOnly: true)
        if options.json {
            printJSON(reply)
            return
        }
        let report = reply.report
        let rows = Self.rows(report, l)
        switch format {
        case .text:
            let title = l.tr(
                "Without a personal-data consent on {date}: {name}, year {year}",
                ["date": l.date(report.date), "name": report.schoolName, "year": report.year])
            try writeReport(
                title + "\n\n"
                    + TextTable.render(
                        Self.header(l), rows.map { $0.map(OO1Command.shown) },
                        empty: l.tr("Every student has a consent in force.")) + "\n"
                    + l.trn(
                        "{count} student has no consent in force.", "{count} students have no consent in force.",
                        report.students.count)
                    + "\n", to: consent.output, l)
        case .csv: try writeCSV(Self.header(l), rows, to: consent.output, l)
        case .xlsx:
            try writeWorkbook(to: consent.output, suggesting: "consents-missing.xlsx", l) { writer in
                try writer.beginSheet(l.tr("Consents missing"), header: Self.header(l))
                for row in rows { try writer.append(row) }
            }
        }
    }

    static func header(_ l: Localizer) -> [String] {
        [l.tr("Class"), l.tr("Student"), l.tr("Student id"), l.tr("Withdrawn"), l.tr("Guardians"), l.tr("Contacts")]
    }

    /// A row per student: class, name, id, the day the last consent was withdrawn, guardians and their contacts.
    static func rows(_ report: ConsentsReport, _ l: Localizer) -> [[WorkbookWriter.Cell]] {
        report.students.map { student in
            [
                .text(student.class), .text(student.name), .text(student.id),
                student.withdrawnOn.flatMap { CalendarDate(iso: $0) }.map(WorkbookWriter.Cell.date) ?? .empty,
                .text(student.guardians.map(\.name).joined(separator: "; ")),
                .text(
                    student.guardians.map { [$0.phone, $0.email].compactMap { $0 }.joined(separator: ", ") }
                        .filter { !$0.isEmpty }.joined(separator: "; ")),
            ]
        }
    }
}

/// `yearctl report consent-form`.
struct ConsentFormCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent-form",
        abstract: "The personal-data consent forms to print, one per guardian and child, prefilled from the registry.",
        discussion: """
            An HTML page per legal representative and child (a child with no guardian recorded: one form with \
            the name left blank), with the names, the child's birth date and class, the school, the purposes, the \
            data, the actions, the term and the right to withdraw (152-FZ art. 9). The form is the template \
            consent-form.mustache: a school puts the one its order approves in /etc/yeard/templates (or names a \
            directory with --templates). --missing prints only the forms of those who must still sign. Each call \
            is recorded in the audit log. \(YeardAPI.help(for: YeardAPI.Reports.consents))
            """)

    @OptionGroup var options: GlobalOptions
    @OptionGroup var consent: ConsentOptions
    @Flag(help: "Only the students with no consent in force on the day.") var missing = false
    @OptionGroup var templates: TemplateOptions

    func run() async throws {
        let l = options.l
        // The templates first: a broken one fetches no one's data.
        let forms = options.json ? nil : try templates.load(l)
        let reply = try await consent.call(options, missingOnly: missing)
        guard let forms else {
            printJSON(reply)
            return
        }
        try writeReport(try reply.report.formsHTML(l, templates: forms, printed: today()), to: consent.output, l)
    }
}
